//! Creating and opening the store of one data directory.
//!
//! A data directory holds `clinic.db` (SQLCipher; plus its `-wal` and `-shm` files) and `store.json`
//! (where the key is, and the key sealed with the recovery key; no usable secret). Opening never
//! creates or modifies a database written by a newer version of Clinic. Changing the key and recovering
//! with the recovery key are in [`keys`]; backups and restores in [`backup`].

use std::cell::Cell;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use chrono::Utc;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use uuid::Uuid;

use crate::audit;
use crate::hlc::{Hlc, HlcStamp};
use crate::key::{self, DbKey, KeyOptions, KeySource, KeyUse};
use crate::read::Reader;
use crate::recovery::{self, RecoveryKey};
use crate::write::{Scope, WriteSource, WriteTx};
use crate::{Fields, StoreError, StoreResult, Table};
use meta::StoreMeta;

mod backup;
mod keys;
mod meta;

pub use backup::{
    BackupKey, BackupManifest, BackupPreview, BackupReport, BackupSettings, StagedRestore,
    preview_backup, stage_restore,
};
pub use keys::RecoveryStatus;

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// The newest schema version this build knows (the highest migration number).
pub const SCHEMA_VERSION: i64 = 15;

const DB_FILE: &str = "clinic.db";
const META_FILE: &str = "store.json";
/// A second copy of `store.json`, read when that one is missing or damaged.
const META_COPY: &str = "store.copy.json";
/// The first 16 bytes of every unencrypted SQLite file.
const PLAIN_SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The identity a new store gives its own device.
#[derive(Clone, Debug)]
pub struct DeviceSetup {
    /// This device's id; None: a new one. A computer joining a clinic brings the id it paired with.
    pub device_id: Option<Uuid>,
    /// The clinic this device belongs to (the id of its `clinic_settings` row).
    pub clinic_id: Uuid,
    pub device_name: String,
    /// This device's share of the number series; unique within the clinic.
    pub prefix: String,
}

/// Facts about an open store, for `clinic status` and the app.
#[derive(Clone, Debug, Serialize)]
pub struct StoreInfo {
    pub store_id: String,
    pub database: PathBuf,
    pub key_source: KeySource,
    pub schema_version: i64,
}

/// Rows in one synced table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableCount {
    pub table: &'static str,
    pub rows: i64,
    pub archived: i64,
}

/// What every write needs to know about this store; fixed once the store is open.
pub(crate) struct Shared {
    /// This device's id and number-series prefix: they change only when the device re-enrols.
    pub identity: RwLock<Identity>,
    pub schema_version: i64,
    pub columns: HashMap<Table, Vec<String>>,
}

/// Who this device is to the clinic server.
#[derive(Clone, Debug)]
pub(crate) struct Identity {
    pub device_id: String,
    pub prefix: String,
}

struct Writer {
    conn: Connection,
    clock: Hlc,
}

/// The database key and `store.json`, as they are now.
struct Keys {
    meta: StoreMeta,
    key: DbKey,
}

/// An open clinic store. Thread-safe: one writer connection and one read-only connection, each behind
/// its own lock, so reads are not blocked by a long write.
pub struct Store {
    dir: PathBuf,
    info: StoreInfo,
    clinic_id: String,
    shared: Shared,
    /// Locked first (then the writer, then the reader) by whatever needs the key: changing it, or
    /// taking a backup; so the two never overlap.
    keys: Mutex<Keys>,
    /// None while the store is open for reading only ([`Store::unwritable`]).
    writer: Mutex<Option<Writer>>,
    reader: Mutex<Connection>,
    /// The thread running [`Store::all_or_nothing`], if one is: it alone writes (and reads on the
    /// writer, to see its own writes) until the batch ends; other writers wait on `batch_ended`.
    batch: Mutex<Option<ThreadId>>,
    batch_ended: Condvar,
    unwritable: Option<Unwritable>,
}

/// Why a store was opened for reading only: its folder takes no writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unwritable {
    DiskFull,
    ReadOnlyFolder,
}

impl Unwritable {
    fn of(error: &StoreError) -> Option<Unwritable> {
        match error {
            StoreError::DiskFull => Some(Unwritable::DiskFull),
            StoreError::ReadOnly => Some(Unwritable::ReadOnlyFolder),
            _ => None,
        }
    }

