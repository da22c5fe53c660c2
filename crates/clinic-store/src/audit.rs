//! The audit trail: who did what to which record, append-only and hash-chained.
//!
//! Each entry's hash covers the previous entry's hash and the entry's own content, so editing or
//! removing any entry behind the app's back breaks the chain from that entry on.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::StoreResult;
use crate::protocol::{AuditChainHead, AuditRecord};

/// The hash the first entry chains from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The newest entry of the chain. It is also kept outside the database (in `store.json` when a store
/// closes, in every backup's header), so entries cut from the end, or a whole chain rewritten by someone
/// with the key, no longer verify.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: i64,
    pub hash: String,
}

/// The chain's newest entry; None while it is empty.
pub(crate) fn head(conn: &Connection) -> StoreResult<Option<AuditHead>> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(AuditHead {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// One auditable event, as the domain describes it.
#[derive(Clone, Debug, Default)]
pub struct AuditEvent {
    /// What happened, e.g. `insert`, `update`, `archive`, `sign_in`, `open_chart`.
    pub action: String,
    /// The kind of record, usually a table name.
    pub entity: String,
    pub entity_id: Option<String>,
    /// The patient the record belongs to, so "who looked at my record" can be answered.
    pub patient_id: Option<String>,
    /// Extra facts (field names changed, search text length); never clinical content.
    pub details: Option<serde_json::Value>,
}

pub(crate) struct AuditContext<'a> {
    pub at: &'a str,
    pub user_id: Option<&'a str>,
    pub device_id: &'a str,
}

pub(crate) fn append(
    conn: &Connection,
    ctx: &AuditContext<'_>,
    event: &AuditEvent,
) -> StoreResult<()> {
    // Cached statements: a large import appends tens of thousands of entries.
    let prev_hash: String = conn
        .prepare_cached("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let id = uuid::Uuid::now_v7().to_string();
    let details = event.details.as_ref().map(|d| d.to_string());
    let hash = entry_hash(
        &prev_hash,
        &[
            Some(id.as_str()),
            Some(ctx.at),
            ctx.user_id,
            Some(ctx.device_id),
            Some(event.action.as_str()),
            Some(event.entity.as_str()),
            event.entity_id.as_deref(),
            event.patient_id.as_deref(),
            details.as_deref(),
        ],
    );
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, user_id, device_id, action, entity, entity_id, patient_id, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
            id,
            ctx.at,
            ctx.user_id,
            ctx.device_id,
            event.action,
            event.entity,
            event.entity_id,
            event.patient_id,
            details,
            prev_hash,
            hash
        ],
    )?;
    Ok(())
}

/// The hash an entry must carry: the device checks its own chain with it, and the server each chain a
/// device pushes.
pub fn record_hash(record: &AuditRecord) -> String {
    entry_hash(
        &record.prev_hash,
        &[
            Some(record.id.as_str()),
            Some(record.at.as_str()),
            record.user_id.as_deref(),
            Some(record.device_id.as_str()),
            Some(record.action.as_str()),
            Some(record.entity.as_str()),
            record.entity_id.as_deref(),
            record.patient_id.as_deref(),
            record.details.as_deref(),
        ],
    )
}

/// Why `record` does not continue a chain whose newest entry is `head`; None when it does.
pub fn chain_break(head: &AuditChainHead, record: &AuditRecord) -> Option<&'static str> {
    if record.seq != head.seq + 1 {
        Some("its number does not follow the entry before")
    } else if record.prev_hash != head.hash {
        Some("it does not chain from the entry before")
    } else if record_hash(record) != record.hash {
        Some("its content is not what its hash says")
    } else {
        None
    }
}

/// The entries after `seq`, oldest first, at most `limit`: what the server does not hold yet.
pub(crate) fn records_after(
    conn: &Connection,
    seq: i64,
    limit: usize,
) -> StoreResult<Vec<AuditRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, id, at, user_id, device_id, action, entity, entity_id, patient_id, details,
                prev_hash, hash
         FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![seq, limit as i64], |r| {
        Ok(AuditRecord {
            seq: r.get(0)?,
            id: r.get(1)?,
            at: r.get(2)?,
            user_id: r.get(3)?,
            device_id: r.get(4)?,
            action: r.get(5)?,
            entity: r.get(6)?,
            entity_id: r.get(7)?,
            patient_id: r.get(8)?,
            details: r.get(9)?,
            prev_hash: r.get(10)?,
            hash: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// SHA-256 over the previous hash and each field, length-prefixed so that no two different entries hash
/// alike by shifting text between fields.
pub(crate) fn entry_hash(prev_hash: &str, fields: &[Option<&str>]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    for field in fields {
        match field {
            Some(text) => {
                hasher.update(b"S");
                hasher.update((text.len() as u64).to_be_bytes());
                hasher.update(text.as_bytes());
            }
            None => hasher.update(b"N"),
        }
    }
    hex::encode(hasher.finalize())
}

/// Walks the chain; returns the sequence number of the first entry whose hash does not match.
/// The sequence number of the first entry that breaks the chain, or of the `recorded` head when the
/// chain no longer holds it (entries cut from the end, or the chain rewritten).
pub(crate) fn first_broken_entry(
    conn: &Connection,
    recorded: Option<&AuditHead>,
) -> StoreResult<Option<i64>> {
    if let Some(seq) = first_unchained_entry(conn)? {
        return Ok(Some(seq));
    }
    if let Some(recorded) = recorded {
        let held: Option<String> = conn
            .query_row(
                "SELECT hash FROM audit_log WHERE seq = ?1",
                [recorded.seq],
                |r| r.get(0),
            )
            .optional()?;
        if held.as_deref() != Some(recorded.hash.as_str()) {
            return Ok(Some(recorded.seq));
        }
    }
    Ok(None)
}

fn first_unchained_entry(conn: &Connection) -> StoreResult<Option<i64>> {
    let mut stmt = conn.prepare(
        "SELECT seq, id, at, user_id, device_id, action, entity, entity_id, patient_id, details, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_prev = GENESIS.to_owned();
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let text = |i: usize| row.get::<_, Option<String>>(i);
        let fields = [
            text(1)?,
            text(2)?,
            text(3)?,
            text(4)?,
            text(5)?,
            text(6)?,
            text(7)?,
            text(8)?,
            text(9)?,
        ];
        let prev_hash: String = row.get(10)?;
        let hash: String = row.get(11)?;
        let fields: Vec<Option<&str>> = fields.iter().map(|f| f.as_deref()).collect();
        if prev_hash != expected_prev || entry_hash(&prev_hash, &fields) != hash {
            return Ok(Some(seq));
        }
        expected_prev = hash;
    }
    Ok(None)
}
