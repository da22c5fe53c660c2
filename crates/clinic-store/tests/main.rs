//! The crate's one integration-test binary: each module is one area (one binary links the crate once).

mod backup;
mod batch;
mod common;
mod crash;
mod encryption;
mod keyring;
mod keys;
mod outbox;
mod series;
mod sync;