    fn error(self) -> StoreError {
        match self {
            Unwritable::DiskFull => StoreError::DiskFull,
            Unwritable::ReadOnlyFolder => StoreError::ReadOnly,
        }
    }
}

impl Store {
    /// Whether `dir` already holds a clinic store (or one being restored into it).
    pub fn exists(dir: &Path) -> bool {
        dir.join(META_FILE).exists() || dir.join(DB_FILE).exists() || backup::restore_under_way(dir)
    }

    /// Creates a new store in `dir`: a fresh key, the schema, this device's identity, and whatever `init`
    /// writes (the clinic's settings and first user), all in one first transaction; also the store's
    /// first recovery key, returned to be printed. If anything fails, nothing is left behind: no files
    /// and no keyring entry.
    pub fn create<E: From<StoreError>>(
        dir: &Path,
        options: &KeyOptions,
        device: &DeviceSetup,
        init: impl FnOnce(&mut WriteTx<'_>) -> Result<(), E>,
    ) -> Result<(Store, RecoveryKey), E> {
        if Store::exists(dir) {
            return Err(StoreError::AlreadyInitialized(dir.to_owned()).into());
        }
        fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        let store_id = Uuid::now_v7().to_string();
        let (record, key) = key::create_key(&store_id, options, KeyUse::First)?;
        let recovery_key = RecoveryKey::generate();
        let meta = StoreMeta {
            format: 1,
            store_id: store_id.clone(),
            key: record.clone(),
            recovery: Some(recovery_key.kek().seal(key.bytes())),
            next: None,
            audit_head: None,
        };
        let created = Store::create_files(dir, &meta, &key, &recovery_key, device, init);
        if created.is_err() {
            for file in [
                DB_FILE,
                "clinic.db-wal",
                "clinic.db-shm",
                META_FILE,
                META_COPY,
            ] {
                let _ = fs::remove_file(dir.join(file));
            }
            let _ = key::forget_key(&store_id, &record);
        }
        created?;
        Ok((Store::open_with_key(dir, meta, key)?, recovery_key))
    }

    fn create_files<E: From<StoreError>>(
        dir: &Path,
        meta: &StoreMeta,
        key: &DbKey,
        recovery_key: &RecoveryKey,
        device: &DeviceSetup,
        init: impl FnOnce(&mut WriteTx<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let db_path = dir.join(DB_FILE);
        let mut conn = Connection::open_with_flags(
            &db_path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(StoreError::from)?;
        conn.execute_batch(&key.pragma())
            .map_err(StoreError::from)?;
        configure(&mut conn)?;
        migrate(&mut conn)?;

        // The device row is a synced row like any other, so it goes through the write path; the local
        // `this_device` row it depends on is written first, with the foreign key checked at commit.
        let device_id = device.device_id.unwrap_or_else(Uuid::now_v7);
        let shared = Shared {
            identity: RwLock::new(Identity {
                device_id: device_id.to_string(),
                prefix: device.prefix.clone(),
            }),
            schema_version: SCHEMA_VERSION,
            columns: table_columns(&conn)?,
        };
        let mut clock = Hlc::new(device_id.to_string());
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")
            .map_err(StoreError::from)?;
        tx.execute(
            "INSERT INTO this_device (singleton, device_id, clinic_id, last_hlc) VALUES (1, ?1, ?2, ?3)",
            rusqlite::params![device_id.to_string(), device.clinic_id.to_string(), clock.last().to_string()],
        )
        .map_err(StoreError::from)?;
        let mut write = WriteTx {
            tx: Scope::Transaction(tx),
            shared: &shared,
            device: Identity {
                device_id: device_id.to_string(),
                prefix: device.prefix.clone(),
            },
            clock: &mut clock,
            user_id: None,
            now: Utc::now(),
            source: WriteSource::Local,
        };
        write.insert_with_id(
            Table::Devices,
            device_id,
            Fields::new()
                .set("name", device.device_name.as_str())
                .set("prefix", device.prefix.as_str()),
        )?;
        // The migration gave the store an unprinted recovery key; a new store has a printed one only.
        write
            .tx
            .execute("DELETE FROM recovery_keys", [])
            .map_err(StoreError::from)?;
        recovery::insert_kek(&mut write, &recovery_key.kek(), true)?;
        init(&mut write)?;
        write.tx.commit().map_err(StoreError::from)?;
        meta.write(dir)?;
        Ok(())
    }

    /// Opens the store in `dir`, migrating it to this version's schema. A restore or a key change that
    /// was interrupted (power cut, crash) is completed first.
    pub fn open(dir: &Path, options: &KeyOptions) -> StoreResult<Store> {
        backup::finish_interrupted_restore(dir)?;
        let mut meta = StoreMeta::read(dir)?;
        let key = match meta.next.take() {
            None => key::load_key(&meta.store_id, &meta.key, options, dir)?,
            Some(next) => keys::settle_key_change(dir, &mut meta, next, options)?,
        };
        let spare = DbKey::from_bytes(zeroize::Zeroizing::new(*key.bytes()));
        let opened = Store::open_with_key(dir, meta.clone(), key).map_err(|e| match e {
            StoreError::Sqlite(_) => folder_refuses_writes(dir).unwrap_or(e),
            e => e,
        });
        match opened {
            // The disk is full or the folder read-only: staff can still read and back up elsewhere.
            Err(e) => match Unwritable::of(&e) {
                Some(why) => Store::open_for_reading(dir, meta, spare, why).map_err(|_| e),
                None => Err(e),
            },
            ok => ok,
        }
    }

    /// Opens the store without a writer, for a folder that takes no writes. A database that would need
    /// a migration cannot be opened so.
    fn open_for_reading(
        dir: &Path,
        meta: StoreMeta,
        key: DbKey,
        why: Unwritable,
    ) -> StoreResult<Store> {
        let db_path = dir.join(DB_FILE);
        let reader = open_reading_only(&db_path, &key)?;
        if stored_schema_version(&reader)? != SCHEMA_VERSION {
            return Err(why.error());
        }
        Store::assembled(dir, meta, key, reader, Err(why))
    }

    /// The store around its connections, once the database is known to be this version's: the writer
    /// (or why there is none) and the reader.
    fn assembled(
        dir: &Path,
        meta: StoreMeta,
        key: DbKey,
        reader: Connection,
        writer: Result<Writer, Unwritable>,
    ) -> StoreResult<Store> {
        let (device_id, clinic_id, prefix) = device_of(&reader)?;
        let shared = Shared {
            identity: RwLock::new(Identity { device_id, prefix }),
            schema_version: SCHEMA_VERSION,
            columns: table_columns(&reader)?,
        };
        let (writer, unwritable) = match writer {
            Ok(writer) => (Some(writer), None),
            Err(why) => (None, Some(why)),
        };
        Ok(Store {
            dir: dir.to_owned(),
            info: StoreInfo {
                store_id: meta.store_id.clone(),
                database: dir.join(DB_FILE),
                key_source: meta.key.source(),
                schema_version: SCHEMA_VERSION,
            },
            keys: Mutex::new(Keys { meta, key }),
            clinic_id,
            shared,
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            batch: Mutex::new(None),
            batch_ended: Condvar::new(),
            unwritable,
        })
    }

    /// Why the store is open for reading only (a full disk, a read-only folder), if it is: every write
    /// then fails with that reason.
    pub fn unwritable(&self) -> Option<StoreError> {
        self.unwritable.map(Unwritable::error)
    }

    /// Opens the store once its key is in hand (from `open`, or from `create`, which just made it).
    fn open_with_key(dir: &Path, meta: StoreMeta, key: DbKey) -> StoreResult<Store> {
        let db_path = dir.join(DB_FILE);
        let mut conn = open_keyed(&db_path, &key, false)?;
        let found = stored_schema_version(&conn)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        configure(&mut conn)?;
        migrate(&mut conn)?;

        let last_hlc: String =
            conn.query_row("SELECT last_hlc FROM this_device", [], |r| r.get(0))?;
        let offset_ms: i64 =
            conn.query_row("SELECT clock_offset_ms FROM sync_state", [], |r| r.get(0))?;
        let clock = match last_hlc.parse::<HlcStamp>() {
            Ok(stamp) => {
                let mut clock = Hlc::resume(stamp);
                clock.set_offset(offset_ms);
                clock
            }
            Err(reason) => {
                return Err(StoreError::BadMetadata {
                    path: db_path,
                    reason,
                });
            }
        };
        let reader = open_keyed(&db_path, &key, true)?;
        Store::assembled(dir, meta, key, reader, Ok(Writer { conn, clock }))
    }

    pub fn info(&self) -> &StoreInfo {
        &self.info
    }

    pub fn clinic_id(&self) -> &str {
        &self.clinic_id
    }

    pub fn device_id(&self) -> String {
        self.identity().device_id
    }

    pub fn device_prefix(&self) -> String {
        self.identity().prefix
    }

    pub(crate) fn set_identity(&self, identity: Identity) {
        *self
            .shared
            .identity
            .write()
            .unwrap_or_else(PoisonError::into_inner) = identity;
    }

    pub(crate) fn identity(&self) -> Identity {
        self.shared
            .identity
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Runs `f` on the read-only connection. It sees everything committed before it started.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(Reader<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.batch_is_mine() && !WRITING.get() {
            let writer = lock(&self.writer);
            if let Some(Writer { conn, .. }) = writer.as_ref() {
                return f(Reader { conn });
            }
        }
        let conn = lock(&self.reader);
        f(Reader { conn: &conn })
    }

    /// Runs `f` in one write transaction on behalf of `user_id` (None for the system itself, e.g. setup).
    /// Commits when `f` returns Ok; rolls everything back when it returns an error.
    pub fn write<T, E: From<StoreError>>(
        &self,
        user_id: Option<&str>,
        f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write_at(Utc::now(), user_id, f)
    }

    /// [`Store::write`] with the transaction's wall-clock time given (for a clinic clock under test or a
    /// generated history). The hybrid logical clock still only moves forward.
    pub fn write_at<T, E: From<StoreError>>(
        &self,
        now: chrono::DateTime<Utc>,
        user_id: Option<&str>,
        f: impl FnOnce(&mut WriteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut guard = self.writer();
        let in_batch = self.batch_is_mine();
        let Some(Writer { conn, clock }) = &mut *guard else {
            return Err(self.unwritable().unwrap_or(StoreError::ReadOnly).into());
        };
        let tx = if in_batch {
            // A full disk can make SQLite roll the whole batch back; a savepoint now would start a new
            // transaction and save the rest of the batch alone.
            if conn.is_autocommit() {
                return Err(StoreError::BatchRolledBack.into());
            }
            Scope::Savepoint(conn.savepoint().map_err(StoreError::from)?)
        } else {
            Scope::Transaction(
                conn.transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(StoreError::from)?,
            )
        };
        // Who this device is, as the database says now: another process (the CLI beside the app)
        // may have re-enrolled it since this store was opened, and a re-enrolment rolled back
        // leaves the clock renamed.
        let (device_id, _, prefix) = device_of(&tx)?;
        let device = Identity { device_id, prefix };
        if clock.last().node != device.device_id {
            clock.rename(&device.device_id);
        }
        let known = self.identity();
        if known.device_id != device.device_id || known.prefix != device.prefix {
            self.set_identity(device.clone());
        }
        let mut write = WriteTx {
            tx,
            shared: &self.shared,
            device,
            clock,
            user_id: user_id.map(str::to_owned),
            now,
            source: WriteSource::Local,
        };
        let was_writing = WRITING.replace(true);
        let out = f(&mut write);
        WRITING.set(was_writing);
        let out = out?;
        write.tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Runs `f` so that every write it makes commits together or not at all: one transaction, each
    /// write a savepoint in it, and reads on this thread see those writes. For a maintenance command
    /// that must not stop half-way (filling a clinic with the demo); writes from other threads wait
    /// until it ends, so keep it to work that runs alone.
    pub fn all_or_nothing<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        if self.batch_is_mine() {
            return f();
        }
        let mut batch = Batch {
            store: self,
            open: false,
        };
        {
            let guard = self.writer();
            let Some(writer) = guard.as_ref() else {
                return Err(self.unwritable().unwrap_or(StoreError::ReadOnly).into());
            };
            writer
                .conn
                .execute_batch("BEGIN IMMEDIATE")
                .map_err(StoreError::from)?;
            *lock(&self.batch) = Some(thread::current().id());
            batch.open = true;
        }
        let out = f()?;
        batch.end("COMMIT")?;
        Ok(out)
    }

    fn batch_is_mine(&self) -> bool {
        *lock(&self.batch) == Some(thread::current().id())
    }

    /// The writer, once no other thread's [`Store::all_or_nothing`] holds it.
    fn writer(&self) -> MutexGuard<'_, Option<Writer>> {
        let me = thread::current().id();
        let mut guard = lock(&self.writer);
        while lock(&self.batch).is_some_and(|owner| owner != me) {
            guard = self
                .batch_ended
                .wait(guard)
                .unwrap_or_else(PoisonError::into_inner);
        }
        guard
    }

    /// Rows and archived rows per synced table.
    pub fn table_counts(&self) -> StoreResult<Vec<TableCount>> {
        self.read(count_rows)
    }

    /// Change records not yet acknowledged by a clinic server.
    pub fn outbox_pending(&self) -> StoreResult<i64> {
        self.read(|r| {
            r.count(
                "SELECT count(*) FROM outbox WHERE pushed_at IS NULL AND superseded_by IS NULL",
                [],
            )
        })
    }

    /// Whether the database file on disk is encrypted (it does not start with SQLite's plain header).
    pub fn is_encrypted(&self) -> StoreResult<bool> {
        let path = &self.info.database;
        let mut header = [0u8; 16];
        let read = fs::File::open(path)
            .and_then(|mut file| std::io::Read::read(&mut file, &mut header))
            .map_err(|e| StoreError::io(path, e))?;
        Ok(!header[..read].starts_with(PLAIN_SQLITE_HEADER))
    }

    /// SQLite's own consistency check: "ok" or a list of problems.
    pub fn integrity_check(&self) -> StoreResult<String> {
        let conn = lock(&self.reader);
        let lines: Vec<String> = conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(lines.join("\n"))
    }

    /// The sequence number of the first audit entry whose hash chain is broken, if any; or of the
    /// newest entry `store.json` recorded when the store last closed, when the chain no longer holds it.
    /// This device's audit entries after `seq`, oldest first, at most `limit` (for the server).
    pub fn audit_records_after(
        &self,
        seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<crate::protocol::AuditRecord>> {
        audit::records_after(&lock(&self.reader), seq, limit)
    }

    pub fn first_broken_audit_entry(&self) -> StoreResult<Option<i64>> {
        let recorded = lock(&self.keys).meta.audit_head.clone();
        audit::first_broken_entry(&lock(&self.reader), recorded.as_ref())
    }

    /// The rows of `table` (those matching `rows_where`) whose `columns` differ from what their recorded
    /// changes say: written around the write path.
    pub fn rows_unlike_their_changes(
        &self,
        table: Table,
        columns: &[&'static str],
        rows_where: &str,
    ) -> StoreResult<Vec<crate::AlteredRow>> {
        self.read(|r| crate::recorded::rows_unlike_their_changes(&r, table, columns, rows_where))
    }

    /// Closes a store that is being thrown away (a demo that failed part-way) and removes its key from
    /// the keyring; the caller removes its folder.
    pub fn discard(self) -> StoreResult<()> {
        let (store_id, record) = {
            let keys = lock(&self.keys);
            (keys.meta.store_id.clone(), keys.meta.key.clone())
        };
        drop(self);
        key::forget_key(&store_id, &record)
    }

    /// Whether the disk holding the store is full: SQLite reports a write that found no space as a
    /// plain "disk I/O error" when its log cannot grow, so after such an error a small write beside the
    /// database tells.
    pub fn disk_is_full(&self) -> bool {
        matches!(folder_refuses_writes(&self.dir), Some(StoreError::DiskFull))
    }

    /// Records the audit chain's newest entry in `store.json` (done when the store closes). Only the
    /// head changes, and only while the file is still this store's: a restore may have put another
    /// store in the folder meanwhile.
    pub fn record_audit_head(&self) -> StoreResult<()> {
        let mut keys = lock(&self.keys);
        let head = audit::head(&lock(&self.reader))?;
        if head.is_none() || keys.meta.audit_head == head {
            return Ok(());
        }
        let mut meta = StoreMeta::read(&self.dir)?;
        if meta.store_id != keys.meta.store_id {
            return Ok(());
        }
        meta.audit_head = head;
        meta.write(&self.dir)?;
        keys.meta.audit_head = meta.audit_head;
        Ok(())
    }
}

impl Drop for Store {
    /// A closing store leaves its audit chain's head outside the database. A failure (a full or
    /// read-only disk) only loses that extra check for this session's entries; the chain itself is
    /// intact in the database.
    fn drop(&mut self) {
        let _ = self.record_audit_head();
    }
}

/// Rows and archived rows per synced table, as `r` sees them.
pub(crate) fn count_rows(r: Reader<'_>) -> StoreResult<Vec<TableCount>> {
    Table::ALL
        .iter()
        .map(|table| {
            let (rows, archived) = r.query_row(
                &format!("SELECT count(*), count(archived_at) FROM {}", table.name()),
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )?;
            Ok(TableCount {
                table: table.name(),
                rows,
                archived,
            })
        })
        .collect()
}

thread_local! {
    /// Whether this thread is inside a [`Store::write`] (which holds the writer): its plain reads then
    /// stay on the reader even during its own batch.
    static WRITING: Cell<bool> = const { Cell::new(false) };
}

/// An open [`Store::all_or_nothing`]: ended with COMMIT, or rolled back when dropped open (an error or
/// a panic), and the waiting writers woken either way.
struct Batch<'s> {
    store: &'s Store,
    open: bool,
}

impl Batch<'_> {
    fn end(&mut self, how: &str) -> StoreResult<()> {
        if !std::mem::replace(&mut self.open, false) {
            return Ok(());
        }
        let guard = lock(&self.store.writer);
        let ended = match guard.as_ref() {
            Some(writer) => writer.conn.execute_batch(how).inspect_err(|_| {
                // A COMMIT that failed (a full disk) can leave the transaction open: roll it back.
                if !writer.conn.is_autocommit() {
                    let _ = writer.conn.execute_batch("ROLLBACK");
                }
            }),
            None => Ok(()),
        };
        *lock(&self.store.batch) = None;
        drop(guard);
        self.store.batch_ended.notify_all();
        ended.map_err(StoreError::from)
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        if let Err(err) = self.end("ROLLBACK") {
            tracing::warn!("rolling back a batch of writes failed: {err}");
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock dropped its transaction, which rolled back: the data is consistent.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Creates an encrypted SQLite file that is not a clinic store (the clinic server's), its key made and
/// kept as a store's is (the keyring, or a passphrase in `options`), configured as a store is: WAL,
/// `synchronous = FULL`, foreign keys, the same busy handler. Returns how its key is kept, for the
/// caller to save beside it, and the connection.
pub fn create_encrypted_file(
    path: &Path,
    file_id: &str,
    options: &KeyOptions,
) -> StoreResult<(key::KeyRecord, Connection)> {
    let (record, key) = key::create_key(file_id, options, KeyUse::First)?;
    let mut conn = Connection::open(path)?;
    conn.execute_batch(&key.pragma())?;
    configure(&mut conn)?;
    Ok((record, conn))
}

/// Opens a file made by [`create_encrypted_file`] with the key `record` says how to find.
pub fn open_encrypted_file(
    path: &Path,
    file_id: &str,
    record: &key::KeyRecord,
    options: &KeyOptions,
) -> StoreResult<Connection> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let key = key::load_key(file_id, record, options, dir)?;
    let mut conn = open_keyed(path, &key, false)?;
    configure(&mut conn)?;
    Ok(conn)
}

/// Opens an existing database file and proves the key is right.
fn open_keyed(path: &Path, key: &DbKey, read_only: bool) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    // A wrong key is reported as an error to the caller; SQLCipher need not also print it to stderr.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&key.pragma())?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            return Err(StoreError::WrongKey(path.to_owned()));
        }
        Err(e) => return Err(e.into()),
    }
    conn.busy_handler(Some(wait_for_the_writer))?;
    if read_only {
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA foreign_keys = ON;")?;
    }
    Ok(conn)
}

/// This device's id, its clinic's id and its number-series prefix.
fn device_of(conn: &Connection) -> StoreResult<(String, String, String)> {
    Ok(conn.query_row(
        "SELECT t.device_id, t.clinic_id, coalesce(s.provisional_prefix, d.prefix)
         FROM this_device t JOIN devices d ON d.id = t.device_id, sync_state s",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// A connection that only reads a database in a folder that takes no writes. SQLite needs the log's
/// index file (`-shm`) to read a WAL database: where it cannot create one, the file is opened as
/// immutable, which is safe because nothing can write to it either.
pub(crate) fn open_reading_only(path: &Path, key: &DbKey) -> StoreResult<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let keyed = |conn: Connection| -> StoreResult<Connection> {
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
        conn.execute_batch(&key.pragma())?;
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        conn.execute_batch("PRAGMA query_only = ON;")?;
        Ok(conn)
    };
    match keyed(Connection::open_with_flags(path, flags)?) {
        Ok(conn) => Ok(conn),
        Err(_) => {
            let uri = format!("file:{}?immutable=1", uri_path(path));
            keyed(Connection::open_with_flags(
                uri,
                flags | OpenFlags::SQLITE_OPEN_URI,
            )?)
        }
    }
}

/// A path as the path of a `file:` URI: every byte but unreserved ones and `/` percent-encoded.
fn uri_path(path: &Path) -> String {
    use std::fmt::Write;
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(String::new(), |mut uri, b| {
            if b.is_ascii_alphanumeric() || b"/-._~".contains(b) {
                uri.push(char::from(*b));
            } else {
                let _ = write!(uri, "%{b:02X}");
            }
            uri
        })
}

/// While another connection (another command, the CLI beside the app) writes, tries again every 2 ms
/// for up to 5 seconds. SQLite's own timeout backs off to one try in 100 ms, which a long write taken in
/// short turns (a large patient import) would keep missing: its pauses are 10 ms.
fn wait_for_the_writer(attempt: i32) -> bool {
    thread_local! {
        static WAITING_SINCE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
    }
    let now = Instant::now();
    let since = WAITING_SINCE.with(|since| {
        if attempt == 0 {
            since.set(Some(now));
        }
        since.get().unwrap_or(now)
    });
    if now.duration_since(since) >= Duration::from_secs(5) {
        return false;
    }
    std::thread::sleep(Duration::from_millis(2));
    true
}

/// Why a small file cannot be written in `dir`, if it cannot: SQLite says only "disk I/O error" or
/// "unable to open database file" when its log cannot be created or grow.
fn folder_refuses_writes(dir: &Path) -> Option<StoreError> {
    let probe = tempfile::NamedTempFile::new_in(dir).and_then(|mut file| {
        std::io::Write::write_all(&mut file, &[0; 64 * 1024])?;
        file.as_file().sync_all()
    });
    match probe.err()?.kind() {
        std::io::ErrorKind::StorageFull => Some(StoreError::DiskFull),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            Some(StoreError::ReadOnly)
        }
        _ => None,
    }
}

/// Per-connection settings of the writer.
///
/// `synchronous = FULL` in WAL mode fsyncs the log at every commit, so an acknowledged write survives not
/// only a killed process but also a power cut; the measured cost is in the README.
fn configure(conn: &mut Connection) -> StoreResult<()> {
    conn.busy_handler(Some(wait_for_the_writer))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Constraint(format!(
            "the database refused WAL mode (got {mode})"
        )));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    Ok(())
}

/// Runs the migrations this database has not had yet.
///
/// Foreign keys are off meanwhile, as SQLite's procedure for rebuilding a table requires (a migration
/// drops and recreates a table others refer to); every reference is checked before they are back on.
fn migrate(conn: &mut Connection) -> StoreResult<()> {
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let report = embedded::migrations::runner().run(conn)?;
    // The whole-database check runs only when a migration did (not at every start).
    let broken: Option<String> = if report.applied_migrations().is_empty() {
        None
    } else {
        conn.query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()?
    };
    if let Some(table) = broken {
        return Err(StoreError::Constraint(format!(
            "after the migrations, {table} refers to rows that do not exist"
        )));
    }
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    Ok(())
}

/// The highest migration applied to a database, 0 for a blank one. Reads only.
fn stored_schema_version(conn: &Connection) -> StoreResult<i64> {
    let has_history: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'refinery_schema_history'",
        [],
        |r| r.get(0),
    )?;
    if !has_history {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT coalesce(max(version), 0) FROM refinery_schema_history",
        [],
        |r| r.get(0),
    )?)
}

fn table_columns(conn: &Connection) -> StoreResult<HashMap<Table, Vec<String>>> {
    let mut columns = HashMap::new();
    for table in Table::ALL {
        let mut stmt = conn.prepare(&format!(
            "SELECT name FROM pragma_table_info('{}')",
            table.name()
        ))?;
        let names = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        columns.insert(table, names);
    }
    Ok(columns)
}

#[cfg(test)]
mod tests;
