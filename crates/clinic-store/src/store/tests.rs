//! Tests that need the raw, keyed connection (the integration tests cannot reach it).

use std::fs;
use std::path::Path;

use refinery::Migration;
use sha2::{Digest, Sha256};

use super::*;

fn passphrase() -> KeyOptions {
    KeyOptions::passphrase("correct horse battery staple")
}

fn no_init(_: &mut WriteTx<'_>) -> StoreResult<()> {
    Ok(())
}

fn device() -> DeviceSetup {
    DeviceSetup {
        device_id: None,
        clinic_id: Uuid::now_v7(),
        device_name: "test".into(),
        prefix: "A".into(),
    }
}

fn add_follow_up_type(store: &Store) -> Uuid {
    store
        .write(None, |tx| {
            tx.insert(
                Table::AppointmentTypes,
                Fields::new()
                    .set("name", "Follow-up")
                    .set("duration_minutes", 15),
            )
        })
        .unwrap()
}

/// A keyed connection straight to the file, as a tool (or an attacker with the key) would have it.
fn raw(dir: &Path) -> Connection {
    let meta: StoreMeta =
        serde_json::from_str(&fs::read_to_string(dir.join(META_FILE)).unwrap()).unwrap();
    let key = key::load_key(&meta.store_id, &meta.key, &passphrase(), dir).unwrap();
    open_keyed(&dir.join(DB_FILE), &key, false).unwrap()
}

fn digest(path: &Path) -> String {
    hex::encode(Sha256::digest(fs::read(path).unwrap()))
}

#[test]
fn schema_version_is_the_newest_embedded_migration() {
    let newest = embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max();
    assert_eq!(newest, Some(SCHEMA_VERSION));
}

#[test]
fn a_fresh_database_gets_every_migration() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    assert_eq!(
        stored_schema_version(&lock(&store.reader)).unwrap(),
        SCHEMA_VERSION
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn reopening_an_existing_database_keeps_its_data_and_applies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    let id = add_follow_up_type(&store);
    drop(store);
    let store = Store::open(dir.path(), &passphrase()).unwrap();
    let applied = store
        .read(|r| r.count("SELECT count(*) FROM refinery_schema_history", []))
        .unwrap();
    assert_eq!(applied, SCHEMA_VERSION);
    let name: String = store
        .read(|r| {
            r.query_row(
                "SELECT name FROM appointment_types WHERE id = ?1",
                [id.to_string()],
                |x| x.get(0),
            )
        })
        .unwrap();
    assert_eq!(name, "Follow-up");
}

#[test]
fn a_later_migration_applies_on_top_of_an_existing_database_without_losing_rows() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    add_follow_up_type(&store);
    drop(store);
    let mut conn = raw(dir.path());
    let mut migrations = embedded::migrations::runner().get_migrations().clone();
    migrations.push(
        Migration::unapplied(
            "V900__colour_on_types",
            "ALTER TABLE appointment_types ADD COLUMN colour TEXT DEFAULT '#888888';",
        )
        .unwrap(),
    );
    let report = refinery::Runner::new(&migrations).run(&mut conn).unwrap();
    assert_eq!(report.applied_migrations().len(), 1);
    let (name, colour): (String, String) = conn
        .query_row("SELECT name, colour FROM appointment_types", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((name.as_str(), colour.as_str()), ("Follow-up", "#888888"));
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    drop(
        Store::create(dir.path(), &passphrase(), &device(), no_init)
            .unwrap()
            .0,
    );
    {
        let conn = raw(dir.path());
        conn.execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (?1, 'from_the_future', '2030-01-01T00:00:00Z', '1')",
            [SCHEMA_VERSION + 1],
        )
        .unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let db = dir.path().join(DB_FILE);
    let before = digest(&db);
    let err = Store::open(dir.path(), &passphrase())
        .err()
        .expect("a newer database must be refused");
    assert!(
        matches!(err, StoreError::NewerSchema { found, supported } if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer version of Clinic"), "{err}");
    assert_eq!(
        digest(&db),
        before,
        "the refused database file must not change"
    );
}

#[test]
fn the_audit_chain_catches_an_entry_edited_behind_the_apps_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    for name in ["One", "Two", "Three"] {
        store
            .write(None, |tx| {
                tx.insert(
                    Table::AppointmentTypes,
                    Fields::new().set("name", name).set("duration_minutes", 15),
                )
            })
            .unwrap();
    }
    assert_eq!(store.first_broken_audit_entry().unwrap(), None);
    let conn = raw(dir.path());
    // The append-only triggers refuse the edit; someone with the key could drop them first.
    assert!(
        conn.execute("UPDATE audit_log SET action = 'nothing' WHERE seq = 2", [])
            .is_err()
    );
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET entity = 'patients' WHERE seq = 2;",
    )
    .unwrap();
    assert_eq!(store.first_broken_audit_entry().unwrap(), Some(2));
}

