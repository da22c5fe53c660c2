//! Changing the database key, and recovering with the recovery key when the key is lost: in passphrase
//! mode and with a real OS keyring (a Secret Service, as `scripts/test.sh` provides).

use crate::common::{create, device, dump, fill, no_init, passphrase, test_keyring};
use clinic_store::{KeyOptions, KeySource, RecoveryKey, Store, StoreError, Table, key};

fn require_secret_service() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "the keyring tests need a Secret Service on a D-Bus session: run them through scripts/test.sh"
    );
}

/// A dump without the audit trail, which records the key operations themselves.
fn content(dump: &[String]) -> Vec<&String> {
    dump.iter()
        .filter(|t| !t.starts_with("audit_log:"))
        .collect()
}

fn new_passphrase() -> KeyOptions {
    KeyOptions::passphrase("a brand new passphrase")
}

#[test]
fn a_changed_passphrase_key_opens_the_same_data_and_the_old_one_no_longer_does() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    fill(&store);
    let before = dump(&store);
    store.change_key(&new_passphrase(), None).unwrap();
    // The store goes on working with the new key, in the same process.
    assert_eq!(store.table_counts().unwrap().len(), Table::ALL.len());
    drop(store);

    let err = Store::open(dir.path(), &passphrase()).err().unwrap();
    assert!(matches!(err, StoreError::WrongKey(_)), "{err:?}");
    let store = Store::open(dir.path(), &new_passphrase()).unwrap();
    // Identical, but for the audit entry that records the change.
    assert_eq!(content(&before), content(&dump(&store)));
    let audit = store
        .read(|r| {
            r.count(
                "SELECT count(*) FROM audit_log WHERE action = 'database_key_changed'",
                [],
            )
        })
        .unwrap();
    assert_eq!(audit, 1);
    assert_eq!(store.first_broken_audit_entry().unwrap(), None);
}

#[test]
fn changing_the_key_keeps_the_kind_of_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let err = store.change_key(&test_keyring(), None).unwrap_err();
    assert!(err.to_string().contains("passphrase"), "{err}");
    drop(store);
    assert!(Store::open(dir.path(), &passphrase()).is_ok());
}

#[test]
fn the_recovery_key_from_setup_opens_the_data_with_a_new_passphrase_even_after_a_key_change() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recovery) =
        Store::create(dir.path(), &passphrase(), &device("A"), no_init).unwrap();
    fill(&store);
    store.change_key(&new_passphrase(), None).unwrap();
    let before = dump(&store);
    drop(store);

    // The passphrase is forgotten; the sheet's key, typed with spaces and in lower case, opens the data
    // and protects it with the passphrase given now.
    let typed = recovery.to_display().replace('-', " ").to_lowercase();
    let chosen = KeyOptions::passphrase("chosen at recovery time");
    let store = Store::recover(dir.path(), &RecoveryKey::parse(&typed).unwrap(), &chosen).unwrap();
    assert_eq!(content(&dump(&store)), content(&before));
    drop(store);
    assert!(Store::open(dir.path(), &new_passphrase()).is_err());
    assert!(Store::open(dir.path(), &chosen).is_ok());
}

#[test]
fn a_replaced_or_foreign_recovery_key_does_not_open_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let (store, first) = Store::create(dir.path(), &passphrase(), &device("A"), no_init).unwrap();
    let status = store.recovery_status().unwrap();
    assert!(status.has_recovery_key && status.confirmed_at.is_none());
    store.confirm_recovery_key(None).unwrap();
    assert!(store.recovery_status().unwrap().confirmed_at.is_some());

    let second = RecoveryKey::generate();
    store.adopt_recovery_key(&second, None).unwrap();
    // Adopting it again changes nothing.
    store.adopt_recovery_key(&second, None).unwrap();
    let status = store.recovery_status().unwrap();
    assert!(status.has_recovery_key && status.confirmed_at.is_none());
    drop(store);

    let other_dir = tempfile::tempdir().unwrap();
    let (_, foreign) =
        Store::create(other_dir.path(), &passphrase(), &device("B"), no_init).unwrap();
    for key in [&first, &foreign] {
        let err = Store::recover(dir.path(), key, &passphrase())
            .err()
            .unwrap();
        assert!(matches!(err, StoreError::RecoveryKeyMismatch), "{err:?}");
    }
    assert!(Store::recover(dir.path(), &second, &passphrase()).is_ok());
}

#[test]
fn with_the_keyring_entry_deleted_the_recovery_key_restores_access_and_a_new_key_in_the_keyring() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let (store, recovery) =
        Store::create(dir.path(), &test_keyring(), &device("A"), no_init).unwrap();
    fill(&store);
    store.change_key(&test_keyring(), None).unwrap();
    let before = dump(&store);
    let store_id = store.info().store_id.clone();
    drop(store);

    // The keyring loses the entry (a new OS user, a reinstalled system).
    let meta = std::fs::read_to_string(dir.path().join("store.json")).unwrap();
    let account = meta
        .split('"')
        .find(|s| s.starts_with("database-key/"))
        .expect("a changed key lives under its own keyring account")
        .to_owned();
    keyring::Entry::new("Clinic-tests", &account)
        .unwrap()
        .delete_credential()
        .unwrap();
    let err = Store::open(dir.path(), &test_keyring()).err().unwrap();
    assert!(err.to_string().contains("recovery sheet"), "{err}");

    let store = Store::recover(dir.path(), &recovery, &test_keyring()).unwrap();
    assert_eq!(store.info().key_source, KeySource::Keyring);
    assert_eq!(content(&dump(&store)), content(&before));
    drop(store);
    let store = Store::open(dir.path(), &test_keyring()).expect("the new key is in the keyring");
    assert_eq!(store.first_broken_audit_entry().unwrap(), None);
    drop(store);
    key::forget_keyring_key("Clinic-tests", &store_id).unwrap();
}

#[test]
fn a_changed_keyring_key_replaces_the_old_entry() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::create(dir.path(), &test_keyring(), &device("A"), no_init).unwrap();
    let store_id = store.info().store_id.clone();
    store.change_key(&test_keyring(), None).unwrap();
    drop(store);
    // The first key's entry is gone; the store opens with the new one.
    let first = keyring::Entry::new("Clinic-tests", &format!("database-key/{store_id}")).unwrap();
    assert!(matches!(first.get_password(), Err(keyring::Error::NoEntry)));
    assert!(Store::open(dir.path(), &test_keyring()).is_ok());
}

/// store.json deleted (or damaged) is not the end of the data: its copy opens the store, and the recovery
/// key still recovers it; store.json is written back.
#[test]
fn with_store_json_deleted_the_store_opens_and_the_recovery_key_still_recovers_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, recovery) =
        Store::create(dir.path(), &passphrase(), &device("A"), no_init).unwrap();
    fill(&store);
    let before = dump(&store);
    drop(store);
    let meta = dir.path().join("store.json");

    std::fs::remove_file(&meta).unwrap();
    let store = Store::open(dir.path(), &passphrase()).expect("opened from the copy");
    assert_eq!(content(&dump(&store)), content(&before));
    drop(store);
    assert!(meta.exists(), "store.json is written back");

    std::fs::write(&meta, "{ damaged").unwrap();
    let store = Store::recover(dir.path(), &recovery, &new_passphrase()).unwrap();
    assert_eq!(content(&dump(&store)), content(&before));
    drop(store);
    std::fs::remove_file(&meta).unwrap();
    assert!(Store::open(dir.path(), &new_passphrase()).is_ok());
}
