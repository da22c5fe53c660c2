use std::path::PathBuf;

/// Everything that can go wrong in the store. Messages are written for the person who must act on them.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no clinic has been set up in {0}")]
    NotInitialized(PathBuf),
    #[error("a clinic already exists in {0}")]
    AlreadyInitialized(PathBuf),
    #[error("{0}")]
    KeyUnavailable(String),
    #[error(
        "the key of the clinic database in {0} is not in this computer's keyring (was the OS user or the keyring reset?); open it with the recovery key from the recovery sheet"
    )]
    KeyLost(PathBuf),
    #[error("the database key is wrong or the file is not a Clinic database: {0}")]
    WrongKey(PathBuf),
    #[error(
        "this database was written by a newer version of Clinic (schema {found}, this version knows up to {supported}); update Clinic to open it"
    )]
    NewerSchema { found: i64, supported: i64 },
    #[error("{table} {id} does not exist")]
    NotFound { table: &'static str, id: String },
    #[error("{table} has no column {column}")]
    UnknownColumn { table: &'static str, column: String },
    #[error("only reading statements may run here: {0}")]
    NotReadOnly(String),
    #[error("the change was refused by the database: {0}")]
    Constraint(String),
    /// A typed recovery key holds a character no recovery key uses.
    #[error("'{0}' is not used in recovery keys")]
    RecoveryKeyCharacter(char),
    #[error(
        "a recovery key has {expected} letters and digits in {groups} groups; this has {found}"
    )]
    RecoveryKeyLength {
        expected: usize,
        groups: usize,
        found: usize,
    },
    /// The check characters do not match: a group was mistyped.
    #[error("the recovery key has a typo: check each group against the sheet")]
    RecoveryKeyTypo,
    /// A key sealed with the recovery key's KEK does not open: the stored copy was altered.
    #[error("the sealed key is damaged")]
    SealedKeyDamaged,
    #[error(
        "this recovery key does not open this clinic's data: it belongs to another clinic, or a newer recovery key replaced it"
    )]
    RecoveryKeyMismatch,
    #[error(
        "no recovery key was ever made for the clinic data in {0}, so it cannot be recovered without its database key"
    )]
    NoRecoveryKey(PathBuf),
    #[error("{path} is not a usable Clinic backup: {reason}")]
    BadBackup { path: PathBuf, reason: String },
    #[error("the store metadata file {path} is damaged: {reason}")]
    BadMetadata { path: PathBuf, reason: String },
    /// SQLite or a file write found no space left. Nothing of the change was kept.
    #[error(
        "the disk is full: free some space on it, then try again (nothing of this change was saved)"
    )]
    DiskFull,
    /// The data folder or database file may not be written.
    #[error(
        "the clinic's data cannot be written: its folder or database file is read-only (check the folder's permissions)"
    )]
    ReadOnly,
    /// A write of an [`crate::Store::all_or_nothing`] batch failed in a way that ended its transaction.
    #[error("the change stopped part-way and nothing of it was saved; try it again")]
    BatchRolledBack,
    /// A change pulled from the clinic server that this device cannot apply.
    #[error("change {change_id} from the clinic server cannot be applied: {reason}")]
    BadChange { change_id: String, reason: String },
    #[error(
        "a change from the clinic server is stamped {minutes} minutes ahead of the clinic's time: check the date and time on the clinic's computers; nothing was applied, and it is fetched again at the next sync"
    )]
    ClockAhead { minutes: i64 },
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] refinery::Error),
    #[error("file error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match &err {
            rusqlite::Error::SqliteFailure(code, message)
                if code.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Constraint(message.clone().unwrap_or_else(|| err.to_string()))
            }
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::DiskFull =>
            {
                StoreError::DiskFull
            }
            rusqlite::Error::SqliteFailure(code, _)
                if code.code == rusqlite::ErrorCode::ReadOnly =>
            {
                StoreError::ReadOnly
            }
            _ => StoreError::Sqlite(err),
        }
    }
}

impl StoreError {
    /// SQLite's "disk I/O error": a full disk, a failing one, or a file taken away.
    pub fn is_io_failure(&self) -> bool {
        matches!(self, StoreError::Sqlite(rusqlite::Error::SqliteFailure(code, _))
            if code.code == rusqlite::ErrorCode::SystemIoFailure)
    }

    /// A file error on `path`; a full disk is named as such.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::StorageFull {
            return StoreError::DiskFull;
        }
        StoreError::Io {
            path: path.into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_named_as_such() {
        let full = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        );
        assert!(matches!(StoreError::from(full), StoreError::DiskFull));
        let file = StoreError::io(
            "/backups/x",
            std::io::Error::from(std::io::ErrorKind::StorageFull),
        );
        assert!(file.to_string().starts_with("the disk is full"), "{file}");
        let read_only = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            None,
        );
        assert!(
            StoreError::from(read_only)
                .to_string()
                .contains("read-only")
        );
    }
}
