//! The server's store: the clinic's rows kept generically, the ordered change log, the devices and
//! their credentials. Its logic is written once, over [`Db`]: the same statements run in SQLite
//! ([`crate::sqlite`]) or PostgreSQL ([`crate::postgres`]). The HTTP layer sees [`ClinicStorage`].

use chrono::{DateTime, Duration, Utc};
use clinic_store::protocol::{
    AuditChainHead, AuditPush, ClinicAuditPage, ClinicAuditQuery, DeviceInfo,
    OLDEST_SYNCING_SCHEMA, PairRequest, Paired, PullAnswer, PushAnswer, PushRequest, PushResult,
    ReenrolRequest, ServerRow, TokenAnswer, refusals,
};
use clinic_store::{
    Change, ContentDigest, DigestBuilder, HlcStamp, MAX_CLOCK_AHEAD_MS, Operation, PulledChange,
    SCHEMA_VERSION, takes_column,
};
use rand::Rng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, ChainCheck};
use crate::db::{Db, Row, Tx};
use crate::error::{ServerError, ServerResult};
use crate::rules::{self, PushScope, Refusal};
use crate::tls::TlsIdentity;
/// How long a pairing code works.
pub const PAIRING_CODE_LIFETIME: Duration = Duration::minutes(10);
/// How long an access token works.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::minutes(15);
/// Failed pairings allowed per minute, across all callers.
const PAIRING_FAILURES_PER_MINUTE: i64 = 10;

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
    /// Gives a new store its identity, its TLS certificate and its first epoch.
    fn initialize(&self, server_id: &str, now: DateTime<Utc>) -> ServerResult<()>;
    /// The devices the store knows, as they are, to carry over a restore.
    fn known_devices(&self) -> ServerResult<Vec<KnownDevice>>;
    /// After a restore: the devices the replaced store knew are kept as they were there (credentials,
    /// which rotate, prefixes, revocations), with the backup's record of the changes it holds from
    /// each; and the store gets a new epoch, so its devices send again what it lacks.
    fn carry_over(&self, devices: &[KnownDevice]) -> ServerResult<()>;
    /// The newest entry of a device's audit chain the server holds.
    fn audit_head(&self, device_id: &str) -> ServerResult<AuditChainHead>;
    /// Takes a device's next audit entries, which must continue its chain; returns the new head.
    fn push_audit(
        &self,
        device_id: &str,
        push: &AuditPush,
        now: DateTime<Utc>,
    ) -> ServerResult<AuditChainHead>;
    /// A page of the clinic's audit trail.
    fn clinic_audit(&self, query: &ClinicAuditQuery) -> ServerResult<ClinicAuditPage>;
    /// Every device's audit chain walked again (`clinic-server audit verify`).
    fn verify_audit(&self) -> ServerResult<Vec<ChainCheck>>;
}

/// The server's store in a database.
pub struct Storage<D: Db> {
    db: D,
}

impl<D: Db> Storage<D> {
    /// A store whose tables are made; [`ClinicStorage::initialize`] gives a new one its identity.
    pub fn new(db: D) -> Self {
        Storage { db }
    }

    pub fn db(&self) -> &D {
        &self.db
    }
}