fn next_passphrase() -> KeyOptions {
    KeyOptions::passphrase("the next passphrase")
}

/// Records a key change in `store.json` as `change_key` does before re-encrypting; returns the new key.
fn begin_key_change(dir: &Path) -> DbKey {
    let mut meta = StoreMeta::read(dir).unwrap();
    let (record, key) =
        key::create_key(&meta.store_id, &next_passphrase(), KeyUse::Replacement).unwrap();
    meta.next = Some(meta::NextKey {
        key: record,
        recovery: None,
    });
    meta.write(dir).unwrap();
    key
}

#[test]
fn a_key_change_cut_short_before_the_database_was_re_encrypted_keeps_the_old_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    add_follow_up_type(&store);
    drop(store);
    begin_key_change(dir.path());
    // The power went here.
    let store = Store::open(dir.path(), &passphrase()).unwrap();
    assert_eq!(
        store
            .read(|r| r.count("SELECT count(*) FROM appointment_types", []))
            .unwrap(),
        1
    );
    drop(store);
    assert!(StoreMeta::read(dir.path()).unwrap().next.is_none());
    assert!(matches!(
        Store::open(dir.path(), &next_passphrase()),
        Err(StoreError::WrongKey(_))
    ));
}

#[test]
fn a_key_change_cut_short_after_the_database_was_re_encrypted_finishes_with_the_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    add_follow_up_type(&store);
    drop(store);
    let new_key = begin_key_change(dir.path());
    raw(dir.path())
        .execute_batch(&new_key.rekey_pragma())
        .unwrap();
    // The power went here, before store.json named the new key.
    let store = Store::open(dir.path(), &next_passphrase()).unwrap();
    assert_eq!(
        store
            .read(|r| r.count("SELECT count(*) FROM appointment_types", []))
            .unwrap(),
        1
    );
    drop(store);
    let meta = StoreMeta::read(dir.path()).unwrap();
    assert!(meta.next.is_none());
    assert!(matches!(
        Store::open(dir.path(), &passphrase()),
        Err(StoreError::WrongKey(_))
    ));
}

#[test]
fn the_patient_search_index_takes_in_the_patients_that_were_there_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let key = DbKey::random();
    let mut conn = Connection::open(&path).unwrap();
    conn.execute_batch(&key.pragma()).unwrap();
    let all = embedded::migrations::runner().get_migrations().clone();
    let before: Vec<Migration> = all.iter().filter(|m| m.version() < 4).cloned().collect();
    refinery::Runner::new(&before).run(&mut conn).unwrap();
    conn.execute(
        "INSERT INTO patients (id, created_at, updated_at, hlc, mrn, first_name, last_name, date_of_birth, sex, phone)
         VALUES ('p1', 't', 't', 'h', 'A-000007', 'José', 'Núñez', '1970-01-31', 'male', '+34612345678')",
        [],
    )
    .unwrap();
    refinery::Runner::new(&all).run(&mut conn).unwrap();
    let found = |text: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM patient_search WHERE patient_search MATCH ?1",
            [text],
            |r| r.get(0),
        )
        .unwrap()
    };
    assert_eq!(found("nun* jos*"), 1);
    assert_eq!(found("numbers : 612345678*"), 1);
    assert_eq!(found("numbers : A000007"), 1);
    assert_eq!(found("numbers : 19700131"), 1);
    // The triggers keep it in step from then on.
    conn.execute(
        "UPDATE patients SET last_name = 'Nunes' WHERE id = 'p1'",
        [],
    )
    .unwrap();
    assert_eq!(found("nunez*"), 0);
    assert_eq!(found("nunes*"), 1);
}

