//! Backups and restores.
//!
//! A backup is one file: a short plain header (what it is, when it was made, row counts, the checksum
//! of what follows, and its key sealed with the recovery key), then a SQLCipher copy of the database
//! encrypted with a key of its own. SQLite's online backup copies the database in one read
//! transaction on a connection of its own, so users keep working while it runs (WAL: readers never block
//! the writer). Every backup is verified after it is written: decrypted, integrity-checked and counted.
//!
//! A restore never overwrites data in place. The backup is unpacked and checked in a staging folder and
//! given a key of this computer's; then the current files move to `before-restore-<time>/` and the
//! restored ones take their place. A marker file makes the swap finish even after a crash.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::meta::{StoreMeta, sync_folder, write_durably};
use super::{
    DB_FILE, META_COPY, META_FILE, SCHEMA_VERSION, Store, count_rows, lock, open_keyed,
    open_reading_only,
};
use crate::audit::{self, AuditEvent, AuditHead};
use crate::key::{self, DbKey, KeyOptions, KeyUse};
use crate::read::Reader;
use crate::recovery::{self, Kek, RecoveryKey, SealedKey};
use crate::{StoreError, StoreResult, TableCount, format_instant};

const MAGIC: &str = "CLINIC-BACKUP";
/// 2: the header is authenticated ([`BackupManifest::header_mac`]). 1 (before): it is not, and only
/// what the data itself can confirm is trusted.
const FORMAT: u32 = 2;
/// The extension of backup files; pruning only ever touches files with it.
const BACKUP_EXTENSION: &str = "clinicbackup";
const STAGING: &str = "restore-staging";
const RESTORE_MARKER: &str = "restore.json";
/// A header longer than this is not ours.
const MAX_HEADER: u64 = 64 * 1024;
/// The files of a store in its data directory, the metadata last.
const STORE_FILES: [&str; 5] = [
    DB_FILE,
    "clinic.db-wal",
    "clinic.db-shm",
    META_FILE,
    META_COPY,
];

/// What a backup file says about itself, readable without any key.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BackupManifest {
    pub format: u32,
    pub clinic_id: String,
    /// The clinic's name when the backup was made.
    pub clinic_name: String,
    pub store_id: String,
    /// The device that made it (its number-series prefix).
    pub device_prefix: String,
    pub created_at: String,
    pub schema_version: i64,
    /// Rows per synced table.
    pub counts: BTreeMap<String, i64>,
    /// The audit chain's newest entry in the backup: a restore refuses a copy whose chain lost it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_head: Option<AuditHead>,
    /// The backup's own database key, sealed with a recovery key.
    key: SealedKey,
    database_bytes: u64,
    database_sha256: String,
    /// HMAC-SHA256 of the rest of the header under a key derived from the backup's database key: an
    /// edited header (a clinic name, a date) is refused once the key is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    header_mac: Option<String>,
}

/// A backup that was written and verified.
#[derive(Clone, Debug, Serialize)]
pub struct BackupReport {
    pub file: PathBuf,
    pub manifest: BackupManifest,
    /// Older backups deleted to keep the configured number.
    pub pruned: Vec<PathBuf>,
}

/// What a backup holds, read from the decrypted copy itself.
#[derive(Clone, Debug, Serialize)]
pub struct BackupPreview {
    pub file: PathBuf,
    pub manifest: BackupManifest,
    pub counts: Vec<TableCount>,
}

