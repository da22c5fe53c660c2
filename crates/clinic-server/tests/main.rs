//! The crate's one integration-test binary: the real `clinic-server` binary on 127.0.0.1, driven over
//! HTTPS by a client that pins its certificate, with real device stores on the other side.

mod bad_input;
mod common;
mod fuzz;
mod openapi;
mod proxy;
mod scenario;
mod server;
