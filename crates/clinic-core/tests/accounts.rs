//! Accounts: lockout after failed sign-ins (surviving a restart), password rules, forced password changes,
//! the last administrator, and the audit of sign-ins and patient lists.

use clinic_core::{Clinic, CoreError, NewPatient, NewUser, Role, SecuritySettings};

use crate::common;

use crate::common::{ADMIN_PASSWORD, at, key};

fn clinic(dir: &std::path::Path) -> Clinic {
    common::clinic(dir, "Accounts Clinic")
}

#[test]
fn five_failures_lock_the_account_for_fifteen_minutes_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    c.set_clock(at("2026-11-22T09:00:00Z"));
    for _ in 0..5 {
        assert!(matches!(
            c.sign_in("root", "wrong password!!"),
            Err(CoreError::InvalidCredentials)
        ));
    }
    // Locked: even the right password is refused, with the very same error as a wrong one.
    let locked = c.sign_in("root", ADMIN_PASSWORD).unwrap_err();
    let unknown = c.sign_in("nobody.here", ADMIN_PASSWORD).unwrap_err();
    assert_eq!(locked.to_string(), unknown.to_string());
    assert_eq!(locked.code(), unknown.code());
    drop(c);

    let c = Clinic::open(dir.path(), &key()).unwrap();
    c.set_clock(at("2026-11-22T09:14:00Z"));
    assert!(
        c.sign_in("root", ADMIN_PASSWORD).is_err(),
        "the lock survives a restart"
    );
    c.set_clock(at("2026-11-22T09:15:01Z"));
    assert!(
        c.sign_in("root", ADMIN_PASSWORD).is_ok(),
        "the lock ends after 15 minutes"
    );
    // A success resets the count: four more failures do not lock.
    for _ in 0..4 {
        assert!(c.sign_in("root", "wrong password!!").is_err());
    }
    assert!(c.sign_in("root", ADMIN_PASSWORD).is_ok());
}

#[test]
fn the_lockout_is_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let bad = SecuritySettings {
        lockout_threshold: 1,
        lockout_minutes: 15,
        idle_lock_minutes: 5,
    };
    assert_eq!(
        c.set_security_settings(&admin, bad).unwrap_err().field(),
        Some("lockoutThreshold")
    );
    c.set_security_settings(
        &admin,
        SecuritySettings {
            lockout_threshold: 3,
            lockout_minutes: 60,
            idle_lock_minutes: 10,
        },
    )
    .unwrap();
    c.set_clock(at("2026-11-22T09:00:00Z"));
    for _ in 0..3 {
        assert!(c.sign_in("root", "wrong password!!").is_err());
    }
    c.set_clock(at("2026-11-22T09:59:00Z"));
    assert!(c.sign_in("root", ADMIN_PASSWORD).is_err());
    c.set_clock(at("2026-11-22T10:00:01Z"));
    assert!(c.sign_in("root", ADMIN_PASSWORD).is_ok());
    assert_eq!(c.security_settings(&admin).unwrap().idle_lock_minutes, 10);
}

#[test]
fn password_rules_apply_to_new_reset_and_changed_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    for (password, says) in [
        ("short", "at least 10"),
        ("password123", "too common"),
        ("maria.lopez", "not be the username"),
    ] {
        let new = NewUser {
            username: "maria.lopez".into(),
            display_name: "María".into(),
            password: password.into(),
            role: Role::Nurse,
        };
        let err = c.add_user(&admin, new).unwrap_err();
        assert_eq!(err.field(), Some("password"));
        assert!(err.to_string().contains(says), "{err}");
    }
    let new = NewUser {
        username: "maria.lopez".into(),
        display_name: "María".into(),
        password: "first day password".into(),
        role: Role::Nurse,
    };
    let maria = c.add_user(&admin, new).unwrap();
    assert!(maria.must_change_password);
    assert_eq!(
        c.reset_password(&admin, &maria.id, "1234567890")
            .unwrap_err()
            .field(),
        Some("newPassword")
    );
}

