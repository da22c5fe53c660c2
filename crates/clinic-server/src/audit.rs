//! The clinic's audit trail on the server: each device pushes its entries, which must continue the
//! hash chain the server holds of it (the rule is the devices' own, `clinic_store::audit_chain_break`);
//! administrators read the whole clinic's trail from any device; `clinic-server audit verify` walks
//! every chain again.

use chrono::{DateTime, Utc};
use clinic_core::permissions::allows;
use clinic_core::{Action, Role};
use clinic_store::protocol::{
    AuditChainHead, AuditRecord, ClinicAuditEntry, ClinicAuditPage, ClinicAuditQuery,
};
use clinic_store::{AUDIT_GENESIS, audit_chain_break};
use serde::Serialize;

use crate::db::{Param, Row, Tx};
use crate::error::{ServerError, ServerResult};

/// The most entries one page of the clinic's trail holds.
pub const MAX_AUDIT_PAGE: i64 = 500;

/// What `clinic-server audit verify` found of one device's chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainCheck {
    pub device_id: String,
    pub device_name: String,
    pub entries: i64,
    /// The first entry that does not hold, and why.
    pub first_broken: Option<i64>,
    pub why: Option<String>,
}

/// The newest entry of `device_id`'s chain the server holds.
pub(crate) fn head(tx: &mut dyn Tx, device_id: &str) -> ServerResult<AuditChainHead> {
    let newest = tx.query_row(
        "SELECT seq, hash FROM audit_entries WHERE pushed_by = ?1 ORDER BY seq DESC LIMIT 1",
        &[device_id.into()],
    )?;
    Ok(match newest {
        Some(row) => AuditChainHead {
            seq: row.int(0)?,
            hash: row.text(1)?,
        },
        None => AuditChainHead {
            seq: 0,
            hash: AUDIT_GENESIS.to_owned(),
        },
    })
}

/// Takes a device's next entries, each continuing its chain; one that does not refuses them all.
/// Entries sent before are passed over when they are the same.
pub(crate) fn take(
    tx: &mut dyn Tx,
    device_id: &str,
    entries: &[AuditRecord],
    now: DateTime<Utc>,
) -> ServerResult<AuditChainHead> {
    let mut head = head(tx, device_id)?;
    for entry in entries {
        if entry.seq <= head.seq {
            let held = tx.query_row(
                "SELECT hash FROM audit_entries WHERE pushed_by = ?1 AND seq = ?2",
                &[device_id.into(), entry.seq.into()],
            )?;
            if held.and_then(|row| row.opt_text(0)).as_deref() != Some(entry.hash.as_str()) {
                return Err(ServerError::AuditBroken {
                    seq: entry.seq,
                    why: "it is not the entry this device sent under that number before",
                });
            }
            continue;
        }
        if let Some(why) = audit_chain_break(&head, entry) {
            return Err(ServerError::AuditBroken {
                seq: entry.seq,
                why,
            });
        }
        let repeat = tx.exists(
            "SELECT 1 FROM audit_entries WHERE id = ?1",
            &[(&entry.id).into()],
        )?;
        let place = tx
            .one(
                "INSERT INTO audit_entries (pushed_by, seq, id, at, user_id, device_id, action, entity,
                                            entity_id, patient_id, details, prev_hash, hash, repeat,
                                            received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                 RETURNING place",
                &[
                    device_id.into(),
                    entry.seq.into(),
                    (&entry.id).into(),
                    (&entry.at).into(),
                    (&entry.user_id).into(),
                    (&entry.device_id).into(),
                    (&entry.action).into(),
                    (&entry.entity).into(),
                    (&entry.entity_id).into(),
                    (&entry.patient_id).into(),
                    (&entry.details).into(),
                    (&entry.prev_hash).into(),
                    (&entry.hash).into(),
                    repeat.into(),
                    clinic_store::format_instant(now).as_str().into(),
                ],
            )?
            .int(0)?;
        for patient in patients_of(entry) {
            tx.execute(
                "INSERT INTO audit_patients (patient_id, place) VALUES (?1, ?2)
                 ON CONFLICT DO NOTHING",
                &[patient.as_str().into(), place.into()],
            )?;
        }
        head = AuditChainHead {
            seq: entry.seq,
            hash: entry.hash.clone(),
        };
    }
    Ok(head)
}

/// The patients an entry is about, as the device's own report reads them: its patient, the patients a
/// list showed (`details.shown`), and every patient ("*") for an export of all of them.
fn patients_of(entry: &AuditRecord) -> Vec<String> {
    let details: serde_json::Value = entry
        .details
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    let shown = details
        .get("shown")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .map(str::to_owned);
    let every = details
        .get("allPatients")
        .and_then(serde_json::Value::as_bool)
        == Some(true);
    entry
        .patient_id
        .iter()
        .cloned()
        .chain(shown)
        .chain(every.then(|| "*".to_owned()))
        .collect()
}

