//! Sync benchmarks against the real `clinic-server` binary on 127.0.0.1, with real encrypted device
//! stores on the other side. `cargo bench -p clinic-server --bench sync` prints:
//! - push: a clinic of `CLINIC_BENCH_PATIENTS` patients (default 100,000) and
//!   `CLINIC_BENCH_APPOINTMENTS` appointments (default 500,000) sent by its first computer, in changes/s;
//! - join: a new computer pulling that whole clinic in, time and rows/s;
//! - device to device: one change made on one computer, seen on another that polls every 250 ms
//!   (median of 20), and on one that listens to the live channel (`/v1/events`) and pulls when it hears
//!   (median and p95 of 50);
//! - many devices: `CLINIC_BENCH_DEVICES` computers (default 50) pushing at once, the push latency's
//!   p50 and p95 over 10 rounds; then the same computers each pushing a change every 100 ms
//!   (10 changes/s each) for 10 s, the push latency's p50 and p95.
//!
//! The server keeps its store in SQLite, or in PostgreSQL when run under `scripts/with-postgres.sh`
//! (`scripts/bench-sync.sh` runs both, one after the other).
//!
//! The rounds are the device's own (push batches of 500, pull pages of 1,000, each page one
//! transaction), driven here over the protocol so that a computer needs no signed-in user.

use std::path::Path;
use std::time::{Duration, Instant};

use clinic_core::ClinicServer;
use clinic_store::protocol::{
    PairRequest, Paired, PullAnswer, PushAnswer, PushRequest, TokenAnswer,
};
use clinic_store::{DeviceSetup, Fields, KeyOptions, SCHEMA_VERSION, Series, Store, Table};
use clinic_test_server::RunningServer;
use reqwest::blocking::Client;
use serde_json::json;
use uuid::Uuid;

const PUSH_BATCH: usize = 500;
const PULL_PAGE: usize = 1_000;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Server {
    running: RunningServer,
    client: Client,
}

impl Server {
    fn start() -> Server {
        let running = RunningServer::launch(Path::new(env!("CARGO_BIN_EXE_clinic-server")));
        let client = Client::builder()
            .tls_backend_preconfigured(clinic_sync::pinned_tls_config(&running.fingerprint))
            .timeout(Duration::from_secs(600))
            .build()
            .unwrap();
        Server { running, client }
    }

    fn post<T: serde::de::DeserializeOwned>(
        &self,
        route: &str,
        access: &str,
        body: &impl serde::Serialize,
    ) -> T {
        let answer = self
            .client
            .post(format!("{}{route}", self.running.url))
            .bearer_auth(access)
            .json(body)
            .send()
            .unwrap();
        assert!(answer.status().is_success(), "{route}: {}", answer.status());
        answer.json().unwrap()
    }

    /// Pairs `device` (bringing its clinic or joining the server's) and returns an access token.
    fn pair(&self, device: &Store, clinic_id: Option<&str>) -> String {
        let paired: Paired = self.post(
            "/v1/pair",
            "",
            &PairRequest {
                code: self.running.pairing_code(),
                device_id: device.device_id(),
                device_name: "bench".into(),
                clinic_id: clinic_id.map(str::to_owned),
                schema_version: SCHEMA_VERSION,
                next_seq: None,
            },
        );
        let token: TokenAnswer =
            self.post("/v1/token", "", &json!({ "credential": paired.credential }));
        token.access_token
    }

    /// Pushes everything `device` has waiting, as its round does.
    fn push_all(&self, device: &Store, access: &str) -> usize {
        let mut sent = 0;
        loop {
            let changes = device.changes_to_push(PUSH_BATCH).unwrap();
            if changes.is_empty() {
                return sent;
            }
            sent += changes.len();
            let answer: PushAnswer = self.post(
                "/v1/push",
                access,
                &PushRequest {
                    schema_version: SCHEMA_VERSION,
                    seen_through: device.pull_cursor().unwrap(),
                    changes,
                },
            );
            device.record_push(&answer.results).unwrap();
        }
    }

