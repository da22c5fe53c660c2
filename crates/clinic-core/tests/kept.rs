//! What is kept as written, seen twice: the clinic server's rule (`kept_as_written`, over the change's
//! columns) and the device's triggers. They must agree column by column, or a change one takes the
//! other refuses (and a device's pull would stop at it).

use clinic_core::{InvoiceLineInput, NewPatient, NewProvider, PaymentMethod, kept_as_written};
use clinic_store::{Store, StoreError, Table, Value};

use crate::common::{self, ADMIN_PASSWORD};

/// A value other than `value`, of its type.
fn other(value: &Value) -> Value {
    match value {
        Value::Integer(i) => Value::Integer(i + 1),
        Value::Real(r) => Value::Real(r + 1.0),
        Value::Text(t) => Value::Text(format!("{t}x")),
        Value::Blob(b) => Value::Blob([b.as_slice(), b"x"].concat()),
        Value::Null => Value::Text("x".into()),
    }
}

#[test]
fn the_servers_rule_and_the_devices_triggers_keep_the_same_columns() {
    let dir = tempfile::tempdir().unwrap();
    let c = common::clinic(dir.path(), "Kept Clinic");
    let admin = c.sign_in("root", ADMIN_PASSWORD).unwrap();
    let ana = c
        .register_patient(
            &admin,
            NewPatient {
                first_name: "Ana".into(),
                last_name: "Ruiz".into(),
                date_of_birth: "1980-02-03".into(),
                ..NewPatient::default()
            },
        )
        .unwrap()
        .id;
    let doctor = c
        .add_provider(
            &admin,
            NewProvider {
                user_id: None,
                display_name: "Dr Rosa Diaz".into(),
                specialty: "General practice".into(),
                licence_number: None,
                colour: "#1c7ed6".into(),
            },
        )
        .unwrap();
    let visit = c.open_encounter(&admin, &ana, &doctor, None).unwrap();
    let note = c.write_note(&admin, &visit, "Cough, no fever.").unwrap();
    c.sign_note(&admin, &note).unwrap();
    let service = c
        .add_service(&admin, "CONS", "Consultation", 6000, false)
        .unwrap();
    let lines = [InvoiceLineInput {
        service_id: service,
        quantity: 1,
    }];
    let (invoice, _) = c.issue_invoice(&admin, &ana, None, &lines).unwrap();
    c.record_payment(&admin, &invoice, PaymentMethod::Card, 2500, None)
        .unwrap();
    drop(c);

    let store = Store::open(dir.path(), &common::key()).unwrap();
    let payment: String = store
        .read(|r| r.query_row("SELECT id FROM payments", [], |row| row.get(0)))
        .unwrap();
    let mut probed = 0;
    for (table, id) in [(Table::EncounterNotes, note), (Table::Payments, payment)] {
        let columns: Vec<(String, Value)> = store
            .read(|r| {
                let names: Vec<String> = r.query_all(
                    "SELECT name FROM pragma_table_info(?1)",
                    [table.name()],
                    |row| row.get(0),
                )?;
                names
                    .into_iter()
                    .map(|name| {
                        let sql = format!("SELECT {name} FROM {} WHERE id = ?1", table.name());
                        let value = r.query_row(&sql, [&id], |row| row.get(0))?;
                        Ok::<_, StoreError>((name, value))
                    })
                    .collect()
            })
            .unwrap();
        let stored: serde_json::Map<String, serde_json::Value> = columns
            .iter()
            .filter_map(|(name, value)| match value {
                Value::Text(t) => Some((name.clone(), serde_json::Value::from(t.as_str()))),
                _ => None,
            })
            .collect();
        let uuid = id.parse().unwrap();
        for (column, value) in &columns {
            // The write path owns these; no change sets them.
            if matches!(
                column.as_str(),
                "id" | "created_at"
                    | "created_by"
                    | "updated_at"
                    | "updated_by"
                    | "hlc"
                    | "archived_at"
            ) {
                continue;
            }
            // Moving a payment to another record of its patient is a merge's: the device checks for the
            // merge record, the server for the merge's author (`may_push`).
            if table == Table::Payments && column == "patient_id" {
                continue;
            }
            let tried = store.write(None, |tx| {
                tx.set_column(table, uuid, column, other(value))?;
                // Whatever happened, nothing stays.
                Err::<(), _>(StoreError::BatchRolledBack)
            });
            let by_trigger =
                matches!(&tried, Err(e) if e.to_string().contains("cannot be changed"));
            let by_rule = kept_as_written(table.name(), &stored, &[column.as_str()]).is_some();
            assert_eq!(by_trigger, by_rule, "{}.{column}: {tried:?}", table.name());
            probed += 1;
        }
    }
    assert!(probed >= 12, "{probed} columns compared");
}
