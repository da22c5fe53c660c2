//! Importing patients from CSV on a real store: a file full of bad rows is reported row by row and
//! imports nothing; the valid rows import in one transaction only when asked; probable duplicates (of
//! registered patients and of earlier rows) are reported and left out unless wanted; a chosen column
//! mapping and date order are obeyed; and the export reads back in.

use crate::common::madrid_clinic;
use clinic_core::{
    AuditQuery, Clinic, CoreError, DateOrder, ImportField, ImportReport, ImportStage, NewPatient,
    PatientImport, PatientQuery, SessionUser,
};

/// Madrid, 1 December 2026; José Núñez (born 1980-06-15, phone 612 34 56 78) is registered.
fn clinic(dir: &std::path::Path) -> (Clinic, SessionUser) {
    let (c, admin) = madrid_clinic(dir, "Clínica Norte", "2026-12-01T10:00:00Z");
    c.register_patient(
        &admin,
        NewPatient {
            first_name: "José".into(),
            last_name: "Núñez".into(),
            date_of_birth: "1980-06-15".into(),
            phone: Some("612 34 56 78".into()),
            email: Some("jose@example.com".into()),
            ..NewPatient::default()
        },
    )
    .unwrap();
    (c, admin)
}

fn total(c: &Clinic, admin: &SessionUser) -> i64 {
    c.list_patients(admin, &PatientQuery::all(0, 1))
        .unwrap()
        .total
}

fn outbox(c: &Clinic, admin: &SessionUser) -> i64 {
    c.status(admin, std::path::Path::new("."))
        .unwrap()
        .outbox_pending
}

/// Two good rows, a duplicate of José, a row repeating an earlier one, and eight bad rows.
const MESSY: &str = "\u{feff}First name,Last name,Date of birth,Sex,Phone,Email,Notes
Ana,García,07/03/1984,F,600 11 22 33,ana@example.com,first visit 2019
Luis,Pérez,25/12/1990,m,,,
Jose,Nunez,15/06/1980,M,612345678,,duplicate of a registered patient
Ana,Garcia,07/03/1984,F,600112233,,same as line 2
,Romero,01/01/1970,F,,,no first name
Eva,,01/01/1970,F,,,no last name
Eva,Ruiz,31/02/1970,F,,,no such date
Eva,Ruiz,01/01/2030,F,,,born in the future
Eva,Ruiz,01/01/70,F,,,two-digit year
Eva,Ruiz,01/01/1970,dragon,,,unknown sex
Eva,Ruiz,01/01/1970,F,12,,too short a phone
Eva,Ruiz,01/01/1970,F,,jose@example.com,email of another patient
Eva,Ruiz,01/01/1970
";

#[test]
fn a_file_full_of_bad_rows_is_reported_row_by_row_and_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let before = (total(&c, &admin), outbox(&c, &admin));

    let report = c
        .check_patient_import(&admin, MESSY, &PatientImport::default())
        .unwrap();
    assert_eq!(report.date_order, DateOrder::DayMonthYear);
    assert_eq!(report.rows, 13);
    assert_eq!(report.valid, 4);
    let rejected: Vec<(i64, Option<&str>)> = report
        .rejected
        .iter()
        .map(|r| (r.line, r.column.as_deref()))
        .collect();
    assert_eq!(
        rejected,
        [
            (6, Some("First name")),
            (7, Some("Last name")),
            (8, Some("Date of birth")),
            (9, Some("Date of birth")),
            (10, Some("Date of birth")),
            (11, Some("Sex")),
            (12, Some("Phone")),
            (13, Some("Email")),
            (14, None),
        ]
    );
    assert_eq!(report.rejected[2].reason.key, "no_such_date");
    assert_eq!(report.rejected[3].reason.key, "birth_in_future");
    assert_eq!(report.rejected[8].reason.key, "row_cells");
    assert!(
        report.rejected[8].reason.to_string().contains("7"),
        "cell counts named"
    );
    let duplicates: Vec<(i64, usize, Option<i64>)> = report
        .duplicates
        .iter()
        .map(|d| (d.line, d.matches.len(), d.same_as_line))
        .collect();
    assert_eq!(duplicates, [(4, 1, None), (5, 0, Some(2))]);
    assert_eq!(report.duplicates[0].matches[0].last_name, "Núñez");
    assert_eq!(
        report
            .columns
            .last()
            .map(|c| (c.field, c.example.as_deref())),
        Some((None, Some("first visit 2019"))),
        "an unknown column is left out"
    );

    let refused = c.import_patients(&admin, MESSY, &PatientImport::default());
    assert!(
        matches!(refused, Err(CoreError::Validation { field: "file", ref message })
            if message.key == "rows_rejected" && message.to_string().starts_with("9 of 13 rows")),
        "{refused:?}"
    );
    assert_eq!(
        (total(&c, &admin), outbox(&c, &admin)),
        before,
        "nothing was written"
    );

    let valid_only = PatientImport {
        skip_rejected: true,
        ..PatientImport::default()
    };
    let done = c.import_patients(&admin, MESSY, &valid_only).unwrap();
    assert_eq!(done.imported, 2, "the duplicates stay out");
    assert_eq!(total(&c, &admin), before.0 + 2);
    let ana = c
        .list_patients(&admin, &PatientQuery::matching("garcia ana", 0, 5))
        .unwrap();
    assert_eq!(ana.rows[0].date_of_birth, "1984-03-07");
    assert_eq!(ana.rows[0].phone.as_deref(), Some("+34 600 11 22 33"));
}

