//! The optional clinic server: the devices of one clinic push their changes to it and pull everyone
//! else's, in one order. See ARCHITECTURE.md ("Sync") and `../shared`'s sync model it follows.

pub mod api;
pub mod audit;
pub mod data_dir;
pub mod db;
pub mod error;
pub mod live;
pub mod postgres;
mod rules;
pub mod sqlite;
pub mod store;
pub mod tls;
