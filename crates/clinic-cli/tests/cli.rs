//! The `clinic` binary, run as an administrator would run it.

use crate::common::{assert_one_line_failure, clinic, init_clinic, json, stderr};

#[test]
fn init_then_status() {
    let dir = tempfile::tempdir().unwrap();
    let init = [
        "init",
        "--clinic-name",
        "Harbour Dental",
        "--admin-user",
        "boss",
        "--admin-name",
        "Ana Boss",
        "--time-zone",
        "Europe/Lisbon",
        "--currency",
        "EUR",
    ];
    let out = clinic(
        dir.path(),
        &init,
        &[("CLINIC_ADMIN_PASSWORD", "a long enough passphrase")],
    );
    let status = json(&out);
    assert_eq!(status["clinic_name"], "Harbour Dental");
    assert_eq!(status["encrypted"], true);
    assert_eq!(status["key_source"], "passphrase");
    assert_eq!(status["schema_version"], clinic_core::SCHEMA_VERSION);
    assert_eq!(status["counts"]["users"], 1);
    assert_eq!(status["counts"]["patients"], 0);
    assert!(status["outbox_pending"].as_i64().unwrap() >= 9);

    let again = clinic(
        dir.path(),
        &init,
        &[("CLINIC_ADMIN_PASSWORD", "a long enough passphrase")],
    );
    assert_one_line_failure(&again, "already exists");
    let boss = [
        ("CLINIC_USER", "boss"),
        ("CLINIC_PASSWORD", "a long enough passphrase"),
    ];
    let status = json(&clinic(dir.path(), &["status"], &boss));
    assert_eq!(
        status["counts"]["users"], 1,
        "a refused init changed nothing"
    );
    assert_one_line_failure(&clinic(dir.path(), &["status"], &[]), "--user");
    let wrong = [
        ("CLINIC_USER", "boss"),
        ("CLINIC_PASSWORD", "not the password"),
    ];
    assert_one_line_failure(&clinic(dir.path(), &["status"], &wrong), "not correct");
}

#[test]
fn users_are_administered_and_checked_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    init_clinic(dir.path(), "Harbour Dental");
    let boss = [
        ("CLINIC_USER", "boss"),
        ("CLINIC_PASSWORD", "a long enough passphrase"),
    ];
    let add = [
        "users",
        "add",
        "lena",
        "--name",
        "Lena Desk",
        "--role",
        "receptionist",
    ];
    let weak = clinic(
        dir.path(),
        &add,
        &[boss[0], boss[1], ("CLINIC_NEW_PASSWORD", "password123")],
    );
    assert_one_line_failure(&weak, "too common");
    let added = json(&clinic(
        dir.path(),
        &add,
        &[
            boss[0],
            boss[1],
            ("CLINIC_NEW_PASSWORD", "lena first password"),
        ],
    ));
    assert_eq!(added["mustChangePassword"], true);

    // Lena must change her password before anything else, and a receptionist administers nothing.
    let lena = [
        ("CLINIC_USER", "lena"),
        ("CLINIC_PASSWORD", "lena first password"),
    ];
    assert_one_line_failure(
        &clinic(dir.path(), &["users", "list"], &lena),
        "Change your password first.",
    );
    let passwd = clinic(
        dir.path(),
        &["passwd"],
        &[
            lena[0],
            lena[1],
            ("CLINIC_NEW_PASSWORD", "lena own password"),
        ],
    );
    assert!(passwd.status.success(), "{}", stderr(&passwd));
    let lena = [
        ("CLINIC_USER", "lena"),
        ("CLINIC_PASSWORD", "lena own password"),
    ];
    assert_one_line_failure(&clinic(dir.path(), &["users", "list"], &lena), "may not");
    assert_one_line_failure(&clinic(dir.path(), &["status"], &lena), "may not");

    assert_one_line_failure(
        &clinic(dir.path(), &["users", "set-role", "boss", "doctor"], &boss),
        "last active administrator",
    );
    let listed = clinic(dir.path(), &["users", "list"], &boss);
    let lines = String::from_utf8_lossy(&listed.stdout).lines().count();
    assert_eq!(lines, 2, "one JSON line per user");
    let verified = json(&clinic(dir.path(), &["audit", "verify"], &boss));
    assert_eq!(verified["audit_chain"], "intact");
}

#[test]
fn bad_input_fails_with_one_line_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["init", "--clinic-name", "X", "--admin-user", "boss"];
    assert_one_line_failure(
        &clinic(dir.path(), &args, &[("CLINIC_ADMIN_PASSWORD", "short")]),
        "adminPassword",
    );
    assert_one_line_failure(&clinic(dir.path(), &args, &[]), "CLINIC_ADMIN_PASSWORD");
    let tz = [
        "init",
        "--clinic-name",
        "X",
        "--admin-user",
        "boss",
        "--time-zone",
        "Nowhere/Land",
    ];
    assert_one_line_failure(
        &clinic(
            dir.path(),
            &tz,
            &[("CLINIC_ADMIN_PASSWORD", "long enough pw")],
        ),
        "timeZone",
    );
    assert_one_line_failure(
        &clinic(dir.path(), &["demo", "--day-until", "25:00"], &[]),
        "a time as HH:MM",
    );
    assert_one_line_failure(
        &clinic(dir.path(), &["status"], &[]),
        "no clinic has been set up",
    );
}

