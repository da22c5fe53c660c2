//! Keys, recovery, backups, restores and the audit trail from the `clinic` command line.

use std::path::Path;

use crate::common::{assert_one_line_failure, clinic, json, stderr};

const BOSS: [(&str, &str); 2] = [
    ("CLINIC_USER", "boss"),
    ("CLINIC_PASSWORD", "a long enough passphrase"),
];

/// Runs `clinic init` for Harbour Dental, administered by `boss`, with `extra` arguments.
fn run_init(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "init",
        "--clinic-name",
        "Harbour Dental",
        "--admin-user",
        "boss",
        "--time-zone",
        "UTC",
    ];
    args.extend(extra);
    let mut all = vec![("CLINIC_ADMIN_PASSWORD", "a long enough passphrase")];
    all.extend(env);
    clinic(dir, &args, &all)
}

/// Sets up a clinic (passphrase mode unless `env` says otherwise) and returns its recovery key.
fn init(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> String {
    let out = run_init(dir, env, extra);
    json(&out);
    let text = stderr(&out);
    text.split("Recovery key (shown only now): ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .expect("init shows the recovery key")
        .to_owned()
}

fn register_demo(dir: &Path) {
    let out = clinic(dir, &["demo", "--user", "boss"], &[BOSS[1]]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn init_hands_over_the_recovery_key_and_its_sheet_which_opens_the_data_under_a_new_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("sheet.pdf");
    let data = dir.path().join("data");
    let key = init(&data, &[], &["--recovery-sheet", sheet.to_str().unwrap()]);
    assert_eq!(key.len(), 44);
    assert!(std::fs::read(&sheet).unwrap().starts_with(b"%PDF"));

    let status = json(&clinic(&data, &["keys", "status"], &BOSS));
    assert_eq!(status["hasRecoveryKey"], true);
    assert_eq!(status["keySource"], "passphrase");

    // The passphrase is forgotten: recover with the key, choosing a new passphrase.
    let new = [("CLINIC_DB_PASSPHRASE", "the passphrase chosen now")];
    assert_one_line_failure(
        &clinic(
            &data,
            &["recover"],
            &[new[0], ("CLINIC_RECOVERY_KEY", "AAAA-BBBB")],
        ),
        "recoveryKey",
    );
    let out = clinic(
        &data,
        &["recover"],
        &[new[0], ("CLINIC_RECOVERY_KEY", &key)],
    );
    assert_eq!(json(&out)["clinic_name"], "Harbour Dental");
    assert_one_line_failure(&clinic(&data, &["status"], &BOSS), "key is wrong");
    let status = json(&clinic(&data, &["status"], &[BOSS[0], BOSS[1], new[0]]));
    assert_eq!(status["clinic_name"], "Harbour Dental");
}

#[test]
fn rotating_the_key_and_replacing_the_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let first = init(dir.path(), &[], &[]);
    let rotated = [("CLINIC_NEW_DB_PASSPHRASE", "rotated passphrase 2026")];
    let out = clinic(
        dir.path(),
        &["keys", "rotate"],
        &[BOSS[0], BOSS[1], rotated[0]],
    );
    assert_eq!(json(&out)["database_key"], "changed");
    let now = ("CLINIC_DB_PASSPHRASE", "rotated passphrase 2026");
    assert!(
        clinic(dir.path(), &["status"], &[BOSS[0], BOSS[1], now])
            .status
            .success()
    );

    let sheet = dir.path().join("new-sheet.pdf");
    let out = clinic(
        dir.path(),
        &[
            "keys",
            "new-recovery-key",
            "--sheet",
            sheet.to_str().unwrap(),
        ],
        &[BOSS[0], BOSS[1], now],
    );
    assert_eq!(json(&out)["confirmedAt"], serde_json::Value::Null);
    assert!(sheet.exists());
    let confirmed = json(&clinic(
        dir.path(),
        &["keys", "confirm-recovery-key"],
        &[BOSS[0], BOSS[1], now],
    ));
    assert!(confirmed["confirmedAt"].is_string());
    // The first sheet no longer opens the data.
    assert_one_line_failure(
        &clinic(
            dir.path(),
            &["recover"],
            &[now, ("CLINIC_RECOVERY_KEY", &first)],
        ),
        "does not open",
    );
}

#[test]
fn back_up_preview_and_restore_keeping_the_current_data_aside() {
    let dir = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let key = init(&data, &[], &[]);
    register_demo(&data);
    let usb_path = usb.path().to_str().unwrap();
    let made = json(&clinic(&data, &["backup", "--to", usb_path], &BOSS));
    let file = made["file"].as_str().unwrap().to_owned();
    let patients = |v: &serde_json::Value| {
        v["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["table"] == "patients")
            .unwrap()["rows"]
            .clone()
    };
    assert_eq!(patients(&made), 200);

    let preview = json(&clinic(&data, &["restore", &file, "--preview"], &BOSS));
    assert_eq!(preview["clinicName"], "Harbour Dental");
    assert_eq!(preview["sameClinic"], true);

    // A damaged copy is refused, and nothing changes.
    let damaged = usb.path().join("damaged.clinicbackup");
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len() - 10;
    bytes[n] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    assert_one_line_failure(
        &clinic(&data, &["restore", damaged.to_str().unwrap()], &BOSS),
        "checksum",
    );

    let restored = json(&clinic(&data, &["restore", &file], &BOSS));
    let aside = restored["previous_data"].as_str().unwrap();
    assert!(Path::new(aside).join("clinic.db").exists());
    let status = json(&clinic(&data, &["status"], &BOSS));
    assert_eq!(status["counts"]["patients"], 200);

    // On a new computer: the recovery key opens the backup.
    let new_computer = dir.path().join("new computer");
    let out = clinic(
        &new_computer,
        &["restore", &file],
        &[("CLINIC_RECOVERY_KEY", &key)],
    );
    assert_eq!(patients(&json(&out)["restored"]), 200);
    let status = json(&clinic(&new_computer, &["status"], &BOSS));
    assert_eq!(status["counts"]["patients"], 200);

    // Scheduled backups: the folder is set and checked.
    let configured = json(&clinic(
        &data,
        &["backup", "configure", "--folder", usb_path, "--keep", "3"],
        &BOSS,
    ));
    assert_eq!(configured["keep"], 3);
    assert_one_line_failure(
        &clinic(
            &data,
            &["backup", "configure", "--folder", "relative/path"],
            &BOSS,
        ),
        "folder",
    );
}

#[test]
fn the_audit_trail_is_listed_exported_and_reported_per_patient() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), &[], &[]);
    register_demo(dir.path());
    let out = clinic(
        dir.path(),
        &["audit", "list", "--action", "sign_in", "--limit", "5"],
        &BOSS,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!lines.is_empty() && lines.iter().all(|l| l["action"] == "sign_in"));

    let insert = clinic(
        dir.path(),
        &[
            "audit", "list", "--action", "insert", "--by", "boss", "--limit", "1",
        ],
        &BOSS,
    );
    let entry: serde_json::Value = serde_json::from_slice(&insert.stdout).unwrap();
    let patient = entry["patientId"].as_str().map(str::to_owned);
    let csv = clinic(
        dir.path(),
        &["audit", "export", "--action", "sign_in"],
        &BOSS,
    );
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.starts_with("seq,at,user,"));
    assert!(text.lines().skip(1).all(|l| l.contains(",sign_in,")));
    if let Some(patient) = patient {
        let report = clinic(dir.path(), &["audit", "patient", &patient], &BOSS);
        assert!(String::from_utf8_lossy(&report.stdout).contains("\"times\""));
    }
    assert_one_line_failure(
        &clinic(dir.path(), &["audit", "list", "--from", "yesterday"], &BOSS),
        "from",
    );
    assert_one_line_failure(
        &clinic(dir.path(), &["audit", "list", "--by", "nobody"], &BOSS),
        "no user",
    );
}

