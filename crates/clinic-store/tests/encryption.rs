//! The database is encrypted at rest, and a wrong key is refused with a clear error.

use std::fs;

use crate::common::{create, device, no_init, passphrase};
use clinic_store::{Fields, KeyOptions, KeySource, Store, StoreError, Table};

fn files_contain(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let bytes = fs::read(&path).ok()?;
            bytes
                .windows(needle.len())
                .any(|w| w == needle)
                .then(|| path.display().to_string())
        })
        .collect()
}

#[test]
fn no_patient_name_appears_in_plain_bytes_in_any_file_of_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let names = ["Núñez", "Zoë Müller", "Quetzalcoatl", "Wojciechowska"];
    store
        .write(None, |tx| {
            for (i, name) in names.iter().enumerate() {
                tx.insert(
                    Table::Patients,
                    Fields::new()
                        .set("mrn", format!("A-{i:06}"))
                        .set("first_name", *name)
                        .set("last_name", *name)
                        .set("date_of_birth", "1970-01-01")
                        .set("sex", "unknown"),
                )?;
            }
            Ok::<_, StoreError>(())
        })
        .unwrap();
    // Both while the WAL holds the rows and after they were checkpointed into the main file.
    for name in names {
        assert_eq!(
            files_contain(dir.path(), name.as_bytes()),
            Vec::<String>::new(),
            "{name} found in plain text"
        );
    }
    assert!(store.is_encrypted().unwrap());
    drop(store);
    for name in names {
        assert_eq!(
            files_contain(dir.path(), name.as_bytes()),
            Vec::<String>::new(),
            "{name} found in plain text"
        );
    }
    assert!(files_contain(dir.path(), b"SQLite format 3").is_empty());
}

#[test]
fn a_wrong_passphrase_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    let err = Store::open(
        dir.path(),
        &KeyOptions::passphrase("not the right passphrase"),
    )
    .err()
    .expect("must fail");
    assert!(matches!(err, StoreError::WrongKey(_)), "{err:?}");
    assert!(err.to_string().contains("key is wrong"), "{err}");
    // The right one still works: the failed attempt changed nothing.
    Store::open(dir.path(), &passphrase()).expect("reopen with the right passphrase");
}

#[test]
fn a_passphrase_store_without_the_passphrase_says_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    let err = Store::open(dir.path(), &KeyOptions::keyring())
        .err()
        .expect("must fail");
    assert!(err.to_string().contains("CLINIC_DB_PASSPHRASE"), "{err}");
}

#[test]
fn passphrase_mode_round_trips_and_keeps_the_salt_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    assert_eq!(store.info().key_source, KeySource::Passphrase);
    let id = store
        .write(None, |tx| {
            tx.insert(
                Table::AppointmentTypes,
                Fields::new()
                    .set("name", "New patient")
                    .set("duration_minutes", 30),
            )
        })
        .unwrap();
    drop(store);
    let meta = fs::read_to_string(dir.path().join("store.json")).unwrap();
    assert!(
        meta.contains("\"salt\"") && !meta.contains("correct horse"),
        "{meta}"
    );
    let store = Store::open(dir.path(), &passphrase()).unwrap();
    let name: String = store
        .read(|r| {
            r.query_row(
                "SELECT name FROM appointment_types WHERE id = ?1",
                [id.to_string()],
                |x| x.get(0),
            )
        })
        .unwrap();
    assert_eq!(name, "New patient");
}

#[test]
fn a_short_passphrase_is_refused_at_creation() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::create(
        dir.path(),
        &KeyOptions::passphrase("short"),
        &device("A"),
        no_init,
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("at least 12"), "{err}");
    assert!(
        !Store::exists(dir.path()),
        "a refused creation leaves nothing behind"
    );
}

#[test]
fn a_file_that_is_not_a_clinic_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    fs::write(dir.path().join("clinic.db"), vec![0x42; 8192]).unwrap();
    let _ = fs::remove_file(dir.path().join("clinic.db-wal"));
    let err = Store::open(dir.path(), &passphrase()).err().unwrap();
    assert!(matches!(err, StoreError::WrongKey(_)), "{err:?}");
}

#[test]
fn opening_an_empty_directory_says_no_clinic_is_set_up() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path(), &passphrase()).err().unwrap();
    assert!(matches!(err, StoreError::NotInitialized(_)), "{err:?}");
    let store = create(dir.path());
    drop(store);
    let again = Store::create(dir.path(), &passphrase(), &device("A"), no_init)
        .err()
        .unwrap();
    assert!(
        matches!(again, StoreError::AlreadyInitialized(_)),
        "{again:?}"
    );
}

/// store.json is a plain file: Argon2id parameters that would exhaust the memory or run for hours are
/// refused at once with the reason, and the file is left as it was.
#[test]
fn argon2_parameters_out_of_bounds_in_store_json_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    drop(create(dir.path()));
    let path = dir.path().join("store.json");
    let original = fs::read_to_string(&path).unwrap();
    let mut meta: serde_json::Value = serde_json::from_str(&original).unwrap();
    let record = meta["key"].as_object().unwrap().clone();
    for (field, value) in [
        ("m_cost_kib", 4_000_000_000u64),
        ("m_cost_kib", 20_000_000),
        ("t_cost", 100_000),
        ("p_cost", 0),
    ] {
        let mut changed = record.clone();
        changed.insert(field.into(), value.into());
        meta["key"] = serde_json::Value::Object(changed);
        fs::write(&path, serde_json::to_string(&meta).unwrap()).unwrap();
        let started = std::time::Instant::now();
        let err = Store::open(dir.path(), &passphrase()).err().unwrap();
        assert!(err.to_string().contains("Clinic accepts"), "{field}: {err}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{field}"
        );
    }
    fs::write(&path, &original).unwrap();
    drop(Store::open(dir.path(), &passphrase()).unwrap());
}