#[test]
fn rebuilding_the_appointments_table_keeps_its_rows_and_the_references_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    let key = DbKey::random();
    let mut conn = Connection::open(&path).unwrap();
    conn.execute_batch(&key.pragma()).unwrap();
    configure(&mut conn).unwrap();
    let all = embedded::migrations::runner().get_migrations().clone();
    let before: Vec<Migration> = all.iter().filter(|m| m.version() < 6).cloned().collect();
    refinery::Runner::new(&before).run(&mut conn).unwrap();
    conn.execute_batch(
        "INSERT INTO providers (id, created_at, updated_at, hlc, display_name, specialty, colour)
         VALUES ('v1', 't', 't', 'h', 'Dr A', 'Family medicine', '#1e88e5');
         INSERT INTO patients (id, created_at, updated_at, hlc, mrn, first_name, last_name, date_of_birth, sex)
         VALUES ('p1', 't', 't', 'h', 'A-000001', 'José', 'Núñez', '1970-01-31', 'male');
         INSERT INTO appointments (id, created_at, updated_at, hlc, patient_id, provider_id, starts_at, ends_at,
                                   status, reason, checked_in_at)
         VALUES ('a1', 't', 't', 'h', 'p1', 'v1', '2026-12-01T09:00:00.000Z', '2026-12-01T09:30:00.000Z',
                 'checked_in', 'Cough', '2026-12-01T08:55:00.000Z');
         INSERT INTO encounters (id, created_at, updated_at, hlc, patient_id, provider_id, appointment_id, started_at)
         VALUES ('e1', 't', 't', 'h', 'p1', 'v1', 'a1', '2026-12-01T09:01:00.000Z');",
    )
    .unwrap();

    migrate(&mut conn).unwrap();

    let kept: (String, String, String, bool) = conn
        .query_row(
            "SELECT status, reason, checked_in_at, walk_in FROM appointments WHERE id = 'a1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        kept,
        (
            "checked_in".into(),
            "Cough".into(),
            "2026-12-01T08:55:00.000Z".into(),
            false
        )
    );
    let encounters: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'encounters'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        encounters.contains("REFERENCES appointments (id)"),
        "{encounters}"
    );
    let on: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert!(on, "foreign keys are back on");
    // The references are enforced again, and the new status is allowed.
    assert!(
        conn.execute(
            "UPDATE encounters SET appointment_id = 'gone' WHERE id = 'e1'",
            []
        )
        .is_err()
    );
    conn.execute(
        "UPDATE appointments SET status = 'rescheduled' WHERE id = 'a1'",
        [],
    )
    .unwrap();
}

/// Nothing is hard-deleted in Clinic: with the key but outside the app, a DELETE of a synced row and an
/// INSERT OR REPLACE that would replace one (by id, or by a unique column) are refused by the database
/// itself, and every synced table carries both guards.
#[test]
fn the_database_refuses_to_delete_or_replace_a_synced_row() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    let conn = raw(dir.path());
    for table in Table::ALL {
        for guard in ["are_never_deleted", "are_never_replaced"] {
            let name = format!("{}_{guard}", table.name());
            let found: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                    [&name],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(found, 1, "{name}");
        }
    }
    conn.execute_batch(
        "INSERT INTO users (id, created_at, updated_at, hlc, username, display_name, role, password_hash)
         VALUES ('u1', 't', 't', 'h', 'dr.okafor', 'Dr Okafor', 'doctor', 'x');
         INSERT INTO providers (id, created_at, updated_at, hlc, display_name, specialty, colour)
         VALUES ('v1', 't', 't', 'h', 'Dr A', 'Family medicine', '#1e88e5');
         INSERT INTO patients (id, created_at, updated_at, hlc, mrn, first_name, last_name, date_of_birth, sex)
         VALUES ('p1', 't', 't', 'h', 'A-000001', 'José', 'Núñez', '1970-01-31', 'male');
         INSERT INTO encounters (id, created_at, updated_at, hlc, patient_id, provider_id, started_at)
         VALUES ('e1', 't', 't', 'h', 'p1', 'v1', '2026-12-01T09:01:00.000Z');
         INSERT INTO encounter_notes (id, created_at, updated_at, hlc, encounter_id, body, status, signed_at, signed_by)
         VALUES ('n1', 't', 't', 'h', 'e1', 'Sore throat, no fever.', 'signed', '2026-12-01T09:30:00.000Z', 'u1');
         INSERT INTO invoices (id, created_at, updated_at, hlc, patient_id, currency)
         VALUES ('i1', 't', 't', 'h', 'p1', 'EUR');
         INSERT INTO payments (id, created_at, updated_at, hlc, invoice_id, patient_id, method, amount_minor, received_at)
         VALUES ('m1', 't', 't', 'h', 'i1', 'p1', 'cash', 5000, '2026-12-01T09:40:00.000Z');",
    )
    .unwrap();
    let refused = [
        "DELETE FROM encounter_notes WHERE id = 'n1'",
        "DELETE FROM payments WHERE id = 'm1'",
        "DELETE FROM patients WHERE id = 'p1'",
        "INSERT OR REPLACE INTO encounter_notes (id, created_at, updated_at, hlc, encounter_id, body)
         VALUES ('n1', 't', 't', 'h', 'e1', 'Rewritten.')",
        "INSERT OR REPLACE INTO payments (id, created_at, updated_at, hlc, invoice_id, patient_id, method,
                                          amount_minor, received_at)
         VALUES ('m1', 't', 't', 'h', 'i1', 'p1', 'cash', 1, '2026-12-01T09:40:00.000Z')",
        // A new id with a username taken: REPLACE would delete the other user.
        "INSERT OR REPLACE INTO users (id, created_at, updated_at, hlc, username, display_name, role, password_hash)
         VALUES ('u2', 't', 't', 'h', 'DR.OKAFOR', 'Intruder', 'admin', 'y')",
        "REPLACE INTO patients (id, created_at, updated_at, hlc, mrn, first_name, last_name, date_of_birth, sex)
         VALUES ('p2', 't', 't', 'h', 'A-000001', 'Eve', 'Intruder', '1970-01-31', 'female')",
    ];
    for sql in refused {
        let err = conn.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("never"), "{sql}: {err}");
    }
    let kept: (String, i64, String, i64) = conn
        .query_row(
            "SELECT (SELECT body FROM encounter_notes WHERE id = 'n1'),
                    (SELECT amount_minor FROM payments WHERE id = 'm1'),
                    (SELECT display_name FROM users WHERE username = 'dr.okafor'),
                    (SELECT count(*) FROM patients)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        kept,
        ("Sore throat, no fever.".into(), 5000, "Dr Okafor".into(), 1)
    );
    drop(store);
}

