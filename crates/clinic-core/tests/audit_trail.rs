//! The audit screen: filters by user, patient, action and date; stable paging; CSV export; a patient's
//! "who looked at my record"; and every reading of the trail is itself in the trail.

use crate::common;

use crate::common::{ADMIN_PASSWORD, at};
use clinic_core::{AuditQuery, Clinic, NewPatient, NewUser, Role, SessionUser};

fn patient(c: &Clinic, by: &SessionUser, first: &str, last: &str) -> String {
    c.register_patient(
        by,
        NewPatient {
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: "1980-02-03".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .id
}

fn query() -> AuditQuery {
    AuditQuery {
        limit: 100,
        ..AuditQuery::default()
    }
}

/// A clinic where the receptionist registers José on 1 Nov and lists patients on 2 Nov.
fn busy_clinic(dir: &std::path::Path) -> (Clinic, SessionUser, SessionUser, String, String) {
    let c = common::clinic(dir, "Audit Clinic");
    c.set_clock(at("2026-11-01T09:00:00Z"));
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    c.add_user(
        &admin,
        NewUser {
            username: "desk".into(),
            display_name: "Front Desk".into(),
            password: "first day password".into(),
            role: Role::Receptionist,
        },
    )
    .unwrap();
    let first = c.sign_in("desk", "first day password").unwrap();
    let desk = c
        .change_password(&first, "first day password", "desk chose this one")
        .unwrap();
    let jose = patient(&c, &desk, "José", "Núñez");
    let ana = patient(&c, &admin, "Ana", "Silva");
    c.set_clock(at("2026-11-02T10:00:00Z"));
    c.list_patients(&desk, &clinic_core::PatientQuery::matching("nú", 0, 10))
        .unwrap();
    (c, admin, desk, jose, ana)
}

#[test]
fn filters_narrow_the_trail_by_user_patient_action_and_day() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin, desk, jose, _) = busy_clinic(dir.path());

    let by_desk = c
        .audit_log(
            &admin,
            AuditQuery {
                user_id: Some(desk.id.clone()),
                ..query()
            },
        )
        .unwrap();
    assert!(
        by_desk
            .entries
            .iter()
            .all(|e| e.user_id.as_deref() == Some(desk.id.as_str()))
    );
    assert!(by_desk.entries.iter().any(|e| e.action == "list_patients"));

    // José's entries: his registration, and the list that showed him.
    let about_jose = c
        .audit_log(
            &admin,
            AuditQuery {
                patient_id: Some(jose.clone()),
                ..query()
            },
        )
        .unwrap();
    let actions: Vec<&str> = about_jose
        .entries
        .iter()
        .map(|e| e.action.as_str())
        .collect();
    assert!(
        actions.contains(&"insert") && actions.contains(&"list_patients"),
        "{actions:?}"
    );
    let registration = about_jose
        .entries
        .iter()
        .find(|e| e.action == "insert")
        .unwrap();
    assert_eq!(registration.patient_name.as_deref(), Some("José Núñez"));
    assert_eq!(registration.user_name.as_deref(), Some("Front Desk"));

    let lists = c
        .audit_log(
            &admin,
            AuditQuery {
                action: Some("list_patients".into()),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(lists.total, 1);

    let first_day = c
        .audit_log(
            &admin,
            AuditQuery {
                from: Some("2026-11-01".into()),
                to: Some("2026-11-01".into()),
                ..query()
            },
        )
        .unwrap();
    assert!(
        first_day
            .entries
            .iter()
            .all(|e| e.at.starts_with("2026-11-01"))
    );
    assert!(first_day.total > 0);

    let err = c
        .audit_log(
            &admin,
            AuditQuery {
                from: Some("2026-11-03".into()),
                to: Some("2026-11-01".into()),
                ..query()
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("to"));
    let err = c
        .audit_log(
            &admin,
            AuditQuery {
                from: Some("1 Nov".into()),
                ..query()
            },
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("from"));
}

#[test]
fn pages_do_not_shift_when_new_entries_arrive_and_viewing_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin, _, _, _) = busy_clinic(dir.path());
    let first = c
        .audit_log(
            &admin,
            AuditQuery {
                limit: 3,
                ..query()
            },
        )
        .unwrap();
    // More happens (including the audit of that first view) before the next page is read.
    patient(&c, &admin, "Zoë", "Müller");
    let second = c
        .audit_log(
            &admin,
            AuditQuery {
                limit: 3,
                offset: 3,
                up_to: Some(first.up_to),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(second.total, first.total);
    assert_eq!(second.entries[0].seq, first.entries[2].seq - 1);

    let views = c
        .audit_log(
            &admin,
            AuditQuery {
                action: Some("view_audit".into()),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(views.total, 2, "each page read is recorded");
    assert_eq!(views.entries[0].user_id.as_deref(), Some(admin.id.as_str()));
}

#[test]
fn the_csv_export_has_every_matching_entry_and_is_itself_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin, _, jose, _) = busy_clinic(dir.path());
    let csv = c
        .export_audit_csv(
            &admin,
            AuditQuery {
                patient_id: Some(jose.clone()),
                ..query()
            },
        )
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("seq,at,user,"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("José Núñez") && l.contains(",insert,"))
    );
    // The list's details hold a JSON array, quoted as one cell.
    assert!(
        lines
            .iter()
            .any(|l| l.contains(",list_patients,") && l.contains("\"{\"\"shown"))
    );
    let exports = c
        .audit_log(
            &admin,
            AuditQuery {
                action: Some("export_audit".into()),
                ..query()
            },
        )
        .unwrap();
    assert_eq!(exports.total, 1);
}

#[test]
fn who_looked_at_my_record() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin, desk, jose, ana) = busy_clinic(dir.path());
    let report = c.patient_access_report(&admin, &jose).unwrap();
    let desk_line = report
        .iter()
        .find(|a| a.user_id.as_deref() == Some(desk.id.as_str()))
        .expect("the receptionist registered and listed José");
    assert_eq!(desk_line.user_name.as_deref(), Some("Front Desk"));
    assert_eq!(desk_line.role.as_deref(), Some("receptionist"));
    assert_eq!(desk_line.times, 2);
    assert_eq!(desk_line.actions, ["insert", "list_patients"]);
    assert_eq!(desk_line.last_at, "2026-11-02T10:00:00.000Z");

    // Ana was registered by the admin and not in the receptionist's search for "nú".
    let report = c.patient_access_report(&admin, &ana).unwrap();
    assert!(
        report
            .iter()
            .all(|a| a.user_id.as_deref() != Some(desk.id.as_str())),
        "{report:?}"
    );
}

