//! The commands the UI calls, one module per area. Each is an adapter: check who is signed in, run one
//! clinic-core operation on a blocking thread, return its DTO. The list of all commands is in
//! `crate::ipc`.

pub mod audit;
pub mod backups;
pub mod billing;
pub mod clinic;
pub mod patients;
pub mod records;
pub mod scheduling;
pub mod security;
pub mod session;
pub mod sync;
pub mod users;

use std::path::PathBuf;

use clinic_core::message;

use crate::ipc::IpcError;

/// Writes a CSV export where the user chose (a full path; `.csv` added when missing); returns where it
/// went.
pub(crate) fn save_csv(path: &str, csv: &str) -> Result<String, IpcError> {
    let mut path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(IpcError::field("path", message!("file_full_path")));
    }
    if path
        .extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case("csv"))
    {
        path.set_extension("csv");
    }
    // The same policy as every file Clinic writes: never over an existing file, never half-written.
    clinic_core::files::save_new(&path, csv.as_bytes())?;
    Ok(path.display().to_string())
}
