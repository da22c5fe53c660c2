//! Merging two records of one person on a real store: everything moves (appointments, visits and their
//! clinical rows, invoices and recorded payments, allergies, the waitlist), every move is audited, the
//! duplicate opens the kept record, and an administrator can undo it the same day but not later. Also
//! the patient header those records feed.

use crate::common::{at, madrid_clinic};
use clinic_core::{
    AllergySeverity, AppointmentStatus, AuditQuery, Clinic, CoreError, InvoiceLineInput,
    NewAllergy, NewAppointment, NewPatient, NewProvider, NewUser, NewVitals, NewWaitlistEntry,
    PatientQuery, PaymentMethod, Role, SessionUser, merged_tables,
};

struct Setup {
    c: Clinic,
    admin: SessionUser,
    desk: SessionUser,
    kept: String,
    duplicate: String,
    invoice: String,
}

fn person(first: &str, last: &str, born: &str) -> NewPatient {
    NewPatient {
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: born.into(),
        allow_duplicates: true,
        ..Default::default()
    }
}

/// Madrid, Tuesday 1 December 2026, 10:00. José Núñez was registered twice: the second record
/// ("Jose Nunez", with a phone and a city) has an appointment tomorrow, a visit with vitals, a
/// diagnosis and a prescription, an allergy, an invoice partly paid, and a waitlist entry.
/// Dr Okafor, with no working hours set up: what these tests look at is the record, not the hours.
fn add_okafor(c: &Clinic, admin: &SessionUser) -> String {
    c.add_provider(
        admin,
        NewProvider {
            user_id: None,
            display_name: "Dr. Amara Okafor".into(),
            specialty: "Family medicine".into(),
            licence_number: None,
            colour: "#1e88e5".into(),
        },
    )
    .unwrap()
}

/// A booking of `patient` with `provider`, outside hours allowed (no hours are set up here).
fn appointment(patient: &str, provider: &str, starts_at: &str, ends_at: &str) -> NewAppointment {
    NewAppointment {
        patient_id: patient.into(),
        provider_id: provider.into(),
        appointment_type_id: None,
        starts_at: starts_at.into(),
        ends_at: ends_at.into(),
        reason: None,
        allow_patient_overlap: None,
        allow_outside_hours: Some(true),
    }
}

fn setup(dir: &std::path::Path) -> Setup {
    let (c, admin) = madrid_clinic(dir, "Clínica Norte", "2026-12-01T09:00:00Z");
    c.add_user(
        &admin,
        NewUser {
            username: "desk".into(),
            display_name: "Front Desk".into(),
            role: Role::Receptionist,
            password: "front desk passphrase".into(),
        },
    )
    .unwrap();
    let first = c.sign_in("desk", "front desk passphrase").unwrap();
    let desk = c
        .change_password(&first, "front desk passphrase", "my own passphrase 2026")
        .unwrap();
    let kept = c
        .register_patient(&desk, person("José", "Núñez", "1980-06-15"))
        .unwrap()
        .id;
    let duplicate = c
        .register_patient(
            &desk,
            NewPatient {
                phone: Some("612 34 56 78".into()),
                city: Some("Sevilla".into()),
                ..person("Jose", "Nunez", "1980-06-15")
            },
        )
        .unwrap()
        .id;
    let provider = add_okafor(&c, &admin);
    c.book_appointment(
        &desk,
        appointment(
            &duplicate,
            &provider,
            "2026-12-02T09:00:00Z",
            "2026-12-02T09:30:00Z",
        ),
    )
    .unwrap();
    let visit = c
        .open_encounter(&admin, &duplicate, &provider, None)
        .unwrap();
    c.add_vitals(
        &admin,
        &visit,
        NewVitals {
            heart_rate_bpm: Some(72),
            ..NewVitals::default()
        },
    )
    .unwrap();
    c.add_diagnosis(&admin, &visit, "J06.9", "Upper respiratory infection", true)
        .unwrap();
    c.record_allergy(
        &admin,
        &duplicate,
        NewAllergy {
            substance: "Penicillin".into(),
            reaction: Some("Hives".into()),
            severity: Some(AllergySeverity::Severe),
        },
    )
    .unwrap();
    let service = c
        .add_service(&admin, "CONS", "Consultation", 6000, false)
        .unwrap();
    let (invoice, _) = c
        .issue_invoice(
            &desk,
            &duplicate,
            None,
            &[InvoiceLineInput {
                service_id: service,
                quantity: 1,
            }],
        )
        .unwrap();
    c.record_payment(&desk, &invoice, PaymentMethod::Card, 2500, None)
        .unwrap();
    c.add_to_waitlist(
        &desk,
        NewWaitlistEntry {
            patient_id: duplicate.clone(),
            provider_id: Some(provider.clone()),
            specialty: None,
            appointment_type_id: None,
            weekdays: vec![],
            earliest_time: None,
            latest_time: None,
            note: None,
        },
    )
    .unwrap();
    Setup {
        c,
        admin,
        desk,
        kept,
        duplicate,
        invoice,
    }
}

