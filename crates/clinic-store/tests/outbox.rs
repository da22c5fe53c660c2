//! Every write to every synced table produces exactly one outbox record, through the one write path.

use crate::common::{Parents, create, remember, sample};
use clinic_store::{Fields, Store, StoreError, Table};

fn outbox_ops(store: &Store, table: Table) -> Vec<String> {
    store
        .read(|r| {
            r.query_all(
                "SELECT operation FROM outbox WHERE table_name = ?1 ORDER BY device_seq",
                [table.name()],
                |row| row.get(0),
            )
        })
        .unwrap()
}

#[test]
fn the_synced_table_list_is_exactly_the_tables_with_the_sync_metadata_columns() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let mut in_schema: Vec<String> = store
        .read(|r| {
            r.query_all(
                "SELECT m.name FROM sqlite_master m
                 WHERE m.type = 'table'
                   AND (SELECT count(*) FROM pragma_table_info(m.name) WHERE name IN
                        ('id', 'created_at', 'created_by', 'updated_at', 'updated_by', 'hlc', 'archived_at')) = 7
                 ORDER BY m.name",
                [],
                |row| row.get(0),
            )
        })
        .unwrap();
    let mut listed: Vec<String> = Table::ALL.iter().map(|t| t.name().to_owned()).collect();
    in_schema.sort();
    listed.sort();
    assert_eq!(
        in_schema, listed,
        "a table with the sync metadata columns must be listed in Table::ALL, and vice versa"
    );
}

#[test]
fn each_insert_update_and_archive_of_each_synced_table_writes_exactly_one_outbox_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let mut parents = Parents::default();
    let before = store
        .read(|r| r.count("SELECT count(*) FROM outbox", []))
        .unwrap();

    for (n, table) in Table::ALL.into_iter().enumerate() {
        let (row, change) = sample(table, &parents, n);
        let had = outbox_ops(&store, table).len();
        let id = store
            .write(None, |tx| tx.insert(table, row.clone()))
            .unwrap();
        assert_eq!(
            outbox_ops(&store, table)[had..],
            ["insert"],
            "{}: insert",
            table.name()
        );

        assert!(
            store
                .write(None, |tx| tx.update(table, id, change.clone()))
                .unwrap()
        );
        assert_eq!(
            outbox_ops(&store, table)[had..],
            ["insert", "update"],
            "{}: update",
            table.name()
        );

        assert!(
            !store
                .write(None, |tx| tx.update(table, id, change.clone()))
                .unwrap(),
            "{}: no-op",
            table.name()
        );
        assert_eq!(
            outbox_ops(&store, table).len(),
            had + 2,
            "{}: an unchanged update records nothing",
            table.name()
        );

        // Parents stay live for the tables after them; archive a second row instead.
        let (row2, _) = sample(table, &parents, n + 100);
        let id2 = store.write(None, |tx| tx.insert(table, row2)).unwrap();
        assert!(store.write(None, |tx| tx.archive(table, id2)).unwrap());
        assert_eq!(
            outbox_ops(&store, table)[had..],
            ["insert", "update", "insert", "archive"],
            "{}: archive",
            table.name()
        );
        remember(&mut parents, table, id);
    }

    // device_seq runs 1, 2, 3, ... with no gaps, and every record has an audit entry.
    let (count, min, max): (i64, i64, i64) = store
        .read(|r| {
            r.query_row(
                "SELECT count(*), min(device_seq), max(device_seq) FROM outbox",
                [],
                |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
            )
        })
        .unwrap();
    assert_eq!((min, max), (1, count));
    assert_eq!(count - before, Table::ALL.len() as i64 * 4);
    let audited = store
        .read(|r| {
            r.count(
                "SELECT count(*) FROM audit_log WHERE action IN ('insert','update','archive')",
                [],
            )
        })
        .unwrap();
    assert_eq!(audited, count);
    assert_eq!(store.first_broken_audit_entry().unwrap(), None);
}

#[test]
fn an_update_records_only_the_fields_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let (row, _) = sample(Table::Patients, &Parents::default(), 1);
    let id = store
        .write(None, |tx| tx.insert(Table::Patients, row))
        .unwrap();
    store
        .write(None, |tx| {
            tx.update(
                Table::Patients,
                id,
                Fields::new().set("first_name", "Zoë").set("phone", "+49 1"),
            )
        })
        .unwrap();
    let fields: String = store
        .read(|r| {
            r.query_row(
                "SELECT fields FROM outbox WHERE operation = 'update'",
                [],
                |x| x.get(0),
            )
        })
        .unwrap();
    assert_eq!(fields, r#"{"phone":"+49 1"}"#);
}

