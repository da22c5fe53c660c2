//! Changes between this device and the clinic server: the outbox read as changes to push, and the
//! second entry into the write path, for changes pulled from the server.
//!
//! A pulled change goes through [`WriteTx`] like a local one (same transaction, an audit entry naming
//! the device and user it came from) but writes no outbox record, keeps its own HLC and author, and
//! sets a column only when its HLC is newer than the column's ([`takes_column`], per-field
//! last-writer-wins). Where it meets an edit of this device's that was not pushed yet, both values are
//! kept in `conflicts` for a person to see, whichever won.

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, AuditContext, AuditEvent};
use crate::hlc::HlcStamp;
use crate::protocol::{Paired, PushResult, ServerRow, refusals};
use crate::store::Identity;
use crate::table::METADATA_COLUMNS;
use crate::write::Fields;
use crate::write::{Operation, WriteTx, value_to_json};
use crate::{Reader, Store, StoreError, StoreResult, Table, format_instant};

/// How far ahead of the clinic's time (this device's clock corrected by the server's) a pulled change's
/// stamp may be. The server refuses pushed changes further ahead than the same.
pub const MAX_CLOCK_AHEAD_MS: i64 = 5 * 60_000;

/// One change to one row, as the outbox records it and the server hands it on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Change {
    pub change_id: String,
    pub device_id: String,
    pub device_seq: i64,
    pub hlc: String,
    pub table: String,
    pub row_id: String,
    pub operation: Operation,
    /// The columns the change set, with their new values (blobs as `{"$hex": "..."}`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: serde_json::Map<String, serde_json::Value>,
    pub schema_version: i64,
    pub user_id: Option<String>,
    pub recorded_at: String,
}

/// A change in its place in the clinic's one ordered stream.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PulledChange {
    pub server_seq: i64,
    /// How far into the stream its device had pulled when it pushed the change: it had not seen
    /// anything after this.
    pub seen_through: i64,
    #[serde(flatten)]
    pub change: Change,
}

/// How this device reaches its clinic server: the address, the certificate it pins, its credential
/// and the server's epoch it last saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncLink {
    pub server_url: String,
    pub fingerprint: String,
    pub credential: String,
    pub epoch: String,
}

/// Where this device stands with the clinic server (no credential).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncState {
    pub server_url: Option<String>,
    pub fingerprint: Option<String>,
    pub paired_at: Option<String>,
    pub epoch: Option<String>,
    pub pull_cursor: i64,
    pub last_sync_at: Option<String>,
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
    /// How far the server's clock is ahead of this computer's (ms; negative: behind).
    pub clock_offset_ms: i64,
    /// Changes made here that the server has not taken yet.
    pub changes_waiting: i64,
    /// When this store was restored from a backup while paired: it re-enrols before its next push.
    pub restored_at: Option<String>,
    /// Conflicts and refused changes no one has resolved.
    pub needs_attention: i64,
    /// Joining its clinic and not all of it pulled yet.
    pub joining: bool,
}

/// What applying one page of pulled changes did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PageApplied {
    /// Changes that set at least one column.
    pub applied: usize,
    /// Changes already here: this device's own, one applied before, or one whose every column is
    /// newer here.
    pub unchanged: usize,
    /// Columns where the change met an unpushed edit of this device's (kept in `conflicts`).
    pub conflicts: usize,
    /// The stream position this device has now applied everything up to.
    pub cursor: i64,
}

/// The server's answer refusing one change.
struct Refused<'a> {
    reason: &'a str,
    code: &'a str,
    clashes_with: Option<&'a str>,
    current: Option<&'a ServerRow>,
}

/// Whether a remote write stamped `remote` takes a column last written at `local`: only a newer
/// stamp does, so every device ends with the same value whatever order the changes arrive in.
pub fn takes_column(local: Option<&HlcStamp>, remote: &HlcStamp) -> bool {
    local.is_none_or(|local| remote > local)
}

/// The per-column clocks of one row: the insert's stamp for every column not written since.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RowClocks {
    pub inserted: Option<HlcStamp>,
    pub columns: BTreeMap<String, HlcStamp>,
}

impl RowClocks {
    pub fn of(&self, column: &str) -> Option<&HlcStamp> {
        self.columns.get(column).or(self.inserted.as_ref())
    }

    /// The clocks of a row from their JSON form, `{"*": stamp, "column": stamp}`.
    pub fn from_json(json: &str) -> RowClocks {
        Self::parse(json, None)
    }

    fn parse(json: &str, row_hlc: Option<HlcStamp>) -> RowClocks {
        let mut clocks = RowClocks {
            inserted: row_hlc,
            columns: BTreeMap::new(),
        };
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(json) {
            for (column, stamp) in map {
                let Some(stamp) = stamp.as_str().and_then(|s| s.parse().ok()) else {
                    continue;
                };
                if column == "*" {
                    clocks.inserted = Some(stamp);
                } else {
                    clocks.columns.insert(column, stamp);
                }
            }
        }
        clocks
    }
}

impl Store {
    /// The changes the server has not acknowledged yet, oldest first.
    pub fn changes_to_push(&self, limit: usize) -> StoreResult<Vec<Change>> {
        self.read(|r| {
            r.query_all(
                &format!(
                    "SELECT {OUTBOX_CHANGE} FROM outbox
                     WHERE pushed_at IS NULL AND superseded_by IS NULL
                     ORDER BY device_seq LIMIT ?1"
                ),
                [i64::try_from(limit).unwrap_or(i64::MAX)],
                outbox_change,
            )
        })
    }

