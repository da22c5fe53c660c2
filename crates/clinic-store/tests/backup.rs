//! Backups and restores: a backup taken while writes go on is a consistent, verified copy; a restore
//! gives back identical content and keeps the current data aside; damaged, truncated and foreign files
//! are refused with a clear reason; only the newest backups are kept.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::common::{create, device, dump, fill, no_init, passphrase};
use chrono::{DateTime, Duration, Utc};
use clinic_store::{
    BackupKey, Fields, KeyOptions, Store, StoreError, Table, preview_backup, stage_restore,
};

fn at(n: i64) -> DateTime<Utc> {
    "2026-11-30T22:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(n)
}

fn back_up(store: &Store, folder: &Path, n: i64) -> PathBuf {
    store
        .back_up(folder, 14, "Harbour Clinic", None, at(n))
        .expect("backup")
        .file
}

#[test]
fn a_restore_gives_back_identical_content_and_keeps_the_current_data_aside() {
    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    fill(&store);
    let file = back_up(&store, folder.path(), 0);
    let at_backup = dump(&store);
    // Work done after the backup: the restore goes back to before it.
    store
        .write(None, |tx| {
            tx.insert(
                Table::AppointmentTypes,
                Fields::new()
                    .set("name", "After the backup")
                    .set("duration_minutes", 10),
            )
        })
        .unwrap();
    let after_backup = dump(&store);

    let staged = stage_restore(
        dir.path(),
        &file,
        &BackupKey::ThisStore(&store),
        &passphrase(),
    )
    .unwrap();
    assert_eq!(staged.preview().manifest.clinic_name, "Harbour Clinic");
    drop(store);
    let (restored, aside) = staged.finish(&passphrase()).unwrap();
    let restored_dump = dump(&restored);
    // Identical, but for the audit entry of the backup itself, written once the copy was taken.
    let i = at_backup
        .iter()
        .position(|t| t.starts_with("audit_log:"))
        .unwrap();
    assert_eq!(restored_dump[..i], at_backup[..i]);
    assert_eq!(restored_dump[i + 1..], at_backup[i + 1..]);
    assert!(at_backup[i].starts_with(&restored_dump[i]));
    assert!(at_backup[i].len() > restored_dump[i].len());
    assert_eq!(restored.first_broken_audit_entry().unwrap(), None);
    assert_ne!(
        restored.info().store_id,
        Store::open(&aside, &passphrase()).unwrap().info().store_id,
        "the restored store is a store of its own"
    );
    drop(restored);

    // The data as it was before the restore is kept, whole, and opens.
    let kept = Store::open(&aside, &passphrase()).unwrap();
    assert_eq!(dump(&kept), after_backup);
}

#[test]
fn a_backup_taken_while_writes_go_on_is_a_consistent_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let store = Arc::new(create(dir.path()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (Arc::clone(&store), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                store
                    .write(None, |tx| {
                        tx.insert(
                            Table::AppointmentTypes,
                            Fields::new()
                                .set("name", format!("Type {n}"))
                                .set("duration_minutes", 15),
                        )
                    })
                    .unwrap();
                n += 1;
            }
            n
        })
    };
    let mut files = Vec::new();
    for n in 0..4 {
        std::thread::sleep(std::time::Duration::from_millis(150));
        files.push(back_up(&store, folder.path(), n));
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 20, "the writer kept writing ({written} rows)");

    let mut seen = Vec::new();
    for file in &files {
        let staged_dir = tempfile::tempdir().unwrap();
        let staged = stage_restore(
            staged_dir.path(),
            file,
            &BackupKey::ThisStore(&store),
            &passphrase(),
        )
        .unwrap();
        let (copy, _) = staged.finish(&passphrase()).unwrap();
        // Each row of the snapshot came with its change record: no write was caught half way.
        let (rows, changes, gaps): (i64, i64, i64) = copy
            .read(|r| {
                r.query_row(
                    "SELECT (SELECT count(*) FROM appointment_types),
                            (SELECT count(*) FROM outbox WHERE table_name = 'appointment_types'),
                            (SELECT max(device_seq) - count(*) FROM outbox)",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
            })
            .unwrap();
        assert_eq!(rows, changes);
        assert_eq!(gaps, 0, "the change records are gapless");
        seen.push(rows);
    }
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    assert!(
        seen.last() > seen.first(),
        "writes went on between backups: {seen:?}"
    );
}