/// Where this device's backups go and how many are kept; how the last one went.
#[derive(Clone, Debug, Serialize)]
pub struct BackupSettings {
    pub folder: Option<PathBuf>,
    pub keep: u32,
    pub last_backup_at: Option<String>,
    pub last_backup_file: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

/// What opens a backup's key: this store's own recovery keys (current or older), or a printed
/// recovery key (on a new computer).
pub enum BackupKey<'a> {
    ThisStore(&'a Store),
    Recovery(&'a RecoveryKey),
}

impl BackupKey<'_> {
    fn kek(&self, manifest: &BackupManifest) -> StoreResult<Kek> {
        match self {
            BackupKey::ThisStore(store) => {
                let conn = lock(&store.reader);
                recovery::kek_by_id(&conn, &manifest.key.kek_id)?
                    .ok_or(StoreError::RecoveryKeyMismatch)
            }
            BackupKey::Recovery(key) => Ok(key.kek()),
        }
    }

    fn backup_key(&self, manifest: &BackupManifest) -> StoreResult<DbKey> {
        Ok(DbKey::from_bytes(self.kek(manifest)?.open(&manifest.key)?))
    }
}

impl Store {
    pub fn backup_settings(&self) -> StoreResult<BackupSettings> {
        self.read(|r| {
            r.query_row(
                "SELECT folder, keep, last_backup_at, last_backup_file, last_error, last_error_at
                 FROM backup_settings",
                [],
                |row| {
                    Ok(BackupSettings {
                        folder: row.get::<_, Option<String>>(0)?.map(PathBuf::from),
                        keep: row.get(1)?,
                        last_backup_at: row.get(2)?,
                        last_backup_file: row.get(3)?,
                        last_error: row.get(4)?,
                        last_error_at: row.get(5)?,
                    })
                },
            )
        })
    }

    /// Sets where backups go (None: no scheduled backups) and how many to keep.
    pub fn set_backup_settings(
        &self,
        user_id: Option<&str>,
        folder: Option<&Path>,
        keep: u32,
    ) -> StoreResult<()> {
        let folder = folder.map(|f| f.to_string_lossy().into_owned());
        self.write(user_id, |tx| {
            tx.tx.execute(
                "UPDATE backup_settings SET folder = ?1, keep = ?2",
                rusqlite::params![folder, keep],
            )?;
            tx.audit(AuditEvent {
                action: "backup_settings_changed".into(),
                entity: "backup_settings".into(),
                details: Some(serde_json::json!({ "folder": folder, "keep": keep })),
                ..AuditEvent::default()
            })
        })
    }