#[test]
fn reading_a_visit_is_audited_with_its_patient() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin, desk, jose, _) = busy_clinic(dir.path());
    let provider = c
        .add_provider(
            &admin,
            clinic_core::NewProvider {
                user_id: None,
                display_name: "Dr. Amara Okafor".into(),
                specialty: "Family medicine".into(),
                licence_number: None,
                colour: "#1e88e5".into(),
            },
        )
        .unwrap();
    let visit = c.open_encounter(&admin, &jose, &provider, None).unwrap();
    let note = c.write_note(&admin, &visit, "Well controlled.").unwrap();
    c.sign_note(&admin, &note).unwrap();

    let recent = c.recent_visits(&admin, 10).unwrap();
    assert_eq!(recent[0].note_status.as_deref(), Some("signed"));
    let record = c.open_visit(&admin, &visit).unwrap();
    assert_eq!(record.notes[0].body, "Well controlled.");
    assert_eq!(record.notes[0].signed_by.as_deref(), Some("Root"));
    // A receptionist is refused before anything is read.
    assert!(matches!(
        c.open_visit(&desk, &visit),
        Err(clinic_core::CoreError::Forbidden(_))
    ));

    let report = c.patient_access_report(&admin, &jose).unwrap();
    let mine = report
        .iter()
        .find(|a| a.user_id.as_deref() == Some(admin.id.as_str()))
        .unwrap();
    assert!(mine.actions.contains(&"open_visit".to_owned()), "{mine:?}");
    assert!(mine.actions.contains(&"list_visits".to_owned()), "{mine:?}");
}

/// A page of 0 entries (or of thousands) is refused with the reason, not answered with another number of
/// entries.
#[test]
fn a_page_size_out_of_range_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let c = common::clinic(dir.path(), "Audit Clinic");
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    for limit in [0, -1, 501] {
        let err = c
            .audit_log(&admin, AuditQuery { limit, ..query() })
            .unwrap_err();
        assert_eq!(err.field(), Some("limit"), "{limit}");
    }
    assert_eq!(
        c.audit_log(
            &admin,
            AuditQuery {
                limit: 1,
                ..query()
            }
        )
        .unwrap()
        .entries
        .len(),
        1
    );
}