fn audit_count(s: &Setup, patient_id: &str, action: &str) -> i64 {
    s.c.audit_log(
        &s.admin,
        AuditQuery {
            patient_id: Some(patient_id.into()),
            action: Some(action.into()),
            limit: 1,
            ..AuditQuery::default()
        },
    )
    .unwrap()
    .total
}

#[test]
fn a_merge_moves_everything_to_the_kept_record_and_audits_each_move() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());

    let preview =
        s.c.patient_merge_preview(&s.desk, &s.kept, &s.duplicate)
            .unwrap();
    assert_eq!(
        (
            preview.moves.appointments,
            preview.moves.visits,
            preview.moves.invoices,
            preview.moves.payments,
            preview.moves.allergies,
            preview.moves.clinical_records,
            preview.moves.waitlist_entries
        ),
        (1, 1, 1, 1, 1, 2, 1),
        "vitals and the diagnosis are the two clinical records"
    );
    assert_eq!(preview.fills, ["city", "phone"].map(String::from).to_vec());
    let updates_before = audit_count(&s, &s.kept, "update");

    let merge = s.c.merge_patients(&s.desk, &s.kept, &s.duplicate).unwrap();
    assert_eq!(merge.moved, preview.moves);
    assert!(merge.undoable);
    assert_eq!(merge.merged_name, "Jose Nunez");

    // The kept record now carries all of it.
    let header = s.c.patient_header(&s.desk, &s.kept).unwrap();
    assert_eq!(header.allergies.len(), 1);
    assert_eq!(header.allergies[0].substance, "Penicillin");
    assert_eq!(header.balance_due_minor, Some(3500));
    assert_eq!(
        header.next_appointment.map(|a| a.starts_at),
        Some("2026-12-02T09:00:00.000Z".to_owned())
    );
    let visits = s.c.recent_visits(&s.admin, 10).unwrap();
    assert!(visits.iter().all(|v| v.patient_id == s.kept));
    assert!(
        s.c.waitlist(&s.desk)
            .unwrap()
            .iter()
            .all(|w| w.patient_id == s.kept)
    );
    let details = s.c.patient(&s.desk, &s.kept).unwrap();
    assert_eq!(details.phone.as_deref(), Some("+34 612 34 56 78"));
    assert_eq!(details.city.as_deref(), Some("Sevilla"));

    // The duplicate is a redirect: gone from lists, opening it opens the kept record.
    let listed =
        s.c.list_patients(&s.desk, &PatientQuery::matching("nunez", 0, 10))
            .unwrap();
    assert_eq!(listed.rows.len(), 1);
    assert_eq!(listed.rows[0].id, s.kept);
    assert_eq!(s.c.patient(&s.desk, &s.duplicate).unwrap().id, s.kept);
    assert_eq!(
        s.c.patient_header(&s.desk, &s.duplicate).unwrap().id,
        s.kept
    );

    // Every moved row is an audited change filed under the kept patient, and the merge itself too; the
    // kept patient's trail now also holds the duplicate's (here: its redirect).
    assert_eq!(
        audit_count(&s, &s.kept, "update") - updates_before,
        8 + 1 + 1,
        "eight moved rows, the filled-in fields, the duplicate's redirect"
    );
    let inserts =
        s.c.audit_log(
            &s.admin,
            AuditQuery {
                patient_id: Some(s.kept.clone()),
                action: Some("insert".into()),
                limit: 100,
                ..AuditQuery::default()
            },
        )
        .unwrap();
    assert_eq!(
        inserts
            .entries
            .iter()
            .filter(|e| e.entity == "patient_merges")
            .count(),
        1
    );
    assert!(audit_count(&s, &s.duplicate, "update") >= 1);
    assert_eq!(s.c.patient_merges(&s.desk, &s.kept).unwrap().len(), 1);

    // Merging again, or into a redirect, is refused by field.
    let again = s.c.merge_patients(&s.desk, &s.kept, &s.duplicate);
    assert!(matches!(
        again,
        Err(CoreError::Validation {
            field: "mergedPatientId",
            ..
        })
    ));
    let same = s.c.merge_patients(&s.desk, &s.kept, &s.kept);
    assert!(matches!(same, Err(CoreError::Validation { .. })));
}

