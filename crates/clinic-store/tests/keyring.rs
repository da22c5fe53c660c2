//! The database key in a real OS keyring (Secret Service on Linux).
//!
//! These tests need a running Secret Service. `scripts/test.sh` provides one (gnome-keyring inside
//! `dbus-run-session`); run through plain `cargo test` without it, they fail and say so.

use crate::common::{device, no_init, test_keyring};
use clinic_store::{Fields, KeySource, Store, StoreError, Table, key};

fn require_secret_service() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the keyring tests need a Secret Service on a D-Bus session: run them through scripts/test.sh"
    );
}

#[test]
fn the_key_round_trips_through_the_os_keyring() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &test_keyring(), &device("A"), no_init)
        .expect("create with keyring")
        .0;
    assert_eq!(store.info().key_source, KeySource::Keyring);
    let store_id = store.info().store_id.clone();
    store
        .write(None, |tx| {
            tx.insert(
                Table::AppointmentTypes,
                Fields::new()
                    .set("name", "Check-up")
                    .set("duration_minutes", 20),
            )
        })
        .unwrap();
    drop(store);

    let meta = std::fs::read_to_string(dir.path().join("store.json")).unwrap();
    assert!(meta.contains("keyring") && !meta.contains("salt"), "{meta}");
    let store =
        Store::open(dir.path(), &test_keyring()).expect("reopen with the key from the keyring");
    assert_eq!(
        store
            .read(|r| r.count("SELECT count(*) FROM appointment_types", []))
            .unwrap(),
        1
    );
    drop(store);

    // Without its keyring entry the store cannot be opened, and the error says why.
    key::forget_keyring_key("Clinic-tests", &store_id).unwrap();
    let err = Store::open(dir.path(), &test_keyring())
        .err()
        .expect("must fail without the key");
    assert!(matches!(err, StoreError::KeyLost(_)), "{err:?}");
    assert!(
        err.to_string().contains("not in this computer's keyring"),
        "{err}"
    );
}

#[test]
fn two_stores_keep_separate_keys() {
    require_secret_service();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let sa = Store::create(a.path(), &test_keyring(), &device("A"), no_init)
        .unwrap()
        .0;
    let sb = Store::create(b.path(), &test_keyring(), &device("B"), no_init)
        .unwrap()
        .0;
    assert_ne!(sa.info().store_id, sb.info().store_id);
    drop((sa, sb));
    // Swapping the metadata files makes each store look up the other's key, which must not open it.
    std::fs::copy(b.path().join("store.json"), a.path().join("store.json")).unwrap();
    let err = Store::open(a.path(), &test_keyring()).err().unwrap();
    assert!(matches!(err, StoreError::WrongKey(_)), "{err:?}");
}
