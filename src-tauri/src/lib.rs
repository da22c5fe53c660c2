//! Clinic's desktop app: the Tauri shell around clinic-core.
//!
//! This crate is deliberately thin. [`state`] holds the open clinic and the signed-in user; [`commands`]
//! are adapters that take typed arguments from the UI, call one clinic-core operation on a blocking
//! thread, and return a DTO or an [`ipc::IpcError`]. No domain rule lives here.

mod commands;
pub mod ipc;
mod state;

use std::sync::Arc;

use state::AppState;

/// Starts the app. Configuration comes from the environment:
/// `CLINIC_DATA_DIR` (where the clinic's data lives), `CLINIC_DEMO=1` or `--demo` (open the demo clinic,
/// creating it on first run), `CLINIC_DB_PASSPHRASE` (use a passphrase instead of the OS keyring).
pub fn run() {
    let demo = std::env::args().any(|a| a == "--demo")
        || std::env::var("CLINIC_DEMO").is_ok_and(|v| v == "1");
    let state = Arc::new(AppState::from_env(demo));
    tauri::Builder::default()
        .manage(state)
        .invoke_handler(ipc::handler())
        .run(tauri::generate_context!())
        .unwrap_or_else(|err| {
            eprintln!("Clinic could not start: {err}");
            std::process::exit(1);
        });
}