#[test]
fn only_an_administrator_undoes_a_merge_and_only_the_same_day() {
    let dir = tempfile::tempdir().unwrap();
    let s = setup(dir.path());
    let merge = s.c.merge_patients(&s.desk, &s.kept, &s.duplicate).unwrap();
    // Paid after the merge, on the invoice it moved: the payment goes back with its invoice.
    s.c.record_payment(&s.desk, &s.invoice, PaymentMethod::Cash, 1000, None)
        .unwrap();

    let refused = s.c.undo_patient_merge(&s.desk, &merge.id);
    assert!(matches!(refused, Err(CoreError::Forbidden(_))));

    s.c.undo_patient_merge(&s.admin, &merge.id).unwrap();
    let back = s.c.patient_header(&s.desk, &s.duplicate).unwrap();
    assert_eq!(back.id, s.duplicate);
    assert_eq!(back.allergies.len(), 1);
    assert_eq!(back.balance_due_minor, Some(2500));
    let payments_back =
        s.c.audit_log(
            &s.admin,
            AuditQuery {
                patient_id: Some(s.duplicate.clone()),
                action: Some("update".into()),
                limit: 100,
                ..AuditQuery::default()
            },
        )
        .unwrap()
        .entries
        .into_iter()
        .filter(|e| e.entity == "payments")
        .count();
    assert_eq!(
        payments_back, 2,
        "both payments of the invoice went back with it"
    );
    assert!(back.next_appointment.is_some());
    let kept = s.c.patient_header(&s.desk, &s.kept).unwrap();
    assert!(kept.allergies.is_empty());
    assert_eq!(kept.balance_due_minor, Some(0));
    let details = s.c.patient(&s.desk, &s.kept).unwrap();
    assert_eq!(details.city, None, "the filled-in city is emptied again");
    assert_eq!(
        s.c.list_patients(&s.desk, &PatientQuery::matching("nunez", 0, 10))
            .unwrap()
            .rows
            .len(),
        2
    );
    let merges = s.c.patient_merges(&s.desk, &s.kept).unwrap();
    assert!(merges[0].undone_at.is_some() && !merges[0].undoable);
    assert!(matches!(
        s.c.undo_patient_merge(&s.admin, &merge.id),
        Err(CoreError::Conflict(_))
    ));

    // Merged again, and the kept record merged into a third: the first merge cannot be undone alone.
    let merge = s.c.merge_patients(&s.desk, &s.kept, &s.duplicate).unwrap();
    let third =
        s.c.register_patient(&s.desk, person("José", "Núñez Gil", "1980-06-15"))
            .unwrap()
            .id;
    let outer = s.c.merge_patients(&s.desk, &third, &s.kept).unwrap();
    assert_eq!(s.c.patient_header(&s.desk, &s.duplicate).unwrap().id, third);
    assert!(matches!(
        s.c.undo_patient_merge(&s.admin, &merge.id),
        Err(CoreError::Conflict(_))
    ));
    s.c.undo_patient_merge(&s.admin, &outer.id).unwrap();
    // A stale screen on the duplicate cannot book it.
    let booked = s.c.book_appointment(
        &s.desk,
        appointment(
            &s.duplicate,
            &s.c.providers(&s.desk, false).unwrap()[0].id,
            "2026-12-03T09:00:00Z",
            "2026-12-03T09:30:00Z",
        ),
    );
    assert!(
        matches!(booked, Err(CoreError::Validation { field: "patientId", ref message }) if message.key == "patient_merged"),
        "{booked:?}"
    );

    // The next day it stays.
    s.c.set_clock(at("2026-12-01T23:30:00Z"));
    assert!(matches!(
        s.c.undo_patient_merge(&s.admin, &merge.id),
        Err(CoreError::Conflict(_))
    ));
}