#[test]
fn damaged_truncated_and_foreign_files_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    fill(&store);
    let file = back_up(&store, folder.path(), 0);
    let bytes = fs::read(&file).unwrap();
    let unlock = BackupKey::ThisStore(&store);
    let refused = |name: &str, content: &[u8]| {
        let path = folder.path().join(name);
        fs::write(&path, content).unwrap();
        let err = preview_backup(&path, &unlock).err().unwrap();
        let staged = stage_restore(dir.path(), &path, &unlock, &passphrase())
            .err()
            .unwrap();
        assert_eq!(err.to_string(), staged.to_string());
        err
    };

    let mut flipped = bytes.clone();
    let last = flipped.len() - 100;
    flipped[last] ^= 0x01;
    let err = refused("flipped.clinicbackup", &flipped);
    assert!(matches!(err, StoreError::BadBackup { .. }), "{err:?}");
    assert!(err.to_string().contains("checksum"), "{err}");

    let err = refused("cut.clinicbackup", &bytes[..bytes.len() / 2]);
    assert!(err.to_string().contains("truncated"), "{err}");

    let err = refused("notes.clinicbackup", b"Dear diary\nnothing here\n");
    assert!(err.to_string().contains("not a Clinic backup"), "{err}");

    let header_end = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
    let err = refused("header.clinicbackup", &bytes[..header_end + 20]);
    assert!(
        err.to_string().contains("cut short") || err.to_string().contains("damaged"),
        "{err}"
    );

    // A backup of another clinic cannot be opened with this clinic's keys.
    let other_dir = tempfile::tempdir().unwrap();
    let other = create(other_dir.path());
    let foreign = back_up(&other, folder.path(), 1);
    let err = preview_backup(&foreign, &unlock).err().unwrap();
    assert!(matches!(err, StoreError::RecoveryKeyMismatch), "{err:?}");

    // Nothing was staged or moved: the clinic is as it was.
    drop(store);
    assert!(!dir.path().join("restore-staging").exists());
    assert!(Store::open(dir.path(), &passphrase()).is_ok());
}

#[test]
fn a_backup_from_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let file = back_up(&store, folder.path(), 0);
    let text = fs::read(&file).unwrap();
    let header_end = text.iter().position(|b| *b == b'\n').unwrap() + 1;
    let rest = String::from_utf8_lossy(&text[header_end..]).into_owned();
    let version = format!("\"schema_version\":{}", clinic_store::SCHEMA_VERSION);
    assert!(rest.contains(&version));
    let mut newer = text[..header_end].to_vec();
    let manifest_end = text[header_end..].iter().position(|b| *b == b'\n').unwrap() + header_end;
    let manifest = String::from_utf8(text[header_end..manifest_end].to_vec())
        .unwrap()
        .replace(&version, "\"schema_version\":99");
    newer.extend(manifest.as_bytes());
    newer.extend(&text[manifest_end..]);
    fs::write(&file, newer).unwrap();
    let err = preview_backup(&file, &BackupKey::ThisStore(&store))
        .err()
        .unwrap();
    assert!(
        matches!(err, StoreError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
}

#[test]
fn only_the_newest_backups_of_this_clinic_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let unrelated = folder.path().join("holiday photo.jpg");
    fs::write(&unrelated, b"not a backup").unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let other = create(other_dir.path());
    let others = back_up(&other, folder.path(), 0);
    let mut files = Vec::new();
    for n in 1..=4 {
        let report = store
            .back_up(folder.path(), 2, "Harbour Clinic", None, at(n))
            .unwrap();
        files.push(report.file);
    }
    let mut left: Vec<PathBuf> = fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    left.sort();
    let mut expected = vec![files[2].clone(), files[3].clone(), others, unrelated];
    expected.sort();
    assert_eq!(left, expected);
    let settings = store.backup_settings().unwrap();
    assert_eq!(settings.last_backup_file.as_deref(), files[3].to_str());
    assert_eq!(settings.last_error, None);
}

#[test]
fn a_failed_backup_is_recorded_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let blocker = dir.path().join("a file, not a folder");
    fs::write(&blocker, b"x").unwrap();
    assert!(
        store
            .back_up(&blocker, 14, "Harbour Clinic", None, at(0))
            .is_err()
    );
    let settings = store.backup_settings().unwrap();
    assert!(settings.last_error.is_some());
    assert_eq!(settings.last_backup_at, None);
}

