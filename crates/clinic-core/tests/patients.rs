//! Patients: every field checked with a field-level message and nothing written on refusal; phones in
//! one canonical form; unique emails; likely duplicates; archiving; and search by names (accents,
//! word order, prefixes), MRN, phone digits, email and date of birth.

use crate::common::madrid_clinic;
use clinic_core::{Clinic, CoreError, NewPatient, PatientQuery, PatientSort, SessionUser};

/// A clinic in Spain (phones without a country code are Spanish), on 1 December 2026.
fn clinic(dir: &std::path::Path) -> (Clinic, SessionUser) {
    madrid_clinic(dir, "Clínica Norte", "2026-12-01T10:00:00Z")
}

fn person(first: &str, last: &str, born: &str) -> NewPatient {
    NewPatient {
        first_name: first.into(),
        last_name: last.into(),
        date_of_birth: born.into(),
        ..Default::default()
    }
}

fn outbox(c: &Clinic, admin: &SessionUser) -> i64 {
    c.status(admin, std::path::Path::new("."))
        .unwrap()
        .outbox_pending
}

fn names(c: &Clinic, admin: &SessionUser, text: &str) -> Vec<String> {
    c.list_patients(admin, &PatientQuery::matching(text, 0, 50))
        .unwrap()
        .rows
        .into_iter()
        .map(|p| format!("{} {}", p.first_name, p.last_name))
        .collect()
}

#[test]
fn each_bad_field_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let before = outbox(&c, &admin);
    let cases: [(&str, NewPatient); 9] = [
        ("firstName", person(" ", "Núñez", "1970-01-01")),
        ("lastName", person("José", "", "1970-01-01")),
        ("dateOfBirth", person("José", "Núñez", "")),
        ("dateOfBirth", person("José", "Núñez", "01/13/1970")),
        ("dateOfBirth", person("José", "Núñez", "2026-12-02")),
        ("dateOfBirth", person("José", "Núñez", "1890-01-01")),
        (
            "email",
            NewPatient {
                email: Some("jose@".into()),
                ..person("José", "Núñez", "1970-01-01")
            },
        ),
        (
            "email",
            NewPatient {
                email: Some("jose núñez@x.es".into()),
                ..person("José", "Núñez", "1970-01-01")
            },
        ),
        (
            "phone",
            NewPatient {
                phone: Some("call after 5".into()),
                ..person("José", "Núñez", "1970-01-01")
            },
        ),
    ];
    for (field, input) in cases {
        let err = c.register_patient(&admin, input).unwrap_err();
        assert_eq!(err.field(), Some(field), "{err}");
    }
    assert_eq!(
        outbox(&c, &admin),
        before,
        "a refused registration writes nothing"
    );
    // The day itself is fine, and so is a patient of 129.
    assert!(
        c.register_patient(&admin, person("Ana", "Hoy", "2026-12-01"))
            .is_ok()
    );
    assert!(
        c.register_patient(&admin, person("Eva", "Vieja", "1897-01-01"))
            .is_ok()
    );
}

#[test]
fn phones_are_stored_in_one_form_and_emails_are_unique_among_active_patients() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let jose = c
        .register_patient(
            &admin,
            NewPatient {
                phone: Some("612 34 56 78".into()),
                email: Some("Jose.Nunez@Example.ES".into()),
                ..person("José", "Núñez", "1970-01-01")
            },
        )
        .unwrap();
    assert_eq!(jose.phone.as_deref(), Some("+34 612 34 56 78"));
    assert_eq!(jose.email.as_deref(), Some("jose.nunez@example.es"));
    assert_eq!(jose.mrn, "A-000001");

    let taken = NewPatient {
        email: Some("JOSE.NUNEZ@example.es".into()),
        ..person("Ana", "Silva", "1990-05-01")
    };
    let err = c.register_patient(&admin, taken.clone()).unwrap_err();
    assert_eq!(err.field(), Some("email"), "{err}");
    // Archived, José's address is free again; he cannot come back while Ana uses it.
    c.set_patient_archived(&admin, &jose.id, true).unwrap();
    let ana = c.register_patient(&admin, taken).unwrap();
    let err = c.set_patient_archived(&admin, &jose.id, false).unwrap_err();
    assert!(matches!(err, CoreError::Conflict(_)), "{err}");
    let mut changed = person("Ana", "Silva", "1990-05-01");
    changed.email = Some("ana.silva@example.es".into());
    c.update_patient(&admin, &ana.id, changed).unwrap();
    c.set_patient_archived(&admin, &jose.id, false).unwrap();
    assert_eq!(names(&c, &admin, "nunez"), ["José Núñez"]);
}

