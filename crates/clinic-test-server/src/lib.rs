//! The real `clinic-server` binary, started on 127.0.0.1 (any free port) in a temporary folder, for the
//! tests and benchmarks of the crates that talk to it. Killed when dropped. Its store is an encrypted
//! file, or a new database in PostgreSQL when [`POSTGRES`] names a server (`scripts/with-postgres.sh`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

/// The passphrase of every test server's store.
pub const PASSPHRASE: &str = "the server's own long passphrase";

/// The variable naming the PostgreSQL server test servers keep their stores in (a connection string
/// without a database name, e.g. `postgresql://clinic@127.0.0.1:5432`); unset or empty: SQLite.
pub const POSTGRES: &str = "CLINIC_TEST_POSTGRES";

/// `clinic-server init`'s arguments for a new test server: with `--database` and a new, empty database
/// when the tests run on PostgreSQL.
pub fn init_args() -> Vec<String> {
    let Some(base) = std::env::var(POSTGRES).ok().filter(|url| !url.is_empty()) else {
        return vec!["init".into()];
    };
    let name = format!("clinic_{}", unique_name());
    let out = Command::new("psql")
        .args(["-v", "ON_ERROR_STOP=1", "-q", "-c"])
        .arg(format!("CREATE DATABASE {name}"))
        .arg(format!("{base}/postgres"))
        .output()
        .expect("psql, PostgreSQL's client, runs");
    assert!(
        out.status.success(),
        "creating a database: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    vec!["init".into(), "--database".into(), format!("{base}/{name}")]
}

/// Whether test servers keep their stores in PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var(POSTGRES).is_ok_and(|url| !url.is_empty())
}

/// A name no other test server has.
fn unique_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{}_{nanos}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// `clinic-server init` of a new test server in `dir`; returns its JSON.
pub fn init(binary: &Path, dir: &Path) -> Value {
    let args = init_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    json(binary, dir, &args)
}

/// Runs `clinic-server --data-dir DIR ARGS` with the test passphrase.
pub fn run(binary: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(binary)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("CLINIC_SERVER_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap()
}

/// Runs a command that must succeed and returns its JSON output.
pub fn json(binary: &Path, dir: &Path, args: &[&str]) -> Value {
    let out = run(binary, dir, args);
    assert!(
        out.status.success(),
        "clinic-server {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub struct RunningServer {
    child: Child,
    binary: PathBuf,
    pub url: String,
    pub fingerprint: String,
    pub dir: tempfile::TempDir,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl RunningServer {
    /// A new server: `init`, then `serve`.
    pub fn launch(binary: &Path) -> RunningServer {
        let dir = tempfile::tempdir().unwrap();
        init(binary, dir.path());
        RunningServer::launch_at(binary, dir, "127.0.0.1:0")
    }

    /// Serves the store in `dir` on `listen` (`127.0.0.1:0`: any free port).
    pub fn launch_at(binary: &Path, dir: tempfile::TempDir, listen: &str) -> RunningServer {
        let mut child = Command::new(binary)
            .arg("--data-dir")
            .arg(dir.path())
            .args(["serve", "--listen", listen])
            .env("CLINIC_SERVER_PASSPHRASE", PASSPHRASE)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            // CLINIC_TEST_SERVER_LOG=1 shows the server's log, to see why it failed.
            .stderr(if std::env::var_os("CLINIC_TEST_SERVER_LOG").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap();
        // The first JSON object on stdout says where it listens.
        let mut text = String::new();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        while !text.trim_end().ends_with('}') {
            text.push_str(
                &lines
                    .next()
                    .expect("the server says where it listens")
                    .unwrap(),
            );
        }
        let said: Value = serde_json::from_str(&text).unwrap();
        RunningServer {
            child,
            binary: binary.to_owned(),
            url: format!("https://{}", said["listening"].as_str().unwrap()),
            fingerprint: said["fingerprint"].as_str().unwrap().to_owned(),
            dir,
        }
    }

    /// Runs one of its commands (`pair`, `status`, ...) on its data directory; returns its JSON.
    pub fn json(&self, args: &[&str]) -> Value {
        json(&self.binary, self.dir.path(), args)
    }

    /// A new one-time pairing code.
    pub fn pairing_code(&self) -> String {
        self.json(&["pair"])["code"].as_str().unwrap().to_owned()
    }

    /// The address it listens on, to start it there again.
    pub fn listening(&self) -> String {
        self.url.trim_start_matches("https://").to_owned()
    }

    /// Stops it (SIGKILL) and hands back its data directory.
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        std::mem::replace(&mut self.dir, tempfile::tempdir().unwrap())
    }
}
