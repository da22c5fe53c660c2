//! `Store::all_or_nothing`: the writes of a batch commit together or not at all, its own reads see
//! them, and other threads' writes wait for it to end.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use crate::common::{Parents, create, sample};
use clinic_store::{Store, StoreError, Table};

fn patients(store: &Store) -> i64 {
    store
        .read(|r| r.count("SELECT count(*) FROM patients", []))
        .unwrap()
}

fn outbox(store: &Store) -> i64 {
    store
        .read(|r| r.count("SELECT count(*) FROM outbox", []))
        .unwrap()
}

fn register(store: &Store, n: usize) -> Result<(), StoreError> {
    let (row, _) = sample(Table::Patients, &Parents::default(), n);
    store.write(None, |tx| tx.insert(Table::Patients, row))?;
    Ok(())
}

#[test]
fn a_batch_that_fails_part_way_leaves_nothing_and_one_that_succeeds_keeps_everything() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    let changes = outbox(&store);

    let failed: Result<(), StoreError> = store.all_or_nothing(|| {
        register(&store, 1)?;
        register(&store, 2)?;
        assert_eq!(patients(&store), 2, "the batch reads its own writes");
        Err(StoreError::DiskFull)
    });
    assert!(matches!(failed, Err(StoreError::DiskFull)));
    assert_eq!((patients(&store), outbox(&store)), (0, changes));

    store
        .all_or_nothing(|| {
            register(&store, 1)?;
            register(&store, 2)
        })
        .unwrap();
    assert_eq!((patients(&store), outbox(&store)), (2, changes + 2));
    // The store writes on its own again, one transaction per write.
    register(&store, 3).unwrap();
    assert_eq!(patients(&store), 3);
}

#[test]
fn another_threads_write_waits_for_the_batch_and_is_not_rolled_back_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = create(dir.path());
    thread::scope(|scope| {
        let (done, written) = mpsc::channel();
        let failed: Result<(), StoreError> = store.all_or_nothing(|| {
            register(&store, 1)?;
            let (store, done) = (&store, done.clone());
            scope.spawn(move || {
                register(store, 2).unwrap();
                done.send(()).unwrap();
            });
            thread::sleep(Duration::from_millis(300));
            assert!(
                written.try_recv().is_err(),
                "the other write waits while the batch is open"
            );
            Err(StoreError::DiskFull)
        });
        assert!(failed.is_err());
        written.recv_timeout(Duration::from_secs(10)).unwrap();
    });
    let mrns: Vec<String> = store
        .read(|r| r.query_all("SELECT mrn FROM patients", [], |row| row.get(0)))
        .unwrap();
    assert_eq!(mrns, ["A-000002"]);
}
