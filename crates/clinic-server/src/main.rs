//! `clinic-server`: set up, run and look after a clinic server. Output is JSON on stdout; a failure
//! prints one line on stderr and exits 1, as the `clinic` command does.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use clap::{Parser, Subcommand};
use clinic_server::api::{self, AppState};
use clinic_server::data_dir::Server;
use clinic_server::error::{ServerError, ServerResult};
use clinic_server::live::Live;
use clinic_server::tls;
use clinic_store::KeyOptions;
use serde::Serialize;

#[derive(Parser)]
#[command(
    name = "clinic-server",
    version,
    about = "The clinic server: the devices of one clinic sync through it"
)]
struct Cli {
    /// The server's data folder (its encrypted store, logs)
    #[arg(long, global = true, default_value = "clinic-server-data")]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the server's store, its TLS certificate and its identity: in an encrypted file in the
    /// data folder, or in PostgreSQL with --database
    Init {
        /// Keep the store in this PostgreSQL database (an empty one), e.g.
        /// postgres://clinic@127.0.0.1/clinic; the data folder then keeps where it is
        #[arg(long, value_name = "URL")]
        database: Option<String>,
    },
    /// Serve the clinic's devices over HTTPS
    Serve {
        /// Address and port to listen on, e.g. 0.0.0.0:8443 (port 0: any free port)
        #[arg(long, default_value = "0.0.0.0:8443")]
        listen: SocketAddr,
    },
    /// Make a one-time pairing code (valid 10 minutes) for a device to join with
    Pair,
    /// The paired devices
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// The server's identity, devices and changes, as JSON
    Status,
    /// Back up the server's store into a new folder under DIR (the file still encrypted with its key,
    /// or a pg_dump of the PostgreSQL database); safe while the server runs
    Backup {
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Put a backup in place of the server's store (stop the server first). The restored server gets
    /// a new epoch, and its devices send it again what it lacks; the replaced store is kept aside
    Restore {
        /// The folder `clinic-server backup` made
        from: PathBuf,
    },
    /// The clinic's audit trail as the devices pushed it
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Print the digest of the clinic's rows (per table: rows and SHA-256), to compare with a
    /// device's `clinic sync digest`: equal when they hold the same
    Digest,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk every device's hash chain again, from its first entry: JSON per device; exits 1 when one
    /// does not hold
    Verify,
}

#[derive(Subcommand)]
enum DevicesCommand {
    /// List the paired devices
    List,
    /// Remove a device: it is refused from its next request on
    Revoke { id: String },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let text = e.to_string();
            eprintln!(
                "clinic-server: {} (see clinic-server --help)",
                text.lines()
                    .next()
                    .unwrap_or("bad arguments")
                    .trim_start_matches("error: ")
            );
            return ExitCode::FAILURE;
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clinic-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The key of the server's store: from CLINIC_SERVER_PASSPHRASE, else kept in the OS keyring.
fn key_options() -> ServerResult<KeyOptions> {
    match std::env::var("CLINIC_SERVER_PASSPHRASE") {
        Ok(p) if p.chars().count() >= 12 => Ok(KeyOptions::passphrase(p)),
        Ok(p) if !p.is_empty() => Err(ServerError::BadRequest(
            "CLINIC_SERVER_PASSPHRASE must be at least 12 characters long".into(),
        )),
        _ => Ok(KeyOptions {
            keyring_service: "Clinic server".into(),
            ..KeyOptions::keyring()
        }),
    }
}

fn run(cli: Cli) -> ServerResult<()> {
    let dir = cli.data_dir;
    match cli.command {
        Command::Init { database } => {
            let server = Server::create(&dir, database.as_deref(), &key_options()?, Utc::now())?;
            print_json(&server.clinic().identity()?)
        }
        Command::Serve { listen } => serve(&dir, listen),
        Command::Pair => print_json(&open(&dir)?.clinic().new_pairing_code(Utc::now())?),
        Command::Devices(DevicesCommand::List) => print_json(&open(&dir)?.clinic().devices()?),
        Command::Devices(DevicesCommand::Revoke { id }) => {
            open(&dir)?.clinic().revoke(&id, Utc::now())?;
            print_json(&serde_json::json!({ "revoked": id }))
        }
        Command::Status => print_json(&open(&dir)?.clinic().status()?),
        Command::Digest => print_json(&open(&dir)?.clinic().digest()?),
        Command::Audit(AuditCommand::Verify) => {
            let checks = open(&dir)?.clinic().verify_audit()?;
            print_json(&checks)?;
            match checks.iter().find(|c| c.first_broken.is_some()) {
                Some(broken) => Err(ServerError::Refused(format!(
                    "the audit trail of device {} ({}) does not hold from its entry {}",
                    broken.device_name,
                    broken.device_id,
                    broken.first_broken.unwrap_or_default()
                ))),
                None => Ok(()),
            }
        }
        Command::Backup { to } => {
            let folder = open(&dir)?.back_up(&dir, &to, Utc::now())?;
            print_json(&serde_json::json!({ "backup": folder }))
        }
        Command::Restore { from } => {
            let restored = Server::restore(&dir, &from, &key_options()?)?;
            print_json(&restored.clinic().identity()?)
        }
    }
}

fn open(dir: &Path) -> ServerResult<Server> {
    Server::open(dir, &key_options()?)
}

fn print_json(value: &impl Serialize) -> ServerResult<()> {
    let text =
        serde_json::to_string_pretty(value).map_err(|e| ServerError::Internal(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// Logs go to stderr and to a file in the data folder, a new one each day.
fn start_logging(dir: &Path) -> tracing_appender::non_blocking::WorkerGuard {
    use tracing_subscriber::prelude::*;
    let (file, guard) = tracing_appender::non_blocking(tracing_appender::rolling::daily(
        dir.join("logs"),
        "clinic-server.log",
    ));
    let filter = tracing_subscriber::EnvFilter::try_from_env("CLINIC_SERVER_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
        .with(
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file),
        )
        .init();
    guard
}

fn serve(dir: &Path, listen: SocketAddr) -> ServerResult<()> {
    let storage = open(dir)?.shared();
    let _logs = start_logging(dir);
    tls::install_crypto_provider();
    let config = storage.tls_identity()?.server_config()?;
    let identity = storage.identity()?;
    let listener = TcpListener::bind(listen)
        .map_err(|e| ServerError::Internal(format!("cannot listen on {listen}: {e}")))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    let address = listener
        .local_addr()
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    let latest = storage.pull(0, 1)?.latest;
    let live = Arc::new(Live::new(latest));
    let state = AppState {
        storage,
        epoch: identity.epoch.clone(),
        live: Arc::clone(&live),
    };
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| ServerError::Internal(e.to_string()))?;
    runtime.block_on(async move {
        let handle = axum_server::Handle::new();
        let stopping = handle.clone();
        tokio::spawn(async move {
            let _ = tokio::signal::ctrl_c().await;
            // Listeners would hold the shutdown open: their streams end first.
            live.close();
            stopping.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
        });
        // The bound address (port 0 picks one) and the fingerprint, for whoever started the server.
        print_json(&serde_json::json!({
            "listening": address.to_string(),
            "fingerprint": identity.fingerprint,
        }))?;
        tracing::info!(%address, "serving the clinic's devices");
        axum_server::from_tcp_rustls(
            listener,
            axum_server::tls_rustls::RustlsConfig::from_config(config),
        )
        .map_err(|e| ServerError::Internal(e.to_string()))?
        .handle(handle)
        .serve(api::router(state).into_make_service())
        .await
        .map_err(|e| ServerError::Internal(format!("serving: {e}")))
    })
}