#[test]
fn duplicates_are_imported_only_when_wanted_and_a_chosen_mapping_is_obeyed() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let file = "nombre;apellidos;nacido;tel\nJosé;Núñez;06/15/1980;\nMarta;Vidal;12/31/1999;\n";
    let options = PatientImport {
        mapping: Some(vec![
            Some(ImportField::FirstName),
            Some(ImportField::LastName),
            Some(ImportField::DateOfBirth),
            None,
        ]),
        date_order: Some(DateOrder::MonthDayYear),
        include_duplicates: true,
        skip_rejected: false,
    };
    let report = c.import_patients(&admin, file, &options).unwrap();
    assert_eq!((report.imported, report.duplicates.len()), (2, 1));
    assert_eq!(total(&c, &admin), 3);
    // Each imported patient's write says it came from a file; the one typed in says nothing.
    let inserts = c
        .audit_log(
            &admin,
            AuditQuery {
                action: Some("insert".into()),
                limit: 100,
                ..AuditQuery::default()
            },
        )
        .unwrap();
    let sources: Vec<Option<String>> = inserts
        .entries
        .iter()
        .filter(|e| e.entity == "patients")
        .map(|e| {
            let details: Option<serde_json::Value> = e
                .details
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok());
            details.and_then(|d| d["source"].as_str().map(str::to_owned))
        })
        .collect();
    assert_eq!(
        sources
            .iter()
            .filter(|s| s.as_deref() == Some("import"))
            .count(),
        2
    );
    assert_eq!(
        sources.iter().filter(|s| s.is_none()).count(),
        1,
        "{sources:?}"
    );

    let bad_mapping = PatientImport {
        mapping: Some(vec![Some(ImportField::FirstName), None, None, None]),
        ..PatientImport::default()
    };
    let unchecked = c.check_patient_import(&admin, file, &bad_mapping).unwrap();
    assert_eq!(
        unchecked.unmapped,
        [ImportField::LastName, ImportField::DateOfBirth],
        "the columns come back to be chosen; no row is checked"
    );
    assert_eq!(
        (unchecked.columns.len(), unchecked.valid, unchecked.rows),
        (4, 0, 2)
    );
    let err = c.import_patients(&admin, file, &bad_mapping).unwrap_err();
    assert_eq!(err.field(), Some("mapping"));
    assert!(err.to_string().contains("last names"));
    assert_eq!(total(&c, &admin), 3);
    let err = c
        .check_patient_import(&admin, "", &PatientImport::default())
        .unwrap_err();
    assert_eq!(err.field(), Some("file"));
}

fn exports_audited(c: &Clinic, admin: &SessionUser) -> i64 {
    c.audit_log(
        admin,
        AuditQuery {
            action: Some("export_patients".into()),
            limit: 1,
            ..AuditQuery::default()
        },
    )
    .unwrap()
    .total
}

