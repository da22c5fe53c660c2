//! Setting up a clinic: bad input is refused field by field and leaves nothing behind.

use clinic_core::{Clinic, CoreError, ErrorCode, KeyOptions, NewClinic};

fn key() -> KeyOptions {
    KeyOptions::passphrase("correct horse battery staple")
}

fn good() -> NewClinic {
    NewClinic {
        clinic_name: "Northside Physio".into(),
        time_zone: "Europe/Madrid".into(),
        country: None,
        currency: "eur".into(),
        admin_username: "Maria.Admin".into(),
        admin_display_name: "María Admin".into(),
        admin_password: "a long enough passphrase".into(),
    }
}

/// Makes one field of a good setup bad.
type Spoil = fn(&mut NewClinic);

#[test]
fn each_bad_field_is_named_and_nothing_is_created() {
    let cases: [(&str, Spoil); 7] = [
        ("clinicName", |c| c.clinic_name = "  ".into()),
        ("timeZone", |c| c.time_zone = "Mars/Olympus".into()),
        ("currency", |c| c.currency = "euro".into()),
        ("adminUsername", |c| c.admin_username = "a b".into()),
        ("adminDisplayName", |c| c.admin_display_name = "".into()),
        ("adminPassword", |c| c.admin_password = "short".into()),
        ("adminPassword", |c| c.admin_password = "maria.admin".into()),
    ];
    for (field, spoil) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut input = good();
        spoil(&mut input);
        let err = Clinic::create(dir.path(), &key(), input)
            .err()
            .expect("must be refused");
        assert_eq!(
            (err.code(), err.field()),
            (ErrorCode::Validation, Some(field)),
            "{err}"
        );
        assert!(
            !Clinic::exists(dir.path()),
            "{field}: a refused setup leaves no clinic behind"
        );
    }
}

#[test]
fn a_clinic_is_set_up_once_and_its_admin_can_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let (clinic, _) = Clinic::create(dir.path(), &key(), good()).unwrap();
    let settings = clinic.settings().unwrap();
    assert_eq!(
        (
            settings.name.as_str(),
            settings.currency.as_str(),
            settings.slot_minutes
        ),
        ("Northside Physio", "EUR", 15)
    );
    let admin = clinic
        .sign_in("maria.admin", "a long enough passphrase")
        .unwrap();
    assert_eq!(admin.display_name, "María Admin");
    assert!(matches!(
        clinic.sign_in("maria.admin", "wrong password!!"),
        Err(CoreError::InvalidCredentials)
    ));
    assert!(matches!(
        clinic.sign_in("nobody", "a long enough passphrase"),
        Err(CoreError::InvalidCredentials)
    ));
    drop(clinic);
    let again = Clinic::create(dir.path(), &key(), good()).err().unwrap();
    assert_eq!(again.code(), ErrorCode::AlreadyInitialized);
}