    /// This device's own changes after `device_seq`, pushed or not: what it sends again to a server
    /// that lost them (a new epoch). Only those made under its current identity: the server knows a
    /// re-enrolled device by its new id alone.
    pub fn outbox_history(&self, device_seq: i64, limit: usize) -> StoreResult<Vec<Change>> {
        self.read(|r| {
            r.query_all(
                &format!(
                    "SELECT {OUTBOX_CHANGE} FROM outbox
                     WHERE device_seq > ?1 AND device_id = (SELECT device_id FROM this_device)
                     ORDER BY device_seq LIMIT ?2"
                ),
                params![device_seq, i64::try_from(limit).unwrap_or(i64::MAX)],
                outbox_change,
            )
        })
    }

    /// Records the server's answer to a push, in one transaction: each change taken (applied now or
    /// before) gets its place in the stream; each refused one is kept in `conflicts` with the server's
    /// reason, for a person to see, and is not sent again. Applies to changes sent again after a new
    /// epoch too: their places are the new stream's.
    pub fn record_push(&self, results: &[PushResult]) -> StoreResult<()> {
        self.write(None, |tx| {
            let now = format_instant(tx.now());
            let mut through = 0;
            for result in results {
                let (device_seq, server_seq) = match result {
                    PushResult::Applied {
                        device_seq,
                        server_seq,
                    }
                    | PushResult::Duplicate {
                        device_seq,
                        server_seq,
                    } => (*device_seq, Some(*server_seq)),
                    PushResult::Rejected {
                        device_seq,
                        reason,
                        code,
                        clashes_with,
                        current,
                    } => {
                        let refused = tx
                            .tx
                            .prepare_cached(&format!(
                                "SELECT {OUTBOX_CHANGE} FROM outbox
                                 WHERE device_seq = ?1 AND pushed_at IS NULL"
                            ))?
                            .query_row([device_seq], outbox_change)
                            .optional()?;
                        if let Some(refused) = refused {
                            let answer = Refused {
                                reason,
                                code,
                                clashes_with: clashes_with.as_deref(),
                                current: current.as_ref(),
                            };
                            tx.put_back(&refused, &answer)?;
                        }
                        (*device_seq, None)
                    }
                };
                tx.tx
                    .prepare_cached(
                        "UPDATE outbox SET pushed_at = coalesce(pushed_at, ?1), server_seq = ?2
                         WHERE device_seq = ?3",
                    )?
                    .execute(params![now, server_seq, device_seq])?;
                through = through.max(device_seq);
            }
            tx.tx.execute(
                "UPDATE sync_state SET pushed_through_seq = max(pushed_through_seq, ?1)",
                [through],
            )?;
            Ok(())
        })
    }

    /// The clinic server this device is paired with, if it is.
    pub fn sync_link(&self) -> StoreResult<Option<SyncLink>> {
        self.read(|r| {
            r.query_opt(
                "SELECT server_url, fingerprint, credential, epoch FROM sync_state
                 WHERE credential IS NOT NULL",
                [],
                |row| {
                    Ok(SyncLink {
                        server_url: row.get(0)?,
                        fingerprint: row.get(1)?,
                        credential: row.get(2)?,
                        epoch: row.get(3)?,
                    })
                },
            )
        })
    }

    /// Pairs this device with a server (replacing any earlier pairing); the pull cursor starts again.
    pub fn link_to_server(&self, link: &SyncLink) -> StoreResult<()> {
        self.write(None, |tx| tx.link_to_server(link))
    }

    /// Marks this store as joining its clinic (until it has pulled all of it), or as done.
    pub fn set_joining(&self, joining: bool) -> StoreResult<()> {
        self.write(None, |tx| tx.set_joining(joining))
    }

    /// Keeps the device's next credential (each exchange for an access token gives one).
    pub fn renew_credential(&self, credential: &str) -> StoreResult<()> {
        self.write(None, |tx| {
            tx.tx
                .execute("UPDATE sync_state SET credential = ?1", [credential])?;
            Ok(())
        })
    }

    /// The server answers with a new epoch (it was restored or set up again): from here on the device
    /// follows the new stream from its start. Nothing held here is discarded; changes pulled before are
    /// recognised by their ids and skipped.
    pub fn follow_epoch(&self, epoch: &str) -> StoreResult<()> {
        self.write(None, |tx| {
            tx.tx
                .execute("UPDATE sync_state SET epoch = ?1, pull_cursor = 0", [epoch])?;
            Ok(())
        })
    }

    /// Notes how the last round with the server ended: None clears the last error.
    pub fn record_sync_outcome(&self, error: Option<&str>) -> StoreResult<()> {
        self.write(None, |tx| {
            let now = format_instant(tx.now());
            match error {
                None => tx.tx.execute(
                    "UPDATE sync_state SET last_sync_at = ?1, last_error = NULL, last_error_at = NULL",
                    [now],
                )?,
                Some(error) => tx.tx.execute(
                    "UPDATE sync_state SET last_error = ?1, last_error_at = ?2",
                    params![error, now],
                )?,
            };
            Ok(())
        })
    }

    /// Marks a store just restored from a backup, if it is paired: before it pushes again it must
    /// re-enrol, or it would number new changes with device numbers the server already holds.
    ///
    /// Until then it numbers patients and invoices under a provisional prefix of its own (its prefix,
    /// "R" and the restore's minute, five digits): the numbers after its backup's may already be on
    /// the server, and the server gives only letters.
    pub(crate) fn mark_restored(&self) -> StoreResult<()> {
        let old = self.identity();
        let provisional = self.write(None, |tx| {
            let minute = tx.now().timestamp() / 60 % 100_000;
            let provisional = format!("{}R{minute:05}", old.prefix);
            let paired = tx.tx.execute(
                "UPDATE sync_state SET restored_at = ?1, provisional_prefix = ?2,
                     restored_through = (SELECT next_device_seq - 1 FROM this_device)
                 WHERE credential IS NOT NULL",
                params![format_instant(tx.now()), provisional],
            )?;
            Ok::<_, StoreError>((paired > 0).then_some(provisional))
        })?;
        if let Some(prefix) = provisional {
            self.set_identity(Identity { prefix, ..old });
        }
        Ok(())
    }

