//! The crate's one integration-test binary: each module is one area (one binary links the crate once).

mod accounts;
mod audit_trail;
mod backups;
mod billing;
mod common;
mod demo;
mod kept;
mod patient_import;
mod patient_merge;
mod patients;
mod permissions;
mod scheduling;
mod sessions;
mod setup;