    /// Pulls and applies pages until there are no more; returns the changes applied.
    fn pull_all(&self, device: &Store, access: &str) -> usize {
        let mut applied = 0;
        loop {
            let page: PullAnswer = self
                .client
                .get(format!(
                    "{}/v1/pull?after={}&limit={PULL_PAGE}",
                    self.running.url,
                    device.pull_cursor().unwrap()
                ))
                .bearer_auth(access)
                .send()
                .unwrap()
                .json()
                .unwrap();
            applied += device.apply_pulled(&page.changes).unwrap().applied;
            if !page.more {
                return applied;
            }
        }
    }
}

fn device(dir: &std::path::Path, clinic_id: Uuid, prefix: &str) -> Store {
    let setup = DeviceSetup {
        device_id: None,
        clinic_id,
        device_name: format!("bench {prefix}"),
        prefix: prefix.into(),
    };
    Store::create(
        dir,
        &KeyOptions::passphrase("a bench device's passphrase"),
        &setup,
        |_| Ok::<_, clinic_store::StoreError>(()),
    )
    .unwrap()
    .0
}

/// The clinic's setup: its administrator (written before any user exists) and one provider.
fn setup(store: &Store) -> (String, String) {
    let admin = Uuid::now_v7();
    store
        .write(None, |tx| {
            tx.insert_with_id(
                Table::Users,
                admin,
                Fields::new()
                    .set("username", "admin")
                    .set("display_name", "Admin")
                    .set("role", "admin")
                    .set("password_hash", "not a real hash")
                    .set("must_change_password", false),
            )
        })
        .unwrap();
    let admin = admin.to_string();
    let provider = store
        .write(Some(&admin), |tx| {
            tx.insert(
                Table::Providers,
                Fields::new()
                    .set("display_name", "Dr. Bench")
                    .set("specialty", "Family medicine")
                    .set("colour", "#1e88e5"),
            )
        })
        .unwrap();
    (admin, provider.to_string())
}

