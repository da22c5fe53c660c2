//! Store benchmarks: what durability and encryption cost, and what the full write path costs.
//!
//! `cargo bench -p clinic-store` prints medians over several runs, measured in one process so the
//! ratios compare like with like on a noisy machine. Workloads:
//! - commit-per-row: one patient row per transaction, each one durable (the app's real pattern);
//! - bulk: 20,000 rows in one transaction (isolates the CPU cost of encryption, and of the guards that
//!   refuse deletes and replaces);
//! - write path: `Store::write` inserting a patient with its outbox record and audit entry;
//! - backup: a verified backup of a store of 20,000 patients, and what one durable write costs while a
//!   backup runs (users must not notice a backup);
//! - key change: re-encrypting that store with a new key.

use std::time::{Duration, Instant};

use clinic_store::{DeviceSetup, Fields, KeyOptions, Store, StoreResult, Table, WriteTx};
use rusqlite::{Connection, params};

const RUNS: usize = 5;
const COMMITS: usize = 300;
const BULK_ROWS: usize = 20_000;
/// Patients in the store the backup and key-change workloads use.
const STORE_PATIENTS: usize = 20_000;
/// Single writes timed with and without a backup running.
const WRITES_DURING_BACKUP: usize = 200;
const KEY: &str =
    "PRAGMA key = \"x'2DD29CA851E7B56E4697B0E1F08507293D761A05CE4D1B628663F411A8086D99'\";";

#[derive(Clone, Copy)]
struct Setup {
    encrypted: bool,
    synchronous: &'static str,
    /// With the guards every synced table carries (V8): no DELETE, no INSERT OR REPLACE over a row.
    guarded: bool,
}

/// V8's two triggers, as they stand on `patients`.
const GUARDS: &str = "
    CREATE TRIGGER patients_are_never_deleted BEFORE DELETE ON patients
    BEGIN SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them'); END;
    CREATE TRIGGER patients_are_never_replaced BEFORE INSERT ON patients
    WHEN EXISTS (SELECT 1 FROM patients WHERE id = NEW.id)
       OR EXISTS (SELECT 1 FROM patients WHERE mrn = NEW.mrn)
    BEGIN SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them'); END;";

fn open(dir: &std::path::Path, setup: Setup) -> Connection {
    let conn = Connection::open(dir.join("bench.db")).unwrap();
    if setup.encrypted {
        conn.execute_batch(KEY).unwrap();
    }
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .unwrap();
    conn.execute_batch(&format!("PRAGMA synchronous = {};", setup.synchronous))
        .unwrap();
    conn.execute_batch(
        "CREATE TABLE patients (id TEXT PRIMARY KEY, created_at TEXT, hlc TEXT, mrn TEXT UNIQUE,
         first_name TEXT, last_name TEXT, date_of_birth TEXT, phone TEXT, notes TEXT)",
    )
    .unwrap();
    if setup.guarded {
        conn.execute_batch(GUARDS).unwrap();
    }
    conn
}

fn insert(conn: &Connection, i: usize) {
    conn.execute(
        "INSERT INTO patients VALUES (?1, '2026-11-22T10:00:00.000Z', ?2, ?3, 'José', 'Núñez', '1980-02-29', '+1 555 0100', ?4)",
        params![format!("0193{i:028x}"), format!("{i:015}-00000-bench"), format!("A-{i:06}"), "Lorem ipsum ".repeat(8)],
    )
    .unwrap();
}

/// Seconds for COMMITS single-row transactions.
fn commit_per_row(setup: Setup) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let conn = open(dir.path(), setup);
    let start = Instant::now();
    for i in 0..COMMITS {
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        insert(&conn, i);
        conn.execute_batch("COMMIT").unwrap();
    }
    start.elapsed().as_secs_f64()
}

/// Seconds for BULK_ROWS rows in one transaction.
fn bulk(setup: Setup) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open(dir.path(), setup);
    let start = Instant::now();
    let tx = conn.transaction().unwrap();
    for i in 0..BULK_ROWS {
        insert(&tx, i);
    }
    tx.commit().unwrap();
    start.elapsed().as_secs_f64()
}