#[test]
fn likely_duplicates_are_shown_before_a_second_registration() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let jose = c
        .register_patient(
            &admin,
            NewPatient {
                phone: Some("+34 612 345 678".into()),
                ..person("José", "Núñez", "1970-01-01")
            },
        )
        .unwrap();
    // Same names without accents and in other case, same date of birth.
    let again = person("JOSE", "nunez", "1970-01-01");
    assert!(matches!(
        c.register_patient(&admin, again.clone()),
        Err(CoreError::PossibleDuplicate)
    ));
    let found = c
        .find_duplicate_patients(&admin, again.clone(), None)
        .unwrap();
    assert_eq!(
        found.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        [jose.id.as_str()]
    );
    // The same phone, typed another way, is a likely duplicate too.
    let same_phone = NewPatient {
        phone: Some("612345678".into()),
        ..person("Pilar", "Núñez", "1972-03-03")
    };
    assert_eq!(
        c.find_duplicate_patients(&admin, same_phone, None)
            .unwrap()
            .len(),
        1
    );
    // Another person with the same names but another birthday is not.
    assert!(
        c.find_duplicate_patients(&admin, person("José", "Núñez", "1999-09-09"), None)
            .unwrap()
            .is_empty()
    );
    // Editing José is not a duplicate of himself.
    assert!(
        c.find_duplicate_patients(&admin, again.clone(), Some(&jose.id))
            .unwrap()
            .is_empty()
    );

    let twin = c
        .register_patient(
            &admin,
            NewPatient {
                allow_duplicates: true,
                ..again
            },
        )
        .unwrap();
    assert_ne!(twin.mrn, jose.mrn);
}

#[test]
fn search_finds_names_in_any_order_and_case_without_accents_and_by_prefix() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    c.register_patient(
        &admin,
        NewPatient {
            phone: Some("612 34 56 78".into()),
            email: Some("jose@example.es".into()),
            ..person("José", "Núñez", "1970-01-31")
        },
    )
    .unwrap();
    c.register_patient(&admin, person("Zoë", "Müller", "1985-06-15"))
        .unwrap();
    c.register_patient(&admin, person("Josefa", "Nunes", "1960-02-02"))
        .unwrap();
    c.register_patient(&admin, person("Mateo", "García López", "2001-11-11"))
        .unwrap();

    assert_eq!(names(&c, &admin, "nun jos"), ["Josefa Nunes", "José Núñez"]);
    assert_eq!(names(&c, &admin, "núñez josé"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "NUÑEZ"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "mu zo"), ["Zoë Müller"]);
    assert_eq!(names(&c, &admin, "lopez"), ["Mateo García López"]);
    assert_eq!(names(&c, &admin, "garcia mat"), ["Mateo García López"]);
    // MRN, whole or by its number.
    assert_eq!(names(&c, &admin, "A-000002"), ["Zoë Müller"]);
    assert_eq!(names(&c, &admin, "000002"), ["Zoë Müller"]);
    // Phone digits: national, international, partial.
    assert_eq!(names(&c, &admin, "612345678"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "+34 612"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "612-34"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "612 34 56"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "(+34) 612 34"), ["José Núñez"]);
    // Email and date of birth.
    assert_eq!(names(&c, &admin, "jose@exa"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "1970-01-31"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "31/01/1970"), ["José Núñez"]);
    assert_eq!(names(&c, &admin, "núñez 31.01.1970"), ["José Núñez"]);
    // Every word must match.
    assert!(names(&c, &admin, "núñez zoë").is_empty());
    assert!(names(&c, &admin, "xyz").is_empty());
}

#[test]
fn an_email_matches_from_the_start_of_the_address_never_by_its_domain() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    c.register_patient(&admin, person("Ana", "O", "1990-01-01"))
        .unwrap();
    for (first, last, email) in [
        ("Zoë", "Müller", "zoe.muller@example.org"),
        ("Luis", "Pérez", "lperez@salud.org"),
        ("Marta", "Ruiz", "marta-r@example.org"),
    ] {
        c.register_patient(
            &admin,
            NewPatient {
                email: Some(email.into()),
                ..person(first, last, "1980-01-01")
            },
        )
        .unwrap();
    }
    // A one-letter surname is found on its own, and ".org" is no word of anyone.
    assert_eq!(names(&c, &admin, "o"), ["Ana O"]);
    assert!(names(&c, &admin, "o zoe").is_empty());
    assert!(names(&c, &admin, "org").is_empty());
    assert!(names(&c, &admin, "example").is_empty());
    // The start of an address still finds its patient, typed with its punctuation.
    assert_eq!(names(&c, &admin, "lper"), ["Luis Pérez"]);
    assert_eq!(names(&c, &admin, "lperez@salud.o"), ["Luis Pérez"]);
    assert_eq!(names(&c, &admin, "zoe.mu"), ["Zoë Müller"]);
    assert_eq!(names(&c, &admin, "marta-r@"), ["Marta Ruiz"]);
}

