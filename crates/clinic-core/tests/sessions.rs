//! The idle lock: a session with no reported activity for the clinic's idle minutes is refused until the
//! password is entered again; commands alone do not keep it open; locks are audited.

use clinic_core::{Clinic, CoreError, SecuritySettings};

use crate::common;

use crate::common::{ADMIN_PASSWORD, at, key};

fn clinic(dir: &std::path::Path) -> Clinic {
    common::clinic(dir, "Sessions Clinic")
}

fn lock_reasons(dir: &std::path::Path) -> Vec<String> {
    let store = clinic_store::Store::open(dir, &key()).unwrap();
    store
        .read(|r| {
            r.query_all(
                "SELECT json_extract(details, '$.reason') FROM audit_log WHERE action = 'session_locked' ORDER BY seq",
                [],
                |row| row.get(0),
            )
        })
        .unwrap()
}

#[test]
fn an_idle_session_locks_after_the_clinics_minutes_and_activity_keeps_it_open() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    c.set_clock(at("2026-11-22T09:00:00Z"));
    let user = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let mut session = c.start_session(user.clone());

    c.set_clock(at("2026-11-22T09:04:59Z"));
    assert_eq!(c.session_user(&mut session).unwrap(), user);
    c.touch_session(&mut session).unwrap();

    // Commands are not activity: using the session at 09:08 does not move the deadline from 09:09:59.
    c.set_clock(at("2026-11-22T09:08:00Z"));
    c.session_user(&mut session).unwrap();
    c.overview(&c.session_user(&mut session).unwrap()).unwrap();
    c.set_clock(at("2026-11-22T09:09:58Z"));
    assert!(c.session_user(&mut session).is_ok());
    c.set_clock(at("2026-11-22T09:09:59Z"));
    assert!(matches!(
        c.session_user(&mut session),
        Err(CoreError::SessionLocked)
    ));
    assert!(session.is_locked());
    // Activity after the lock does not reopen it.
    assert!(matches!(
        c.touch_session(&mut session),
        Err(CoreError::SessionLocked)
    ));
    // The password does: a new session for the same user.
    let again = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let mut session = c.start_session(again);
    assert!(c.session_user(&mut session).is_ok());
    drop(c);
    assert_eq!(lock_reasons(dir.path()), ["idle"]);
}

#[test]
fn the_idle_minutes_are_a_clinic_setting() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    c.set_clock(at("2026-11-22T09:00:00Z"));
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    c.set_security_settings(
        &admin,
        SecuritySettings {
            lockout_threshold: 5,
            lockout_minutes: 15,
            idle_lock_minutes: 1,
        },
    )
    .unwrap();
    let mut session = c.start_session(admin);
    c.set_clock(at("2026-11-22T09:00:59Z"));
    assert!(c.session_user(&mut session).is_ok());
    c.set_clock(at("2026-11-22T09:01:00Z"));
    assert!(matches!(
        c.session_user(&mut session),
        Err(CoreError::SessionLocked)
    ));
}

#[test]
fn a_user_can_lock_the_screen_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let mut session = c.start_session(admin);
    c.lock_session(&mut session).unwrap();
    // Locking twice records one lock.
    c.lock_session(&mut session).unwrap();
    assert!(matches!(
        c.session_user(&mut session),
        Err(CoreError::SessionLocked)
    ));
    drop(c);
    assert_eq!(lock_reasons(dir.path()), ["requested"]);
}

/// The app records the audit chain's head at each sign-out: `store.json` then holds this session's
/// newest entry while the clinic is still open.
#[test]
fn the_audit_head_is_recorded_outside_the_database_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let c = clinic(dir.path());
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let head = || {
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("store.json")).unwrap()).unwrap();
        meta["audit_head"]["seq"].as_i64()
    };
    let before = head();
    c.list_patients(&admin, &clinic_core::PatientQuery::all(0, 5))
        .unwrap();
    c.record_audit_head().unwrap();
    let after = head().unwrap();
    assert!(before.is_none_or(|b| after > b), "{before:?} then {after}");
}