#[test]
fn a_reset_password_must_be_changed_before_anything_else() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let new = NewUser {
        username: "frontdesk".into(),
        display_name: "Front Desk".into(),
        password: "first day password".into(),
        role: Role::Receptionist,
    };
    let user = c.add_user(&admin, new).unwrap();
    let desk = c.sign_in("frontdesk", "first day password").unwrap();
    assert!(desk.must_change_password);
    assert!(matches!(
        c.list_patients(&desk, &clinic_core::PatientQuery::all(0, 5)),
        Err(CoreError::Forbidden(_))
    ));
    assert_eq!(
        c.change_password(&desk, "not it at all", "my own new password")
            .unwrap_err()
            .field(),
        Some("currentPassword")
    );
    assert_eq!(
        c.change_password(&desk, "first day password", "first day password")
            .unwrap_err()
            .field(),
        Some("newPassword")
    );
    let desk = c
        .change_password(&desk, "first day password", "my own new password")
        .unwrap();
    assert!(!desk.must_change_password);
    assert!(
        c.list_patients(&desk, &clinic_core::PatientQuery::all(0, 5))
            .is_ok()
    );

    // A reset also lifts a lockout, and forces a change again.
    c.set_clock(at("2026-11-22T09:00:00Z"));
    for _ in 0..5 {
        assert!(c.sign_in("frontdesk", "wrong password!!").is_err());
    }
    c.reset_password(&admin, &user.id, "temporary password 1")
        .unwrap();
    let desk = c.sign_in("frontdesk", "temporary password 1").unwrap();
    assert!(desk.must_change_password);
}

#[test]
fn the_last_active_administrator_cannot_be_demoted_or_deactivated() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let err = c
        .set_user_role(&admin, &admin.id, Role::Doctor)
        .unwrap_err();
    assert!(matches!(err, CoreError::Conflict(_)), "{err}");
    assert!(matches!(
        c.set_user_active(&admin, &admin.id, false),
        Err(CoreError::Conflict(_))
    ));
    let new = NewUser {
        username: "second".into(),
        display_name: "Second Admin".into(),
        password: "second admin pass".into(),
        role: Role::Admin,
    };
    c.add_user(&admin, new).unwrap();
    c.set_user_role(&admin, &admin.id, Role::Doctor).unwrap();
    // The demoted admin's session no longer administers anything.
    assert!(matches!(c.list_users(&admin), Err(CoreError::Forbidden(_))));
}

#[test]
fn sign_ins_and_patient_lists_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let _ = c.sign_in("root", "wrong password!!");
    let jose = c
        .register_patient(
            &admin,
            NewPatient {
                first_name: "José".into(),
                last_name: "Núñez".into(),
                date_of_birth: "1970-01-01".into(),
                ..Default::default()
            },
        )
        .unwrap();
    c.list_patients(&admin, &clinic_core::PatientQuery::matching("nú", 0, 10))
        .unwrap();
    drop(c);
    let store = clinic_store::Store::open(dir.path(), &key()).unwrap();
    let actions: Vec<(String, Option<String>, Option<String>)> = store
        .read(|r| {
            r.query_all(
                "SELECT action, user_id, details FROM audit_log ORDER BY seq",
                [],
                |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
            )
        })
        .unwrap();
    let names: Vec<&str> = actions.iter().map(|a| a.0.as_str()).collect();
    assert!(
        names.contains(&"sign_in") && names.contains(&"sign_in_failed"),
        "{names:?}"
    );
    let (_, user, details) = actions
        .iter()
        .rfind(|a| a.0 == "list_patients")
        .expect("the list is audited");
    assert_eq!(user.as_deref(), Some(admin.id.as_str()));
    assert!(
        details.as_deref().unwrap_or_default().contains(&jose.id),
        "the audit names the patients shown"
    );
    assert_eq!(store.first_broken_audit_entry().unwrap(), None);
}