#[test]
fn demo_creates_a_full_clinic_and_a_wrong_passphrase_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let summary = json(&clinic(dir.path(), &["demo", "--seed", "5"], &[]));
    assert_eq!(summary["patients"], 200);
    assert_eq!(summary["providers"], 3);
    let admin = [
        ("CLINIC_USER", "admin"),
        ("CLINIC_PASSWORD", "demo-clinic-2026"),
    ];
    let status = json(&clinic(dir.path(), &["status"], &admin));
    assert_eq!(status["counts"]["patients"], 200);
    assert!(status["counts"]["payments"].as_i64().unwrap() > 0);

    let wrong = clinic(
        dir.path(),
        &["status"],
        &[("CLINIC_DB_PASSPHRASE", "not the passphrase")],
    );
    assert_one_line_failure(&wrong, "key is wrong");
    // Filling a clinic that has patients is refused, as an administrator.
    let refill = clinic(
        dir.path(),
        &["demo", "--user", "admin"],
        &[("CLINIC_PASSWORD", "demo-clinic-2026")],
    );
    assert_one_line_failure(&refill, "empty clinic");
    let not_admin = clinic(
        dir.path(),
        &["demo", "--user", "frontdesk"],
        &[("CLINIC_PASSWORD", "demo-clinic-2026")],
    );
    assert_one_line_failure(&not_admin, "not an administrator");
}

#[test]
fn demo_fills_an_empty_existing_clinic() {
    let dir = tempfile::tempdir().unwrap();
    init_clinic(dir.path(), "Empty Clinic");
    let wrong_pw = clinic(
        dir.path(),
        &["demo", "--user", "boss"],
        &[("CLINIC_PASSWORD", "nope nope nope")],
    );
    assert_one_line_failure(&wrong_pw, "not correct");
    let summary = json(&clinic(
        dir.path(),
        &["demo", "--user", "boss"],
        &[("CLINIC_PASSWORD", "a long enough passphrase")],
    ));
    assert_eq!(summary["patients"], 200);
}

#[test]
fn patients_are_found_from_the_command_line_one_json_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let summary = json(&clinic(dir.path(), &["demo", "--seed", "3"], &[]));
    assert_eq!(summary["patients"], 200);
    let admin = [
        ("CLINIC_USER", "frontdesk"),
        ("CLINIC_PASSWORD", "demo-clinic-2026"),
    ];
    let out = clinic(dir.path(), &["patients", "search", "nun jos"], &admin);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|p| p["first_name"] == "José" && p["last_name"] == "Núñez"),
        "{lines:?}"
    );
    for line in &lines {
        for key in [
            "id",
            "mrn",
            "first_name",
            "last_name",
            "date_of_birth",
            "phone",
        ] {
            assert!(line.get(key).is_some(), "{key} in {line}");
        }
    }
    let none = clinic(dir.path(), &["patients", "search", "zzzz qqqq"], &admin);
    assert!(none.status.success() && none.stdout.is_empty());
    // Nobody signed in sees nobody.
    assert_one_line_failure(
        &clinic(dir.path(), &["patients", "search", "nun"], &[]),
        "--user",
    );
}

#[test]
fn patients_are_imported_from_a_spreadsheet_with_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    init_clinic(dir.path(), "Harbour Dental");
    let boss = [
        ("CLINIC_USER", "boss"),
        ("CLINIC_PASSWORD", "a long enough passphrase"),
    ];
    let file = dir.path().join("patients.csv");
    std::fs::write(
        &file,
        "Last name,First name,DOB,Phone\nNúñez,José,1980-06-15,\n,Ana,1984-03-07,\nPérez,Luis,1990-13-01,\n",
    )
    .unwrap();
    let file_arg = file.to_str().unwrap();

    // Rejected rows: the report on stdout, one line of reason, nothing imported.
    let out = clinic(dir.path(), &["import", "patients", file_arg], &boss);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["rows"], 3);
    assert_eq!(report["imported"], 0);
    let lines: Vec<i64> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4]);
    assert_eq!(report["rejected"][0]["column"], "Last name");
    assert!(stderr(&out).contains("2 of 3 rows were rejected"));
    let status = json(&clinic(dir.path(), &["status"], &boss));
    assert_eq!(status["counts"]["patients"], 0);

    // The valid rows only, when asked; then the export holds them.
    let out = clinic(
        dir.path(),
        &["import", "patients", file_arg, "--valid-only"],
        &boss,
    );
    assert_eq!(json(&out)["imported"], 1);
    let export = dir.path().join("export.csv");
    let out = clinic(
        dir.path(),
        &["export", "patients", export.to_str().unwrap()],
        &boss,
    );
    assert_eq!(json(&out)["patients"], 1);
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(text.contains("José,Núñez,1980-06-15"), "{text}");
    // An export never overwrites a file.
    assert_one_line_failure(
        &clinic(
            dir.path(),
            &["export", "patients", export.to_str().unwrap()],
            &boss,
        ),
        "export.csv",
    );
    // A mapping naming no such field is refused before anything is read.
    assert_one_line_failure(
        &clinic(
            dir.path(),
            &[
                "import",
                "patients",
                file_arg,
                "--columns",
                "surname,first_name",
            ],
            &boss,
        ),
        "--columns",
    );
}
