//! The server's store: the clinic's rows kept generically, the ordered change log, the devices and
//! their credentials, in one SQLCipher file keyed like a device's. Behind [`ClinicStorage`] so that
//! another database (PostgreSQL, for clinics that outgrow one machine) can take its place.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use clinic_store::key::KeyRecord;
use clinic_store::protocol::{
    DeviceInfo, OLDEST_SYNCING_SCHEMA, PairRequest, Paired, PullAnswer, PushAnswer, PushRequest,
    PushResult, ReenrolRequest, ServerRow, TokenAnswer, refusals,
};
use clinic_store::{
    Change, ContentDigest, DigestBuilder, HlcStamp, KeyOptions, MAX_CLOCK_AHEAD_MS, Operation,
    PulledChange, SCHEMA_VERSION, create_encrypted_file, open_encrypted_file, takes_column,
};
use rand::Rng;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{ServerError, ServerResult};
use crate::rules::{self, Refusal};
use crate::tls::TlsIdentity;

const DB_FILE: &str = "server.db";
const META_FILE: &str = "server.json";
/// How long a pairing code works.
pub const PAIRING_CODE_LIFETIME: Duration = Duration::minutes(10);
/// How long an access token works.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::minutes(15);
/// Failed pairings allowed per minute, across all callers.
const PAIRING_FAILURES_PER_MINUTE: i64 = 10;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// What the server says about itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    pub server_id: String,
    pub epoch: String,
    pub clinic_id: Option<String>,
    /// SHA-256 of the TLS certificate, which devices pin at pairing.
    pub fingerprint: String,
}

/// A one-time pairing code, as `clinic-server pair` prints it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PairingCode {
    pub code: String,
    pub fingerprint: String,
    pub expires_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerStatus {
    #[serde(flatten)]
    pub identity: Identity,
    pub devices: i64,
    pub changes: i64,
    pub rows: i64,
    pub last_change_at: Option<String>,
}

/// What the HTTP layer needs of a server store.
pub trait ClinicStorage: Send + Sync {
    fn identity(&self) -> ServerResult<Identity>;
    fn tls_identity(&self) -> ServerResult<TlsIdentity>;
    fn new_pairing_code(&self, now: DateTime<Utc>) -> ServerResult<PairingCode>;
    fn pair(&self, request: &PairRequest, now: DateTime<Utc>) -> ServerResult<Paired>;
    /// A device restored from a backup goes on as a new one (`request.device_id`, numbering from
    /// `request.next_seq`); the old one is revoked in the same transaction.
    fn reenrol(
        &self,
        device_id: &str,
        request: &ReenrolRequest,
        now: DateTime<Utc>,
    ) -> ServerResult<Paired>;
    /// Exchanges a device's credential for an access token and its next credential.
    fn exchange(&self, credential: &str, now: DateTime<Utc>) -> ServerResult<TokenAnswer>;
    /// The device an access token belongs to; a revoked device is refused at once.
    fn authenticate(&self, access_token: &str, now: DateTime<Utc>) -> ServerResult<String>;
    fn push(
        &self,
        device_id: &str,
        push: &PushRequest,
        now: DateTime<Utc>,
    ) -> ServerResult<PushAnswer>;
    fn pull(&self, after: i64, limit: usize) -> ServerResult<PullAnswer>;
    fn devices(&self) -> ServerResult<Vec<DeviceInfo>>;
    fn revoke(&self, device_id: &str, now: DateTime<Utc>) -> ServerResult<()>;
    fn status(&self) -> ServerResult<ServerStatus>;
    /// The digest of the clinic's rows, to compare with a device's (`clinic sync digest`).
    fn digest(&self) -> ServerResult<ContentDigest>;
    /// Whether the store answers (for `/health`).
    fn reachable(&self) -> bool;
}

#[derive(Serialize, Deserialize)]
struct ServerMeta {
    server_id: String,
    key: KeyRecord,
}

/// The server's store in one SQLCipher file, written through one connection.
pub struct SqliteStorage {
    dir: PathBuf,
    conn: Mutex<Connection>,
}

impl SqliteStorage {
    pub fn exists(dir: &Path) -> bool {
        dir.join(META_FILE).exists()
    }

