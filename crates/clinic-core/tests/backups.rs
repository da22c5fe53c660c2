//! Backups through the core: settings checked field by field, the daily schedule (with a retry after a
//! failure), a restore that keeps the current data aside and is audited, and recovery keys.

use crate::common;

use std::path::PathBuf;

use crate::common::{ADMIN_PASSWORD, at, key};
use clinic_core::{BackupSettingsInput, Clinic, KeyOptions, NewPatient};

fn settings(folder: &std::path::Path) -> BackupSettingsInput {
    BackupSettingsInput {
        folder: Some(folder.display().to_string()),
        keep: 14,
    }
}

#[test]
fn backup_settings_are_checked_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let c = common::clinic(dir.path(), "Backup Clinic");
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let relative = BackupSettingsInput {
        folder: Some("backups".into()),
        keep: 14,
    };
    assert_eq!(
        c.set_backup_settings(&admin, relative).unwrap_err().field(),
        Some("folder")
    );
    let a_file = dir.path().join("not a folder");
    std::fs::write(&a_file, b"x").unwrap();
    let err = c
        .set_backup_settings(&admin, settings(&a_file))
        .unwrap_err();
    assert_eq!(err.field(), Some("folder"), "{err}");
    let none_kept = BackupSettingsInput {
        keep: 0,
        ..settings(dir.path())
    };
    assert_eq!(
        c.set_backup_settings(&admin, none_kept)
            .unwrap_err()
            .field(),
        Some("keep")
    );
    // Backing up with no folder set says so.
    assert_eq!(
        c.back_up_now(&admin, None).unwrap_err().field(),
        Some("folder")
    );
}

#[test]
fn the_app_backs_up_daily_and_retries_an_hour_after_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let c = common::clinic(dir.path(), "Backup Clinic");
    c.set_clock(at("2026-11-22T08:00:00Z"));
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    assert!(
        c.run_scheduled_backup().unwrap().is_none(),
        "no folder, no backup"
    );

    let status = c.set_backup_settings(&admin, settings(usb.path())).unwrap();
    assert_eq!(
        status.next_due_at.as_deref(),
        Some("2026-11-22T08:00:00.000Z")
    );
    let first = c
        .run_scheduled_backup()
        .unwrap()
        .expect("never backed up: due now");
    assert_eq!(first.same_clinic, Some(true));
    c.set_clock(at("2026-11-23T07:59:00Z"));
    assert!(c.run_scheduled_backup().unwrap().is_none());
    c.set_clock(at("2026-11-23T08:00:00Z"));
    assert!(c.run_scheduled_backup().unwrap().is_some());

    // The drive is gone: the failure is recorded, and the next try waits an hour.
    let gone = usb.path().to_owned();
    drop(usb);
    std::fs::write(&gone, b"the drive's mount point is a file now").unwrap();
    c.set_clock(at("2026-11-24T08:00:00Z"));
    assert!(c.run_scheduled_backup().is_err());
    let status = c.backup_status(&admin).unwrap();
    assert!(status.last_error.is_some());
    assert_eq!(
        status.next_due_at.as_deref(),
        Some("2026-11-24T09:00:00.000Z")
    );
    c.set_clock(at("2026-11-24T08:30:00Z"));
    assert!(c.run_scheduled_backup().unwrap().is_none());
    std::fs::remove_file(&gone).unwrap();
    c.set_clock(at("2026-11-24T09:00:00Z"));
    assert!(c.run_scheduled_backup().unwrap().is_some());
    assert_eq!(c.backup_status(&admin).unwrap().last_error, None);
}

