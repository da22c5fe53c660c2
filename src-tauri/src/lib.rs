//! Clinic's desktop app: the Tauri shell around clinic-core.
//!
//! This crate is deliberately thin. [`state`] holds the open clinic and the signed-in user; [`commands`]
//! are adapters that take typed arguments from the UI, call one clinic-core operation on a blocking
//! thread, and return a DTO or an [`ipc::IpcError`]. No domain rule lives here.

mod commands;
pub mod ipc;
mod state;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use state::AppState;

/// Starts the app. Configuration, command line first, then the environment:
/// `--data-dir DIR` or `CLINIC_DATA_DIR` (where the clinic's data lives), `--demo` or `CLINIC_DEMO=1` (open
/// the demo clinic, creating it on first run), `CLINIC_DB_PASSPHRASE` (a passphrase instead of the keyring).
pub fn run() {
    let args: Vec<String> = std::env::args().collect();
    let demo =
        args.iter().any(|a| a == "--demo") || std::env::var("CLINIC_DEMO").is_ok_and(|v| v == "1");
    let data_dir = args
        .iter()
        .position(|a| a == "--data-dir")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let state = Arc::new(AppState::new(data_dir, demo));
    start_daily_backups(Arc::clone(&state));
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .invoke_handler(ipc::handler())
        .run(tauri::generate_context!())
        .unwrap_or_else(|err| {
            eprintln!("Clinic could not start: {err}");
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
                eprintln!("Clinic: the scheduled backup failed: {err}");
            }
            std::thread::sleep(Duration::from_secs(600));
        }
    });
}
