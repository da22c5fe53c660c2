//! `clinic import patients` and `clinic export patients` follow the core's file policy, as the app does:
//! an export never replaces a file and is audited only once it is written; an import file is refused
//! when it is too big, before it is read.

use std::path::Path;

use crate::common::{assert_one_line_failure, clinic, json, stderr};

const BOSS: [(&str, &str); 2] = [
    ("CLINIC_USER", "boss"),
    ("CLINIC_PASSWORD", "a long enough passphrase"),
];

/// A clinic administered by `boss`, with one patient.
fn clinic_with_a_patient(dir: &Path) {
    json(&clinic(
        dir,
        &[
            "init",
            "--clinic-name",
            "Harbour Dental",
            "--admin-user",
            "boss",
            "--time-zone",
            "UTC",
        ],
        &[("CLINIC_ADMIN_PASSWORD", "a long enough passphrase")],
    ));
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
