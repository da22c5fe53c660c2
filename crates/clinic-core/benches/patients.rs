//! Patient search benchmarks: what the front desk waits for while typing.
//!
//! `cargo bench -p clinic-core --bench patients` builds clinics of 10,000 and 100,000 patients (names
//! from several languages, phones, emails, dates of birth) and times `Clinic::list_patients` for the
//! searches a front desk types, each many times, printing p50 and p95 per search. A search is the whole
//! command as the app runs it: the query, the page of 25, the total, and the audit entry of which
//! patients were shown (one durable commit). At 10,000 patients it also times the CSV export, checking
//! that file, and importing it into an empty clinic; at 100,000, checking and importing 50,000 new
//! patients while two other writers time their waits.

mod common;

use std::time::Instant;

use clinic_core::{Clinic, PatientImport, PatientQuery, SessionUser};
use clinic_store::{Fields, Series, Store, Table};
use common::{PASSWORD, create_clinic, key, measuring, percentile};
use rand::{Rng, SeedableRng, seq::IndexedRandom};

const RUNS: usize = 200;
const FIRST: &[&str] = &[
    "José", "María", "Zoë", "Liam", "Sofía", "Noah", "Chloé", "Mateo", "Aoife", "Lucas", "Ingrid",
    "Omar", "Fatima", "Wei", "Yuki", "Olga", "Pedro", "Ana", "Jean", "Emma", "Amara", "Henrik",
];
const LAST: &[&str] = &[
    "Núñez",
    "García",
    "Müller",
    "Smith",
    "López",
    "O'Brien",
    "Nguyen",
    "Kowalski",
    "Rossi",
    "Dubois",
    "Haddad",
    "Okafor",
    "Søndergaard",
    "Fernández",
    "Novak",
    "Silva",
    "Chen",
    "Ivanova",
    "Martínez",
    "Schmidt",
    "Costa",
    "Yilmaz",
    "Petrov",
    "Andersen",
    "Kim",
    "Tanaka",
];

/// A clinic of `n` patients, written in batches straight through the store's write path (the same
/// rows, change records and audit entries registration writes, without a commit per patient).
fn clinic_of(dir: &std::path::Path, n: usize) -> (Clinic, SessionUser) {
    drop(create_clinic(dir));
    let store = Store::open(dir, &key()).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for batch in 0..n.div_ceil(5_000) {
        store
            .write(None, |tx| {
                for i in batch * 5_000..((batch + 1) * 5_000).min(n) {
                    let first = FIRST.choose(&mut rng).unwrap();
                    let last = LAST.choose(&mut rng).unwrap();
                    let mrn = tx.next_number(Series::Mrn)?;
                    let born = format!(
                        "{}-{:02}-{:02}",
                        rng.random_range(1930..2024),
                        rng.random_range(1..=12),
                        rng.random_range(1..=28)
                    );
                    tx.insert(
                        Table::Patients,
                        Fields::new()
                            .set("mrn", mrn)
                            .set("first_name", *first)
                            .set("last_name", *last)
                            .set("date_of_birth", born)
                            .set("sex", "unknown")
                            .set("phone", format!("+346{:08}", i))
                            .set("email", format!("patient{i}@example.es")),
                    )?;
                }
                Ok::<_, clinic_store::StoreError>(())
            })
            .unwrap();
    }
    drop(store);
    let clinic = Clinic::open(dir, &key()).unwrap();
    let admin = clinic.sign_in("root", PASSWORD).unwrap();
    (clinic, admin)
}

/// Exporting the list to a file, checking that file against the same clinic (every row is then refused
/// or a probable duplicate, the slowest check), and importing it into an empty clinic: one run each, in
/// seconds.
fn spreadsheet_round_trip(clinic: &Clinic, admin: &SessionUser) {
    let files = tempfile::tempdir().unwrap();
    let file = files.path().join("patients.csv");
    let start = Instant::now();
    let export = clinic.export_patients_csv(admin, false).unwrap();
    let count = export.rows();
    export.save_new(&file).unwrap();
    let export = start.elapsed().as_secs_f64();
    let csv = clinic_core::files::read_import(&file).unwrap();
    let start = Instant::now();
    let report = clinic
        .check_patient_import(admin, &csv, &PatientImport::default())
        .unwrap();
    let check = start.elapsed().as_secs_f64();
    // Rows with an email address are refused (emails are unique), the others are probable duplicates.
    assert_eq!(
        (report.rejected.len() + report.duplicates.len()) as i64,
        count
    );
    let dir = tempfile::tempdir().unwrap();
    let (empty, root) = clinic_of(dir.path(), 0);
    let start = Instant::now();
    let done = empty
        .import_patients(&root, &csv, &PatientImport::default())
        .unwrap();
    let import = start.elapsed().as_secs_f64();
    // Random names and birth dates repeat now and then: such rows are probable duplicates, left out.
    let left_out = done.duplicates.len() as i64;
    assert_eq!(done.imported + left_out, count);
    println!(
        "  CSV of {count} patients: export {export:.2} s, check against the same clinic {check:.2} s, \
         import into an empty clinic {import:.2} s (written in turns; {left_out} probable duplicates left out)"
    );
}