#[test]
fn every_table_that_points_at_a_patient_is_moved_by_a_merge() {
    let schema = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations"))
        .unwrap()
        .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let mut pointing = Vec::new();
    for table in schema.split("CREATE TABLE ").skip(1) {
        let name = table.split_whitespace().next().unwrap();
        let body = table.split(");").next().unwrap();
        let has_patient = body
            .lines()
            .any(|l| l.trim_start().starts_with("patient_id TEXT") && l.contains("patients"));
        if has_patient && !name.ends_with("_v6") && name != "patient_merges" {
            pointing.push(name.to_owned());
        }
    }
    pointing.sort();
    pointing.dedup();
    let mut moved: Vec<String> = merged_tables().into_iter().map(String::from).collect();
    moved.sort();
    assert_eq!(pointing, moved);
}

#[test]
fn the_header_keeps_showing_an_appointment_that_has_begun_until_it_ends_or_the_patient_comes_in() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = madrid_clinic(dir.path(), "Clínica Norte", "2026-12-01T08:00:00Z");
    let patient = c
        .register_patient(&admin, person("Ana", "García", "1984-03-07"))
        .unwrap()
        .id;
    let provider = add_okafor(&c, &admin);
    let book = |starts_at: &str, ends_at: &str| {
        c.book_appointment(&admin, appointment(&patient, &provider, starts_at, ends_at))
            .unwrap()
    };
    let today = book("2026-12-01T09:00:00Z", "2026-12-01T09:30:00Z");
    let tomorrow = book("2026-12-02T09:00:00Z", "2026-12-02T09:30:00Z");
    let next_at = |now: &str| {
        c.set_clock(at(now));
        c.patient_header(&admin, &patient)
            .unwrap()
            .next_appointment
            .map(|a| a.id)
    };

    assert_eq!(next_at("2026-12-01T08:59:00Z"), Some(today.clone()));
    // Ten minutes past the start and not checked in: the patient may be running late.
    assert_eq!(next_at("2026-12-01T09:10:00Z"), Some(today.clone()));
    // Once its time is over, the next one is tomorrow's.
    assert_eq!(next_at("2026-12-01T09:30:00Z"), Some(tomorrow.clone()));
    // Checked in, the patient is here: what comes next is tomorrow's.
    c.set_clock(at("2026-12-01T09:10:00Z"));
    c.set_appointment_status(&admin, &today, AppointmentStatus::CheckedIn, None)
        .unwrap();
    assert_eq!(next_at("2026-12-01T09:10:00Z"), Some(tomorrow));
}
