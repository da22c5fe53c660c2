//! The crate's one integration-test binary: each module is one area (one binary links the crate once).

mod cli;
mod common;
mod full_disk;
mod safekeeping;
mod spreadsheets;
