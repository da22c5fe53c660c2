//! Ids and human-facing numbers from two devices never collide, even if the devices never talk.

use std::collections::HashSet;

use crate::common::{device, no_init, passphrase};
use clinic_store::{Fields, Series, Store, StoreError, Table};

fn issue(store: &Store, n: usize) -> (Vec<String>, Vec<String>, Vec<String>) {
    store
        .write(None, |tx| {
            let (mut ids, mut mrns, mut invoices) = (vec![], vec![], vec![]);
            for i in 0..n {
                let mrn = tx.next_number(Series::Mrn)?;
                let id = tx.insert(
                    Table::Patients,
                    Fields::new()
                        .set("mrn", mrn.as_str())
                        .set("first_name", format!("P{i}"))
                        .set("last_name", "Test")
                        .set("date_of_birth", "1990-01-01")
                        .set("sex", "unknown"),
                )?;
                ids.push(id.to_string());
                mrns.push(mrn);
                invoices.push(tx.next_number(Series::Invoice)?);
            }
            Ok::<_, StoreError>((ids, mrns, invoices))
        })
        .unwrap()
}

#[test]
fn two_devices_issue_disjoint_ids_mrns_and_invoice_numbers() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let front_desk = Store::create(a.path(), &passphrase(), &device("A"), no_init)
        .unwrap()
        .0;
    let laptop = Store::create(b.path(), &passphrase(), &device("B"), no_init)
        .unwrap()
        .0;
    let (ids_a, mrns_a, inv_a) = issue(&front_desk, 300);
    let (ids_b, mrns_b, inv_b) = issue(&laptop, 300);

    for (left, right) in [(&ids_a, &ids_b), (&mrns_a, &mrns_b), (&inv_a, &inv_b)] {
        let all: HashSet<&String> = left.iter().chain(right.iter()).collect();
        assert_eq!(
            all.len(),
            left.len() + right.len(),
            "collision between devices"
        );
    }
    assert_eq!(mrns_a[0], "A-000001");
    assert_eq!(mrns_b[299], "B-000300");
    assert_eq!(inv_a[1], "INV-A-000002");
    // UUIDv7: version 7, and ids issued later sort later.
    assert!(
        ids_a
            .iter()
            .all(|id| uuid::Uuid::parse_str(id).unwrap().get_version_num() == 7)
    );
    let mut sorted = ids_a.clone();
    sorted.sort();
    assert_eq!(sorted, ids_a);
}

#[test]
fn a_series_continues_after_reopening_and_never_reuses_a_rolled_back_number_twice() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), &passphrase(), &device("A"), no_init)
        .unwrap()
        .0;
    let first = store.write(None, |tx| tx.next_number(Series::Mrn)).unwrap();
    // A transaction that fails gives its number back: no gap, and no number used twice.
    let failed: Result<String, StoreError> = store.write(None, |tx| {
        tx.next_number(Series::Mrn)?;
        Err(StoreError::Constraint(
            "the registration was abandoned".into(),
        ))
    });
    assert!(failed.is_err());
    drop(store);
    let store = Store::open(dir.path(), &passphrase()).unwrap();
    let second = store.write(None, |tx| tx.next_number(Series::Mrn)).unwrap();
    assert_eq!((first.as_str(), second.as_str()), ("A-000001", "A-000002"));
}