    /// Writes a verified, encrypted backup of the whole store into `folder`, then deletes the oldest
    /// backups of this clinic there beyond `keep`. The outcome, good or bad, is recorded.
    pub fn back_up(
        &self,
        folder: &Path,
        keep: u32,
        clinic_name: &str,
        user_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<BackupReport> {
        let result = self.write_backup(folder, keep, clinic_name, now);
        // A store open for reading only (a full disk) is backed up elsewhere all the same; where the
        // backup went cannot be recorded in it then.
        if self.unwritable.is_some() {
            return result;
        }
        self.write_at(now, user_id, |tx| {
            let now = format_instant(now);
            match &result {
                Ok(report) => {
                    let file = report.file.to_string_lossy().into_owned();
                    tx.tx.execute(
                        "UPDATE backup_settings SET last_backup_at = ?1, last_backup_file = ?2,
                         last_error = NULL, last_error_at = NULL",
                        rusqlite::params![now, file],
                    )?;
                    tx.audit(AuditEvent {
                        action: "backup_created".into(),
                        entity: "store".into(),
                        entity_id: Some(self.info.store_id.clone()),
                        details: Some(serde_json::json!({
                            "file": file,
                            "pruned": report.pruned.len(),
                        })),
                        ..AuditEvent::default()
                    })
                }
                Err(err) => {
                    tx.tx.execute(
                        "UPDATE backup_settings SET last_error = ?1, last_error_at = ?2",
                        rusqlite::params![err.to_string(), now],
                    )?;
                    tx.audit(AuditEvent {
                        action: "backup_failed".into(),
                        entity: "store".into(),
                        entity_id: Some(self.info.store_id.clone()),
                        details: Some(serde_json::json!({ "reason": err.to_string() })),
                        ..AuditEvent::default()
                    })
                }
            }
        })?;
        result
    }

    fn write_backup(
        &self,
        folder: &Path,
        keep: u32,
        clinic_name: &str,
        created: DateTime<Utc>,
    ) -> StoreResult<BackupReport> {
        fs::create_dir_all(folder).map_err(|e| StoreError::io(folder, e))?;
        let keys = lock(&self.keys);
        let stem = format!(
            "clinic-{}-{}",
            self.device_prefix(),
            created.format("%Y%m%d-%H%M%S")
        );
        let name = (1..)
            .map(|n| match n {
                1 => format!("{stem}.{BACKUP_EXTENSION}"),
                n => format!("{stem}-{n}.{BACKUP_EXTENSION}"),
            })
            .find(|name| !folder.join(name).exists())
            .unwrap_or_else(|| unreachable!("an unused name is always found"));
        let file = folder.join(&name);
        let backup_key = DbKey::random();
        let copy = tempfile::Builder::new()
            .prefix(".clinic-backup-")
            .tempdir_in(folder)
            .map_err(|e| StoreError::io(folder, e))?;
        let copy_db = copy.path().join(DB_FILE);
        {
            let source = match self.unwritable {
                None => open_keyed(&self.info.database, &keys.key, true)?,
                Some(_) => open_reading_only(&self.info.database, &keys.key)?,
            };
            let mut target = Connection::open(&copy_db)?;
            target.execute_batch(&backup_key.pragma())?;
            // One step copies every page inside one read transaction: a consistent snapshot.
            let backup = rusqlite::backup::Backup::new(&source, &mut target)?;
            backup.step(-1)?;
        }
        drop(keys);
        let (counts, audit_head) = {
            let conn = open_keyed(&copy_db, &backup_key, true)?;
            (count_rows(Reader { conn: &conn })?, audit::head(&conn)?)
        };
        let kek = recovery::current_kek(&lock(&self.reader))?;
        let (database_bytes, database_sha256) = digest_file(&copy_db)?;
        let manifest = BackupManifest {
            format: FORMAT,
            clinic_id: self.clinic_id.clone(),
            clinic_name: clinic_name.to_owned(),
            store_id: self.info.store_id.clone(),
            device_prefix: self.device_prefix(),
            created_at: format_instant(created),
            schema_version: SCHEMA_VERSION,
            counts: counts
                .iter()
                .map(|c| (c.table.to_owned(), c.rows))
                .collect(),
            audit_head,
            key: kek.seal(backup_key.bytes()),
            database_bytes,
            database_sha256,
            header_mac: None,
        };
        let manifest = BackupManifest {
            header_mac: Some(header_mac(&manifest, &backup_key)),
            ..manifest
        };
        let partial = copy.path().join(&name);
        write_backup_file(&partial, &manifest, &copy_db)?;
        fs::rename(&partial, &file).map_err(|e| StoreError::io(&file, e))?;
        sync_folder(&file)?;
        // Verify what is on the disk now, not what was meant to be written.
        if let Err(err) = preview_backup(&file, &BackupKey::ThisStore(self)).and_then(|preview| {
            if preview.counts == counts {
                Ok(())
            } else {
                Err(StoreError::BadBackup {
                    path: file.clone(),
                    reason: "the written backup does not hold what was copied".into(),
                })
            }
        }) {
            let _ = fs::remove_file(&file);
            return Err(err);
        }
        let pruned = prune(folder, &manifest, &file, keep)?;
        Ok(BackupReport {
            file,
            manifest,
            pruned,
        })
    }
}

/// Decrypts a backup into a temporary folder and reports what it really holds. Refuses a damaged or
/// truncated file, one from a newer version of Clinic, and one whose key `unlock` cannot open.
pub fn preview_backup(file: &Path, unlock: &BackupKey<'_>) -> StoreResult<BackupPreview> {
    let (manifest, offset) = read_header(file)?;
    let key = unlock.backup_key(&manifest)?;
    let scratch = tempfile::Builder::new()
        .prefix(".clinic-preview-")
        .tempdir()
        .map_err(|e| StoreError::io(std::env::temp_dir(), e))?;
    let db = scratch.path().join(DB_FILE);
    extract(file, offset, &manifest, &db)?;
    let conn = open_checked(file, &db, &key, &manifest)?;
    let counts = count_rows(Reader { conn: &conn })?;
    Ok(BackupPreview {
        file: file.to_owned(),
        manifest,
        counts,
    })
}

/// A backup unpacked, checked and re-keyed for this computer in the data directory's staging folder,
/// ready to take the current data's place. Dropped without [`StagedRestore::finish`], it is removed.
pub struct StagedRestore {
    dir: PathBuf,
    preview: BackupPreview,
    meta: StoreMeta,
    finished: bool,
}

impl StagedRestore {
    pub fn preview(&self) -> &BackupPreview {
        &self.preview
    }