fn add_types(store: &Store, names: &[&str]) {
    for name in names {
        store
            .write(None, |tx| {
                tx.insert(
                    Table::AppointmentTypes,
                    Fields::new().set("name", *name).set("duration_minutes", 15),
                )
            })
            .unwrap();
    }
}

/// With the triggers dropped, someone with the key can cut the newest audit entries, or rewrite the whole
/// chain with fresh hashes; the chain alone still verifies, but the head `store.json` kept when the store
/// last closed does not match any more.
#[test]
fn the_audit_chain_is_checked_against_the_head_kept_outside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    add_types(&store, &["One", "Two", "Three", "Four"]);
    drop(store);
    let recorded = StoreMeta::read(dir.path()).unwrap().audit_head.unwrap();
    let store = Store::open(dir.path(), &passphrase()).unwrap();
    assert_eq!(store.first_broken_audit_entry().unwrap(), None);

    // The newest two entries cut: what is left chains perfectly.
    let conn = raw(dir.path());
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > {};",
        recorded.seq - 2
    ))
    .unwrap();
    assert_eq!(audit::first_broken_entry(&conn, None).unwrap(), None);
    assert_eq!(
        store.first_broken_audit_entry().unwrap(),
        Some(recorded.seq),
        "the recorded head is gone"
    );

    // The whole chain rewritten with fresh hashes (an entry's action changed) and as long as before.
    add_types(&store, &["Five", "Six"]);
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET action = 'nothing' WHERE seq = 1;",
    )
    .unwrap();
    let mut prev = "0".repeat(64);
    let rows: Vec<(i64, Vec<Option<String>>)> = conn
        .prepare(
            "SELECT seq, id, at, user_id, device_id, action, entity, entity_id, patient_id, details
             FROM audit_log ORDER BY seq",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                (1..10).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?,
            ))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for (seq, fields) in rows {
        let fields: Vec<Option<&str>> = fields.iter().map(|f| f.as_deref()).collect();
        let hash = audit::entry_hash(&prev, &fields);
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            rusqlite::params![prev, hash, seq],
        )
        .unwrap();
        prev = hash;
    }
    assert_eq!(audit::first_broken_entry(&conn, None).unwrap(), None);
    assert_eq!(
        store.first_broken_audit_entry().unwrap(),
        Some(recorded.seq)
    );
}