#[test]
fn the_list_pages_sorts_and_leaves_out_archived_patients_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let mut ids = Vec::new();
    for (first, last, born) in [
        ("Carla", "Bravo", "1990-01-01"),
        ("Ana", "Zubiri", "1950-01-01"),
        ("Beto", "Alba", "2010-01-01"),
    ] {
        ids.push(
            c.register_patient(&admin, person(first, last, born))
                .unwrap()
                .id,
        );
    }
    let order = |sort: PatientSort| -> Vec<String> {
        let query = PatientQuery {
            sort,
            ..PatientQuery::all(0, 10)
        };
        c.list_patients(&admin, &query)
            .unwrap()
            .rows
            .into_iter()
            .map(|p| p.last_name)
            .collect()
    };
    assert_eq!(order(PatientSort::Name), ["Alba", "Bravo", "Zubiri"]);
    assert_eq!(order(PatientSort::DateOfBirth), ["Zubiri", "Bravo", "Alba"]);
    assert_eq!(order(PatientSort::Mrn), ["Bravo", "Zubiri", "Alba"]);

    c.set_patient_archived(&admin, &ids[0], true).unwrap();
    let page = c.list_patients(&admin, &PatientQuery::all(0, 1)).unwrap();
    assert_eq!((page.total, page.rows.len()), (2, 1));
    let with_archived = PatientQuery {
        include_archived: true,
        ..PatientQuery::matching("bravo", 0, 10)
    };
    let rows = c.list_patients(&admin, &with_archived).unwrap().rows;
    assert!(rows[0].archived);
    assert!(names(&c, &admin, "bravo").is_empty());
}

#[test]
fn an_edit_writes_only_what_changed_and_keeps_the_mrn() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    let ana = c
        .register_patient(&admin, person("Ana", "Silva", "1990-05-01"))
        .unwrap();
    let before = outbox(&c, &admin);
    let mut changed = person("Ana", "Silva Ruiz", "1990-05-01");
    changed.phone = Some("699 11 22 33".into());
    let row = c.update_patient(&admin, &ana.id, changed.clone()).unwrap();
    assert_eq!(
        (row.last_name.as_str(), row.mrn.as_str()),
        ("Silva Ruiz", ana.mrn.as_str())
    );
    assert_eq!(outbox(&c, &admin), before + 1);
    // The same details again change nothing.
    c.update_patient(&admin, &ana.id, changed).unwrap();
    assert_eq!(outbox(&c, &admin), before + 1);
    assert_eq!(names(&c, &admin, "ruiz"), ["Ana Silva Ruiz"]);
    assert_eq!(names(&c, &admin, "699112233"), ["Ana Silva Ruiz"]);
    let details = c.patient(&admin, &ana.id).unwrap();
    assert_eq!(details.phone.as_deref(), Some("+34 699 11 22 33"));
}

#[test]
fn a_search_matching_hundreds_lists_them_unsorted_and_asks_for_more_letters() {
    let dir = tempfile::tempdir().unwrap();
    let (c, admin) = clinic(dir.path());
    for i in 0..505 {
        let born = format!("19{:02}-01-01", i % 100);
        c.register_patient(&admin, person(&format!("Persona{i}"), "García", &born))
            .unwrap();
    }
    let page = c
        .list_patients(&admin, &PatientQuery::matching("garc", 0, 25))
        .unwrap();
    assert!(page.too_many);
    assert_eq!(page.total, 500);
    // In the order they were registered.
    assert_eq!(page.rows[0].first_name, "Persona0");
    assert_eq!(page.rows[1].first_name, "Persona1");
    let narrower = c
        .list_patients(&admin, &PatientQuery::matching("garc persona50", 0, 25))
        .unwrap();
    assert!(!narrower.too_many);
    // Persona50, and Persona500 to Persona504, sorted by name.
    assert_eq!(narrower.total, 6);
    assert_eq!(narrower.rows[0].first_name, "Persona50");
    // The whole list still counts and sorts everyone.
    let all = c.list_patients(&admin, &PatientQuery::all(0, 5)).unwrap();
    assert_eq!((all.total, all.too_many), (505, false));
}