    /// Creates the server's store, its TLS identity and its first epoch.
    pub fn create(dir: &Path, key: &KeyOptions, now: DateTime<Utc>) -> ServerResult<Self> {
        if Self::exists(dir) {
            return Err(ServerError::AlreadyInitialized(dir.display().to_string()));
        }
        fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        let server_id = uuid::Uuid::now_v7().to_string();
        let (record, mut conn) = create_encrypted_file(&dir.join(DB_FILE), &server_id, key)?;
        embedded::migrations::runner()
            .run(&mut conn)
            .map_err(|e| ServerError::Internal(format!("migrating the server store: {e}")))?;
        let tls = TlsIdentity::generate()?;
        conn.execute(
            "INSERT INTO identity (singleton, server_id, epoch, certificate, private_key, fingerprint, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                server_id,
                uuid::Uuid::now_v7().to_string(),
                tls.certificate,
                tls.private_key.as_slice(),
                tls.fingerprint(),
                now.to_rfc3339()
            ],
        )?;
        let meta = ServerMeta {
            server_id,
            key: record,
        };
        let text =
            serde_json::to_vec_pretty(&meta).map_err(|e| ServerError::Internal(e.to_string()))?;
        fs::write(dir.join(META_FILE), text).map_err(|e| io_error(dir, &e))?;
        Ok(SqliteStorage {
            dir: dir.to_owned(),
            conn: Mutex::new(conn),
        })
    }

    pub fn open(dir: &Path, key: &KeyOptions) -> ServerResult<Self> {
        let text = fs::read(dir.join(META_FILE))
            .map_err(|_| ServerError::NotInitialized(dir.display().to_string()))?;
        let meta: ServerMeta = serde_json::from_slice(&text).map_err(|e| {
            ServerError::Internal(format!("{} is damaged: {e}", dir.join(META_FILE).display()))
        })?;
        let mut conn = open_encrypted_file(&dir.join(DB_FILE), &meta.server_id, &meta.key, key)?;
        embedded::migrations::runner()
            .run(&mut conn)
            .map_err(|e| ServerError::Internal(format!("migrating the server store: {e}")))?;
        Ok(SqliteStorage {
            dir: dir.to_owned(),
            conn: Mutex::new(conn),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Copies the store, still encrypted with its key, into a new folder under `to` that is itself a
    /// server data directory; returns that folder. Safe while the server runs: the copy is made inside
    /// one transaction.
    pub fn back_up(&self, to: &Path, now: DateTime<Utc>) -> ServerResult<PathBuf> {
        let folder = to.join(format!("clinic-server-{}", now.format("%Y%m%dT%H%M%SZ")));
        fs::create_dir_all(to).map_err(|e| io_error(to, &e))?;
        fs::create_dir(&folder).map_err(|e| io_error(&folder, &e))?;
        // The store's connection may not create files: the copy starts as an empty one.
        fs::File::create(folder.join(DB_FILE)).map_err(|e| io_error(&folder, &e))?;
        let copied = self.with(|conn| {
            // Attached without a key, SQLCipher gives the copy the store's own key.
            conn.execute(
                "ATTACH DATABASE ?1 AS copy",
                [folder.join(DB_FILE).display().to_string()],
            )?;
            let exported = conn.query_row("SELECT sqlcipher_export('copy')", [], |_| Ok(()));
            conn.execute("DETACH DATABASE copy", [])?;
            Ok(exported?)
        });
        let done = copied.and_then(|()| {
            fs::copy(self.dir.join(META_FILE), folder.join(META_FILE))
                .map(drop)
                .map_err(|e| io_error(&folder, &e))
        });
        if let Err(e) = done {
            let _ = fs::remove_dir_all(&folder);
            return Err(e);
        }
        Ok(folder)
    }

    /// Puts a backup made by [`SqliteStorage::back_up`] in place of the store in `dir` (the server
    /// stopped), keeping the store it replaces beside it, and gives the restored store a new epoch: its
    /// devices then send again what it lacks. The devices the replaced store knew are kept as they were
    /// there (credentials, which rotate, prefixes, revocations), with the backup's record of the changes
    /// it holds from each. Returns the restored store.
    pub fn restore(dir: &Path, from: &Path, key: &KeyOptions) -> ServerResult<Self> {
        // The backup must open with its key before anything is moved.
        drop(Self::open(from, key)?);
        let aside = dir.join(format!(
            "replaced-{}",
            Utc::now().format("%Y%m%dT%H%M%S%.3fZ")
        ));
        fs::create_dir_all(&aside).map_err(|e| io_error(&aside, &e))?;
        // The replaced store's log goes with it: replayed onto the backup, it would undo the restore.
        for file in [META_FILE, DB_FILE, "server.db-wal", "server.db-shm"] {
            let here = dir.join(file);
            if here.exists() {
                fs::rename(&here, aside.join(file)).map_err(|e| io_error(dir, &e))?;
            }
        }
        for file in [DB_FILE, META_FILE] {
            fs::copy(from.join(file), dir.join(file)).map_err(|e| io_error(dir, &e))?;
        }
        let replaced = Self::exists(&aside)
            .then(|| Self::open(&aside, key))
            .transpose()?;
        let devices = match &replaced {
            Some(replaced) => replaced.with(|conn| known_devices(conn))?,
            None => Vec::new(),
        };
        drop(replaced);
        let restored = Self::open(dir, key)?;
        restored.with(|conn| {
            let tx = conn.transaction()?;
            for device in &devices {
                tx.execute(
                    "INSERT INTO devices (id, name, prefix, credential_hash, previous_credential_hash,
                                          issued_credential, schema_version, paired_at, last_seen_at,
                                          revoked_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?10, ?6, ?7, ?8, ?9)
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name,
                         credential_hash = excluded.credential_hash,
                         previous_credential_hash = excluded.previous_credential_hash,
                         issued_credential = excluded.issued_credential,
                         last_seen_at = excluded.last_seen_at, revoked_at = excluded.revoked_at",
                    params![
                        device.id,
                        device.name,
                        device.prefix,
                        device.credential_hash,
                        device.previous_credential_hash,
                        device.schema_version,
                        device.paired_at,
                        device.last_seen_at,
                        device.revoked_at,
                        device.issued_credential
                    ],
                )?;
            }
            tx.execute(
                "UPDATE identity SET epoch = ?1",
                [uuid::Uuid::now_v7().to_string()],
            )?;
            tx.commit()?;
            Ok(())
        })?;
        Ok(restored)
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> ServerResult<T>) -> ServerResult<T> {
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut conn)
    }
}