/// Every backup's header carries the head of the chain it holds; restoring keeps it as the store's.
#[test]
fn a_backup_carries_its_audit_head_and_a_restore_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    add_types(&store, &["One", "Two"]);
    let folder = dir.path().join("backups");
    let head = audit::head(&lock(&store.reader)).unwrap();
    assert!(head.is_some());
    let report = store
        .back_up(&folder, 5, "Test Clinic", None, chrono::Utc::now())
        .unwrap();
    assert_eq!(
        report.manifest.audit_head, head,
        "the copy's head, before the backup's own entry"
    );

    let other = tempfile::tempdir().unwrap();
    let staged = backup::stage_restore(
        other.path(),
        &report.file,
        &BackupKey::ThisStore(&store),
        &passphrase(),
    )
    .unwrap();
    let (restored, _) = staged.finish(&passphrase()).unwrap();
    assert_eq!(restored.first_broken_audit_entry().unwrap(), None);
    assert_eq!(StoreMeta::read(other.path()).unwrap().audit_head, head);
}

#[test]
fn rows_written_around_the_write_path_are_named_with_their_columns() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device(), no_init)
        .unwrap()
        .0;
    let (user, note) = store
        .write(None, |tx| {
            let user = tx.insert(
                Table::Users,
                Fields::new()
                    .set("username", "dr.okafor")
                    .set("display_name", "Dr Okafor")
                    .set("role", "doctor")
                    .set("password_hash", "argon2id-hash"),
            )?;
            let provider = tx.insert(
                Table::Providers,
                Fields::new()
                    .set("display_name", "Dr A")
                    .set("specialty", "Family medicine")
                    .set("colour", "#1e88e5"),
            )?;
            let patient = tx.insert(
                Table::Patients,
                Fields::new()
                    .set("mrn", "A-000001")
                    .set("first_name", "José")
                    .set("last_name", "Núñez")
                    .set("date_of_birth", "1970-01-31")
                    .set("sex", "male"),
            )?;
            let encounter = tx.insert(
                Table::Encounters,
                Fields::new()
                    .set("patient_id", patient.to_string())
                    .set("provider_id", provider.to_string())
                    .set("started_at", "2026-12-01T09:01:00.000Z"),
            )?;
            let note = tx.insert(
                Table::EncounterNotes,
                Fields::new()
                    .set("encounter_id", encounter.to_string())
                    .set("body", "Sore throat, no fever.")
                    .set("status", "signed")
                    .set("signed_at", "2026-12-01T09:30:00.000Z")
                    .set("signed_by", user.to_string()),
            )?;
            tx.insert_with_id(
                Table::Invoices,
                Uuid::nil(),
                Fields::new()
                    .set("patient_id", patient.to_string())
                    .set("currency", "EUR"),
            )?;
            tx.update(Table::Users, user, Fields::new().set("active", false))?;
            Ok::<_, StoreError>((user, note))
        })
        .unwrap();
    let users = ["username", "role", "active", "password_hash"];
    let notes = ["body", "status", "signed_at", "signed_by"];
    let payments = ["invoice_id", "method", "amount_minor", "status"];
    let altered = |table, columns: &[&'static str]| {
        store
            .rows_unlike_their_changes(table, columns, "1")
            .unwrap()
            .into_iter()
            .map(|r| (r.row_id, r.columns))
            .collect::<Vec<_>>()
    };
    assert!(
        altered(Table::Users, &users).is_empty(),
        "defaults and updates recorded"
    );
    assert!(altered(Table::EncounterNotes, &notes).is_empty());

    let conn = raw(dir.path());
    conn.execute_batch(&format!(
        "UPDATE users SET role = 'admin', active = 1 WHERE id = '{user}';
         DROP TRIGGER signed_notes_are_immutable;
         UPDATE encounter_notes SET body = 'Rewritten.' WHERE id = '{note}';
         INSERT INTO payments (id, created_at, updated_at, hlc, invoice_id, patient_id, method, amount_minor, received_at)
         SELECT 'm1', 't', 't', 'h', id, patient_id, 'cash', 5000, '2026-12-01T09:40:00.000Z' FROM invoices;"
    ))
    .unwrap();
    assert_eq!(
        altered(Table::Users, &users),
        [(user.to_string(), vec!["role", "active"])]
    );
    assert_eq!(
        altered(Table::EncounterNotes, &notes),
        [(note.to_string(), vec!["body"])]
    );
    // Never recorded at all: every column but the default status differs.
    assert_eq!(
        altered(Table::Payments, &payments),
        [(
            "m1".to_owned(),
            vec!["invoice_id", "method", "amount_minor"]
        )]
    );
}