/// `patients` patients and `appointments` appointments, written through the write path in turns.
fn fill(store: &Store, admin: &str, provider: &str, patients: usize, appointments: usize) {
    let mut ids = Vec::with_capacity(patients);
    for turn in (0..patients).collect::<Vec<_>>().chunks(5_000) {
        let made = store
            .write(Some(admin), |tx| {
                turn.iter()
                    .map(|i| {
                        let mrn = tx.next_number(Series::Mrn)?;
                        tx.insert(
                            Table::Patients,
                            Fields::new()
                                .set("mrn", mrn)
                                .set("first_name", format!("Pat{i}"))
                                .set("last_name", "Bench")
                                .set("date_of_birth", "1980-01-01")
                                .set("sex", "female"),
                        )
                    })
                    .collect::<clinic_store::StoreResult<Vec<_>>>()
            })
            .unwrap();
        ids.extend(made);
    }
    let start = chrono::DateTime::parse_from_rfc3339("2027-01-04T08:00:00Z").unwrap();
    for turn in (0..appointments).collect::<Vec<_>>().chunks(5_000) {
        store
            .write(Some(admin), |tx| {
                for i in turn {
                    let at = start + chrono::Duration::minutes(15 * *i as i64);
                    tx.insert(
                        Table::Appointments,
                        Fields::new()
                            .set("patient_id", ids[*i % ids.len()].to_string())
                            .set("provider_id", provider)
                            .set("starts_at", clinic_store::format_instant(at.to_utc()))
                            .set(
                                "ends_at",
                                clinic_store::format_instant(
                                    (at + chrono::Duration::minutes(15)).to_utc(),
                                ),
                            ),
                    )?;
                }
                Ok::<_, clinic_store::StoreError>(())
            })
            .unwrap();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let patients = setting("CLINIC_BENCH_PATIENTS", 100_000);
    let appointments = setting("CLINIC_BENCH_APPOINTMENTS", 500_000);
    let devices = setting("CLINIC_BENCH_DEVICES", 50);
    println!(
        "the server's store: {}",
        if clinic_test_server::on_postgres() {
            "PostgreSQL"
        } else {
            "SQLite (SQLCipher)"
        }
    );
    let server = Server::start();
    let dirs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let clinic_id = Uuid::now_v7();

    let front = device(dirs[0].path(), clinic_id, "A");
    let (admin, provider) = setup(&front);
    let started = Instant::now();
    fill(&front, &admin, &provider, patients, appointments);
    println!(
        "written on the first computer: {patients} patients, {appointments} appointments in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let front_access = server.pair(&front, Some(&clinic_id.to_string()));
    let started = Instant::now();
    let pushed = server.push_all(&front, &front_access);
    let took = started.elapsed().as_secs_f64();
    println!(
        "push: {pushed} changes in {took:.1} s = {:.0} changes/s",
        pushed as f64 / took
    );

    let laptop_dir = tempfile::tempdir().unwrap();
    let laptop = device(laptop_dir.path(), clinic_id, "B");
    let laptop_access = server.pair(&laptop, None);
    let started = Instant::now();
    let applied = server.pull_all(&laptop, &laptop_access);
    let took = started.elapsed().as_secs_f64();
    println!(
        "join: {applied} changes pulled and applied in {took:.1} s = {:.0} rows/s",
        applied as f64 / took
    );

    // One change from the front desk to the laptop, which polls every 250 ms.
    let mut seen_after = Vec::new();
    for i in 0..20 {
        let made = Instant::now();
        front
            .write(Some(&admin), |tx| {
                let mrn = tx.next_number(Series::Mrn)?;
                tx.insert(
                    Table::Patients,
                    Fields::new()
                        .set("mrn", mrn)
                        .set("first_name", format!("Latency{i}"))
                        .set("last_name", "Bench")
                        .set("date_of_birth", "1990-01-01")
                        .set("sex", "male"),
                )
            })
            .unwrap();
        server.push_all(&front, &front_access);
        // The laptop's next poll comes somewhere in its 250 ms interval.
        std::thread::sleep(Duration::from_millis(250 * (i % 4) / 4));
        while server.pull_all(&laptop, &laptop_access) == 0 {
            std::thread::sleep(Duration::from_millis(250));
        }
        seen_after.push(made.elapsed());
    }
    seen_after.sort();
    println!(
        "device to device, polling every 250 ms: median {:.0} ms, p95 {:.0} ms",
        percentile(&seen_after, 0.5).as_secs_f64() * 1e3,
        percentile(&seen_after, 0.95).as_secs_f64() * 1e3
    );

    // The same through the live channel: the laptop listens, and pulls when it hears.
    let address = clinic_core::ServerAddress {
        url: server.running.url.clone(),
        fingerprint: server.running.fingerprint.clone(),
    };
    let listener = clinic_sync::HttpsServer::new(&address).unwrap();
    let (pulled, seen) = std::sync::mpsc::channel::<Instant>();
    let mut heard_after = Vec::new();
    std::thread::scope(|scope| {
        let (laptop, server, listener) = (&laptop, &server, &listener);
        let laptop_access = &laptop_access;
        scope.spawn(move || {
            let mut heard = |_: i64| {
                if server.pull_all(laptop, laptop_access) > 0 {
                    return pulled.send(Instant::now()).is_ok();
                }
                true
            };
            let _ = listener.listen(
                laptop_access,
                Some(laptop.pull_cursor().unwrap()),
                &mut heard,
            );
        });
        for i in 0..50 {
            let made = Instant::now();
            front
                .write(Some(&admin), |tx| {
                    let mrn = tx.next_number(Series::Mrn)?;
                    tx.insert(
                        Table::Patients,
                        Fields::new()
                            .set("mrn", mrn)
                            .set("first_name", format!("Live{i}"))
                            .set("last_name", "Bench")
                            .set("date_of_birth", "1990-01-01")
                            .set("sex", "female"),
                    )
                })
                .unwrap();
            server.push_all(&front, &front_access);
            let at = seen.recv_timeout(Duration::from_secs(10)).unwrap();
            heard_after.push(at - made);
        }
        // The listener stops at the next event it hears, once nothing waits for it.
        drop(seen);
        front
            .write(Some(&admin), |tx| {
                let mrn = tx.next_number(Series::Mrn)?;
                tx.insert(
                    Table::Patients,
                    Fields::new()
                        .set("mrn", mrn)
                        .set("first_name", "LiveEnd")
                        .set("last_name", "Bench")
                        .set("date_of_birth", "1990-01-01")
                        .set("sex", "female"),
                )
            })
            .unwrap();
        server.push_all(&front, &front_access);
    });
    heard_after.sort();
    println!(
        "device to device through the live channel: median {:.0} ms, p95 {:.0} ms",
        percentile(&heard_after, 0.5).as_secs_f64() * 1e3,
        percentile(&heard_after, 0.95).as_secs_f64() * 1e3
    );

    // Many computers push at once.
    let many: Vec<(tempfile::TempDir, Store, String)> = (0..devices)
        .map(|i| {
            let dir = tempfile::tempdir().unwrap();
            let store = device(dir.path(), clinic_id, &format!("Z{i}"));
            let access = server.pair(&store, None);
            (dir, store, access)
        })
        .collect();
    let mut latencies = Vec::new();
    for round in 0..10 {
        for (_, store, _) in &many {
            store
                .write(Some(&admin), |tx| {
                    for n in 0..20 {
                        let mrn = tx.next_number(Series::Mrn)?;
                        tx.insert(
                            Table::Patients,
                            Fields::new()
                                .set("mrn", mrn)
                                .set("first_name", format!("Many{round}x{n}"))
                                .set("last_name", "Bench")
                                .set("date_of_birth", "1995-01-01")
                                .set("sex", "female"),
                        )?;
                    }
                    Ok::<_, clinic_store::StoreError>(())
                })
                .unwrap();
        }
        let timed: Vec<Duration> = std::thread::scope(|scope| {
            let pushing: Vec<_> = many
                .iter()
                .map(|(_, store, access)| {
                    let server = &server;
                    scope.spawn(move || {
                        let started = Instant::now();
                        server.push_all(store, access);
                        started.elapsed()
                    })
                })
                .collect();
            pushing.into_iter().map(|p| p.join().unwrap()).collect()
        });
        latencies.extend(timed);
    }
    latencies.sort();
    println!(
        "{devices} computers pushing 20 changes each at once (10 rounds): p50 {:.0} ms, p95 {:.0} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3
    );

    // Many computers at work: each makes a change and pushes it every 100 ms (10 changes/s) for 10 s.
    let steady_for = Duration::from_secs(10);
    let mut steady: Vec<Duration> = std::thread::scope(|scope| {
        let working: Vec<_> = many
            .iter()
            .enumerate()
            .map(|(d, (_, store, access))| {
                let (server, admin) = (&server, &admin);
                scope.spawn(move || {
                    let mut took = Vec::new();
                    let started = Instant::now();
                    let mut next = started;
                    while started.elapsed() < steady_for {
                        store
                            .write(Some(admin), |tx| {
                                let mrn = tx.next_number(Series::Mrn)?;
                                tx.insert(
                                    Table::Patients,
                                    Fields::new()
                                        .set("mrn", mrn)
                                        .set("first_name", format!("Steady{d}x{}", took.len()))
                                        .set("last_name", "Bench")
                                        .set("date_of_birth", "1995-01-01")
                                        .set("sex", "female"),
                                )
                            })
                            .unwrap();
                        let pushing = Instant::now();
                        server.push_all(store, access);
                        took.push(pushing.elapsed());
                        next += Duration::from_millis(100);
                        if let Some(wait) = next.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                    }
                    took
                })
            })
            .collect();
        working
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    steady.sort();
    println!(
        "{devices} computers each pushing a change every 100 ms for {} s: {} pushes ({:.0}/s), \
         p50 {:.0} ms, p95 {:.0} ms",
        steady_for.as_secs(),
        steady.len(),
        steady.len() as f64 / steady_for.as_secs_f64(),
        percentile(&steady, 0.5).as_secs_f64() * 1e3,
        percentile(&steady, 0.95).as_secs_f64() * 1e3
    );
}
