//! The commands the UI calls, one module per area. Each is an adapter: check who is signed in, run one
//! clinic-core operation on a blocking thread, return its DTO. The list of all commands is in
//! `crate::ipc`.

pub mod audit;
pub mod backups;
pub mod clinic;
pub mod patients;
pub mod records;
pub mod scheduling;
pub mod security;
pub mod session;
pub mod users;