#[test]
fn a_failed_write_leaves_no_row_no_outbox_record_and_no_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let counts = |s: &Store| {
        s.read(|r| {
            Ok::<_, StoreError>((
                r.count("SELECT count(*) FROM patients", [])?,
                r.count("SELECT count(*) FROM outbox", [])?,
                r.count("SELECT count(*) FROM audit_log", [])?,
            ))
        })
        .unwrap()
    };
    let before = counts(&store);
    let (good, _) = sample(Table::Patients, &Parents::default(), 1);
    let bad = Fields::new()
        .set("mrn", "A-000009")
        .set("first_name", "X")
        .set("last_name", "Y")
        .set("date_of_birth", "2000-01-01")
        .set("sex", "dragon");
    let result = store.write(None, |tx| {
        tx.insert(Table::Patients, good)?;
        tx.insert(Table::Patients, bad)
    });
    assert!(
        matches!(result, Err(StoreError::Constraint(_))),
        "{result:?}"
    );
    assert_eq!(counts(&store), before);
}

#[test]
fn the_write_path_refuses_metadata_and_unknown_columns() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    for column in ["hlc", "archived_at", "id", "no_such_column"] {
        let fields = Fields::new().set("name", "x").set(column, "y");
        let result = store.write(None, |tx| tx.insert(Table::AppointmentTypes, fields));
        assert!(
            matches!(result, Err(StoreError::UnknownColumn { .. })),
            "{column}: {result:?}"
        );
    }
}

#[test]
fn readers_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let result = store.read(|r| r.count("DELETE FROM patients RETURNING 1", []));
    assert!(
        matches!(result, Err(StoreError::NotReadOnly(_))),
        "{result:?}"
    );
    let result = store.write(None, |tx| {
        tx.reader()
            .count("UPDATE outbox SET pushed_at = 'x' RETURNING 1", [])
    });
    assert!(
        matches!(result, Err(StoreError::NotReadOnly(_))),
        "{result:?}"
    );
}

#[test]
fn signed_notes_and_recorded_payments_cannot_be_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let mut parents = Parents::default();
    let mut ids = std::collections::HashMap::new();
    for (n, table) in Table::ALL.into_iter().enumerate() {
        let (row, _) = sample(table, &parents, n);
        let id = store.write(None, |tx| tx.insert(table, row)).unwrap();
        remember(&mut parents, table, id);
        ids.insert(table, id);
    }
    let note = ids[&Table::EncounterNotes];
    let user = parents.user.unwrap();
    store
        .write(None, |tx| {
            tx.update(
                Table::EncounterNotes,
                note,
                Fields::new()
                    .set("status", "signed")
                    .set("signed_at", "2026-12-01T10:00:00.000Z")
                    .set("signed_by", user),
            )
        })
        .unwrap();
    let edit = store.write(None, |tx| {
        tx.update(
            Table::EncounterNotes,
            note,
            Fields::new().set("body", "rewritten"),
        )
    });
    assert!(edit.unwrap_err().to_string().contains("amendment"));
    let archive = store.write(None, |tx| tx.archive(Table::EncounterNotes, note));
    assert!(archive.is_err());

    let payment = ids[&Table::Payments];
    let edit = store.write(None, |tx| {
        tx.update(
            Table::Payments,
            payment,
            Fields::new().set("amount_minor", 1),
        )
    });
    assert!(edit.unwrap_err().to_string().contains("void or refund"));

    // A payment follows its patient only from a record to the record it was merged into.
    let (other, _) = sample(Table::Patients, &parents, 99);
    let other = store
        .write(None, |tx| tx.insert(Table::Patients, other))
        .unwrap();
    let move_to_other = |store: &Store| {
        store.write(None, |tx| {
            tx.update(
                Table::Payments,
                payment,
                Fields::new().set("patient_id", other),
            )
        })
    };
    assert!(move_to_other(&store).is_err());
    let patient = parents.patient.unwrap();
    store
        .write(None, |tx| {
            tx.update(
                Table::Patients,
                patient,
                Fields::new().set("merged_into_id", other),
            )
        })
        .unwrap();
    assert!(move_to_other(&store).is_ok());
}
