//! The demo clinic is valid, complete and deterministic for a seed.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use clinic_core::demo::{DEMO_ADMIN_USERNAME, DEMO_PASSWORD, populate};
use clinic_core::{AppointmentStatus, Clinic, KeyOptions, NewClinic};

fn key() -> KeyOptions {
    KeyOptions::passphrase("correct horse battery staple")
}

fn demo_at(dir: &std::path::Path, now: &str, seed: u64) -> Clinic {
    let clinic = empty_clinic_at(dir, now);
    let admin = clinic.sign_in(DEMO_ADMIN_USERNAME, DEMO_PASSWORD).unwrap();
    populate(&clinic, &admin, seed, None).unwrap();
    clinic.set_clock(Some(now.parse().unwrap()));
    clinic
}

fn empty_clinic_at(dir: &std::path::Path, now: &str) -> Clinic {
    let (clinic, _) = Clinic::create(
        dir,
        &key(),
        NewClinic {
            clinic_name: "Demo".into(),
            time_zone: "America/New_York".into(),
            country: None,
            currency: "USD".into(),
            admin_username: DEMO_ADMIN_USERNAME.into(),
            admin_display_name: "Admin".into(),
            admin_password: DEMO_PASSWORD.into(),
        },
    )
    .unwrap();
    let now: DateTime<Utc> = now.parse().unwrap();
    clinic.set_clock(Some(now));
    clinic
}

fn appointments_fortnight(clinic: &Clinic) -> Vec<(String, String, String, AppointmentStatus)> {
    let admin = clinic.sign_in(DEMO_ADMIN_USERNAME, DEMO_PASSWORD).unwrap();
    let today = clinic.now().date_naive();
    (-8..=8)
        .flat_map(|d| {
            clinic
                .appointments_on(&admin, today + chrono::Duration::days(d))
                .unwrap()
        })
        .map(|a| (a.starts_at, a.patient_name, a.provider_name, a.status))
        .collect()
}

#[test]
fn the_demo_has_every_kind_of_record_and_every_appointment_status() {
    let dir = tempfile::tempdir().unwrap();
    // A Wednesday afternoon, so "today" has finished, running and upcoming visits.
    let clinic = demo_at(dir.path(), "2026-11-18T19:00:00Z", 42);
    let admin = clinic.sign_in(DEMO_ADMIN_USERNAME, DEMO_PASSWORD).unwrap();
    let status = clinic.status(&admin, dir.path()).unwrap();
    let rows = |table: &str| status.counts[table];
    assert_eq!(rows("patients"), 200);
    assert_eq!(rows("providers"), 3);
    assert!(rows("provider_schedules") >= 30);
    assert!(rows("appointments") > 200, "{}", rows("appointments"));
    for table in [
        "encounters",
        "encounter_notes",
        "vitals",
        "diagnoses",
        "prescriptions",
        "invoices",
        "invoice_lines",
        "payments",
    ] {
        assert!(rows(table) > 10, "{table}: {}", rows(table));
    }
    let statuses: BTreeSet<_> = appointments_fortnight(&clinic)
        .into_iter()
        .map(|a| a.3)
        .collect();
    assert_eq!(
        statuses,
        AppointmentStatus::ALL.into_iter().collect(),
        "every status appears"
    );

    let overview = clinic.overview(&admin).unwrap();
    assert_eq!(overview.counts.patients, 200);
    assert!(overview.counts.signed_visits > 20);
    assert!(!overview.todays_appointments.is_empty());
    let names: Vec<String> = clinic
        .list_patients(&admin, &clinic_core::PatientQuery::matching("Núñez", 0, 10))
        .unwrap()
        .rows
        .into_iter()
        .map(|p| p.first_name)
        .collect();
    assert!(names.contains(&"José".to_owned()), "{names:?}");

    // Every row went in through the write path: each table has exactly one insert record per row, and
    // users, signed notes and payments are what their changes say (the audit check finds nothing).
    assert_eq!(clinic.integrity_check(&admin).unwrap(), "ok");
    let check = clinic.verify_audit(&admin).unwrap();
    assert!(check.intact(), "{check:?}");
    drop(clinic);
    let store = clinic_store::Store::open(dir.path(), &key()).unwrap();
    for table in clinic_store::Table::ALL {
        let inserts = store
            .read(|r| {
                r.count(
                    "SELECT count(*) FROM outbox WHERE table_name = ?1 AND operation = 'insert'",
                    [table.name()],
                )
            })
            .unwrap();
        assert_eq!(inserts, rows(table.name()), "{}", table.name());
    }
    assert_eq!(store.first_broken_audit_entry().unwrap(), None);
}

#[test]
fn the_same_seed_and_day_give_the_same_clinic_and_another_seed_another() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let now = "2026-11-18T19:00:00Z";
    let first = appointments_fortnight(&demo_at(a.path(), now, 7));
    let second = appointments_fortnight(&demo_at(b.path(), now, 7));
    let other = appointments_fortnight(&demo_at(c.path(), now, 8));
    assert_eq!(first, second);
    assert_ne!(first, other);
}

#[test]
fn the_demo_refuses_a_clinic_that_already_has_patients() {
    let dir = tempfile::tempdir().unwrap();
    let clinic = demo_at(dir.path(), "2026-11-18T19:00:00Z", 1);
    let admin = clinic.sign_in(DEMO_ADMIN_USERNAME, DEMO_PASSWORD).unwrap();
    let err = populate(&clinic, &admin, 1, None).unwrap_err();
    assert!(err.to_string().contains("empty clinic"), "{err}");
}

#[test]
fn a_demo_day_played_up_to_the_morning_leaves_the_days_patients_to_arrive() {
    // A Sunday evening: the weekend session (10:00 to 14:00) is over.
    let now = "2026-12-06T23:00:00Z";
    let dir = tempfile::tempdir().unwrap();
    let clinic = empty_clinic_at(dir.path(), now);
    let admin = clinic.sign_in(DEMO_ADMIN_USERNAME, DEMO_PASSWORD).unwrap();
    let sunday = "2026-12-06".parse().unwrap();

    let later = chrono::NaiveTime::from_hms_opt(19, 0, 0);
    let err = populate(&clinic, &admin, 1, later).unwrap_err();
    assert!(err.to_string().contains("not 19:00 yet"), "{err}");
    assert_eq!(
        clinic.status(&admin, dir.path()).unwrap().counts["patients"],
        0
    );

    // The demo puts the clinic's clock back to the system's when it is done, failed or not.
    clinic.set_clock(Some(now.parse().unwrap()));
    let morning = chrono::NaiveTime::from_hms_opt(8, 0, 0);
    populate(&clinic, &admin, 1, morning).unwrap();
    clinic.set_clock(Some(now.parse().unwrap()));
    let day = clinic.appointments_on(&admin, sunday).unwrap();
    assert!(!day.is_empty());
    for a in &day {
        assert!(
            matches!(
                a.status,
                AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
            ),
            "{} is {:?}",
            a.starts_at,
            a.status
        );
        assert!(a.next_statuses.contains(&AppointmentStatus::CheckedIn));
    }

    let played = tempfile::tempdir().unwrap();
    let evening = demo_at(played.path(), now, 1);
    let day = evening
        .appointments_on(&admin_of(&evening), sunday)
        .unwrap();
    assert!(day.iter().all(|a| !matches!(
        a.status,
        AppointmentStatus::Scheduled | AppointmentStatus::Confirmed
    )));
}

fn admin_of(clinic: &Clinic) -> clinic_core::SessionUser {
    clinic.sign_in(DEMO_ADMIN_USERNAME, DEMO_PASSWORD).unwrap()
}