/// Seconds for COMMITS patient registrations through the real write path.
fn write_path() -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let key = KeyOptions::passphrase("benchmark passphrase");
    let (store, _) = Store::create(dir.path(), &key, &device(), no_init).unwrap();
    let start = Instant::now();
    for i in 0..COMMITS {
        store.write(None, |tx| register(tx, i)).unwrap();
    }
    start.elapsed().as_secs_f64()
}

fn device() -> DeviceSetup {
    DeviceSetup {
        device_id: None,
        clinic_id: uuid::Uuid::now_v7(),
        device_name: "bench".into(),
        prefix: "A".into(),
    }
}

fn no_init(_: &mut WriteTx<'_>) -> StoreResult<()> {
    Ok(())
}

fn register(tx: &mut WriteTx<'_>, i: usize) -> StoreResult<()> {
    let mrn = tx.next_number(clinic_store::Series::Mrn)?;
    tx.insert(
        Table::Patients,
        Fields::new()
            .set("mrn", mrn)
            .set("first_name", "José")
            .set("last_name", format!("Núñez {i}"))
            .set("date_of_birth", "1980-02-29")
            .set("sex", "male"),
    )?;
    Ok(())
}

/// A store of STORE_PATIENTS registered patients (with their outbox records and audit entries).
fn big_store(dir: &std::path::Path, key: &KeyOptions) -> Store {
    let (store, _) = Store::create(dir, key, &device(), no_init).unwrap();
    for batch in 0..STORE_PATIENTS / 1000 {
        store
            .write(None, |tx| {
                (0..1000).try_for_each(|i| register(tx, batch * 1000 + i))
            })
            .unwrap();
    }
    store
}

/// Milliseconds of each of WRITES_DURING_BACKUP single registrations.
fn write_latencies(store: &Store) -> Vec<f64> {
    (0..WRITES_DURING_BACKUP)
        .map(|i| {
            let start = Instant::now();
            store.write(None, |tx| register(tx, i)).unwrap();
            std::thread::sleep(Duration::from_millis(2));
            start.elapsed().as_secs_f64() * 1e3 - 2.0
        })
        .collect()
}

fn percentile(mut samples: Vec<f64>, p: f64) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn measure(f: impl Fn() -> f64) -> f64 {
    median((0..RUNS).map(|_| f()).collect())
}

fn per_op(seconds: f64, ops: usize) -> String {
    let each = Duration::from_secs_f64(seconds / ops as f64);
    format!(
        "{:>9.3} ms/op  {:>8.0} ops/s",
        each.as_secs_f64() * 1e3,
        ops as f64 / seconds
    )
}

