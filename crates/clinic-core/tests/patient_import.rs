//! Importing patients from CSV on a real store: a file full of bad rows is reported row by row and
//! imports nothing; the valid rows import in one transaction only when asked; probable duplicates (of
//! registered patients and of earlier rows) are reported and left out unless wanted; a chosen column
//! mapping and date order are obeyed; and the export reads back in.

mod common;

use clinic_core::{
    Clinic, CoreError, DateOrder, ImportField, NewPatient, PatientImport, PatientQuery, SessionUser,
};
use common::madrid_clinic;

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
    assert!(report.rejected[2].reason.contains("does not exist"));
    assert!(report.rejected[3].reason.contains("future"));
    assert!(report.rejected[8].reason.contains("7"), "cell counts named");
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
        matches!(refused, Err(CoreError::Validation { field: "file", ref message }) if message.contains("9 of 13")),
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
    let (csv, count) = c.export_patients_csv(&admin, false).unwrap();
    assert_eq!(count, 2);
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
    let (again, _) = other.export_patients_csv(&root, false).unwrap();
    let without_mrn = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split_once(',').map_or("", |(_, rest)| rest).to_owned())
            .collect()
    };
    assert_eq!(without_mrn(&again), without_mrn(&csv));
}