#[test]
fn an_export_is_audited_only_once_its_new_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let existing = dir.path().join("patients.csv");
    std::fs::write(&existing, "the clinic's own notes").unwrap();

    let refused = c
        .export_patients_csv(&admin, false)
        .unwrap()
        .save_new(&existing)
        .unwrap_err();
    assert_eq!(refused.field(), Some("path"));
    assert!(refused.to_string().contains("patients.csv"), "{refused}");
    assert_eq!(
        std::fs::read_to_string(&existing).unwrap(),
        "the clinic's own notes"
    );
    let nowhere = dir.path().join("gone").join("patients.csv");
    let refused = c
        .export_patients_csv(&admin, false)
        .unwrap()
        .save_new(&nowhere)
        .unwrap_err();
    assert_eq!(refused.field(), Some("path"));
    // Made, then dropped without saving: nothing left the clinic either.
    drop(c.export_patients_csv(&admin, false).unwrap());
    assert_eq!(exports_audited(&c, &admin), 0);

    let saved = dir.path().join("export.csv");
    c.export_patients_csv(&admin, false)
        .unwrap()
        .save_new(&saved)
        .unwrap();
    assert!(
        std::fs::read_to_string(&saved)
            .unwrap()
            .contains("José,Núñez")
    );
    assert_eq!(exports_audited(&c, &admin), 1);
}

/// The field each column was given, as the UI receives it ("" for a column left out).
fn fields(report: &ImportReport) -> Vec<String> {
    report
        .columns
        .iter()
        .map(|c| match c.field {
            Some(field) => serde_json::to_value(field)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned(),
            None => String::new(),
        })
        .collect()
}

#[test]
fn address_headings_in_english_and_spanish_fill_the_patient_address() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let english =
        "First name,Last name,Date of birth,Street,Address line 2,Town,State,ZIP code,Country
Ana,García,1984-03-07,1 Main St,Apt 2,Springfield,IL,62704,USA
";
    let report = c
        .import_patients(&admin, english, &PatientImport::default())
        .unwrap();
    assert_eq!(
        fields(&report),
        [
            "first_name",
            "last_name",
            "date_of_birth",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country"
        ]
    );
    assert_eq!(report.imported, 1);
    let spanish =
        "Nombre;Apellidos;Fecha de nacimiento;Dirección;Localidad;Provincia;Código postal;País
Luis;Pérez;25/12/1990;Calle Mayor 3;Alcalá de Henares;Madrid;28801;España
";
    let report = c
        .import_patients(&admin, spanish, &PatientImport::default())
        .unwrap();
    assert_eq!(
        fields(&report),
        [
            "first_name",
            "last_name",
            "date_of_birth",
            "address_line1",
            "city",
            "region",
            "postal_code",
            "country"
        ]
    );
    assert_eq!(report.imported, 1);
    let export = dir.path().join("patients.csv");
    c.export_patients_csv(&admin, false)
        .unwrap()
        .save_new(&export)
        .unwrap();
    let csv = std::fs::read_to_string(&export).unwrap();
    assert!(
        csv.contains("Address line 1,Address line 2,City,Region,Postcode,Country"),
        "{csv}"
    );
    assert!(
        csv.contains(",1 Main St,Apt 2,Springfield,IL,62704,USA,"),
        "{csv}"
    );
    assert!(
        csv.contains(",Calle Mayor 3,,Alcalá de Henares,Madrid,28801,España,"),
        "{csv}"
    );
    for (heading, field) in [
        ("Address", "address_line1"),
        ("Address line 1", "address_line1"),
        ("Domicilio", "address_line1"),
        ("City", "city"),
        ("Ciudad", "city"),
        ("Población", "city"),
        ("Region", "region"),
        ("Province", "region"),
        ("Estado", "region"),
        ("Postcode", "postal_code"),
        ("Postal code", "postal_code"),
        ("ZIP", "postal_code"),
        ("CP", "postal_code"),
    ] {
        let file = format!("First name,Last name,Date of birth,{heading}\nEva,Ruiz,1970-01-01,x\n");
        let report = c
            .check_patient_import(&admin, &file, &PatientImport::default())
            .unwrap();
        assert_eq!(fields(&report)[3], field, "{heading}");
    }
}