/// A page of the clinic's trail, newest first, for a user whose role may read it (as the server holds
/// that user now: the devices' own permission matrix).
pub(crate) fn page(tx: &mut dyn Tx, query: &ClinicAuditQuery) -> ServerResult<ClinicAuditPage> {
    let role = tx
        .query_row(
            "SELECT fields ->> 'role' FROM rows WHERE table_name = 'users' AND row_id = ?1",
            &[(&query.as_user).into()],
        )?
        .and_then(|row| row.opt_text(0))
        .and_then(|role| Role::parse(&role));
    if !role.is_some_and(|role| allows(role, Action::ViewAudit)) {
        return Err(ServerError::Forbidden(
            "only a user whose role may read the audit trail may read the clinic's".into(),
        ));
    }
    if !(1..=MAX_AUDIT_PAGE).contains(&query.limit) || query.offset < 0 {
        return Err(ServerError::BadRequest(format!(
            "limit is between 1 and {MAX_AUDIT_PAGE}, offset 0 or more"
        )));
    }
    let up_to = match query.up_to {
        Some(up_to) => up_to,
        None => tx
            .one("SELECT coalesce(max(place), 0) FROM audit_entries", &[])?
            .int(0)?,
    };
    let patients: Vec<&str> = query
        .patients
        .iter()
        .flat_map(|p| p.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .chain(query.patients.as_ref().map(|_| "*"))
        .collect();
    let about = if patients.is_empty() {
        String::new()
    } else {
        let marks: Vec<String> = (0..patients.len()).map(|i| format!("?{}", i + 6)).collect();
        format!(
            "AND place IN (SELECT place FROM audit_patients WHERE patient_id IN ({}))",
            marks.join(", ")
        )
    };
    let filter = format!(
        // Each parameter compared before it is tested for NULL: PostgreSQL takes its type from the
        // first place it appears.
        "repeat = 0 AND place <= ?1 AND (user_id = ?2 OR ?2 IS NULL) AND (action = ?3 OR ?3 IS NULL)
         AND (at >= ?4 OR ?4 IS NULL) AND (at < ?5 OR ?5 IS NULL) {about}"
    );
    let mut params: Vec<Param<'_>> = vec![
        up_to.into(),
        (&query.user_id).into(),
        (&query.action).into(),
        (&query.from).into(),
        (&query.to).into(),
    ];
    params.extend(patients.iter().map(|p| Param::Text(p)));
    let total = tx
        .one(
            &format!("SELECT count(*) FROM audit_entries WHERE {filter}"),
            &params,
        )?
        .int(0)?;
    let entries = tx
        .query(
            &format!(
                "SELECT place, seq, id, at, user_id, device_id, action, entity, entity_id, patient_id,
                        details, prev_hash, hash
                 FROM audit_entries WHERE {filter}
                 ORDER BY at DESC, place DESC LIMIT {} OFFSET {}",
                query.limit, query.offset
            ),
            &params,
        )?
        .iter()
        .map(|row| {
            Ok(ClinicAuditEntry {
                place: row.int(0)?,
                entry: record(row, 1)?,
            })
        })
        .collect::<ServerResult<_>>()?;
    Ok(ClinicAuditPage {
        total,
        up_to,
        entries,
    })
}

/// An entry as a device wrote it, from `seq` on in `row`.
fn record(row: &Row, from: usize) -> ServerResult<AuditRecord> {
    Ok(AuditRecord {
        seq: row.int(from)?,
        id: row.text(from + 1)?,
        at: row.text(from + 2)?,
        user_id: row.opt_text(from + 3),
        device_id: row.text(from + 4)?,
        action: row.text(from + 5)?,
        entity: row.text(from + 6)?,
        entity_id: row.opt_text(from + 7),
        patient_id: row.opt_text(from + 8),
        details: row.opt_text(from + 9),
        prev_hash: row.text(from + 10)?,
        hash: row.text(from + 11)?,
    })
}

/// Walks every device's chain as the server holds it, from its first entry.
pub(crate) fn verify(tx: &mut dyn Tx) -> ServerResult<Vec<ChainCheck>> {
    let devices = tx.query(
        "SELECT id, name FROM devices WHERE id IN (SELECT DISTINCT pushed_by FROM audit_entries)
         ORDER BY paired_at, id",
        &[],
    )?;
    let mut checks = Vec::new();
    for device in devices {
        let device_id = device.text(0)?;
        let mut head = AuditChainHead {
            seq: 0,
            hash: AUDIT_GENESIS.to_owned(),
        };
        let (mut entries, mut broken) = (0, None);
        // In pages: a chain need not be in memory at once.
        'chain: loop {
            let rows = tx.query(
                "SELECT seq, id, at, user_id, device_id, action, entity, entity_id, patient_id,
                        details, prev_hash, hash
                 FROM audit_entries WHERE pushed_by = ?1 AND seq > ?2 ORDER BY seq LIMIT 10000",
                &[device_id.as_str().into(), head.seq.into()],
            )?;
            if rows.is_empty() {
                break;
            }
            for row in &rows {
                let entry = record(row, 0)?;
                entries += 1;
                if let Some(why) = audit_chain_break(&head, &entry) {
                    broken = Some((entry.seq, why.to_owned()));
                    break 'chain;
                }
                head = AuditChainHead {
                    seq: entry.seq,
                    hash: entry.hash,
                };
            }
        }
        checks.push(ChainCheck {
            device_id,
            device_name: device.text(1)?,
            entries,
            first_broken: broken.as_ref().map(|(seq, _)| *seq),
            why: broken.map(|(_, why)| why),
        });
    }
    Ok(checks)
}
