//! Changing the database key, and opening a store whose key is lost with its recovery key.
//!
//! A key change is safe against a crash at any point. The new key is made and kept first (in the
//! keyring, or derived from the new passphrase), `store.json` then records it as `next`, the database is
//! re-encrypted in one SQLCipher transaction, and only then does `next` become the key. Opening a store
//! whose `store.json` still has a `next` tries both keys: the one that opens the database stays.

use std::path::Path;

use serde::Serialize;

use super::meta::{NextKey, StoreMeta};
use super::{DB_FILE, Store, lock, open_keyed};
use crate::audit::AuditEvent;
use crate::key::{self, DbKey, KeyOptions, KeyUse};
use crate::recovery::{self, RecoveryKey, SealedKey};
use crate::{StoreError, StoreResult};

/// The state of a store's recovery key, for the administrator.
#[derive(Clone, Debug, Serialize)]
pub struct RecoveryStatus {
    /// Whether a printed recovery key opens the database now. False for a store made before recovery
    /// keys, until an administrator makes one.
    pub has_recovery_key: bool,
    pub created_at: Option<String>,
    /// The user who made it.
    pub created_by: Option<String>,
    /// When an administrator confirmed the sheet was printed and put away.
    pub confirmed_at: Option<String>,
}

impl Store {
    /// Re-encrypts the database with a new key made as `options` says, in the same kind of place as
    /// the current one: a new random key in the keyring, or a key derived from a new passphrase.
    pub fn change_key(&self, options: &KeyOptions, user_id: Option<&str>) -> StoreResult<()> {
        let mut keys = lock(&self.keys);
        let wanted = if options.passphrase.is_some() {
            crate::KeySource::Passphrase
        } else {
            crate::KeySource::Keyring
        };
        if wanted != keys.meta.key.source() {
            return Err(StoreError::KeyUnavailable(match keys.meta.key.source() {
                crate::KeySource::Passphrase => {
                    "this clinic's database is protected by a passphrase: give the new one in CLINIC_DB_PASSPHRASE".into()
                }
                crate::KeySource::Keyring => {
                    "this clinic's database key is kept in the OS keyring: unset CLINIC_DB_PASSPHRASE to change it".into()
                }
            }));
        }
        let (record, new_key) = key::create_key(&keys.meta.store_id, options, KeyUse::Replacement)?;
        let writing = self.writer();
        let Some(writer) = writing.as_ref() else {
            return Err(self.unwritable().unwrap_or(StoreError::ReadOnly));
        };
        let mut reader = lock(&self.reader);
        let kek = recovery::current_kek(&writer.conn)?;
        let next = NextKey {
            key: record,
            recovery: Some(kek.seal(new_key.bytes())),
        };
        let mut changing = keys.meta.clone();
        changing.next = Some(next.clone());
        let db = &self.info.database;
        let rekeyed = changing.write(&self.dir).and_then(|()| {
            // A short log first: the rekey rewrites every page through it.
            writer
                .conn
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
            rekey(&writer.conn, db, &new_key)
        });
        if let Err(err) = rekeyed {
            // The old key still opens the database.
            let _ = keys.meta.write(&self.dir);
            let _ = key::forget_key(&keys.meta.store_id, &next.key);
            return Err(err);
        }
        // From here the database is under the new key, and store.json names it as `next`: even if
        // what follows fails, opening settles on it.
        keys.meta = changing;
        keys.key = new_key;
        *reader = open_keyed(db, &keys.key, true)?;
        let mut settled = keys.meta.clone();
        let old = std::mem::replace(&mut settled.key, next.key);
        settled.recovery = next.recovery;
        settled.next = None;
        settled.write(&self.dir)?;
        keys.meta = settled;
        let _ = key::forget_key(&keys.meta.store_id, &old);
        drop((reader, writing));
        self.write(user_id, |tx| {
            tx.audit(AuditEvent {
                action: "database_key_changed".into(),
                entity: "store".into(),
                entity_id: Some(self.info.store_id.clone()),
                ..AuditEvent::default()
            })
        })
    }