fn main() {
    // `cargo test --benches` runs this too; only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    println!("clinic-store benchmarks: median of {RUNS} runs");
    let plain_full = Setup {
        encrypted: false,
        synchronous: "FULL",
        guarded: false,
    };
    let cipher_full = Setup {
        encrypted: true,
        synchronous: "FULL",
        guarded: false,
    };
    let cipher_normal = Setup {
        encrypted: true,
        synchronous: "NORMAL",
        guarded: false,
    };
    let plain_normal = Setup {
        encrypted: false,
        synchronous: "NORMAL",
        guarded: false,
    };
    let guarded_full = Setup {
        guarded: true,
        ..cipher_full
    };

    println!("\ncommit-per-row ({COMMITS} transactions):");
    let rows = [
        ("plain SQLite, synchronous=NORMAL", plain_normal),
        ("plain SQLite, synchronous=FULL", plain_full),
        ("SQLCipher,    synchronous=NORMAL", cipher_normal),
        ("SQLCipher,    synchronous=FULL (Clinic)", cipher_full),
    ];
    let mut results = Vec::new();
    for (name, setup) in rows {
        let t = measure(|| commit_per_row(setup));
        println!("  {name:<42} {}", per_op(t, COMMITS));
        results.push(t);
    }
    println!(
        "  durability: FULL / NORMAL under SQLCipher = {:.2}x",
        results[3] / results[2]
    );
    println!(
        "  encryption: SQLCipher / plain at FULL      = {:.2}x",
        results[3] / results[1]
    );

    println!("\nbulk ({BULK_ROWS} rows, one transaction):");
    let plain = measure(|| bulk(plain_full));
    let cipher = measure(|| bulk(cipher_full));
    println!("  {:<42} {}", "plain SQLite", per_op(plain, BULK_ROWS));
    println!("  {:<42} {}", "SQLCipher", per_op(cipher, BULK_ROWS));
    println!(
        "  encryption: SQLCipher / plain               = {:.2}x",
        cipher / plain
    );
    let guarded = measure(|| bulk(guarded_full));
    println!(
        "  {:<42} {}",
        "SQLCipher, with V8's guards",
        per_op(guarded, BULK_ROWS)
    );
    println!(
        "  guards: with / without                      = {:.2}x",
        guarded / cipher
    );
    let guarded_commits = measure(|| commit_per_row(guarded_full));
    println!(
        "  {:<42} {}",
        "one row per commit, FULL, with the guards",
        per_op(guarded_commits, COMMITS)
    );
    println!(
        "  guards per durable commit: with / without   = {:.2}x",
        guarded_commits / results[3]
    );

    println!(
        "\nwrite path ({COMMITS} registrations, row + outbox + audit + MRN series, SQLCipher, FULL):"
    );
    let path = measure(write_path);
    println!("  {:<42} {}", "Store::write", per_op(path, COMMITS));
    println!(
        "  write path / bare SQLCipher insert          = {:.2}x",
        path / results[3]
    );

    let dir = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let key = KeyOptions::passphrase("benchmark passphrase");
    let store = big_store(dir.path(), &key);
    let size = std::fs::metadata(dir.path().join("clinic.db")).map_or(0, |m| m.len());
    println!(
        "
backup of a store of {STORE_PATIENTS} patients ({:.1} MB database, with outbox and audit):",
        size as f64 / 1e6
    );
    let backup = measure(|| {
        let start = Instant::now();
        store
            .back_up(folder.path(), 100, "Bench", None, chrono::Utc::now())
            .unwrap();
        start.elapsed().as_secs_f64()
    });
    println!("  {:<42} {:>9.0} ms", "copy + verify + prune", backup * 1e3);

    let quiet = write_latencies(&store);
    let running = std::sync::atomic::AtomicBool::new(true);
    let (during, backups) = std::thread::scope(|scope| {
        let backups = scope.spawn(|| {
            let mut n = 0;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                store
                    .back_up(folder.path(), 3, "Bench", None, chrono::Utc::now())
                    .unwrap();
                n += 1;
            }
            n
        });
        let during = write_latencies(&store);
        running.store(false, std::sync::atomic::Ordering::Relaxed);
        (during, backups.join().unwrap())
    });
    println!(
        "  one durable write, no backup running       p50 {:>7.3} ms  p95 {:>7.3} ms  max {:>7.3} ms",
        percentile(quiet.clone(), 0.5),
        percentile(quiet.clone(), 0.95),
        percentile(quiet, 1.0)
    );
    println!(
        "  one durable write, backups running ({backups:>2})   p50 {:>7.3} ms  p95 {:>7.3} ms  max {:>7.3} ms",
        percentile(during.clone(), 0.5),
        percentile(during.clone(), 0.95),
        percentile(during, 1.0)
    );

    let rekey = measure(|| {
        let start = Instant::now();
        store
            .change_key(
                &KeyOptions::passphrase("another benchmark passphrase"),
                None,
            )
            .unwrap();
        start.elapsed().as_secs_f64()
    });
    println!(
        "
key change of that store (rekey; includes one Argon2id derivation): {:.0} ms",
        rekey * 1e3
    );
}