    /// Moves the current data aside (to `before-restore-<time>/` in the data directory) and the restored
    /// data in, then opens it. The caller must have closed the current store. Returns the restored
    /// store and where the previous data now is.
    pub fn finish(mut self, options: &KeyOptions) -> StoreResult<(Store, PathBuf)> {
        let aside = format!("before-restore-{}", Utc::now().format("%Y%m%dT%H%M%SZ"));
        let marker = RestoreMarker {
            aside: aside.clone(),
            phase: RestorePhase::MoveAside,
        };
        // From the marker on, the staged files are the restore's: never removed by `Drop`.
        self.finished = true;
        marker.write(&self.dir)?;
        finish_interrupted_restore(&self.dir)?;
        let store = Store::open(&self.dir, options)?;
        store.mark_restored()?;
        Ok((store, self.dir.join(aside)))
    }
}

impl Drop for StagedRestore {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(self.dir.join(STAGING));
            let _ = key::forget_key(&self.meta.store_id, &self.meta.key);
        }
    }
}

/// Unpacks `file` into `dir`'s staging folder, checks it, and gives it a new store id and a key of
/// this computer's made as `options` says (it keeps its recovery keys: the sheet that opened the
/// backup opens the restored data).
pub fn stage_restore(
    dir: &Path,
    file: &Path,
    unlock: &BackupKey<'_>,
    options: &KeyOptions,
) -> StoreResult<StagedRestore> {
    if restore_under_way(dir) {
        return Err(StoreError::Constraint(
            "a restore is already under way in this data folder; open the clinic to finish it"
                .into(),
        ));
    }
    let (manifest, offset) = read_header(file)?;
    let backup_key = unlock.backup_key(&manifest)?;
    let staging = dir.join(STAGING);
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| StoreError::io(&staging, e))?;
    }
    fs::create_dir_all(&staging).map_err(|e| StoreError::io(&staging, e))?;
    let db = staging.join(DB_FILE);
    let staged = (|| {
        extract(file, offset, &manifest, &db)?;
        let conn = open_checked(file, &db, &backup_key, &manifest)?;
        let counts = count_rows(Reader { conn: &conn })?;
        let store_id = Uuid::now_v7().to_string();
        let (record, new_key) = key::create_key(&store_id, options, KeyUse::First)?;
        let meta = StoreMeta {
            format: 1,
            store_id,
            key: record,
            recovery: Some(recovery::current_kek(&conn)?.seal(new_key.bytes())),
            next: None,
            audit_head: audit::head(&conn)?,
        };
        let rekeyed = super::keys::rekey(&conn, &db, &new_key).and_then(|()| meta.write(&staging));
        if let Err(err) = rekeyed {
            let _ = key::forget_key(&meta.store_id, &meta.key);
            return Err(err);
        }
        Ok((counts, meta))
    })();
    match staged {
        Ok((counts, meta)) => Ok(StagedRestore {
            dir: dir.to_owned(),
            preview: BackupPreview {
                file: file.to_owned(),
                manifest,
                counts,
            },
            meta,
            finished: false,
        }),
        Err(err) => {
            let _ = fs::remove_dir_all(&staging);
            Err(err)
        }
    }
}

#[derive(Serialize, Deserialize)]
struct RestoreMarker {
    /// The folder, inside the data directory, that receives the current data.
    aside: String,
    phase: RestorePhase,
}

#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RestorePhase {
    /// Moving the current files aside.
    MoveAside,
    /// Moving the restored files in.
    MoveIn,
}

impl RestoreMarker {
    fn write(&self, dir: &Path) -> StoreResult<()> {
        let text = serde_json::to_vec(self).map_err(|e| StoreError::BadMetadata {
            path: dir.join(RESTORE_MARKER),
            reason: e.to_string(),
        })?;
        write_durably(&dir.join(RESTORE_MARKER), &text)
    }
}

/// Whether a restore into `dir` was started and has not finished.
pub(crate) fn restore_under_way(dir: &Path) -> bool {
    dir.join(RESTORE_MARKER).exists()
}