#[test]
fn with_the_keyring_entry_deleted_the_clinic_is_recovered_from_the_command_line() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the keyring tests need a Secret Service on a D-Bus session: run them through scripts/test.sh"
    );
    let dir = tempfile::tempdir().unwrap();
    let keyring = [("CLINIC_DB_PASSPHRASE", "")];
    let key = init(dir.path(), &keyring, &[]);
    let meta = std::fs::read_to_string(dir.path().join("store.json")).unwrap();
    let store_id = meta
        .split('"')
        .skip_while(|s| *s != "store_id")
        .nth(2)
        .unwrap()
        .to_owned();
    keyring::Entry::new("Clinic", &format!("database-key/{store_id}"))
        .unwrap()
        .delete_credential()
        .unwrap();
    assert_one_line_failure(
        &clinic(dir.path(), &["status"], &[BOSS[0], BOSS[1], keyring[0]]),
        "recovery sheet",
    );
    let out = clinic(
        dir.path(),
        &["recover"],
        &[keyring[0], ("CLINIC_RECOVERY_KEY", &key)],
    );
    assert_eq!(json(&out)["key_source"], "keyring");
    let status = json(&clinic(
        dir.path(),
        &["status"],
        &[BOSS[0], BOSS[1], keyring[0]],
    ));
    assert_eq!(status["key_source"], "keyring");
}

#[test]
fn a_recovery_sheet_is_never_written_over_a_file_and_the_key_is_still_shown() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("sheet.pdf");
    std::fs::write(&sheet, "the clinic's own notes").unwrap();
    let data = dir.path().join("data");
    let out = run_init(&data, &[], &["--recovery-sheet", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stderr(&out);
    assert!(text.contains("Recovery key (shown only now): "), "{text}");
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with("clinic: the recovery sheet was not saved")),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(&sheet).unwrap(),
        "the clinic's own notes"
    );
}