#[test]
fn rows_of_one_file_that_differ_only_in_accents_or_case_are_the_same_person() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = madrid_clinic(dir.path(), "Clínica Sur", "2026-12-01T10:00:00Z");
    let file = "First name,Last name,Date of birth
José,Núñez,1980-06-15
Jose,Nunez,1980-06-15
ZOË,MÜLLER,1985-06-15
Zoe,Muller,1985-06-15
Jose\u{301},Nu\u{301}n\u{303}ez,1980-06-15
José,Núñez,1981-06-15
";
    let report = c
        .check_patient_import(&admin, file, &PatientImport::default())
        .unwrap();
    let same: Vec<(i64, Option<i64>)> = report
        .duplicates
        .iter()
        .map(|d| (d.line, d.same_as_line))
        .collect();
    assert_eq!(same, [(3, Some(2)), (5, Some(4)), (6, Some(2))]);
}

#[test]
fn the_export_reads_back_into_another_clinic() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    c.register_patient(
        &admin,
        NewPatient {
            first_name: "=cmd".into(),
            last_name: "O'Brien, Jr".into(),
            date_of_birth: "2001-02-03".into(),
            city: Some("A Coruña".into()),
            ..NewPatient::default()
        },
    )
    .unwrap();
    let export = c.export_patients_csv(&admin, false).unwrap();
    assert_eq!(export.rows(), 2);
    let file = dir.path().join("patients.csv");
    export.save_new(&file).unwrap();
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(
        csv.contains("'=cmd"),
        "a formula-like cell is neutralised: {csv}"
    );
    assert!(csv.contains("'+34 612 34 56 78"));
    let jose = c
        .list_patients(&admin, &PatientQuery::matching("nunez", 0, 1))
        .unwrap()
        .rows[0]
        .id
        .clone();
    let seen_by = c.patient_access_report(&admin, &jose).unwrap();
    assert!(
        seen_by
            .iter()
            .any(|a| a.actions.iter().any(|action| action == "export_patients")),
        "an export of every patient is in each patient's access report: {seen_by:?}"
    );

    let other_dir = tempfile::tempdir().unwrap();
    let (other, root) = madrid_clinic(other_dir.path(), "Clínica Sur", "2026-12-01T10:00:00Z");
    let report = other
        .import_patients(&root, &csv, &PatientImport::default())
        .unwrap();
    assert_eq!((report.imported, report.rejected.len()), (2, 0));
    let file = other_dir.path().join("patients.csv");
    other
        .export_patients_csv(&root, false)
        .unwrap()
        .save_new(&file)
        .unwrap();
    let again = std::fs::read_to_string(&file).unwrap();
    let without_mrn = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split_once(',').map_or("", |(_, rest)| rest).to_owned())
            .collect()
    };
    assert_eq!(without_mrn(&again), without_mrn(&csv));
}

/// A file of `n` new patients (letters-only names, distinct dates of birth, no phone or email).
fn many_patients(n: usize) -> String {
    let mut csv = String::from("First name,Last name,Date of birth\n");
    for i in 0..n {
        let letters: String = [i / 676, (i / 26) % 26, i % 26]
            .iter()
            .map(|d| char::from(b'a' + *d as u8))
            .collect();
        let born =
            chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Days::new(i as u64);
        csv.push_str(&format!("Paz{letters},Lago,{born}\n"));
    }
    csv
}

fn vidal(first: &str) -> NewPatient {
    NewPatient {
        first_name: first.into(),
        last_name: "Vidal".into(),
        date_of_birth: "1975-05-05".into(),
        ..NewPatient::default()
    }
}