    /// The next device number this store will use: a re-enrolled device starts there with the server.
    pub fn next_device_seq(&self) -> StoreResult<i64> {
        self.read(|r| {
            r.query_row("SELECT next_device_seq FROM this_device", [], |row| {
                row.get(0)
            })
        })
    }

    /// Becomes the new device the server enrolled (`paired`: its id, number-series prefix and
    /// credential), in one transaction: a device row of its own; every change not pushed yet made
    /// again as the new device's (the old record points at it); the new credential. Nothing written
    /// here is lost, and no device number is used twice.
    pub fn reenrol(&self, paired: &Paired, device_name: &str) -> StoreResult<usize> {
        let id: uuid::Uuid = paired
            .device_id
            .parse()
            .map_err(|_| StoreError::BadChange {
                change_id: String::new(),
                reason: "the server enrolled this device under an id that is not one".into(),
            })?;
        let renewed = self.write(None, |tx| {
            let old = tx.device.device_id.clone();
            tx.device = Identity {
                device_id: paired.device_id.clone(),
                prefix: paired.prefix.clone(),
            };
            tx.clock.rename(&paired.device_id);
            tx.tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            tx.tx
                .execute("UPDATE this_device SET device_id = ?1", [&paired.device_id])?;
            tx.insert_with_id(
                Table::Devices,
                id,
                Fields::new()
                    .set("name", device_name)
                    .set("prefix", paired.prefix.as_str()),
            )?;
            // What the backup held and the earlier device pushed after it reached the server
            // already: made again, it would come back with a new stamp over others' later edits.
            // What was written since the restore never left this computer.
            let restored_through: Option<i64> =
                tx.tx
                    .query_row("SELECT restored_through FROM sync_state", [], |r| r.get(0))?;
            if let (Some(taken), Some(held)) = (paired.taken_through, restored_through) {
                tx.tx.execute(
                    "UPDATE outbox SET pushed_at = ?1
                     WHERE device_id = ?2 AND device_seq <= ?3 AND pushed_at IS NULL
                       AND superseded_by IS NULL",
                    params![format_instant(tx.now()), old, taken.min(held)],
                )?;
            }
            let waiting: Vec<Change> = tx.reader().query_all(
                "SELECT change_id, device_id, device_seq, hlc, table_name, row_id, operation, fields,
                        schema_version, user_id, recorded_at
                 FROM outbox WHERE pushed_at IS NULL AND superseded_by IS NULL AND device_id = ?1
                 ORDER BY device_seq",
                [&old],
                outbox_change,
            )?;
            for change in &waiting {
                tx.make_again(change)?;
            }
            tx.tx.execute(
                "UPDATE sync_state SET credential = ?1, restored_at = NULL, provisional_prefix = NULL,
                     restored_through = NULL",
                [&paired.credential],
            )?;
            tx.audit(AuditEvent {
                action: "reenrolled".into(),
                entity: "device".into(),
                entity_id: Some(paired.device_id.clone()),
                details: Some(json!({ "previous": old, "changesMadeAgain": waiting.len() })),
                ..AuditEvent::default()
            })?;
            Ok::<_, StoreError>(waiting.len())
        })?;
        self.set_identity(Identity {
            device_id: paired.device_id.clone(),
            prefix: paired.prefix.clone(),
        });
        Ok(renewed)
    }

    /// Records how far the clinic server's clock is ahead of this computer's, as measured at a round:
    /// from now on this device stamps its changes on the server's time.
    pub fn set_clock_offset(&self, offset_ms: i64) -> StoreResult<()> {
        self.write(None, |tx| {
            tx.clock.set_offset(offset_ms);
            tx.tx
                .execute("UPDATE sync_state SET clock_offset_ms = ?1", [offset_ms])?;
            Ok(())
        })
    }

    /// Where this device stands with the clinic server.
    pub fn sync_state(&self) -> StoreResult<SyncState> {
        self.read(|r| {
            r.query_row(
                "SELECT server_url, fingerprint, paired_at, epoch, pull_cursor, last_sync_at, last_error,
                        last_error_at, clock_offset_ms,
                        (SELECT count(*) FROM outbox WHERE pushed_at IS NULL AND superseded_by IS NULL),
                        restored_at,
                        (SELECT count(*) FROM conflicts WHERE resolved_at IS NULL), joining
                 FROM sync_state",
                [],
                |row| {
                    Ok(SyncState {
                        server_url: row.get(0)?,
                        fingerprint: row.get(1)?,
                        paired_at: row.get(2)?,
                        epoch: row.get(3)?,
                        pull_cursor: row.get(4)?,
                        last_sync_at: row.get(5)?,
                        last_error: row.get(6)?,
                        last_error_at: row.get(7)?,
                        clock_offset_ms: row.get(8)?,
                        changes_waiting: row.get(9)?,
                        restored_at: row.get(10)?,
                        needs_attention: row.get(11)?,
                        joining: row.get(12)?,
                    })
                },
            )
        })
    }

    /// The stream position this device has applied everything up to.
    pub fn pull_cursor(&self) -> StoreResult<i64> {
        self.read(|r| r.query_row("SELECT pull_cursor FROM sync_state", [], |row| row.get(0)))
    }

    /// Applies one page of pulled changes and moves the cursor past it, in one transaction: a page cut
    /// short (a crash, a bad change) leaves neither its rows nor the cursor, so it is simply pulled
    /// again. Changes at or before the cursor are skipped.
    pub fn apply_pulled(&self, page: &[PulledChange]) -> StoreResult<PageApplied> {
        self.apply_pulled_at(chrono::Utc::now(), page)
    }