/// A clinic moving in from another system: 50,000 new patients checked against a clinic of 100,000, then
/// imported, while two other writers (a registration every 50 ms on the same app, and one from a second
/// connection, as the CLI beside the app) time how long each of their writes waited.
fn large_import(dir: &std::path::Path, clinic: &Clinic, admin: &SessionUser) {
    const ROWS: usize = 50_000;
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut csv = String::from("First name,Last name,Date of birth,Phone,Email\n");
    for i in 0..ROWS {
        let born = format!(
            "{}-{:02}-{:02}",
            rng.random_range(1930..2024),
            rng.random_range(1..=12),
            rng.random_range(1..=28)
        );
        csv.push_str(&format!(
            "{},{},{born},+347{i:08},moving{i}@example.org\n",
            FIRST.choose(&mut rng).unwrap(),
            LAST.choose(&mut rng).unwrap(),
        ));
    }
    let start = Instant::now();
    let checked = clinic
        .check_patient_import(admin, &csv, &PatientImport::default())
        .unwrap();
    let check = start.elapsed().as_secs_f64();
    assert!(
        checked.rejected.is_empty(),
        "{:?}",
        checked.rejected.first()
    );

    let other = Clinic::open(dir, &key()).unwrap();
    let other_admin = other.sign_in("root", PASSWORD).unwrap();
    let importing = std::sync::atomic::AtomicBool::new(true);
    let writer = |c: &Clinic, by: &SessionUser, name: &str| {
        let mut waits = Vec::new();
        while importing.load(std::sync::atomic::Ordering::Relaxed) {
            let start = Instant::now();
            c.register_patient(
                by,
                clinic_core::NewPatient {
                    first_name: name.into(),
                    last_name: "Writer".into(),
                    date_of_birth: "1999-09-09".into(),
                    allow_duplicates: true,
                    ..clinic_core::NewPatient::default()
                },
            )
            .unwrap();
            waits.push(start.elapsed().as_secs_f64() * 1e3);
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        waits
    };
    let (import, imported, mut same_app, mut second) = std::thread::scope(|s| {
        let same_app = s.spawn(|| writer(clinic, admin, "Same"));
        let second = s.spawn(|| writer(&other, &other_admin, "Second"));
        let start = Instant::now();
        let done = clinic
            .import_patients(admin, &csv, &PatientImport::default())
            .unwrap();
        let import = start.elapsed().as_secs_f64();
        importing.store(false, std::sync::atomic::Ordering::Relaxed);
        (
            import,
            done.imported,
            same_app.join().unwrap(),
            second.join().unwrap(),
        )
    });
    println!(
        "\n  import of {ROWS} new patients into 100,000: check {check:.2} s; import (check again, then \
         write in turns) {import:.2} s, {imported} registered ({} left out as probable duplicates)",
        ROWS as i64 - imported
    );
    for (who, waits) in [
        ("same app", &mut same_app),
        ("second connection", &mut second),
    ] {
        let count = waits.len();
        println!(
            "  a registration meanwhile ({who}, {count} of them): p50 {:.1} ms, max {:.1} ms",
            percentile(waits, 0.5),
            percentile(waits, 1.0)
        );
    }
}

fn main() {
    if !measuring() {
        return;
    }
    println!("patient search: p50 / p95 of {RUNS} runs of the whole list_patients command");
    for n in [10_000, 100_000] {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let (clinic, admin) = clinic_of(dir.path(), n);
        println!(
            "\n{n} patients (built in {:.1} s)",
            start.elapsed().as_secs_f64()
        );
        let searches = [
            ("two name prefixes, any order", "nun jos"),
            ("a common surname prefix", "gar"),
            ("full name, no accents", "maria lopez"),
            ("MRN", "A-004321"),
            ("phone digits", "600 004 32"),
            ("date of birth", "28/02/1980"),
            ("email prefix", "patient4321@"),
            ("one letter", "m"),
        ];
        for (what, text) in searches {
            let query = PatientQuery::matching(text, 0, 25);
            let mut times: Vec<f64> = (0..RUNS)
                .map(|_| {
                    let start = Instant::now();
                    let page = clinic.list_patients(&admin, &query).unwrap();
                    std::hint::black_box(page);
                    start.elapsed().as_secs_f64() * 1e3
                })
                .collect();
            let page = clinic.list_patients(&admin, &query).unwrap();
            let (total, more) = (page.total, if page.too_many { "+" } else { " " });
            println!(
                "  {what:<30} {text:<14} {total:>7}{} found   p50 {:>7.2} ms   p95 {:>7.2} ms",
                more,
                percentile(&mut times, 0.5),
                percentile(&mut times, 0.95)
            );
        }
        let mut times: Vec<f64> = (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(
                    clinic
                        .list_patients(&admin, &PatientQuery::all(0, 25))
                        .unwrap(),
                );
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        println!(
            "  {:<45} {:>7} p50 {:>7.2} ms   p95 {:>7.2} ms",
            "first page of the list, by name",
            "",
            percentile(&mut times, 0.5),
            percentile(&mut times, 0.95)
        );
        if n == 10_000 {
            spreadsheet_round_trip(&clinic, &admin);
        } else {
            large_import(dir.path(), &clinic, &admin);
        }
    }
}