/// Completes a restore whose swap of files was started (by [`StagedRestore::finish`], or before a
/// crash). Each step checks what is already done, so running it again is harmless.
pub(crate) fn finish_interrupted_restore(dir: &Path) -> StoreResult<()> {
    let marker_path = dir.join(RESTORE_MARKER);
    if !marker_path.exists() {
        return Ok(());
    }
    let text = fs::read(&marker_path).map_err(|e| StoreError::io(&marker_path, e))?;
    let mut marker: RestoreMarker =
        serde_json::from_slice(&text).map_err(|e| StoreError::BadMetadata {
            path: marker_path.clone(),
            reason: e.to_string(),
        })?;
    let aside = dir.join(&marker.aside);
    let staging = dir.join(STAGING);
    if marker.phase == RestorePhase::MoveAside {
        // Without a whole staged store there is nothing to restore: the current data stays.
        if !(staging.join(DB_FILE).exists() && staging.join(META_FILE).exists()) {
            fs::remove_file(&marker_path).map_err(|e| StoreError::io(&marker_path, e))?;
            return Err(StoreError::Constraint(
                "the restore was abandoned: its unpacked backup is gone; the current data is unchanged".into(),
            ));
        }
        fs::create_dir_all(&aside).map_err(|e| StoreError::io(&aside, e))?;
        for name in STORE_FILES {
            move_if_there(&dir.join(name), &aside.join(name))?;
        }
        marker.phase = RestorePhase::MoveIn;
        marker.write(dir)?;
    }
    for name in STORE_FILES {
        move_if_there(&staging.join(name), &dir.join(name))?;
    }
    sync_folder(&dir.join(DB_FILE))?;
    fs::remove_file(&marker_path).map_err(|e| StoreError::io(&marker_path, e))?;
    let _ = fs::remove_dir_all(&staging);
    Ok(())
}

/// Renames `from` to `to` when `from` exists; never replaces an existing `to`.
fn move_if_there(from: &Path, to: &Path) -> StoreResult<()> {
    if !from.exists() {
        return Ok(());
    }
    if to.exists() {
        return Err(StoreError::Constraint(format!(
            "cannot move {} to {}: the target exists",
            from.display(),
            to.display()
        )));
    }
    fs::rename(from, to).map_err(|e| StoreError::io(from, e))
}