#[test]
fn a_restore_keeps_the_current_data_aside_and_is_audited_in_the_restored_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let c = common::clinic(dir.path(), "Backup Clinic");
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let register = |c: &Clinic, name: &str| {
        let p = NewPatient {
            first_name: name.into(),
            last_name: "Silva".into(),
            date_of_birth: "1990-01-01".into(),
            ..Default::default()
        };
        c.register_patient(&admin, p).unwrap();
    };
    register(&c, "Ana");
    let backup = PathBuf::from(c.back_up_now(&admin, Some(usb.path())).unwrap().file);
    register(&c, "Bea");

    let preview = c.preview_backup(&admin, &backup, None).unwrap();
    let patients = preview
        .counts
        .iter()
        .find(|n| n.table == "patients")
        .unwrap();
    assert_eq!(patients.rows, 1);
    assert_eq!(preview.clinic_name, "Backup Clinic");
    let prepared = c
        .prepare_restore(&admin, dir.path(), &backup, None, &key())
        .unwrap();
    drop(c);
    let (restored, aside) = prepared.finish(&key()).unwrap();
    let admin = restored.sign_in("root", ADMIN_PASSWORD).unwrap();
    assert_eq!(
        restored
            .list_patients(&admin, &clinic_core::PatientQuery::all(0, 10))
            .unwrap()
            .total,
        1
    );
    let entries = restored
        .audit_log(
            &admin,
            clinic_core::AuditQuery {
                action: Some("restored_from_backup".into()),
                limit: 5,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(entries.total, 1);
    assert_eq!(
        entries.entries[0].user_id.as_deref(),
        Some(admin.id.as_str())
    );

    let kept = Clinic::open(&aside, &key()).unwrap();
    let admin = kept.sign_in("root", ADMIN_PASSWORD).unwrap();
    assert_eq!(
        kept.list_patients(&admin, &clinic_core::PatientQuery::all(0, 10))
            .unwrap()
            .total,
        2
    );
}

#[test]
fn a_foreign_backup_asks_for_its_recovery_key() {
    let (a, b, usb) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let ours = common::clinic(a.path(), "Ours");
    let (theirs, their_key) = Clinic::create(
        b.path(),
        &key(),
        clinic_core::NewClinic {
            clinic_name: "Theirs".into(),
            time_zone: "UTC".into(),
            country: None,
            currency: "USD".into(),
            admin_username: "root".into(),
            admin_display_name: "Root".into(),
            admin_password: ADMIN_PASSWORD.into(),
        },
    )
    .unwrap();
    let their_admin = theirs.sign_in("root", ADMIN_PASSWORD).unwrap();
    let file = PathBuf::from(
        theirs
            .back_up_now(&their_admin, Some(usb.path()))
            .unwrap()
            .file,
    );
    let admin = ours.sign_in("root", ADMIN_PASSWORD).unwrap();
    let err = ours.preview_backup(&admin, &file, None).unwrap_err();
    assert_eq!(err.field(), Some("recoveryKey"));
    let err = ours
        .preview_backup(&admin, &file, Some("not a key"))
        .unwrap_err();
    assert_eq!(err.field(), Some("recoveryKey"));
    let preview = ours
        .preview_backup(&admin, &file, Some(&their_key.to_display()))
        .unwrap();
    assert_eq!(preview.clinic_name, "Theirs");
    assert_eq!(preview.same_clinic, Some(false));
}

#[test]
fn recovery_keys_are_checked_and_the_sheet_carries_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (c, recovery) = Clinic::create(
        dir.path(),
        &key(),
        clinic_core::NewClinic {
            clinic_name: "Clínica Núñez".into(),
            time_zone: "Europe/Madrid".into(),
            country: None,
            currency: "EUR".into(),
            admin_username: "root".into(),
            admin_display_name: "Root".into(),
            admin_password: ADMIN_PASSWORD.into(),
        },
    )
    .unwrap();
    let pdf = c.recovery_sheet(&recovery, dir.path(), "Root").unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    if let Ok(out) = std::process::Command::new("pdftotext")
        .args(["-raw", "-", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&pdf)?;
            child.wait_with_output()
        })
    {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Clínica Núñez"), "{text}");
        assert!(
            text.replace(['\n', ' '], "")
                .contains(&*recovery.to_display()),
            "{text}"
        );
    }
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let status = c.recovery_key_status(&admin).unwrap();
    assert!(status.has_recovery_key && status.confirmed_at.is_none());
    c.confirm_recovery_key(&admin).unwrap();
    assert!(
        c.recovery_key_status(&admin)
            .unwrap()
            .confirmed_at
            .is_some()
    );
    drop(c);

    let new_passphrase = KeyOptions::passphrase("set at recovery 2026");
    let err = Clinic::recover(dir.path(), "ABCD-EFGH", &new_passphrase)
        .err()
        .unwrap();
    assert_eq!(err.field(), Some("recoveryKey"));
    let recovered = Clinic::recover(dir.path(), &recovery.to_display(), &new_passphrase).unwrap();
    assert!(recovered.sign_in("root", ADMIN_PASSWORD).is_ok());
}