    /// [`Store::apply_pulled`] at the clinic's clock `now` (the one its other writes use).
    pub fn apply_pulled_at(
        &self,
        now: chrono::DateTime<chrono::Utc>,
        page: &[PulledChange],
    ) -> StoreResult<PageApplied> {
        self.write_at(now, None, |tx| {
            // A page holds parents before children, but a row may point at one later in the page.
            tx.tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
            let mut done = PageApplied {
                cursor: tx
                    .tx
                    .query_row("SELECT pull_cursor FROM sync_state", [], |r| r.get(0))?,
                ..PageApplied::default()
            };
            for pulled in page {
                if pulled.server_seq <= done.cursor {
                    continue;
                }
                let conflicts = tx.apply_remote(pulled)?;
                match conflicts {
                    Some(conflicts) => {
                        done.applied += 1;
                        done.conflicts += conflicts;
                    }
                    None => done.unchanged += 1,
                }
                done.cursor = pulled.server_seq;
            }
            tx.tx.execute(
                "UPDATE sync_state SET pull_cursor = ?1, last_sync_at = ?2",
                params![done.cursor, format_instant(tx.now())],
            )?;
            Ok(done)
        })
    }
}

impl WriteTx<'_> {
    /// Links this store to the clinic server. A joining computer's store is linked (and marked
    /// joining) in the transaction that creates it, so that no store exists that does not know where
    /// its clinic is coming from.
    pub fn link_to_server(&mut self, link: &SyncLink) -> StoreResult<()> {
        let now = format_instant(self.now());
        self.tx.execute(
            "UPDATE sync_state SET server_url = ?1, fingerprint = ?2, credential = ?3, epoch = ?4,
                 paired_at = ?5, pull_cursor = 0, last_error = NULL, last_error_at = NULL",
            params![
                link.server_url,
                link.fingerprint,
                link.credential,
                link.epoch,
                now
            ],
        )?;
        Ok(())
    }

    /// Marks this store as joining its clinic (until it has pulled all of it), or as done.
    pub fn set_joining(&mut self, joining: bool) -> StoreResult<()> {
        self.tx
            .execute("UPDATE sync_state SET joining = ?1", [joining])?;
        Ok(())
    }

    /// Makes an unpushed change of this device's earlier identity again as the current one's: a new
    /// change id, device number and stamp, the same row, columns and author. The row's columns take
    /// the new stamp, as the server will.
    fn make_again(&mut self, change: &Change) -> StoreResult<()> {
        let table = Table::from_name(&change.table).ok_or_else(|| StoreError::BadChange {
            change_id: change.change_id.clone(),
            reason: format!("no table {}", change.table),
        })?;
        let stamp = self.tick();
        let change_id = uuid::Uuid::now_v7().to_string();
        let device_seq: i64 = self.tx.query_row(
            "UPDATE this_device SET next_device_seq = next_device_seq + 1, last_hlc = ?1
             RETURNING next_device_seq - 1",
            [stamp.to_string()],
            |r| r.get(0),
        )?;
        self.tx.execute(
            "INSERT INTO outbox (device_seq, change_id, device_id, hlc, table_name, row_id, operation,
                                 fields, schema_version, user_id, recorded_at, source)
             SELECT ?1, ?2, ?3, ?4, table_name, row_id, operation, fields, schema_version, user_id,
                    recorded_at, source
             FROM outbox WHERE change_id = ?5",
            params![
                device_seq,
                change_id,
                self.device.device_id,
                stamp.to_string(),
                change.change_id
            ],
        )?;
        self.tx.execute(
            "UPDATE outbox SET superseded_by = ?1 WHERE change_id = ?2",
            params![change_id, change.change_id],
        )?;
        let columns: Vec<&str> = change.fields.keys().map(String::as_str).collect();
        self.stamp_columns(table, &change.row_id, &columns, &stamp)?;
        self.tx.execute(
            &format!(
                "UPDATE {} SET hlc = max(hlc, ?1) WHERE id = ?2",
                table.name()
            ),
            params![stamp.to_string(), change.row_id],
        )?;
        Ok(())
    }

    /// The clock stamp of a column's last write here (the row's insert, if never written since); None
    /// when the row is not here.
    pub fn column_stamp(
        &self,
        table: Table,
        row_id: &str,
        column: &str,
    ) -> StoreResult<Option<HlcStamp>> {
        Ok(self
            .row_state(table, row_id)?
            .and_then(|clocks| clocks.of(column).cloned()))
    }

    /// The rows of `table` inserted on other computers and pulled here since the last call; the next
    /// call starts after them. (Registrations to check for a record of the same person made here.)
    pub fn take_pulled_inserts(&mut self, table: Table) -> StoreResult<Vec<String>> {
        let after: i64 = self.tx.query_row(
            "SELECT duplicates_checked_through FROM sync_state",
            [],
            |r| r.get(0),
        )?;
        let rows: Vec<String> = self
            .tx
            .prepare_cached(
                "SELECT row_id FROM pulled_changes
                 WHERE seq > ?1 AND table_name = ?2 AND operation = 'insert' ORDER BY seq",
            )?
            .query_map(params![after, table.name()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        self.tx.execute(
            "UPDATE sync_state SET duplicates_checked_through =
                 (SELECT coalesce(max(seq), ?1) FROM pulled_changes)",
            [after],
        )?;
        Ok(rows)
    }

    /// Records, for a person to look at, that `row_id` (pulled) and `other` (made here) look like two
    /// records of one thing; once per pair, whichever way round. False when the pair was noted before.
    pub fn suggest_duplicate(
        &mut self,
        table: Table,
        row_id: &str,
        other: &str,
        code: &str,
    ) -> StoreResult<bool> {
        let noted = self
            .tx
            .prepare_cached(
                "SELECT 1 FROM conflicts WHERE kind = 'duplicate' AND table_name = ?1
                 AND ((row_id = ?2 AND clashes_with = ?3) OR (row_id = ?3 AND clashes_with = ?2))",
            )?
            .exists(params![table.name(), row_id, other])?;
        if noted {
            return Ok(false);
        }
        let id = uuid::Uuid::now_v7().to_string();
        self.tx
            .prepare_cached(
                "INSERT INTO conflicts (id, kind, table_name, row_id, code, clashes_with, detected_at)
                 VALUES (?1, 'duplicate', ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                id,
                table.name(),
                row_id,
                code,
                other,
                format_instant(self.now)
            ])?;
        let patient_id = self.patient_of_row(table, row_id)?;
        self.audit(AuditEvent {
            action: "suggest_merge".into(),
            entity: "conflicts".into(),
            entity_id: Some(id),
            patient_id,
            details: Some(json!({ "table": table.name(), "row": row_id, "with": other })),
        })?;
        Ok(true)
    }

    /// Marks a conflict or refused change resolved by this transaction's user; the write that resolves
    /// it, if any, is an ordinary change in the same transaction. False when it was resolved already.
    pub fn resolve_conflict(&mut self, id: &str) -> StoreResult<bool> {
        let row: Option<(String, String)> = self
            .tx
            .prepare_cached(
                "UPDATE conflicts SET resolved_at = ?1, resolved_by = ?2
                 WHERE id = ?3 AND resolved_at IS NULL RETURNING table_name, row_id",
            )?
            .query_row(params![format_instant(self.now), self.user_id, id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((table, row_id)) = row else {
            return Ok(false);
        };
        let patient_id = match Table::from_name(&table) {
            Some(table) => self.patient_of_row(table, &row_id)?,
            None => None,
        };
        self.audit(AuditEvent {
            action: "resolve".into(),
            entity: "conflicts".into(),
            entity_id: Some(id.to_owned()),
            patient_id,
            details: Some(json!({ "table": table, "row": row_id })),
        })?;
        Ok(true)
    }

    /// What this device does with a change the server refused: the columns it set and nothing here
    /// has written since go back to the server's values (the server's row, with its clocks), so this
    /// device holds what every other one does; the refused values are kept in `conflicts` with the
    /// server's reason for a person to resolve. A row the server does not have stays as it is here
    /// (nothing is deleted), once in `conflicts` however many of its changes are refused.
    fn put_back(&mut self, refused: &Change, answer: &Refused<'_>) -> StoreResult<()> {
        let now = format_instant(self.now);
        let table = Table::from_name(&refused.table).ok_or_else(|| StoreError::BadChange {
            change_id: refused.change_id.clone(),
            reason: format!("no table {}", refused.table),
        })?;
        let row = self.row_state(table, &refused.row_id)?;
        // The server's value of each column the change set; a column its row does not hold (an insert
        // leaves out what it does not set) has the schema's default there, or nothing.
        let server_values: Option<serde_json::Map<String, serde_json::Value>> = match answer.current
        {
            None => None,
            Some(current) => {
                let defaults = crate::recorded::column_defaults(&self.reader(), table)?;
                Some(
                    refused
                        .fields
                        .keys()
                        .map(|c| {
                            let value = current.fields.get(c).or_else(|| defaults.get(c));
                            (c.clone(), value.cloned().unwrap_or(serde_json::Value::Null))
                        })
                        .collect(),
                )
            }
        };
        let mut put_back: Vec<String> = Vec::new();
        if let (Some(current), Some(values), Some(clocks)) = (answer.current, &server_values, &row)
        {
            let refused_at: Option<HlcStamp> = refused.hlc.parse().ok();
            let mut columns: Vec<(&str, Value, HlcStamp)> = Vec::new();
            for (column, value) in values {
                let value = json_to_value(value).ok_or_else(|| StoreError::BadChange {
                    change_id: refused.change_id.clone(),
                    reason: format!("the server's {column} holds a value of no column type"),
                })?;
                let server_clock = current
                    .clocks
                    .get(column)
                    .or_else(|| current.clocks.get("*"))
                    .and_then(|c| c.parse::<HlcStamp>().ok());
                // Put back only what this change wrote last: a later edit here stands (it is sent on).
                let Some(clock) = server_clock.filter(|_| clocks.of(column) == refused_at.as_ref())
                else {
                    continue;
                };
                if self.refers_to_missing_row(table, column, &value)? {
                    // The server's value is a row this device has not pulled yet (another computer's
                    // merge moved it there): the pull brings it, and the change that set it, at once.
                    // Till then the column's clock is the lowest, so that change takes it.
                    let lowest = HlcStamp {
                        wall_ms: 0,
                        counter: 0,
                        node: self.device.device_id.clone(),
                    };
                    self.stamp_columns(table, &refused.row_id, &[column], &lowest)?;
                    continue;
                }
                columns.push((column, value, clock));
            }
            if !columns.is_empty() {
                // One statement, so the row's checks hold of the whole (a signature's three columns).
                let assignments: Vec<String> = columns
                    .iter()
                    .enumerate()
                    .map(|(i, (c, _, _))| format!("{c} = ?{}", i + 2))
                    .collect();
                let mut params: Vec<Value> = vec![Value::Text(refused.row_id.clone())];
                params.extend(columns.iter().map(|(_, v, _)| v.clone()));
                // A refused signature makes the note a draft again: its trigger lets this write through.
                self.tx
                    .execute("UPDATE sync_state SET putting_back = 1", [])?;
                self.tx.execute(
                    &format!(
                        "UPDATE {} SET {} WHERE id = ?1",
                        table.name(),
                        assignments.join(", ")
                    ),
                    params_from_iter(params.iter()),
                )?;
                self.tx
                    .execute("UPDATE sync_state SET putting_back = 0", [])?;
                for (column, _, clock) in &columns {
                    self.stamp_columns(table, &refused.row_id, &[column], clock)?;
                    put_back.push((*column).to_owned());
                }
            }
            // An edit of another computer's that this refused value had won against stands after all.
            self.tx
                .prepare_cached(
                    "UPDATE conflicts SET resolved_at = ?1
                     WHERE kind = 'overwritten' AND table_name = ?2 AND row_id = ?3 AND local_hlc = ?4
                       AND resolved_at IS NULL",
                )?
                .execute(params![now, refused.table, refused.row_id, refused.hlc])?;
        }
        let settled = refusals::SETTLED_BY_PUT_BACK.contains(&answer.code);
        // No longer among the changes the row's values add up to: put back to the server's, or (a
        // settled refusal of a row the server does not have) left here, outside what is shared.
        if answer.current.is_some() || settled {
            self.tx
                .prepare_cached("UPDATE outbox SET put_back_at = ?1 WHERE change_id = ?2")?
                .execute(params![now, refused.change_id])?;
        }
        let folded = answer.current.is_none()
            && self
                .tx
                .prepare_cached(
                    "SELECT 1 FROM conflicts WHERE kind = 'rejected' AND table_name = ?1 AND row_id = ?2
                     AND resolved_at IS NULL",
                )?
                .exists(params![refused.table, refused.row_id])?;
        if !folded {
            self.tx
                .prepare_cached(
                    "INSERT INTO conflicts (id, kind, table_name, row_id, local_value, remote_value,
                                            local_hlc, reason, code, clashes_with, detected_at,
                                            local_user_id, resolved_at)
                     VALUES (?1, 'rejected', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,
                             CASE WHEN ?12 THEN ?10 END)",
                )?
                .execute(params![
                    uuid::Uuid::now_v7().to_string(),
                    refused.table,
                    refused.row_id,
                    serde_json::Value::Object(refused.fields.clone()).to_string(),
                    server_values
                        .as_ref()
                        .map(|v| serde_json::Value::Object(v.clone()).to_string()),
                    refused.hlc,
                    answer.reason,
                    answer.code,
                    answer.clashes_with,
                    now,
                    refused.user_id,
                    settled,
                ])?;
        }
        let patient_id = self.patient_of_row(table, &refused.row_id)?;
        let device_id = self.device.device_id.clone();
        audit::append(
            &self.tx,
            &AuditContext {
                at: &now,
                user_id: refused.user_id.as_deref(),
                device_id: &device_id,
            },
            &AuditEvent {
                action: "refused".into(),
                entity: table.name().to_owned(),
                entity_id: Some(refused.row_id.clone()),
                patient_id,
                details: Some(json!({
                    "source": "sync",
                    "change": refused.change_id,
                    "code": answer.code,
                    "putBack": put_back,
                })),
            },
        )?;
        Ok(())
    }

    /// Whether `value` of `table.column` refers to a row (by the column's foreign key) that is not here.
    fn refers_to_missing_row(
        &self,
        table: Table,
        column: &str,
        value: &Value,
    ) -> StoreResult<bool> {
        let Value::Text(id) = value else {
            return Ok(false);
        };
        let target: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT \"table\" FROM pragma_foreign_key_list(?1) WHERE \"from\" = ?2",
            )?
            .query_row(params![table.name(), column], |r| r.get(0))
            .optional()?;
        let Some(target) = target else {
            return Ok(false);
        };
        let here = self
            .tx
            .prepare_cached(&format!("SELECT 1 FROM \"{target}\" WHERE id = ?1"))?
            .exists([id])?;
        Ok(!here)
    }

    /// Applies one change pulled from the server. Returns None when it changed nothing here, else the
    /// number of conflicts it recorded.
    fn apply_remote(&mut self, pulled: &PulledChange) -> StoreResult<Option<usize>> {
        let change = &pulled.change;
        let bad = |reason: String| StoreError::BadChange {
            change_id: change.change_id.clone(),
            reason,
        };
        let table = Table::from_name(&change.table)
            .ok_or_else(|| bad(format!("no table {}", change.table)))?;
        let remote: HlcStamp = change.hlc.parse().map_err(bad)?;
        // A stamp far ahead would drag this device's clock (and every change it makes) with it.
        let ahead = remote.wall_ms - self.clock.physical(self.now.timestamp_millis());
        if ahead > MAX_CLOCK_AHEAD_MS {
            return Err(StoreError::ClockAhead {
                minutes: ahead / 60_000,
            });
        }
        let fields = self.remote_fields(table, change)?;
        // This device's own (under any identity it had) or applied before.
        let seen = change.device_id == self.device.device_id
            || self
                .tx
                .prepare_cached(
                    "SELECT 1 FROM pulled_changes WHERE change_id = ?1
                     UNION ALL SELECT 1 FROM outbox WHERE change_id = ?1",
                )?
                .exists([&change.change_id])?;
        // The device clock moves past every stamp it has seen, so its next edit sorts after this one.
        let stamp = self.clock.observe(&remote, self.now.timestamp_millis());
        self.tx
            .prepare_cached("UPDATE this_device SET last_hlc = ?1")?
            .execute([stamp.to_string()])?;
        if seen {
            return Ok(None);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO pulled_changes (server_seq, change_id, device_id, device_seq, hlc, table_name,
                     row_id, operation, fields, schema_version, user_id, recorded_at, applied_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                pulled.server_seq,
                change.change_id,
                change.device_id,
                change.device_seq,
                change.hlc,
                change.table,
                change.row_id,
                change.operation.as_str(),
                serde_json::Value::Object(change.fields.clone()).to_string(),
                change.schema_version,
                change.user_id,
                change.recorded_at,
                format_instant(self.now),
            ])?;

        let row = self.row_state(table, &change.row_id)?;
        let (taken, conflicts) = match row {
            None if change.operation == Operation::Insert => {
                self.insert_remote(table, change, &remote, &fields)?;
                (fields.iter().map(|(c, _)| c.clone()).collect(), 0)
            }
            None => {
                return Err(bad(format!(
                    "{} {} is not on this device",
                    change.table, change.row_id
                )));
            }
            Some(clocks) => self.merge_remote(table, pulled, &remote, &fields, &clocks)?,
        };
        if taken.is_empty() {
            return Ok(None);
        }
        let patient_id = self.patient_of_row(table, &change.row_id)?;
        let at = format_instant(self.now);
        audit::append(
            &self.tx,
            &AuditContext {
                at: &at,
                user_id: change.user_id.as_deref(),
                device_id: &change.device_id,
            },
            &AuditEvent {
                action: change.operation.as_str().to_owned(),
                entity: table.name().to_owned(),
                entity_id: Some(change.row_id.clone()),
                patient_id,
                details: Some(json!({
                    "source": "sync",
                    "change": change.change_id,
                    "recordedAt": change.recorded_at,
                    "fields": taken,
                })),
            },
        )?;
        Ok(Some(conflicts))
    }

    /// The change's columns as SQL values, checked against this device's schema: unknown tables,
    /// columns and metadata other than `archived_at` are refused.
    fn remote_fields(&self, table: Table, change: &Change) -> StoreResult<Vec<(String, Value)>> {
        let known = self
            .shared
            .columns
            .get(&table)
            .map(Vec::as_slice)
            .unwrap_or_default();
        change
            .fields
            .iter()
            .map(|(column, value)| {
                let metadata = METADATA_COLUMNS.contains(&column.as_str());
                if (metadata && column != "archived_at") || !known.iter().any(|k| k == column) {
                    return Err(StoreError::UnknownColumn {
                        table: table.name(),
                        column: column.clone(),
                    });
                }
                let value = json_to_value(value).ok_or_else(|| StoreError::BadChange {
                    change_id: change.change_id.clone(),
                    reason: format!("{column} holds a value of no column type"),
                })?;
                Ok((column.clone(), value))
            })
            .collect()
    }

    /// The row's per-column clocks, or None when the row is not here.
    fn row_state(&self, table: Table, row_id: &str) -> StoreResult<Option<RowClocks>> {
        let sql = format!(
            "SELECT t.hlc, c.clocks FROM {} t
             LEFT JOIN row_clocks c ON c.table_name = ?1 AND c.row_id = t.id
             WHERE t.id = ?2",
            table.name()
        );
        let found: Option<(String, Option<String>)> = self
            .tx
            .prepare_cached(&sql)?
            .query_row(params![table.name(), row_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(found.map(|(row_hlc, clocks)| {
            RowClocks::parse(clocks.as_deref().unwrap_or("{}"), row_hlc.parse().ok())
        }))
    }

    fn insert_remote(
        &mut self,
        table: Table,
        change: &Change,
        remote: &HlcStamp,
        fields: &[(String, Value)],
    ) -> StoreResult<()> {
        let author = change.user_id.clone().map_or(Value::Null, Value::Text);
        let mut columns: Vec<&str> = METADATA_COLUMNS[..6].to_vec();
        let mut values = vec![
            Value::Text(change.row_id.clone()),
            Value::Text(change.recorded_at.clone()),
            author.clone(),
            Value::Text(change.recorded_at.clone()),
            author,
            Value::Text(remote.to_string()),
        ];
        for (column, value) in fields {
            columns.push(column);
            values.push(value.clone());
        }
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name(),
            columns.join(", "),
            vec!["?"; columns.len()].join(", ")
        );
        self.tx
            .prepare_cached(&sql)?
            .execute(params_from_iter(values.iter()))?;
        self.tx
            .prepare_cached(
                "INSERT INTO row_clocks (table_name, row_id, clocks) VALUES (?1, ?2, json_object('*', ?3))",
            )?
            .execute(params![table.name(), change.row_id, remote.to_string()])?;
        Ok(())
    }

    /// Sets the columns the change is newer for; records a conflict wherever it met an unpushed local
    /// edit the change's device had not seen. Returns the columns taken and the number of conflicts.
    fn merge_remote(
        &mut self,
        table: Table,
        pulled: &PulledChange,
        remote: &HlcStamp,
        fields: &[(String, Value)],
        clocks: &RowClocks,
    ) -> StoreResult<(Vec<String>, usize)> {
        let change = &pulled.change;
        let mut taken: Vec<&(String, Value)> = Vec::new();
        let mut conflicts = 0;
        for field in fields {
            let local = clocks.of(&field.0);
            if local == Some(remote) {
                continue;
            }
            let takes = takes_column(local, remote);
            if let Some(local) = local.filter(|l| self.unseen_by(pulled, l))
                && self.record_conflict(table, change, field, local, remote, takes)?
            {
                conflicts += 1;
            }
            if takes {
                taken.push(field);
            }
        }
        if taken.is_empty() {
            return Ok((Vec::new(), conflicts));
        }
        let n = taken.len();
        let assignments: Vec<String> = taken
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = ?{}", i + 1))
            .collect();
        // The row's metadata is that of its newest change, so every device ends with the same.
        let (stamp, at, by, id) = (n + 1, n + 2, n + 3, n + 4);
        let sql = format!(
            "UPDATE {} SET {},
                 updated_at = CASE WHEN ?{stamp} > hlc THEN ?{at} ELSE updated_at END,
                 updated_by = CASE WHEN ?{stamp} > hlc THEN ?{by} ELSE updated_by END,
                 hlc = max(hlc, ?{stamp})
             WHERE id = ?{id}",
            table.name(),
            assignments.join(", ")
        );
        let mut values: Vec<Value> = taken.iter().map(|(_, v)| v.clone()).collect();
        values.extend([
            Value::Text(remote.to_string()),
            Value::Text(change.recorded_at.clone()),
            change.user_id.clone().map_or(Value::Null, Value::Text),
            Value::Text(change.row_id.clone()),
        ]);
        self.tx.execute(&sql, params_from_iter(values.iter()))?;
        let columns: Vec<&str> = taken.iter().map(|(c, _)| c.as_str()).collect();
        self.stamp_columns(table, &change.row_id, &columns, remote)?;
        Ok((columns.iter().map(|c| (*c).to_owned()).collect(), conflicts))
    }

    /// Whether `stamp` is an edit of this device's that the pulled change's device had not seen when it
    /// pushed: not pushed yet, or put in the stream after what that device had pulled.
    fn unseen_by(&self, pulled: &PulledChange, stamp: &HlcStamp) -> bool {
        if stamp.node != self.device.device_id {
            return false;
        }
        let place: Option<Option<i64>> = self
            .tx
            .prepare_cached(
                "SELECT server_seq FROM outbox WHERE table_name = ?1 AND row_id = ?2 AND hlc = ?3",
            )
            .and_then(|mut s| {
                s.query_row(
                    params![pulled.change.table, pulled.change.row_id, stamp.to_string()],
                    |r| r.get(0),
                )
                .optional()
            })
            .unwrap_or(None);
        match place {
            None => false,
            Some(None) => true,
            Some(Some(server_seq)) => server_seq > pulled.seen_through,
        }
    }

    /// Keeps both values of a column edited here (unpushed) and on another device, whichever won.
    /// Returns false when both set the same value: nothing was lost.
    fn record_conflict(
        &mut self,
        table: Table,
        change: &Change,
        (column, remote_value): &(String, Value),
        local: &HlcStamp,
        remote: &HlcStamp,
        remote_won: bool,
    ) -> StoreResult<bool> {
        let sql = format!("SELECT {column} FROM {} WHERE id = ?1", table.name());
        let local_value: Value = self
            .tx
            .prepare_cached(&sql)?
            .query_row([&change.row_id], |r| r.get(0))?;
        if local_value == *remote_value {
            return Ok(false);
        }
        self.tx
            .prepare_cached(
                "INSERT INTO conflicts (id, kind, table_name, row_id, field, local_value, remote_value,
                                        local_hlc, remote_hlc, reason, detected_at, local_user_id,
                                        remote_user_id)
                 VALUES (?1, 'overwritten', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                         (SELECT user_id FROM outbox WHERE hlc = ?7), ?11)",
            )?
            .execute(params![
                uuid::Uuid::now_v7().to_string(),
                table.name(),
                change.row_id,
                column,
                value_to_json(&local_value).to_string(),
                value_to_json(remote_value).to_string(),
                local.to_string(),
                remote.to_string(),
                if remote_won {
                    "the other device's edit is newer"
                } else {
                    "this device's edit is newer"
                },
                format_instant(self.now),
                change.user_id,
            ])?;
        Ok(true)
    }
}

/// A column value from its JSON form in a change; None for JSON no column holds (arrays, objects
/// other than `{"$hex": ...}`, numbers out of range).
fn json_to_value(json: &serde_json::Value) -> Option<Value> {
    Some(match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().filter(|f| f.is_finite())?),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Object(map) if map.len() == 1 => {
            Value::Blob(hex::decode(map.get("$hex")?.as_str()?).ok()?)
        }
        _ => return None,
    })
}