fn write_backup_file(path: &Path, manifest: &BackupManifest, db: &Path) -> StoreResult<()> {
    let io = |e| StoreError::io(path, e);
    let mut out = fs::File::create(path).map_err(io)?;
    let header = serde_json::to_string(manifest).map_err(|e| StoreError::BadBackup {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    write!(out, "{MAGIC} {FORMAT}\n{header}\n").map_err(io)?;
    let mut input = fs::File::open(db).map_err(|e| StoreError::io(db, e))?;
    std::io::copy(&mut input, &mut out).map_err(io)?;
    out.sync_all().map_err(io)
}

/// The manifest and the offset of the database in the file; checks the magic and the format.
fn read_header(file: &Path) -> StoreResult<(BackupManifest, u64)> {
    let bad = |reason: String| StoreError::BadBackup {
        path: file.to_owned(),
        reason,
    };
    let handle = fs::File::open(file).map_err(|e| StoreError::io(file, e))?;
    let mut reader = BufReader::new(handle.take(MAX_HEADER));
    let mut first = String::new();
    let mut second = String::new();
    let read = reader
        .read_line(&mut first)
        .and_then(|a| reader.read_line(&mut second).map(|b| a + b))
        .map_err(|_| bad("it is not a Clinic backup file".into()))?;
    if !first.starts_with(MAGIC) {
        return Err(bad("it is not a Clinic backup file".into()));
    }
    let format = first.trim_end().strip_prefix(MAGIC).map(str::trim);
    if !matches!(format, Some("1" | "2")) {
        return Err(bad(
            "it was made by a newer version of Clinic; update Clinic to read it".into(),
        ));
    }
    if !second.ends_with('\n') {
        return Err(bad("its header is cut short".into()));
    }
    let manifest: BackupManifest =
        serde_json::from_str(&second).map_err(|e| bad(format!("its header is damaged ({e})")))?;
    if format == Some("2") && manifest.header_mac.is_none() {
        return Err(bad("its header was altered".into()));
    }
    if manifest.schema_version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: manifest.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok((manifest, read as u64))
}

/// Copies the database part of a backup to `to`, checking its length and checksum.
fn extract(file: &Path, offset: u64, manifest: &BackupManifest, to: &Path) -> StoreResult<()> {
    let bad = |reason: &str| StoreError::BadBackup {
        path: file.to_owned(),
        reason: reason.to_owned(),
    };
    let length = fs::metadata(file)
        .map_err(|e| StoreError::io(file, e))?
        .len();
    let expected = offset
        .checked_add(manifest.database_bytes)
        .ok_or_else(|| bad("its header is damaged (impossible size)"))?;
    if length < expected {
        return Err(bad("the file is truncated (was the copy interrupted?)"));
    }
    if length > expected {
        return Err(bad("the file has extra data after the backup"));
    }
    let mut input = fs::File::open(file).map_err(|e| StoreError::io(file, e))?;
    std::io::Seek::seek(&mut input, std::io::SeekFrom::Start(offset))
        .map_err(|e| StoreError::io(file, e))?;
    let mut output = fs::File::create(to).map_err(|e| StoreError::io(to, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = input
            .read(&mut buffer)
            .map_err(|e| StoreError::io(file, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        output
            .write_all(&buffer[..n])
            .map_err(|e| StoreError::io(to, e))?;
    }
    output.sync_all().map_err(|e| StoreError::io(to, e))?;
    if hex::encode(hasher.finalize()) != manifest.database_sha256 {
        return Err(bad("the file is damaged (its checksum does not match)"));
    }
    Ok(())
}

/// Opens an unpacked backup and runs SQLite's integrity check on it.
/// Opens a backup's unpacked database and checks it: SQLite's integrity, and the audit chain against the
/// head its header recorded.
fn open_checked(
    file: &Path,
    db: &Path,
    key: &DbKey,
    manifest: &BackupManifest,
) -> StoreResult<Connection> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&key.pragma())?;
    let check: rusqlite::Result<String> =
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0));
    let bad = |reason: String| StoreError::BadBackup {
        path: file.to_owned(),
        reason,
    };
    match check {
        Ok(ok) if ok == "ok" => {
            if let Some(altered) = header_altered(&conn, manifest, key)? {
                return Err(bad(format!("its header was altered ({altered})")));
            }
            match audit::first_broken_entry(&conn, manifest.audit_head.as_ref())? {
                None => Ok(conn),
                Some(seq) => Err(bad(format!("its audit trail was altered (entry {seq})"))),
            }
        }
        Ok(problem) => Err(StoreError::BadBackup {
            path: file.to_owned(),
            reason: format!("its database is damaged ({problem})"),
        }),
        Err(_) => Err(StoreError::BadBackup {
            path: file.to_owned(),
            reason: "its key does not open it".into(),
        }),
    }
}

/// The header's MAC under the backup's key (over the header without its MAC).
fn header_mac(manifest: &BackupManifest, key: &DbKey) -> String {
    use hmac::Mac;
    let unsigned = BackupManifest {
        header_mac: None,
        ..manifest.clone()
    };
    let mut mac_key = [0u8; 32];
    hkdf::Hkdf::<Sha256>::new(None, key.bytes())
        .expand(b"clinic backup header", &mut mac_key)
        .unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF-SHA256 length"));
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&mac_key)
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(
        serde_json::to_string(&unsigned)
            .unwrap_or_default()
            .as_bytes(),
    );
    hex::encode(mac.finalize().into_bytes())
}

/// What of the header is not true of the backup: its MAC; or, in a header from before MACs (format 1,
/// or one stripped down to look so), the clinic it names against the clinic in the data.
fn header_altered(
    conn: &Connection,
    manifest: &BackupManifest,
    key: &DbKey,
) -> StoreResult<Option<&'static str>> {
    if let Some(mac) = &manifest.header_mac {
        let expected = header_mac(manifest, key);
        let same = mac.len() == expected.len()
            && mac
                .bytes()
                .zip(expected.bytes())
                .fold(0u8, |diff, (a, b)| diff | (a ^ b))
                == 0;
        return Ok((!same).then_some("its authentication code does not match"));
    }
    let clinics: Vec<(String, String)> = conn
        .prepare("SELECT id, name FROM clinic_settings")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let named =
        |(id, name): &(String, String)| *id == manifest.clinic_id && *name == manifest.clinic_name;
    Ok((!clinics.is_empty() && !clinics.iter().any(named))
        .then_some("the clinic it names is not the clinic in it"))
}

