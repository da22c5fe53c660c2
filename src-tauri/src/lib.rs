//! Clinic's desktop app: the Tauri shell around clinic-core.
//!
//! This crate is deliberately thin. [`state`] holds the open clinic and the signed-in user; [`commands`]
//! are adapters that take typed arguments from the UI, call one clinic-core operation on a blocking
//! thread, and return a DTO or an [`ipc::IpcError`]. No domain rule lives here.

mod commands;
pub mod ipc;
mod state;
mod sync;

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use clap::builder::{OsStringValueParser, TypedValueParser};
use clap::error::{ContextKind, ContextValue, ErrorKind};
use state::AppState;

/// The app's command line, as the `clinic` CLI reads its own; each option falls back on its
/// environment variable. `CLINIC_DB_PASSPHRASE` (a passphrase instead of the keyring) is read where the
/// key is.
#[derive(Debug, PartialEq, Parser)]
#[command(name = "clinic-app", version, about = "Clinic's desktop app")]
struct AppArgs {
    /// Where the clinic's data lives [default: the OS app-data folder; with --demo, "Clinic Demo" beside
    /// it]
    // Read as text: an empty value means "not set", which clap's path parser would refuse.
    #[arg(long, env = "CLINIC_DATA_DIR", value_name = "DIR",
          value_parser = OsStringValueParser::new().map(PathBuf::from))]
    data_dir: Option<PathBuf>,
    /// Open the demo clinic, creating it on first run
    #[arg(long, env = "CLINIC_DEMO", value_parser = demo_on)]
    demo: bool,
    /// Seconds between background rounds with the clinic server, when nothing calls for one sooner
    #[arg(long, env = "CLINIC_SYNC_EVERY", value_name = "SECONDS", default_value_t = clinic_core::SYNC_EVERY.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    sync_every: u64,
}

/// `CLINIC_DEMO=1` turns the demo on, any other value leaves it off; `--demo` itself stands for "true".
fn demo_on(value: &str) -> Result<bool, std::convert::Infallible> {
    Ok(matches!(value, "1" | "true"))
}

impl AppArgs {
    /// Reads the command line. Whoever starts the app may add arguments of its own (WebKitWebDriver, under
    /// tauri-driver, passes `--automation`): an argument the app does not know is left out with a
    /// warning, never a reason not to start. A command line that still cannot be read is ignored, with a
    /// warning, for the environment alone.
    fn read(args: impl IntoIterator<Item = OsString>) -> AppArgs {
        let mut args: Vec<OsString> = args.into_iter().collect();
        loop {
            let err = match AppArgs::try_parse_from(&args) {
                Ok(parsed) => return parsed,
                Err(err) => err,
            };
            if matches!(
                err.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) {
                err.exit();
            }
            if err.kind() == ErrorKind::UnknownArgument
                && let Some(ContextValue::String(unknown)) = err.get(ContextKind::InvalidArg)
                && let Some(at) = args.iter().skip(1).position(|a| is_the(a, unknown))
            {
                tracing::warn!("the unknown argument {unknown} is left out");
                args.remove(at + 1);
                continue;
            }
            let reason = err.to_string();
            tracing::warn!(
                "the command line is ignored: {}",
                reason.lines().next().unwrap_or_default()
            );
            return AppArgs::try_parse_from(args.first()).unwrap_or(AppArgs {
                data_dir: None,
                demo: false,
                sync_every: clinic_core::SYNC_EVERY.as_secs(),
            });
        }
    }
}

/// Whether `arg` is the argument clap names `unknown`: itself, `--name=value` for `--name`, or a group of
/// short options that starts with it (`-psn_0_42` for `-p`).
fn is_the(arg: &OsStr, unknown: &str) -> bool {
    match arg.to_string_lossy().strip_prefix(unknown) {
        Some("") => true,
        Some(rest) => {
            rest.starts_with('=') || (unknown.starts_with('-') && !unknown.starts_with("--"))
        }
        None => false,
    }
}

/// Starts the app with the command line ([`AppArgs`]).
pub fn run() {
    // Warnings and errors go to standard error. Fails only when a subscriber is set already.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .try_init();
    let args = AppArgs::read(std::env::args_os());
    let state = Arc::new(AppState::new(
        args.data_dir,
        args.demo,
        Duration::from_secs(args.sync_every),
    ));
    start_daily_backups(Arc::clone(&state));
    let syncing = Arc::clone(&state);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            sync::start(app.handle().clone(), syncing);
            Ok(())
        })
        .manage(state)
        .invoke_handler(ipc::handler())
        .run(tauri::generate_context!())
        .unwrap_or_else(|err| {
            tracing::error!("Clinic could not start: {err}");
            std::process::exit(1);
        });
}

/// While the app runs, backs up once a day to the configured folder (checked every ten minutes; the
/// core decides whether a backup is due and records failures for the administrator to see).
fn start_daily_backups(state: Arc<AppState>) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(60));
        loop {
            if let Some(clinic) = state.clinic_if_open()
                && let Err(err) = clinic.run_scheduled_backup()
            {
                tracing::error!("the scheduled backup failed: {err}");
            }
            std::thread::sleep(Duration::from_secs(600));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(args: &[&str]) -> AppArgs {
        AppArgs::read(args.iter().map(OsString::from))
    }

    #[test]
    fn arguments_the_app_does_not_know_are_left_out() {
        let expected = AppArgs {
            data_dir: Some(PathBuf::from("/clinic")),
            demo: true,
            sync_every: 30,
        };
        // As WebKitWebDriver starts it under tauri-driver.
        assert_eq!(
            read(&[
                "clinic-app",
                "--automation",
                "--data-dir",
                "/clinic",
                "--demo"
            ]),
            expected
        );
        assert_eq!(
            read(&[
                "clinic-app",
                "--data-dir=/clinic",
                "-psn_0_42",
                "stray",
                "--demo"
            ]),
            expected
        );
        assert_eq!(
            read(&[
                "clinic-app",
                "--data-dir",
                "/clinic",
                "--demo",
                "--unknown=1"
            ]),
            expected
        );
    }

    #[test]
    fn an_empty_data_dir_means_the_default_one() {
        let args = read(&["clinic-app", "--data-dir", ""]);
        let state = AppState::new(args.data_dir, false, Duration::from_secs(args.sync_every));
        assert_eq!(state.data_dir, clinic_core::default_data_dir());
    }
}
