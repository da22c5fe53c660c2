//! The crate's one integration-test binary: each module is one area (one binary links the crate once).

mod cli;
mod common;
mod disks;
mod safekeeping;
mod spreadsheets;
mod syncing;