fn digest_file(path: &Path) -> StoreResult<(u64, String)> {
    let mut input = fs::File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut hasher = Sha256::new();
    let bytes = std::io::copy(&mut input, &mut hasher).map_err(|e| StoreError::io(path, e))?;
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// Deletes the oldest backups this device made of this clinic in `folder`, beyond the newest `keep`
/// (counting `written`, which is never deleted). Other devices' backups and other files are never
/// touched.
fn prune(
    folder: &Path,
    written: &BackupManifest,
    written_file: &Path,
    keep: u32,
) -> StoreResult<Vec<PathBuf>> {
    let mut ours: Vec<(String, PathBuf)> = fs::read_dir(folder)
        .map_err(|e| StoreError::io(folder, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path != written_file)
        .filter(|path| path.extension().is_some_and(|e| e == BACKUP_EXTENSION))
        .filter_map(|path| {
            let (manifest, _) = read_header(&path).ok()?;
            (manifest.clinic_id == written.clinic_id
                && manifest.device_prefix == written.device_prefix)
                .then_some((manifest.created_at, path))
        })
        .collect();
    ours.sort();
    let excess = (ours.len() + 1).saturating_sub(keep as usize);
    let mut pruned = Vec::new();
    for (_, path) in ours.into_iter().take(excess) {
        fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))?;
        pruned.push(path);
    }
    Ok(pruned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DeviceSetup, Fields, Table};

    fn passphrase() -> KeyOptions {
        KeyOptions::passphrase("correct horse battery staple")
    }

    fn add_type(store: &Store) {
        store
            .write(None, |tx| {
                tx.insert(
                    Table::AppointmentTypes,
                    Fields::new()
                        .set("name", "Check-up")
                        .set("duration_minutes", 20),
                )
            })
            .unwrap();
    }

    fn types(store: &Store) -> i64 {
        store
            .read(|r| r.count("SELECT count(*) FROM appointment_types", []))
            .unwrap()
    }

    #[test]
    fn a_restore_cut_short_in_the_middle_of_the_swap_finishes_when_the_store_is_next_opened() {
        let dir = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let device = DeviceSetup {
            device_id: None,
            clinic_id: Uuid::now_v7(),
            device_name: "test".into(),
            prefix: "A".into(),
        };
        let (store, _) = Store::create(dir.path(), &passphrase(), &device, |_| {
            Ok::<_, StoreError>(())
        })
        .unwrap();
        add_type(&store);
        let file = store
            .back_up(folder.path(), 14, "Test", None, Utc::now())
            .unwrap()
            .file;
        add_type(&store);
        let mut staged = stage_restore(
            dir.path(),
            &file,
            &BackupKey::ThisStore(&store),
            &passphrase(),
        )
        .unwrap();
        drop(store);

        // What `finish` does, cut short once the database file has moved aside.
        RestoreMarker {
            aside: "before-restore-test".into(),
            phase: RestorePhase::MoveAside,
        }
        .write(dir.path())
        .unwrap();
        staged.finished = true;
        let aside = dir.path().join("before-restore-test");
        fs::create_dir(&aside).unwrap();
        fs::rename(dir.path().join(DB_FILE), aside.join(DB_FILE)).unwrap();
        assert!(
            Store::exists(dir.path()),
            "a clinic is still there, half restored"
        );

        let restored = Store::open(dir.path(), &passphrase()).unwrap();
        assert_eq!(types(&restored), 1);
        assert!(!restore_under_way(dir.path()));
        assert!(!dir.path().join(STAGING).exists());
        let kept = Store::open(&aside, &passphrase()).unwrap();
        assert_eq!(types(&kept), 2);
    }
}