/// A large import writes in turns: a registration on the same app and one from a second connection (as
/// the CLI beside the app) both land while the import still has rows to write.
#[test]
fn others_write_between_the_turns_of_a_large_import() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let other = Clinic::open(dir.path(), &crate::common::key()).unwrap();
    let other_admin = other
        .sign_in("root", crate::common::ADMIN_PASSWORD)
        .unwrap();
    let csv = many_patients(8_000);
    let finished = AtomicUsize::new(0);
    let (start, started) = std::sync::mpsc::channel::<()>();
    let mut seen_between = false;
    let report = std::thread::scope(|s| {
        let (c, admin, finished) = (&c, &admin, &finished);
        let (other, other_admin) = (&other, &other_admin);
        s.spawn(move || {
            started.recv().unwrap();
            c.register_patient(admin, vidal("Marta")).unwrap();
            finished.fetch_add(1, Ordering::SeqCst);
        });
        let (second, second_started) = std::sync::mpsc::channel::<()>();
        s.spawn(move || {
            second_started.recv().unwrap();
            other.register_patient(other_admin, vidal("Luis")).unwrap();
            finished.fetch_add(1, Ordering::SeqCst);
        });
        let mut signalled = false;
        c.import_patients_reporting(admin, &csv, &PatientImport::default(), &mut |p| {
            if p.stage != ImportStage::Registering {
                return;
            }
            if !signalled {
                signalled = true;
                start.send(()).unwrap();
                second.send(()).unwrap();
            } else if p.done < p.total && finished.load(Ordering::SeqCst) == 2 {
                seen_between = true;
            }
        })
        .unwrap()
    });
    assert_eq!(report.imported, 8_000);
    assert!(
        seen_between,
        "both writers finished while the import still had rows to write"
    );
    assert_eq!(total(&c, &admin), 1 + 8_000 + 2);
}

/// An import cut off part-way (here the write lock is held by another connection past the wait limit,
/// as a full disk would stop it) says how many patients it registered; the same file imported again
/// registers only the rest, even with duplicates included.
#[test]
fn an_import_that_stops_part_way_says_so_and_the_same_file_finishes_it() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let blocker = clinic_store::Store::open(dir.path(), &crate::common::key()).unwrap();
    let csv = many_patients(5_000);
    let (held, holding) = std::sync::mpsc::channel::<()>();
    let stopped = std::thread::scope(|s| {
        let mut blocked = false;
        c.import_patients_reporting(&admin, &csv, &PatientImport::default(), &mut |p| {
            if p.stage == ImportStage::Registering && !blocked {
                blocked = true;
                let held = held.clone();
                let blocker = &blocker;
                s.spawn(move || {
                    blocker
                        .write(None, |_| {
                            held.send(()).unwrap();
                            std::thread::sleep(std::time::Duration::from_secs(7));
                            Ok::<_, clinic_store::StoreError>(())
                        })
                        .unwrap();
                });
                holding.recv().unwrap();
            }
        })
    });
    let registered = total(&c, &admin) - 1;
    assert!((1..5_000).contains(&registered), "{registered}");
    match stopped {
        Err(CoreError::ImportStopped { ref problem, .. }) => {
            assert_eq!(problem.key, "import_stopped");
            assert!(
                problem.to_string().starts_with(&format!(
                    "The import stopped after registering {registered} patients"
                )),
                "{problem}"
            );
        }
        other => panic!("{other:?}"),
    }

    let again = PatientImport {
        include_duplicates: true,
        ..PatientImport::default()
    };
    let done = c.import_patients(&admin, &csv, &again).unwrap();
    assert_eq!(done.imported, 5_000 - registered);
    assert_eq!(
        done.duplicates.iter().filter(|d| d.registered).count() as i64,
        registered
    );
    assert_eq!(total(&c, &admin), 1 + 5_000);
}

/// The row limit is met while reading: a file longer than that is refused before the reader reaches
/// its end (here a broken last line, which a full read would report instead).
#[test]
fn a_file_over_the_row_limit_is_refused_before_it_is_read_through() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let mut csv = String::from("First name,Last name,Date of birth\n");
    for _ in 0..50_001 {
        csv.push_str("Ana,Lago,1984-03-07\n");
    }
    csv.push_str("\"never closed,Lago,1984-03-07\n");
    let refused = c.check_patient_import(&admin, &csv, &PatientImport::default());
    assert!(
        matches!(refused, Err(CoreError::Validation { ref message, .. }) if message.key == "too_many_rows"),
        "{refused:?}"
    );
    let huge = "x".repeat(33 * 1024 * 1024);
    let refused = c.check_patient_import(&admin, &huge, &PatientImport::default());
    assert!(
        matches!(refused, Err(CoreError::Validation { ref message, .. }) if message.key == "file_too_big"),
        "{refused:?}"
    );
}