impl ClinicStorage for SqliteStorage {
    fn identity(&self) -> ServerResult<Identity> {
        self.with(|conn| identity(conn))
    }

    fn tls_identity(&self) -> ServerResult<TlsIdentity> {
        self.with(|conn| {
            let (certificate, private_key): (Vec<u8>, Vec<u8>) =
                conn.query_row("SELECT certificate, private_key FROM identity", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            Ok(TlsIdentity::new(certificate, private_key))
        })
    }

    fn new_pairing_code(&self, now: DateTime<Utc>) -> ServerResult<PairingCode> {
        // No 0/O, 1/I/L: the code is read off one screen and typed on another.
        const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rng();
        let code: String = (0..10)
            .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
            .collect();
        let expires_at = now + PAIRING_CODE_LIFETIME;
        self.with(|conn| {
            conn.execute(
                "INSERT INTO pairing_codes (code_hash, created_at, expires_at) VALUES (?1, ?2, ?3)",
                params![digest(&code), stamp(now), stamp(expires_at)],
            )?;
            Ok(PairingCode {
                code: format!("{}-{}", &code[..5], &code[5..]),
                fingerprint: identity(conn)?.fingerprint,
                expires_at: stamp(expires_at),
            })
        })
    }

    fn pair(&self, request: &PairRequest, now: DateTime<Utc>) -> ServerResult<Paired> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            let recent_failures: i64 = tx.query_row(
                "SELECT count(*) FROM pairing_failures WHERE at > ?1",
                [stamp(now - Duration::minutes(1))],
                |r| r.get(0),
            )?;
            if recent_failures >= PAIRING_FAILURES_PER_MINUTE {
                return Err(ServerError::TooManyAttempts);
            }
            let code = normalized_code(&request.code);
            let usable: Option<String> = tx
                .query_row(
                    "SELECT code_hash FROM pairing_codes
                     WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                    params![digest(&code), stamp(now)],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(code_hash) = usable else {
                // The failure is counted even though the request is refused: commit it alone.
                tx.execute("INSERT INTO pairing_failures (at) VALUES (?1)", [stamp(now)])?;
                tx.commit()?;
                return Err(ServerError::Refused(
                    "this pairing code is wrong, used or expired: ask for a new one with `clinic-server pair`".into(),
                ));
            };
            check_schema(request.schema_version)?;
            let identity = identity(&tx)?;
            let clinic_id = match (&identity.clinic_id, &request.clinic_id) {
                (None, Some(brought)) => {
                    tx.execute("UPDATE identity SET clinic_id = ?1", [brought])?;
                    brought.clone()
                }
                (None, None) => {
                    return Err(ServerError::Refused(
                        "this clinic server has no clinic yet: pair the clinic's first computer with it (`clinic sync pair`) before others join".into(),
                    ));
                }
                (Some(served), Some(brought)) if served != brought => {
                    return Err(ServerError::Refused(
                        "this clinic server serves another clinic: a device of that clinic must pair with it, or join it as a new computer".into(),
                    ));
                }
                (Some(served), _) => served.clone(),
            };
            let (prefix, credential) = enrol(
                &tx,
                &NewDevice {
                    id: &request.device_id,
                    name: &request.device_name,
                    schema_version: request.schema_version,
                    applied_seq: applied_before(request.next_seq.unwrap_or(1))?,
                    // A store paired before goes on as this new device.
                    opening: request.next_seq.is_some(),
                },
                now,
            )?;
            tx.execute(
                "UPDATE pairing_codes SET used_at = ?1, used_by = ?2 WHERE code_hash = ?3",
                params![stamp(now), request.device_id, code_hash],
            )?;
            tx.commit()?;
            tracing::info!(device = %request.device_id, %prefix, "device paired");
            Ok(Paired {
                device_id: request.device_id.clone(),
                clinic_id,
                prefix,
                credential,
                epoch: identity.epoch,
                taken_through: None,
            })
        })
    }

    fn reenrol(
        &self,
        device_id: &str,
        request: &ReenrolRequest,
        now: DateTime<Utc>,
    ) -> ServerResult<Paired> {
        check_schema(request.schema_version)?;
        let applied_seq = applied_before(request.next_seq)?;
        self.with(|conn| {
            let tx = conn.transaction()?;
            let (prefix, credential) = enrol(
                &tx,
                &NewDevice {
                    id: &request.device_id,
                    name: &request.device_name,
                    schema_version: request.schema_version,
                    applied_seq,
                    opening: true,
                },
                now,
            )?;
            let taken_through: i64 = tx.query_row(
                "SELECT applied_seq FROM devices WHERE id = ?1",
                [device_id],
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE devices SET revoked_at = ?1 WHERE id = ?2",
                params![stamp(now), device_id],
            )?;
            let identity = identity(&tx)?;
            tx.commit()?;
            tracing::info!(previous = %device_id, device = %request.device_id, %prefix, "device re-enrolled");
            Ok(Paired {
                device_id: request.device_id.clone(),
                clinic_id: identity.clinic_id.unwrap_or_default(),
                prefix,
                credential,
                epoch: identity.epoch,
                taken_through: Some(taken_through),
            })
        })
    }

    fn exchange(&self, credential: &str, now: DateTime<Utc>) -> ServerResult<TokenAnswer> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            let presented = digest(credential);
            let found: Option<(String, Option<String>, bool, Option<String>)> = tx
                .prepare_cached(
                    "SELECT id, revoked_at, credential_hash = ?1, issued_credential FROM devices
                     WHERE credential_hash = ?1 OR previous_credential_hash = ?1",
                )?
                .query_row([&presented], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            let (device_id, current, issued) = match found {
                None => return Err(ServerError::Unauthorized),
                Some((_, Some(_), _, _)) => return Err(ServerError::Revoked),
                Some((id, None, current, issued)) => (id, current, issued),
            };
            // Presenting the current credential gives the next, and the one presented stays good as
            // "the one before" until the next is used. Presenting the one before (an answer lost on
            // the way, or two rounds at once) gives the same next again, so every copy agrees.
            let next = match (current, issued) {
                (false, Some(issued)) => issued,
                _ => {
                    let next = random_token();
                    tx.prepare_cached(
                        "UPDATE devices SET credential_hash = ?1, issued_credential = ?2,
                             previous_credential_hash = ?3
                         WHERE id = ?4",
                    )?
                    .execute(params![
                        digest(&next),
                        next,
                        presented,
                        device_id
                    ])?;
                    next
                }
            };
            tx.prepare_cached("UPDATE devices SET last_seen_at = ?1 WHERE id = ?2")?
                .execute(params![stamp(now), device_id])?;
            let access = random_token();
            let expires = now + ACCESS_TOKEN_LIFETIME;
            tx.prepare_cached("DELETE FROM access_tokens WHERE expires_at < ?1")?
                .execute([stamp(now)])?;
            tx.prepare_cached(
                "INSERT INTO access_tokens (token_hash, device_id, expires_at) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![digest(&access), device_id, stamp(expires)])?;
            tx.commit()?;
            Ok(TokenAnswer {
                access_token: access,
                expires_at: stamp(expires),
                credential: next,
            })
        })
    }

    fn authenticate(&self, access_token: &str, now: DateTime<Utc>) -> ServerResult<String> {
        self.with(|conn| {
            let found: Option<(String, Option<String>, String)> = conn
                .prepare_cached(
                    "SELECT d.id, d.revoked_at, t.expires_at
                     FROM access_tokens t JOIN devices d ON d.id = t.device_id
                     WHERE t.token_hash = ?1",
                )?
                .query_row([digest(access_token)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            match found {
                None => Err(ServerError::Unauthorized),
                Some((_, Some(_), _)) => Err(ServerError::Revoked),
                Some((_, None, expires)) if expires <= stamp(now) => Err(ServerError::TokenExpired),
                Some((id, None, _)) => {
                    conn.prepare_cached("UPDATE devices SET last_seen_at = ?1 WHERE id = ?2")?
                        .execute(params![stamp(now), id])?;
                    Ok(id)
                }
            }
        })
    }

    fn push(
        &self,
        device_id: &str,
        push: &PushRequest,
        now: DateTime<Utc>,
    ) -> ServerResult<PushAnswer> {
        check_schema(push.schema_version)?;
        self.with(|conn| {
            let tx = conn.transaction()?;
            let (mut applied, opening): (i64, bool) = tx.query_row(
                "SELECT applied_seq, opening FROM devices WHERE id = ?1",
                [device_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if let Some(first) = push.changes.first()
                && first.device_seq > applied + 1
            {
                // A re-enrolled device may have written between saying where it would start and
                // becoming the new device: its first push starts where its numbering did.
                if !opening {
                    return Err(ServerError::SequenceGap {
                        expected: applied + 1,
                    });
                }
                applied = first.device_seq - 1;
            }
            // A stamp far ahead is refused for the whole push and kept nowhere: the device keeps the
            // change and sends it again, and it is taken once the clinic's time has caught up.
            let ahead = push.changes.iter().any(|c| {
                c.device_seq > applied
                    && c.hlc.parse::<HlcStamp>().is_ok_and(|stamp| {
                        stamp.wall_ms > now.timestamp_millis() + MAX_CLOCK_AHEAD_MS
                    })
            });
            if ahead {
                return Err(ServerError::ClockAhead);
            }
            let mut results = Vec::with_capacity(push.changes.len());
            let mut through = applied;
            for (i, change) in push.changes.iter().enumerate() {
                if change.device_seq != push.changes[0].device_seq + i as i64 {
                    return Err(ServerError::BadRequest(
                        "a push holds one device's changes in order, without gaps".into(),
                    ));
                }
                if change.device_id != device_id {
                    return Err(ServerError::BadRequest(format!(
                        "change {} is another device's: a device pushes only its own changes",
                        change.device_seq
                    )));
                }
                if change.device_seq <= applied {
                    results.push(earlier_result(&tx, device_id, change)?);
                    continue;
                }
                let result = match take(&tx, device_id, change, push.seen_through)? {
                    Ok(after) => {
                        write_row(&tx, change, &after)?;
                        let server_seq = append_change(&tx, change, push.seen_through, now)?;
                        PushResult::Applied {
                            device_seq: change.device_seq,
                            server_seq,
                        }
                    }
                    Err(refusal) => refuse(&tx, device_id, change, refusal, now)?,
                };
                results.push(result);
                through = change.device_seq;
            }
            tx.execute(
                "UPDATE devices SET applied_seq = ?1, schema_version = ?2, opening = 0 WHERE id = ?3",
                params![through, push.schema_version, device_id],
            )?;
            let epoch = identity(&tx)?.epoch;
            tx.commit()?;
            Ok(PushAnswer { epoch, results })
        })
    }

    fn pull(&self, after: i64, limit: usize) -> ServerResult<PullAnswer> {
        self.with(|conn| {
            let epoch = identity(conn)?.epoch;
            let mut changes: Vec<PulledChange> = conn
                .prepare_cached(
                    "SELECT server_seq, seen_through, change_id, device_id, device_seq, hlc, table_name,
                            row_id, operation, fields, schema_version, user_id, recorded_at
                     FROM changes WHERE server_seq > ?1 ORDER BY server_seq LIMIT ?2",
                )?
                .query_map(
                    params![after, i64::try_from(limit).unwrap_or(i64::MAX) + 1],
                    pulled_change,
                )?
                .collect::<rusqlite::Result<_>>()?;
            let more = changes.len() > limit;
            changes.truncate(limit);
            let latest = conn.query_row("SELECT coalesce(max(server_seq), 0) FROM changes", [], |r| {
                r.get(0)
            })?;
            Ok(PullAnswer {
                epoch,
                changes,
                more,
                latest,
            })
        })
    }

    fn devices(&self) -> ServerResult<Vec<DeviceInfo>> {
        self.with(|conn| {
            Ok(conn
                .prepare(
                    "SELECT id, name, prefix, schema_version, applied_seq, paired_at, last_seen_at, revoked_at
                     FROM devices ORDER BY paired_at, id",
                )?
                .query_map([], |r| {
                    Ok(DeviceInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        prefix: r.get(2)?,
                        schema_version: r.get(3)?,
                        pushed_through: r.get(4)?,
                        paired_at: r.get(5)?,
                        last_seen_at: r.get(6)?,
                        revoked_at: r.get(7)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?)
        })
    }

    fn revoke(&self, device_id: &str, now: DateTime<Utc>) -> ServerResult<()> {
        self.with(|conn| {
            let changed = conn.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, ?1) WHERE id = ?2",
                params![stamp(now), device_id],
            )?;
            if changed == 0 {
                return Err(ServerError::BadRequest(format!(
                    "no device {device_id} on this server (see `clinic-server devices list`)"
                )));
            }
            Ok(())
        })
    }

    fn status(&self) -> ServerResult<ServerStatus> {
        self.with(|conn| {
            let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
            Ok(ServerStatus {
                identity: identity(conn)?,
                devices: count("SELECT count(*) FROM devices WHERE revoked_at IS NULL")?,
                changes: count("SELECT count(*) FROM changes")?,
                rows: count("SELECT count(*) FROM rows")?,
                last_change_at: conn.query_row(
                    "SELECT max(received_at) FROM changes",
                    [],
                    |r| r.get(0),
                )?,
            })
        })
    }

    fn digest(&self) -> ServerResult<ContentDigest> {
        self.with(|conn| {
            let mut digest = DigestBuilder::default();
            let mut rows = conn.prepare(
                "SELECT table_name, row_id, fields FROM rows ORDER BY table_name, row_id",
            )?;
            let mut rows = rows.query([])?;
            while let Some(row) = rows.next()? {
                let (table, row_id, fields): (String, String, String) =
                    (row.get(0)?, row.get(1)?, row.get(2)?);
                let fields = serde_json::from_str(&fields).unwrap_or_default();
                digest.add(&table, &row_id, &fields);
            }
            Ok(digest.finish())
        })
    }

    fn reachable(&self) -> bool {
        self.with(|conn| Ok(conn.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .is_ok()
    }
}

fn identity(conn: &Connection) -> ServerResult<Identity> {
    Ok(conn.query_row(
        "SELECT server_id, epoch, clinic_id, fingerprint FROM identity",
        [],
        |r| {
            Ok(Identity {
                server_id: r.get(0)?,
                epoch: r.get(1)?,
                clinic_id: r.get(2)?,
                fingerprint: r.get(3)?,
            })
        },
    )?)
}

fn check_schema(found: i64) -> ServerResult<()> {
    if found < OLDEST_SYNCING_SCHEMA {
        return Err(ServerError::DeviceTooOld {
            found,
            oldest: OLDEST_SYNCING_SCHEMA,
        });
    }
    if found > SCHEMA_VERSION {
        return Err(ServerError::DeviceTooNew {
            found,
            newest: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// The answer for a change pushed again: what became of it the first time. A different change under a
/// number the server already took means the device was put back to an earlier state (restored from a
/// backup): answering "duplicate" would lose it, so the whole push is refused.
fn earlier_result(
    tx: &Transaction<'_>,
    device_id: &str,
    change: &Change,
) -> ServerResult<PushResult> {
    let device_seq = change.device_seq;
    let taken: Option<(String, Option<i64>)> = tx
        .prepare_cached(
            "SELECT change_id, server_seq FROM changes WHERE device_id = ?1 AND device_seq = ?2
             UNION ALL
             SELECT change_id, NULL FROM rejected_changes WHERE device_id = ?1 AND device_seq = ?2",
        )?
        .query_row(params![device_id, device_seq], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match taken {
        Some((change_id, _)) if change_id != change.change_id => {
            Err(ServerError::DeviceRestored { device_seq })
        }
        Some((_, Some(server_seq))) => Ok(PushResult::Duplicate {
            device_seq,
            server_seq,
        }),
        Some((change_id, None)) => {
            let (code, reason, clashes_with): (String, String, Option<String>) = tx
                .prepare_cached(
                    "SELECT code, reason, clashes_with FROM rejected_changes WHERE change_id = ?1",
                )?
                .query_row([change_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(PushResult::Rejected {
                device_seq,
                reason,
                code,
                clashes_with,
                current: stored_row(tx, &change.table, &change.row_id)?,
            })
        }
        None => Ok(PushResult::Rejected {
            device_seq,
            reason: "this change was not kept by the server".into(),
            code: refusals::REFUSED.into(),
            clashes_with: None,
            current: stored_row(tx, &change.table, &change.row_id)?,
        }),
    }
}

/// The row as the change leaves it, when every check lets it be taken; else why not.
fn take(
    tx: &Transaction<'_>,
    device_id: &str,
    change: &Change,
    seen_through: i64,
) -> ServerResult<Result<ServerRow, Refusal>> {
    if let Err(refusal) = rules::check_shape(change) {
        return Ok(Err(refusal));
    }
    let before = stored_row(tx, &change.table, &change.row_id)?;
    if let Err(refusal) = rules::check_row_is_here(change, before.as_ref()) {
        return Ok(Err(refusal));
    }
    let after = after_change(before.as_ref(), change)?;
    if let Err(refusal) = rules::check_references(tx, change)? {
        return Ok(Err(refusal));
    }
    if let Err(refusal) = rules::check_author(tx, device_id, change)? {
        return Ok(Err(refusal));
    }
    if let Err(refusal) = rules::check_booking(tx, change, before.as_ref(), &after)? {
        return Ok(Err(refusal));
    }
    if let Err(refusal) = rules::check_merge(tx, change, before.as_ref(), &after)? {
        return Ok(Err(refusal));
    }
    if let Err(refusal) = rules::check_kept(change, before.as_ref(), &after) {
        return Ok(Err(refusal));
    }
    if let Err(refusal) = rules::check_signature(tx, change, before.as_ref(), &after, seen_through)?
    {
        return Ok(Err(refusal));
    }
    Ok(Ok(after))
}

/// Keeps a refused change and why, for the device that sent it again; a refused insert's row is
/// remembered so that changes referring to it are refused too. Answers with the row as the server
/// holds it, for the device to put back.
fn refuse(
    tx: &Transaction<'_>,
    device_id: &str,
    change: &Change,
    refusal: Refusal,
    now: DateTime<Utc>,
) -> ServerResult<PushResult> {
    tx.prepare_cached(
        "INSERT INTO rejected_changes (change_id, device_id, device_seq, change, reason, code,
                                       clashes_with, rejected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        change.change_id,
        device_id,
        change.device_seq,
        serde_json::to_string(change).unwrap_or_default(),
        refusal.reason,
        refusal.code,
        refusal.clashes_with,
        stamp(now)
    ])?;
    let current = stored_row(tx, &change.table, &change.row_id)?;
    if current.is_none() {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO refused_rows (row_id, table_name, change_id) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![change.row_id, change.table, change.change_id])?;
    }
    Ok(PushResult::Rejected {
        device_seq: change.device_seq,
        reason: refusal.reason,
        code: refusal.code.into(),
        clashes_with: refusal.clashes_with,
        current,
    })
}

/// A row as the server holds it, if it does.
fn stored_row(tx: &Connection, table: &str, row_id: &str) -> ServerResult<Option<ServerRow>> {
    let found: Option<(String, String)> = tx
        .prepare_cached("SELECT fields, clocks FROM rows WHERE table_name = ?1 AND row_id = ?2")?
        .query_row(params![table, row_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(found.map(|(fields, clocks)| ServerRow {
        fields: serde_json::from_str(&fields).unwrap_or_default(),
        clocks: serde_json::from_str(&clocks).unwrap_or_default(),
    }))
}

/// The row with the columns the change is newer for set (the same rule the devices apply).
fn after_change(before: Option<&ServerRow>, change: &Change) -> ServerResult<ServerRow> {
    let Some(before) = before else {
        return Ok(ServerRow {
            fields: change.fields.clone(),
            clocks: [("*".to_owned(), change.hlc.clone())].into(),
        });
    };
    let stamp: HlcStamp = change.hlc.parse().map_err(ServerError::BadRequest)?;
    let mut after = before.clone();
    for (column, value) in &change.fields {
        let clock = before
            .clocks
            .get(column)
            .or_else(|| before.clocks.get("*"))
            .and_then(|c| c.parse::<HlcStamp>().ok());
        if takes_column(clock.as_ref(), &stamp) {
            after.fields.insert(column.clone(), value.clone());
            after.clocks.insert(column.clone(), change.hlc.clone());
        }
    }
    Ok(after)
}

/// Writes the row as a taken change left it; an insert taken now is no longer a refused one.
fn write_row(tx: &Transaction<'_>, change: &Change, row: &ServerRow) -> ServerResult<()> {
    tx.prepare_cached(
        "INSERT INTO rows (table_name, row_id, fields, clocks) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (table_name, row_id) DO UPDATE SET fields = excluded.fields, clocks = excluded.clocks",
    )?
    .execute(params![
        change.table,
        change.row_id,
        serde_json::to_string(&row.fields).unwrap_or_default(),
        serde_json::to_string(&row.clocks).unwrap_or_default()
    ])?;
    if change.operation == Operation::Insert {
        tx.prepare_cached("DELETE FROM refused_rows WHERE row_id = ?1")?
            .execute([&change.row_id])?;
    }
    Ok(())
}

fn append_change(
    tx: &Transaction<'_>,
    change: &Change,
    seen_through: i64,
    now: DateTime<Utc>,
) -> ServerResult<i64> {
    tx.prepare_cached(
        "INSERT INTO changes (change_id, device_id, device_seq, seen_through, hlc, table_name, row_id,
                              operation, fields, schema_version, user_id, recorded_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        change.change_id,
        change.device_id,
        change.device_seq,
        seen_through,
        change.hlc,
        change.table,
        change.row_id,
        change.operation.as_str(),
        serde_json::Value::Object(change.fields.clone()).to_string(),
        change.schema_version,
        change.user_id,
        change.recorded_at,
        stamp(now)
    ])?;
    Ok(tx.last_insert_rowid())
}

fn pulled_change(r: &rusqlite::Row<'_>) -> rusqlite::Result<PulledChange> {
    let operation: String = r.get(8)?;
    let fields: String = r.get(9)?;
    Ok(PulledChange {
        server_seq: r.get(0)?,
        seen_through: r.get(1)?,
        change: Change {
            change_id: r.get(2)?,
            device_id: r.get(3)?,
            device_seq: r.get(4)?,
            hlc: r.get(5)?,
            table: r.get(6)?,
            row_id: r.get(7)?,
            operation: Operation::from_name(&operation).unwrap_or(Operation::Update),
            fields: serde_json::from_str(&fields).unwrap_or_default(),
            schema_version: r.get(10)?,
            user_id: r.get(11)?,
            recorded_at: r.get(12)?,
        },
    })
}

/// The next free number-series prefix: A, B, ..., Z, then AA, AB, ...
/// The device number a device has used up to, from the one its next change carries.
fn applied_before(next_seq: i64) -> ServerResult<i64> {
    if next_seq < 1 {
        return Err(ServerError::BadRequest(
            "nextSeq is the device number of the next change: 1 or more".into(),
        ));
    }
    Ok(next_seq - 1)
}

/// A device about to be enrolled.
struct NewDevice<'a> {
    id: &'a str,
    name: &'a str,
    schema_version: i64,
    /// The device number it has used up to (0 for a device new to the clinic).
    applied_seq: i64,
    /// Re-enrolled: its first push may start after `applied_seq`.
    opening: bool,
}

/// Enrols a device: the next free number-series prefix and a new credential (kept hashed). Returns both.
fn enrol(
    tx: &Transaction<'_>,
    device: &NewDevice<'_>,
    now: DateTime<Utc>,
) -> ServerResult<(String, String)> {
    let known = tx
        .prepare_cached("SELECT 1 FROM devices WHERE id = ?1")?
        .exists([device.id])?;
    if known {
        return Err(ServerError::Refused(
            "this device is paired already; a device restored from a backup goes on as a new device".into(),
        ));
    }
    let taken: Vec<String> = tx
        .prepare("SELECT prefix FROM devices")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let prefix = next_prefix(&taken);
    let credential = random_token();
    tx.execute(
        "INSERT INTO devices (id, name, prefix, credential_hash, issued_credential, schema_version,
                              paired_at, applied_seq, opening)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            device.id,
            device.name,
            prefix,
            digest(&credential),
            credential,
            device.schema_version,
            stamp(now),
            device.applied_seq,
            device.opening
        ],
    )?;
    Ok((prefix, credential))
}

/// A device as a store knows it, to carry over a restore.
struct KnownDevice {
    id: String,
    name: String,
    prefix: String,
    credential_hash: String,
    previous_credential_hash: Option<String>,
    issued_credential: Option<String>,
    schema_version: i64,
    paired_at: String,
    last_seen_at: Option<String>,
    revoked_at: Option<String>,
}

fn known_devices(conn: &Connection) -> ServerResult<Vec<KnownDevice>> {
    Ok(conn
        .prepare(
            "SELECT id, name, prefix, credential_hash, previous_credential_hash, schema_version,
                    paired_at, last_seen_at, revoked_at, issued_credential FROM devices",
        )?
        .query_map([], |r| {
            Ok(KnownDevice {
                id: r.get(0)?,
                name: r.get(1)?,
                prefix: r.get(2)?,
                credential_hash: r.get(3)?,
                previous_credential_hash: r.get(4)?,
                schema_version: r.get(5)?,
                paired_at: r.get(6)?,
                last_seen_at: r.get(7)?,
                revoked_at: r.get(8)?,
                issued_credential: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

fn next_prefix(taken: &[String]) -> String {
    // A, B, ... Z, AA, AB, ... ZZ, AAA, ...: as many as devices ever enrolled, so the search ends.
    let name = |mut n: usize| {
        let mut letters = Vec::new();
        loop {
            letters.push(b'A' + (n % 26) as u8);
            if n < 26 {
                break;
            }
            n = n / 26 - 1;
        }
        letters.reverse();
        String::from_utf8(letters).unwrap_or_default()
    };
    (0..=taken.len())
        .map(name)
        .find(|p| !taken.contains(p))
        .unwrap_or_default()
}

/// A code as typed: case, spaces and dashes aside.
fn normalized_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    hex::encode(bytes)
}

/// Credentials and codes are kept only as their SHA-256.
fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn stamp(at: DateTime<Utc>) -> String {
    clinic_store::format_instant(at)
}

fn io_error(dir: &Path, e: &std::io::Error) -> ServerError {
    ServerError::Internal(format!("{}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_go_from_a_to_z_then_two_letters_and_skip_those_taken() {
        let taken: Vec<String> = ["A", "B", "D"].map(String::from).to_vec();
        assert_eq!(next_prefix(&taken), "C");
        let all: Vec<String> = (b'A'..=b'Z').map(|c| char::from(c).to_string()).collect();
        assert_eq!(next_prefix(&all), "AA");
        assert_eq!(next_prefix(&[]), "A");
        let mut given = Vec::new();
        for _ in 0..26 + 26 * 26 {
            given.push(next_prefix(&given));
        }
        assert_eq!(given.last().map(String::as_str), Some("ZZ"));
        assert_eq!(next_prefix(&given), "AAA");
    }

    #[test]
    fn a_code_is_read_however_it_was_typed() {
        assert_eq!(normalized_code(" abcde-fgh23 "), "ABCDEFGH23");
    }
}