/// The outbox columns [`outbox_change`] reads.
const OUTBOX_CHANGE: &str = "change_id, device_id, device_seq, hlc, table_name, row_id, operation, \
     fields, schema_version, user_id, recorded_at";

fn outbox_change(row: &rusqlite::Row<'_>) -> rusqlite::Result<Change> {
    let operation: String = row.get(6)?;
    let fields: String = row.get(7)?;
    Ok(Change {
        change_id: row.get(0)?,
        device_id: row.get(1)?,
        device_seq: row.get(2)?,
        hlc: row.get(3)?,
        table: row.get(4)?,
        row_id: row.get(5)?,
        operation: Operation::from_name(&operation).unwrap_or(Operation::Update),
        fields: match serde_json::from_str(&fields) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        },
        schema_version: row.get(8)?,
        user_id: row.get(9)?,
        recorded_at: row.get(10)?,
    })
}

/// Every change behind one row, local and pulled, oldest (by HLC) first: folded in this order they give
/// the row's current values, column by column.
pub(crate) fn changes_of_table(
    r: &Reader<'_>,
    table: Table,
) -> StoreResult<Vec<(String, serde_json::Map<String, serde_json::Value>)>> {
    let rows = r.query_all(
        "SELECT row_id, fields FROM (
             SELECT row_id, fields, hlc FROM outbox WHERE table_name = ?1 AND put_back_at IS NULL
             UNION ALL
             SELECT row_id, fields, hlc FROM pulled_changes WHERE table_name = ?1)
         ORDER BY hlc",
        [table.name()],
        |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)),
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(row_id, fields)| match serde_json::from_str(&fields) {
            // A change record the write path wrote is JSON; one that is not counts as no record.
            Ok(serde_json::Value::Object(fields)) => Some((row_id, fields)),
            _ => None,
        })
        .collect())
}