impl<D: Db> ClinicStorage for Storage<D> {
    fn initialize(&self, server_id: &str, now: DateTime<Utc>) -> ServerResult<()> {
        let tls = TlsIdentity::generate()?;
        self.db.transaction(|tx| {
            tx.execute(
                "INSERT INTO identity (singleton, server_id, epoch, certificate, private_key,
                                       fingerprint, created_at)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
                &[
                    server_id.into(),
                    uuid::Uuid::now_v7().to_string().as_str().into(),
                    tls.certificate.as_slice().into(),
                    tls.private_key.as_slice().into(),
                    tls.fingerprint().as_str().into(),
                    stamp(now).as_str().into(),
                ],
            )?;
            Ok(())
        })
    }

    fn known_devices(&self) -> ServerResult<Vec<KnownDevice>> {
        self.db.transaction(|tx| {
            tx.query(
                "SELECT id, name, prefix, credential_hash, previous_credential_hash, schema_version,
                        paired_at, last_seen_at, revoked_at, issued_credential FROM devices",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(KnownDevice {
                    id: r.text(0)?,
                    name: r.text(1)?,
                    prefix: r.text(2)?,
                    credential_hash: r.text(3)?,
                    previous_credential_hash: r.opt_text(4),
                    schema_version: r.int(5)?,
                    paired_at: r.text(6)?,
                    last_seen_at: r.opt_text(7),
                    revoked_at: r.opt_text(8),
                    issued_credential: r.opt_text(9),
                })
            })
            .collect()
        })
    }

    fn carry_over(&self, devices: &[KnownDevice]) -> ServerResult<()> {
        self.db.transaction(|tx| {
            for device in devices {
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
                    &[
                        (&device.id).into(),
                        (&device.name).into(),
                        (&device.prefix).into(),
                        (&device.credential_hash).into(),
                        (&device.previous_credential_hash).into(),
                        device.schema_version.into(),
                        (&device.paired_at).into(),
                        (&device.last_seen_at).into(),
                        (&device.revoked_at).into(),
                        (&device.issued_credential).into(),
                    ],
                )?;
            }
            tx.execute(
                "UPDATE identity SET epoch = ?1",
                &[uuid::Uuid::now_v7().to_string().as_str().into()],
            )?;
            Ok(())
        })
    }

    fn identity(&self) -> ServerResult<Identity> {
        self.db.transaction(identity)
    }

    fn tls_identity(&self) -> ServerResult<TlsIdentity> {
        self.db.transaction(|tx| {
            let row = tx.one("SELECT certificate, private_key FROM identity", &[])?;
            Ok(TlsIdentity::new(row.bytes(0)?, row.bytes(1)?))
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
        self.db.transaction(|tx| {
            tx.execute(
                "INSERT INTO pairing_codes (code_hash, created_at, expires_at) VALUES (?1, ?2, ?3)",
                &[
                    digest(&code).as_str().into(),
                    stamp(now).as_str().into(),
                    stamp(expires_at).as_str().into(),
                ],
            )?;
            Ok(PairingCode {
                code: format!("{}-{}", &code[..5], &code[5..]),
                fingerprint: identity(tx)?.fingerprint,
                expires_at: stamp(expires_at),
            })
        })
    }

    fn pair(&self, request: &PairRequest, now: DateTime<Utc>) -> ServerResult<Paired> {
        let paired = self.db.transaction(|tx| {
            tx.lock_stream()?;
            let recent_failures = tx
                .one(
                    "SELECT count(*) FROM pairing_failures WHERE at > ?1",
                    &[stamp(now - Duration::minutes(1)).as_str().into()],
                )?
                .int(0)?;
            if recent_failures >= PAIRING_FAILURES_PER_MINUTE {
                return Err(ServerError::TooManyAttempts);
            }
            let code = normalized_code(&request.code);
            let usable = tx.query_row(
                "SELECT code_hash FROM pairing_codes
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                &[digest(&code).as_str().into(), stamp(now).as_str().into()],
            )?;
            let Some(code_hash) = usable.and_then(|row| row.opt_text(0)) else {
                return Ok(None);
            };
            check_schema(request.schema_version)?;
            let identity = identity(tx)?;
            let clinic_id = match (&identity.clinic_id, &request.clinic_id) {
                (None, Some(brought)) => {
                    tx.execute("UPDATE identity SET clinic_id = ?1", &[brought.into()])?;
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
                tx,
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
                &[
                    stamp(now).as_str().into(),
                    (&request.device_id).into(),
                    code_hash.as_str().into(),
                ],
            )?;
            tracing::info!(device = %request.device_id, %prefix, "device paired");
            Ok(Some(Paired {
                device_id: request.device_id.clone(),
                clinic_id,
                prefix,
                credential,
                epoch: identity.epoch,
                taken_through: None,
            }))
        })?;
        match paired {
            Some(paired) => Ok(paired),
            None => {
                // The failure is counted, in a transaction of its own, and the request refused.
                self.db.transaction(|tx| {
                    tx.execute(
                        "INSERT INTO pairing_failures (at) VALUES (?1)",
                        &[stamp(now).as_str().into()],
                    )
                })?;
                Err(ServerError::Refused(
                    "this pairing code is wrong, used or expired: ask for a new one with `clinic-server pair`".into(),
                ))
            }
        }
    }

    fn reenrol(
        &self,
        device_id: &str,
        request: &ReenrolRequest,
        now: DateTime<Utc>,
    ) -> ServerResult<Paired> {
        check_schema(request.schema_version)?;
        let applied_seq = applied_before(request.next_seq)?;
        self.db.transaction(|tx| {
            tx.lock_stream()?;
            let (prefix, credential) = enrol(
                tx,
                &NewDevice {
                    id: &request.device_id,
                    name: &request.device_name,
                    schema_version: request.schema_version,
                    applied_seq,
                    opening: true,
                },
                now,
            )?;
            let taken_through = tx
                .one(
                    "SELECT applied_seq FROM devices WHERE id = ?1",
                    &[device_id.into()],
                )?
                .int(0)?;
            tx.execute(
                "UPDATE devices SET revoked_at = ?1 WHERE id = ?2",
                &[stamp(now).as_str().into(), device_id.into()],
            )?;
            let identity = identity(tx)?;
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
        self.db.transaction(|tx| {
            // Two exchanges of one credential at once must give the same next one.
            tx.lock_stream()?;
            let presented = digest(credential);
            let found = tx.query_row(
                "SELECT id, revoked_at, credential_hash = ?1, issued_credential FROM devices
                 WHERE credential_hash = ?1 OR previous_credential_hash = ?1",
                &[presented.as_str().into()],
            )?;
            let Some(found) = found else {
                return Err(ServerError::Unauthorized);
            };
            if found.opt_text(1).is_some() {
                return Err(ServerError::Revoked);
            }
            let (device_id, current, issued) = (found.text(0)?, found.flag(2)?, found.opt_text(3));
            // Presenting the current credential gives the next, and the one presented stays good as
            // "the one before" until the next is used. Presenting the one before (an answer lost on
            // the way, or two rounds at once) gives the same next again, so every copy agrees.
            let next = match (current, issued) {
                (false, Some(issued)) => issued,
                _ => {
                    let next = random_token();
                    tx.execute(
                        "UPDATE devices SET credential_hash = ?1, issued_credential = ?2,
                             previous_credential_hash = ?3
                         WHERE id = ?4",
                        &[
                            digest(&next).as_str().into(),
                            next.as_str().into(),
                            presented.as_str().into(),
                            device_id.as_str().into(),
                        ],
                    )?;
                    next
                }
            };
            tx.execute(
                "UPDATE devices SET last_seen_at = ?1 WHERE id = ?2",
                &[stamp(now).as_str().into(), device_id.as_str().into()],
            )?;
            let access = random_token();
            let expires = now + ACCESS_TOKEN_LIFETIME;
            tx.execute(
                "DELETE FROM access_tokens WHERE expires_at < ?1",
                &[stamp(now).as_str().into()],
            )?;
            tx.execute(
                "INSERT INTO access_tokens (token_hash, device_id, expires_at) VALUES (?1, ?2, ?3)",
                &[
                    digest(&access).as_str().into(),
                    device_id.as_str().into(),
                    stamp(expires).as_str().into(),
                ],
            )?;
            Ok(TokenAnswer {
                access_token: access,
                expires_at: stamp(expires),
                credential: next,
            })
        })
    }

    fn authenticate(&self, access_token: &str, now: DateTime<Utc>) -> ServerResult<String> {
        self.db.transaction(|tx| {
            let found = tx.query_row(
                "SELECT d.id, d.revoked_at, t.expires_at
                 FROM access_tokens t JOIN devices d ON d.id = t.device_id
                 WHERE t.token_hash = ?1",
                &[digest(access_token).as_str().into()],
            )?;
            let Some(found) = found else {
                return Err(ServerError::Unauthorized);
            };
            if found.opt_text(1).is_some() {
                return Err(ServerError::Revoked);
            }
            if found.text(2)? <= stamp(now) {
                return Err(ServerError::TokenExpired);
            }
            let id = found.text(0)?;
            tx.execute(
                "UPDATE devices SET last_seen_at = ?1 WHERE id = ?2",
                &[stamp(now).as_str().into(), id.as_str().into()],
            )?;
            Ok(id)
        })
    }

    fn push(
        &self,
        device_id: &str,
        push: &PushRequest,
        now: DateTime<Utc>,
    ) -> ServerResult<PushAnswer> {
        check_schema(push.schema_version)?;
        self.db.transaction(|tx| {
            tx.lock_stream()?;
            let position = tx.one(
                "SELECT applied_seq, opening FROM devices WHERE id = ?1",
                &[device_id.into()],
            )?;
            let (mut applied, opening) = (position.int(0)?, position.flag(1)?);
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
            let mut scope = PushScope::begin(tx, device_id)?;
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
                    results.push(earlier_result(tx, device_id, change)?);
                    continue;
                }
                let result = match take(tx, &mut scope, device_id, change, push.seen_through)? {
                    Ok(after) => {
                        write_row(tx, &scope, change, &after)?;
                        scope.taken(change);
                        let server_seq = append_change(tx, change, push.seen_through, now)?;
                        PushResult::Applied {
                            device_seq: change.device_seq,
                            server_seq,
                        }
                    }
                    Err(refusal) => refuse(tx, &mut scope, device_id, change, refusal, now)?,
                };
                results.push(result);
                through = change.device_seq;
            }
            tx.execute(
                "UPDATE devices SET applied_seq = ?1, schema_version = ?2, opening = 0 WHERE id = ?3",
                &[
                    through.into(),
                    push.schema_version.into(),
                    device_id.into(),
                ],
            )?;
            let epoch = identity(tx)?.epoch;
            Ok(PushAnswer { epoch, results })
        })
    }

    fn pull(&self, after: i64, limit: usize) -> ServerResult<PullAnswer> {
        self.db.transaction(|tx| {
            let epoch = identity(tx)?.epoch;
            let mut changes: Vec<PulledChange> = tx
                .query(
                    "SELECT server_seq, seen_through, change_id, device_id, device_seq, hlc, table_name,
                            row_id, operation, fields, schema_version, user_id, recorded_at
                     FROM changes WHERE server_seq > ?1 ORDER BY server_seq LIMIT ?2",
                    &[
                        after.into(),
                        (i64::try_from(limit).unwrap_or(i64::MAX - 1) + 1).into(),
                    ],
                )?
                .iter()
                .map(pulled_change)
                .collect::<ServerResult<_>>()?;
            let more = changes.len() > limit;
            changes.truncate(limit);
            let latest = tx
                .one("SELECT coalesce(max(server_seq), 0) FROM changes", &[])?
                .int(0)?;
            Ok(PullAnswer {
                epoch,
                changes,
                more,
                latest,
            })
        })
    }

    fn devices(&self) -> ServerResult<Vec<DeviceInfo>> {
        self.db.transaction(|tx| {
            tx.query(
                "SELECT id, name, prefix, schema_version, applied_seq, paired_at, last_seen_at, revoked_at
                 FROM devices ORDER BY paired_at, id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(DeviceInfo {
                    id: r.text(0)?,
                    name: r.text(1)?,
                    prefix: r.text(2)?,
                    schema_version: r.int(3)?,
                    pushed_through: r.int(4)?,
                    paired_at: r.text(5)?,
                    last_seen_at: r.opt_text(6),
                    revoked_at: r.opt_text(7),
                })
            })
            .collect()
        })
    }

    fn revoke(&self, device_id: &str, now: DateTime<Utc>) -> ServerResult<()> {
        self.db.transaction(|tx| {
            let changed = tx.execute(
                "UPDATE devices SET revoked_at = coalesce(revoked_at, ?1) WHERE id = ?2",
                &[stamp(now).as_str().into(), device_id.into()],
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
        self.db.transaction(|tx| {
            let mut count = |sql: &str| tx.one(sql, &[])?.int(0);
            Ok(ServerStatus {
                devices: count("SELECT count(*) FROM devices WHERE revoked_at IS NULL")?,
                changes: count("SELECT count(*) FROM changes")?,
                rows: count("SELECT count(*) FROM rows")?,
                last_change_at: tx
                    .one("SELECT max(received_at) FROM changes", &[])?
                    .opt_text(0),
                identity: identity(tx)?,
            })
        })
    }

    fn digest(&self) -> ServerResult<ContentDigest> {
        // In pages: a clinic's rows need not all be in memory at once.
        self.db.transaction(|tx| {
            let mut digest = DigestBuilder::default();
            let (mut table, mut row_id) = (String::new(), String::new());
            loop {
                let rows = tx.query(
                    "SELECT table_name, row_id, fields FROM rows WHERE (table_name, row_id) > (?1, ?2)
                     ORDER BY table_name, row_id LIMIT 5000",
                    &[table.as_str().into(), row_id.as_str().into()],
                )?;
                let Some(last) = rows.last() else {
                    return Ok(digest.finish());
                };
                (table, row_id) = (last.text(0)?, last.text(1)?);
                for row in &rows {
                    let fields = serde_json::from_str(&row.text(2)?).unwrap_or_default();
                    digest.add(&row.text(0)?, &row.text(1)?, &fields);
                }
            }
        })
    }

    fn audit_head(&self, device_id: &str) -> ServerResult<AuditChainHead> {
        self.db.transaction(|tx| audit::head(tx, device_id))
    }

    fn push_audit(
        &self,
        device_id: &str,
        push: &AuditPush,
        now: DateTime<Utc>,
    ) -> ServerResult<AuditChainHead> {
        self.db.transaction(|tx| {
            // Two rounds of one device at once must not both append its next entry.
            tx.lock_stream()?;
            audit::take(tx, device_id, &push.entries, now)
        })
    }

    fn clinic_audit(&self, query: &ClinicAuditQuery) -> ServerResult<ClinicAuditPage> {
        self.db.transaction(|tx| audit::page(tx, query))
    }

    fn verify_audit(&self) -> ServerResult<Vec<ChainCheck>> {
        self.db.transaction(audit::verify)
    }

    fn reachable(&self) -> bool {
        self.db
            .transaction(|tx| tx.one("SELECT 1", &[])?.int(0))
            .is_ok()
    }
}

fn identity(tx: &mut dyn Tx) -> ServerResult<Identity> {
    let row = tx.one(
        "SELECT server_id, epoch, clinic_id, fingerprint FROM identity",
        &[],
    )?;
    Ok(Identity {
        server_id: row.text(0)?,
        epoch: row.text(1)?,
        clinic_id: row.opt_text(2),
        fingerprint: row.text(3)?,
    })
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
fn earlier_result(tx: &mut dyn Tx, device_id: &str, change: &Change) -> ServerResult<PushResult> {
    let device_seq = change.device_seq;
    let taken = tx.query_row(
        "SELECT change_id, server_seq FROM changes WHERE device_id = ?1 AND device_seq = ?2
         UNION ALL
         SELECT change_id, NULL FROM rejected_changes WHERE device_id = ?1 AND device_seq = ?2",
        &[device_id.into(), device_seq.into()],
    )?;
    let Some(taken) = taken else {
        return Ok(PushResult::Rejected {
            device_seq,
            reason: "this change was not kept by the server".into(),
            code: refusals::REFUSED.into(),
            clashes_with: None,
            current: stored_row(tx, &change.table, &change.row_id)?,
        });
    };
    let change_id = taken.text(0)?;
    if change_id != change.change_id {
        return Err(ServerError::DeviceRestored { device_seq });
    }
    if let Ok(server_seq) = taken.int(1) {
        return Ok(PushResult::Duplicate {
            device_seq,
            server_seq,
        });
    }
    let rejected = tx.one(
        "SELECT code, reason, clashes_with FROM rejected_changes WHERE change_id = ?1",
        &[change_id.as_str().into()],
    )?;
    Ok(PushResult::Rejected {
        device_seq,
        reason: rejected.text(1)?,
        code: rejected.text(0)?,
        clashes_with: rejected.opt_text(2),
        current: stored_row(tx, &change.table, &change.row_id)?,
    })
}

/// The row as the change leaves it, when every check lets it be taken; else why not.
fn take(
    tx: &mut dyn Tx,
    scope: &mut PushScope,
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
    if let Err(refusal) = rules::check_references(tx, scope, change)? {
        return Ok(Err(refusal));
    }
    if let Err(refusal) = rules::check_author(tx, scope, device_id, change)? {
        return Ok(Err(refusal));
    }
    if let Err(refusal) = rules::check_booking(tx, scope, change, before.as_ref(), &after)? {
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
    tx: &mut dyn Tx,
    scope: &mut PushScope,
    device_id: &str,
    change: &Change,
    refusal: Refusal,
    now: DateTime<Utc>,
) -> ServerResult<PushResult> {
    tx.execute(
        "INSERT INTO rejected_changes (change_id, device_id, device_seq, change, reason, code,
                                       clashes_with, rejected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            (&change.change_id).into(),
            device_id.into(),
            change.device_seq.into(),
            serde_json::to_string(change)
                .unwrap_or_default()
                .as_str()
                .into(),
            refusal.reason.as_str().into(),
            refusal.code.into(),
            (&refusal.clashes_with).into(),
            stamp(now).as_str().into(),
        ],
    )?;
    let current = stored_row(tx, &change.table, &change.row_id)?;
    if current.is_none() {
        scope.refused();
        tx.execute(
            "INSERT INTO refused_rows (row_id, table_name, change_id) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            &[
                (&change.row_id).into(),
                (&change.table).into(),
                (&change.change_id).into(),
            ],
        )?;
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
fn stored_row(tx: &mut dyn Tx, table: &str, row_id: &str) -> ServerResult<Option<ServerRow>> {
    let found = tx.query_row(
        "SELECT fields, clocks FROM rows WHERE table_name = ?1 AND row_id = ?2",
        &[table.into(), row_id.into()],
    )?;
    found
        .map(|row| {
            Ok(ServerRow {
                fields: serde_json::from_str(&row.text(0)?).unwrap_or_default(),
                clocks: serde_json::from_str(&row.text(1)?).unwrap_or_default(),
            })
        })
        .transpose()
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
fn write_row(
    tx: &mut dyn Tx,
    scope: &PushScope,
    change: &Change,
    row: &ServerRow,
) -> ServerResult<()> {
    tx.execute(
        "INSERT INTO rows (table_name, row_id, fields, clocks) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (table_name, row_id) DO UPDATE SET fields = excluded.fields, clocks = excluded.clocks",
        &[
            (&change.table).into(),
            (&change.row_id).into(),
            serde_json::to_string(&row.fields)
                .unwrap_or_default()
                .as_str()
                .into(),
            serde_json::to_string(&row.clocks)
                .unwrap_or_default()
                .as_str()
                .into(),
        ],
    )?;
    if change.operation == Operation::Insert && scope.any_refused() {
        tx.execute(
            "DELETE FROM refused_rows WHERE row_id = ?1",
            &[(&change.row_id).into()],
        )?;
    }
    Ok(())
}

/// Appends a taken change to the stream; returns its number there.
fn append_change(
    tx: &mut dyn Tx,
    change: &Change,
    seen_through: i64,
    now: DateTime<Utc>,
) -> ServerResult<i64> {
    tx.one(
        "INSERT INTO changes (change_id, device_id, device_seq, seen_through, hlc, table_name, row_id,
                              operation, fields, schema_version, user_id, recorded_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         RETURNING server_seq",
        &[
            (&change.change_id).into(),
            (&change.device_id).into(),
            change.device_seq.into(),
            seen_through.into(),
            (&change.hlc).into(),
            (&change.table).into(),
            (&change.row_id).into(),
            change.operation.as_str().into(),
            serde_json::Value::Object(change.fields.clone())
                .to_string()
                .as_str()
                .into(),
            change.schema_version.into(),
            (&change.user_id).into(),
            (&change.recorded_at).into(),
            stamp(now).as_str().into(),
        ],
    )?
    .int(0)
}

fn pulled_change(r: &Row) -> ServerResult<PulledChange> {
    Ok(PulledChange {
        server_seq: r.int(0)?,
        seen_through: r.int(1)?,
        change: Change {
            change_id: r.text(2)?,
            device_id: r.text(3)?,
            device_seq: r.int(4)?,
            hlc: r.text(5)?,
            table: r.text(6)?,
            row_id: r.text(7)?,
            operation: Operation::from_name(&r.text(8)?).unwrap_or(Operation::Update),
            fields: serde_json::from_str(&r.text(9)?).unwrap_or_default(),
            schema_version: r.int(10)?,
            user_id: r.opt_text(11),
            recorded_at: r.text(12)?,
        },
    })
}

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
    tx: &mut dyn Tx,
    device: &NewDevice<'_>,
    now: DateTime<Utc>,
) -> ServerResult<(String, String)> {
    if tx.exists("SELECT 1 FROM devices WHERE id = ?1", &[device.id.into()])? {
        return Err(ServerError::Refused(
            "this device is paired already; a device restored from a backup goes on as a new device".into(),
        ));
    }
    let taken: Vec<String> = tx
        .query("SELECT prefix FROM devices", &[])?
        .iter()
        .map(|row| row.text(0))
        .collect::<ServerResult<_>>()?;
    let prefix = next_prefix(&taken);
    let credential = random_token();
    tx.execute(
        "INSERT INTO devices (id, name, prefix, credential_hash, issued_credential, schema_version,
                              paired_at, applied_seq, opening)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        &[
            device.id.into(),
            device.name.into(),
            prefix.as_str().into(),
            digest(&credential).as_str().into(),
            credential.as_str().into(),
            device.schema_version.into(),
            stamp(now).as_str().into(),
            device.applied_seq.into(),
            device.opening.into(),
        ],
    )?;
    Ok((prefix, credential))
}

/// A device as a store knows it, to carry over a restore.
pub struct KnownDevice {
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
