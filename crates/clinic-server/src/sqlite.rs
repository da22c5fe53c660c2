//! The server's store in one SQLCipher file, keyed like a device's (the default: a clinic's server on
//! one machine). One connection, so one transaction at a time.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use clinic_store::key::KeyRecord;
use clinic_store::{KeyOptions, create_encrypted_file, open_encrypted_file};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql};

use crate::db::{Cell, Db, Param, Row, Tx};
use crate::error::{ServerError, ServerResult};

pub const DB_FILE: &str = "server.db";

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

pub struct SqliteDb {
    conn: Mutex<Connection>,
}

impl SqliteDb {
    /// Creates the store's file in `dir`; returns it and the record of its key (kept beside it).
    pub fn create(
        dir: &Path,
        server_id: &str,
        key: &KeyOptions,
    ) -> ServerResult<(Self, KeyRecord)> {
        let (record, conn) = create_encrypted_file(&dir.join(DB_FILE), server_id, key)?;
        Ok((Self::migrated(conn)?, record))
    }

    pub fn open(
        dir: &Path,
        server_id: &str,
        record: &KeyRecord,
        key: &KeyOptions,
    ) -> ServerResult<Self> {
        let conn = open_encrypted_file(&dir.join(DB_FILE), server_id, record, key)?;
        Self::migrated(conn)
    }

    fn migrated(mut conn: Connection) -> ServerResult<Self> {
        embedded::migrations::runner()
            .run(&mut conn)
            .map_err(|e| ServerError::Internal(format!("migrating the server store: {e}")))?;
        Ok(SqliteDb {
            conn: Mutex::new(conn),
        })
    }

    /// Copies the store, still encrypted with its key, to `folder`'s store file. Safe while the server
    /// runs: the copy is made inside one transaction.
    pub fn back_up(&self, folder: &Path) -> ServerResult<()> {
        // The store's connection may not create files: the copy starts as an empty one.
        let copy = folder.join(DB_FILE);
        fs::File::create(&copy)
            .map_err(|e| ServerError::Internal(format!("{}: {e}", copy.display())))?;
        let conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        // Attached without a key, SQLCipher gives the copy the store's own key.
        conn.execute("ATTACH DATABASE ?1 AS copy", [copy.display().to_string()])?;
        let exported = conn.query_row("SELECT sqlcipher_export('copy')", [], |_| Ok(()));
        conn.execute("DETACH DATABASE copy", [])?;
        Ok(exported?)
    }

    /// The files of a store, to move aside or copy.
    pub fn files(dir: &Path) -> Vec<PathBuf> {
        [DB_FILE, "server.db-wal", "server.db-shm"]
            .into_iter()
            .map(|file| dir.join(file))
            .collect()
    }
}

impl Db for SqliteDb {
    fn transaction<T>(&self, f: impl FnOnce(&mut dyn Tx) -> ServerResult<T>) -> ServerResult<T> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction()?;
        let done = f(&mut SqliteTx(&tx))?;
        tx.commit()?;
        Ok(done)
    }
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>);

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<u64> {
        let changed = self
            .0
            .prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(params))?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, params: &[Param<'_>]) -> ServerResult<Vec<Row>> {
        let mut statement = self.0.prepare_cached(sql)?;
        let width = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params))?;
        let mut found = Vec::new();
        while let Some(row) = rows.next()? {
            let cells = (0..width)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        ValueRef::Null => Cell::Null,
                        ValueRef::Integer(value) => Cell::Int(value),
                        ValueRef::Real(value) => Cell::Real(value),
                        ValueRef::Text(text) => Cell::Text(String::from_utf8_lossy(text).into()),
                        ValueRef::Blob(bytes) => Cell::Bytes(bytes.to_vec()),
                    })
                })
                .collect::<rusqlite::Result<_>>()?;
            found.push(Row(cells));
        }
        Ok(found)
    }

    fn lock_stream(&mut self) -> ServerResult<()> {
        // One connection: transactions already follow one another.
        Ok(())
    }
}

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Param::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Param::Int(value) => ToSqlOutput::Borrowed(ValueRef::Integer(value)),
            Param::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Param::Bytes(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}