    /// Opens the store in `dir` whose key is lost (the OS keyring was reset, the passphrase forgotten)
    /// with its recovery key, and gives it a new key as `options` says.
    pub fn recover(
        dir: &Path,
        recovery_key: &RecoveryKey,
        options: &KeyOptions,
    ) -> StoreResult<Store> {
        super::backup::finish_interrupted_restore(dir)?;
        let mut meta = StoreMeta::read(dir)?;
        let kek = recovery_key.kek();
        let db = dir.join(DB_FILE);
        // After an interrupted key change the database may be under the next key.
        let sealed: Vec<(bool, SealedKey)> = [
            meta.recovery.clone().map(|s| (false, s)),
            meta.next
                .as_ref()
                .and_then(|n| n.recovery.clone())
                .map(|s| (true, s)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if sealed.is_empty() {
            return Err(StoreError::NoRecoveryKey(dir.to_owned()));
        }
        let mut failure = StoreError::RecoveryKeyMismatch;
        let mut opened = None;
        for (is_next, candidate) in &sealed {
            match kek
                .open(candidate)
                .map(DbKey::from_bytes)
                .and_then(|key| open_keyed(&db, &key, false).map(|conn| (key, conn)))
            {
                Ok((_, conn)) => {
                    opened = Some((*is_next, conn));
                    break;
                }
                Err(err) => failure = err,
            }
        }
        let (was_next, conn) = opened.ok_or(failure)?;
        // The key that opened the database becomes the current one before anything else changes, so
        // that the sheet keeps opening the data whatever happens next.
        if let Some(next) = meta.next.take()
            && was_next
        {
            meta.key = next.key;
            meta.recovery = next.recovery;
        }
        meta.write(dir)?;
        let (record, new_key) = key::create_key(&meta.store_id, options, KeyUse::Replacement)?;
        let lost = meta.key.clone();
        let mut changing = meta.clone();
        changing.next = Some(NextKey {
            key: record,
            recovery: Some(kek.seal(new_key.bytes())),
        });
        let rekeyed = changing
            .write(dir)
            .and_then(|()| rekey(&conn, &db, &new_key));
        drop(conn);
        if let Err(err) = rekeyed {
            let _ = meta.write(dir);
            if let Some(next) = &changing.next {
                let _ = key::forget_key(&meta.store_id, &next.key);
            }
            return Err(err);
        }
        let next = changing
            .next
            .take()
            .unwrap_or_else(|| unreachable!("set above"));
        changing.key = next.key;
        changing.recovery = next.recovery;
        changing.write(dir)?;
        let _ = key::forget_key(&changing.store_id, &lost);
        let store = Store::open_with_key(dir, changing, new_key)?;
        store.write(None, |tx| {
            tx.audit(AuditEvent {
                action: "database_recovered".into(),
                entity: "store".into(),
                entity_id: Some(store.info.store_id.clone()),
                ..AuditEvent::default()
            })
        })?;
        Ok(store)
    }

    /// Makes `recovery_key` (new, see [`RecoveryKey::generate`]) the one that opens the database from
    /// now on; the previous one still opens the backups made before. Done once the key is in the
    /// user's hands (its sheet saved, or confirmed), so a key nobody kept never replaces one somebody
    /// did. Adopting the current key again changes nothing.
    pub fn adopt_recovery_key(
        &self,
        recovery_key: &RecoveryKey,
        user_id: Option<&str>,
    ) -> StoreResult<()> {
        let mut keys = lock(&self.keys);
        let kek = recovery_key.kek();
        let known = recovery::kek_by_id(&lock(&self.reader), &kek.id)?.is_some();
        if !known {
            self.write(user_id, |tx| recovery::insert_kek(tx, &kek, true))?;
        }
        let mut sealed = keys.meta.clone();
        sealed.recovery = Some(kek.seal(keys.key.bytes()));
        sealed.write(&self.dir)?;
        keys.meta = sealed;
        Ok(())
    }

    /// Records that the current recovery sheet was printed and put away.
    pub fn confirm_recovery_key(&self, user_id: Option<&str>) -> StoreResult<()> {
        self.write(user_id, |tx| {
            let at = crate::format_instant(tx.now());
            let kek_id: String = tx.tx.query_row(
                "UPDATE recovery_keys SET confirmed_at = ?1
                 WHERE seq = (SELECT max(seq) FROM recovery_keys) AND printed = 1
                 RETURNING kek_id",
                [at],
                |r| r.get(0),
            )?;
            tx.audit(AuditEvent {
                action: "recovery_key_confirmed".into(),
                entity: "recovery_keys".into(),
                entity_id: Some(kek_id),
                ..AuditEvent::default()
            })
        })
    }

    pub fn recovery_status(&self) -> StoreResult<RecoveryStatus> {
        let sealed_with = lock(&self.keys)
            .meta
            .recovery
            .as_ref()
            .map(|s| s.kek_id.clone());
        let current: (String, bool, String, Option<String>, Option<String>) =
            self.read(|r| {
                r.query_row(
                "SELECT kek_id, printed, created_at, created_by, confirmed_at FROM recovery_keys
                 ORDER BY seq DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
            )
            })?;
        let (kek_id, printed, created_at, created_by, confirmed_at) = current;
        let has = printed && sealed_with.as_deref() == Some(kek_id.as_str());
        Ok(RecoveryStatus {
            has_recovery_key: has,
            created_at: has.then_some(created_at),
            created_by: if has { created_by } else { None },
            confirmed_at: if has { confirmed_at } else { None },
        })
    }
}

/// Re-encrypts the database `conn` is open on with `key`, and proves it: SQLCipher can report success
/// for a rekey whose commit failed (a full disk), so a fresh connection must open the file with the new
/// key before anything relies on it.
pub(super) fn rekey(conn: &rusqlite::Connection, db: &Path, key: &DbKey) -> StoreResult<()> {
    conn.execute_batch(&key.rekey_pragma())?;
    open_keyed(db, key, true).map(drop)
}

/// A key change stopped half way: the database is encrypted with the old key or the new one. The one
/// that opens it becomes the key; the other is forgotten.
pub(super) fn settle_key_change(
    dir: &Path,
    meta: &mut StoreMeta,
    next: NextKey,
    options: &KeyOptions,
) -> StoreResult<DbKey> {
    let db = dir.join(DB_FILE);
    if let Ok(key) = key::load_key(&meta.store_id, &meta.key, options, dir)
        && open_keyed(&db, &key, true).is_ok()
    {
        meta.write(dir)?;
        let _ = key::forget_key(&meta.store_id, &next.key);
        return Ok(key);
    }
    let key = key::load_key(&meta.store_id, &next.key, options, dir)?;
    open_keyed(&db, &key, true)?;
    let old = std::mem::replace(&mut meta.key, next.key);
    meta.recovery = next.recovery;
    meta.write(dir)?;
    let _ = key::forget_key(&meta.store_id, &old);
    Ok(key)
}
