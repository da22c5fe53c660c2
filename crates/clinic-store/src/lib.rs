//! The encrypted local store of one clinic data directory.
//!
//! Everything that touches the database file lives here: the SQLCipher key and where it comes from
//! ([`key`]), opening and migrating the file ([`Store`]), reading ([`Reader`]) and the one write path
//! ([`WriteTx`]) through which every change to a synced table is made. The write path stamps each row
//! with its metadata and hybrid-logical-clock stamp, and appends the change record to the outbox and the
//! entry to the audit trail in the same transaction. The recovery key ([`RecoveryKey`]) reopens a store
//! whose key is lost; backups and restores keep a copy of the whole store elsewhere. The domain crate cannot bypass it: this crate never
//! hands out a connection that can write.

mod audit;
mod digest;
mod error;
mod hlc;
pub mod key;
pub mod protocol;
mod read;
mod recorded;
mod recovery;
mod store;
mod sync;
mod table;
mod write;

pub use audit::{
    AuditEvent, AuditHead, GENESIS as AUDIT_GENESIS, chain_break as audit_chain_break,
    record_hash as audit_record_hash,
};
pub use digest::{ContentDigest, DigestBuilder, TableDigest};
pub use error::{StoreError, StoreResult};
pub use hlc::{Hlc, HlcStamp};
pub use key::{KeyOptions, KeySource};
pub use read::Reader;
pub use recorded::AlteredRow;
pub use recovery::RecoveryKey;
/// What row-mapping closures receive and return.
pub use rusqlite::types::Value;
pub use rusqlite::{Connection, Result as RowResult, Row};
pub use store::{
    BackupKey, BackupManifest, BackupPreview, BackupReport, BackupSettings, DeviceSetup,
    RecoveryStatus, SCHEMA_VERSION, StagedRestore, Store, StoreInfo, TableCount,
    create_encrypted_file, open_encrypted_file, preview_backup, stage_restore,
};
pub use sync::{
    Change, MAX_CLOCK_AHEAD_MS, PageApplied, PulledChange, RowClocks, SyncLink, SyncState,
    takes_column,
};
pub use table::Table;
pub use write::{Fields, Operation, Series, WriteSource, WriteTx};

/// An instant as stored: RFC 3339 in UTC with millisecond precision, so text order is time order.
pub fn format_instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