#[test]
fn on_a_new_computer_the_recovery_key_restores_a_backup_into_an_empty_folder() {
    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let (store, recovery) =
        Store::create(dir.path(), &passphrase(), &device("A"), no_init).unwrap();
    fill(&store);
    let file = back_up(&store, folder.path(), 0);
    let original = dump(&store);
    drop(store);

    let new_computer = tempfile::tempdir().unwrap();
    let target = new_computer.path().join("Clinic");
    let chosen = KeyOptions::passphrase("the new computer's passphrase");
    let staged = stage_restore(&target, &file, &BackupKey::Recovery(&recovery), &chosen).unwrap();
    let patients = staged
        .preview()
        .counts
        .iter()
        .find(|c| c.table == "patients")
        .unwrap()
        .rows;
    assert_eq!(patients, 1);
    let (restored, _) = staged.finish(&chosen).unwrap();
    let patients_now = restored
        .read(|r| r.count("SELECT count(*) FROM patients", []))
        .unwrap();
    assert_eq!(patients_now, 1);
    let tables = |d: &[String]| d.iter().take(Table::ALL.len()).cloned().collect::<Vec<_>>();
    assert_eq!(tables(&dump(&restored)), tables(&original));
    drop(restored);
    // The same sheet still opens the restored data.
    assert!(Store::recover(&target, &recovery, &chosen).is_ok());
}

/// The backup's first two lines, and a copy of it with them rewritten by `edit`.
fn with_header(file: &Path, name: &str, edit: impl Fn(&str, &str) -> (String, String)) -> PathBuf {
    let bytes = fs::read(file).unwrap();
    let first_end = bytes.iter().position(|b| *b == b'\n').unwrap();
    let second_end = bytes[first_end + 1..]
        .iter()
        .position(|b| *b == b'\n')
        .unwrap()
        + first_end
        + 1;
    let first = String::from_utf8(bytes[..first_end].to_vec()).unwrap();
    let second = String::from_utf8(bytes[first_end + 1..second_end].to_vec()).unwrap();
    let (first, second) = edit(&first, &second);
    let mut out = format!("{first}\n{second}").into_bytes();
    out.extend(&bytes[second_end..]);
    let path = file.with_file_name(name);
    fs::write(&path, out).unwrap();
    path
}

/// The header's MAC field taken out, as a header from before MACs would be.
fn without_mac(header: &str) -> String {
    let mut manifest: serde_json::Value = serde_json::from_str(header).unwrap();
    manifest.as_object_mut().unwrap().remove("header_mac");
    manifest.to_string()
}

#[test]
fn an_edited_backup_header_is_refused_once_the_key_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    // The clinic's own settings row, as every real clinic has it.
    let clinic_id = store.clinic_id().parse().unwrap();
    store
        .write(None, |tx| {
            tx.insert_with_id(
                Table::ClinicSettings,
                clinic_id,
                Fields::new()
                    .set("name", "Harbour Clinic")
                    .set("currency", "EUR")
                    .set("time_zone", "Europe/Madrid"),
            )
        })
        .unwrap();
    let file = back_up(&store, folder.path(), 0);
    let unlock = BackupKey::ThisStore(&store);
    assert_eq!(
        preview_backup(&file, &unlock).unwrap().manifest.clinic_name,
        "Harbour Clinic"
    );
    let renamed = |header: &str| header.replace("Harbour Clinic", "Trusted Clinic");

    let edited = with_header(&file, "edited.clinicbackup", |first, second| {
        (first.to_owned(), renamed(second))
    });
    let err = preview_backup(&edited, &unlock).err().unwrap();
    assert!(err.to_string().contains("header was altered"), "{err}");

    let stripped = with_header(&file, "stripped.clinicbackup", |first, second| {
        (first.to_owned(), renamed(&without_mac(second)))
    });
    let err = preview_backup(&stripped, &unlock).err().unwrap();
    assert!(err.to_string().contains("header was altered"), "{err}");

    // Passed off as a backup from before MACs: the data itself names another clinic.
    let downgraded = with_header(&file, "downgraded.clinicbackup", |_, second| {
        ("CLINIC-BACKUP 1".to_owned(), renamed(&without_mac(second)))
    });
    let err = preview_backup(&downgraded, &unlock).err().unwrap();
    assert!(err.to_string().contains("header was altered"), "{err}");
    let staged = stage_restore(dir.path(), &downgraded, &unlock, &passphrase());
    assert!(staged.is_err());

    // A genuine backup from before MACs still opens.
    let older = with_header(&file, "older.clinicbackup", |_, second| {
        ("CLINIC-BACKUP 1".to_owned(), without_mac(second))
    });
    assert_eq!(
        preview_backup(&older, &unlock)
            .unwrap()
            .manifest
            .clinic_name,
        "Harbour Clinic"
    );
}
