//! `clinic import patients` and `clinic export patients` follow the core's file policy, as the app does:
//! an export never replaces a file and is audited only once it is written; an import file is refused
//! when it is too big, before it is read.

use std::path::Path;

use crate::common::{assert_one_line_failure, clinic, init_clinic, json, stderr};

const BOSS: [(&str, &str); 2] = [
    ("CLINIC_USER", "boss"),
    ("CLINIC_PASSWORD", "a long enough passphrase"),
];

/// A clinic administered by `boss`, with one patient.
fn clinic_with_a_patient(dir: &Path) {
    init_clinic(dir, "Harbour Dental");
    let file = dir.join("one.csv");
    std::fs::write(
        &file,
        "First name,Last name,Date of birth\nAna,García,1984-03-07\n",
    )
    .unwrap();
    let out = clinic(dir, &["import", "patients", file.to_str().unwrap()], &BOSS);
    assert_eq!(json(&out)["imported"], 1);
}

/// How many exports of the patient list the audit trail holds.
fn exports_audited(dir: &Path) -> usize {
    let out = clinic(
        dir,
        &["audit", "list", "--action", "export_patients"],
        &BOSS,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).lines().count()
}

#[test]
fn an_export_never_replaces_a_file_and_a_refused_one_is_not_audited() {
    let dir = tempfile::tempdir().unwrap();
    clinic_with_a_patient(dir.path());
    let existing = dir.path().join("patients.csv");
    std::fs::write(&existing, "the clinic's own notes\n").unwrap();

    let out = clinic(
        dir.path(),
        &["export", "patients", existing.to_str().unwrap()],
        &BOSS,
    );
    assert_one_line_failure(&out, "patients.csv");
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap(),
        "the clinic's own notes\n"
    );
    let missing_folder = dir.path().join("no such folder").join("patients.csv");
    assert_one_line_failure(
        &clinic(
            dir.path(),
            &["export", "patients", missing_folder.to_str().unwrap()],
            &BOSS,
        ),
        "no such folder",
    );
    assert_eq!(exports_audited(dir.path()), 0, "nothing left the clinic");

    let fresh = dir.path().join("fresh.csv");
    let out = clinic(
        dir.path(),
        &["export", "patients", fresh.to_str().unwrap()],
        &BOSS,
    );
    assert_eq!(json(&out)["patients"], 1);
    assert!(
        std::fs::read_to_string(&fresh)
            .unwrap()
            .contains("Ana,García")
    );
    assert_eq!(exports_audited(dir.path()), 1);
}

#[cfg(unix)]
#[test]
fn an_export_to_a_file_name_that_is_not_utf8_is_written() {
    use std::os::unix::ffi::OsStrExt;

    let dir = tempfile::tempdir().unwrap();
    clinic_with_a_patient(dir.path());
    let name = std::ffi::OsStr::from_bytes(b"pacientes-\xf1.csv");
    let file = dir.path().join(name);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clinic"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["export", "patients"])
        .arg(&file)
        .env("CLINIC_DB_PASSPHRASE", crate::common::PASSPHRASE)
        .envs(BOSS)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(json(&out)["patients"], 1);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("Ana,García")
    );
}

#[test]
fn an_import_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    clinic_with_a_patient(dir.path());
    let big = dir.path().join("big.csv");
    // Sparse: 33 MB long without taking the disk space.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(33 * 1024 * 1024)
        .unwrap();
    let out = clinic(
        dir.path(),
        &["import", "patients", big.to_str().unwrap()],
        &BOSS,
    );
    assert_one_line_failure(&out, "larger than 32 MB");
    assert!(out.stdout.is_empty(), "no report of a file never read");
    let folder = clinic(
        dir.path(),
        &["import", "patients", dir.path().to_str().unwrap()],
        &BOSS,
    );
    assert_one_line_failure(&folder, "folder");
}

#[test]
fn a_unicode_text_file_from_a_spreadsheet_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    clinic_with_a_patient(dir.path());
    // What Excel's "Unicode text" writes: UTF-16 with a byte-order mark, tab-separated.
    let text = "Nombre\tApellidos\tFecha de nacimiento\r\nJosé\tNúñez\t07/03/1984\r\n";
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let file = dir.path().join("unicode.txt");
    std::fs::write(&file, bytes).unwrap();
    let out = clinic(
        dir.path(),
        &["import", "patients", file.to_str().unwrap()],
        &BOSS,
    );
    let report = json(&out);
    assert_eq!(report["imported"], 1, "{report}");
    let found = clinic(dir.path(), &["patients", "search", "nunez"], &BOSS);
    assert!(stderr(&found).is_empty() && found.status.success());
    assert!(String::from_utf8_lossy(&found.stdout).contains("Núñez"));
}

#[test]
fn a_huge_cell_is_cut_where_the_report_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    clinic_with_a_patient(dir.path());
    let huge = "x".repeat(1_000_000);
    let file = dir.path().join("huge.csv");
    std::fs::write(
        &file,
        format!("First name,Last name,Date of birth\n{huge},García,1984-03-07\n"),
    )
    .unwrap();
    let out = clinic(
        dir.path(),
        &["import", "patients", "--check", file.to_str().unwrap()],
        &BOSS,
    );
    assert_one_line_failure(&out, "1 of 1 rows were rejected");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let name = report["rejected"][0]["name"].as_str().unwrap();
    assert!(name.chars().count() <= 81 && name.ends_with('…'), "{name}");
    assert!(out.stdout.len() < 10_000, "{} bytes", out.stdout.len());
}

#[test]
fn an_argument_that_is_not_text_is_one_line_and_exit_1() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clinic"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["patients", "search"])
        .arg(std::ffi::OsStr::from_bytes(b"caf\xe9"))
        .output()
        .unwrap();
    assert_one_line_failure(&out, "not valid text");
    let unknown = clinic(dir.path(), &["--no-such-flag"], &[]);
    assert_one_line_failure(&unknown, "--no-such-flag");
    let help = clinic(dir.path(), &["--help"], &[]);
    assert!(help.status.success());
}
