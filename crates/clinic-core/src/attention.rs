//! Needs attention: what syncing could not settle by itself, for a person to resolve. Two kinds:
//! - **overwritten**: a field edited here and on another computer while apart; the later edit stands on
//!   every computer and the other value is kept here ("keep mine" / "keep theirs");
//! - **refused**: a change the clinic server refused. Its row was put back to the server's values, or,
//!   when the server does not have the row at all (a refused booking), the row stays here only. A
//!   refused booking is moved, booked anyway (overbooked) or cancelled, which sends it again; anything
//!   else refused (a merge another computer made the other way) is acknowledged;
//! - **duplicate**: a patient registered on another computer, while the two were apart, who is likely
//!   one registered here: merged through the merge review, or marked not the same person.
//!
//! Each entry offers only what the signed-in user's role allows (the same matrix as every change);
//! resolving writes an ordinary change (audited, synced) and marks the entry resolved in the same
//! transaction.

use chrono::{DateTime, Utc};
use clinic_store::protocol::refusals;
use clinic_store::{
    Change, Fields, HlcStamp, Operation, Reader, Row, RowResult, Table, Value, WriteTx,
    format_instant,
};
use uuid::Uuid;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::auth::Role;
use crate::auth::changes::may_make_change;
use crate::auth::permissions::{Action, allows};
use crate::patients::{self, PatientRow};
use crate::scheduling::parse_id;
use crate::scheduling::{self, AppointmentStatus, AppointmentSummary};
use crate::validate::optional;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// What happened to an entry's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AttentionKind {
    Overwritten,
    Refused,
    Duplicate,
}

/// The code of a suggested merge: two registrations likely of one person.
pub const POSSIBLE_DUPLICATE: &str = "possible_duplicate";

/// What a person may do about an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AttentionAction {
    /// Write this computer's value again (a new change, the newest).
    KeepMine,
    /// Keep the other computer's value.
    KeepTheirs,
    /// Give a refused booking another time.
    Move,
    /// Book a refused booking anyway, beside the booking it clashed with.
    Overbook,
    /// Cancel a refused booking (it is kept, cancelled, on every computer).
    Cancel,
    /// Acknowledge a refusal: what the server holds stands. For a suggested merge: not the same person.
    Dismiss,
    /// Merge two records of one person, through the merge review (`merge_patients`, which resolves the
    /// suggestion with the merge).
    Merge,
}

/// One field of an entry: this computer's value and the other's (the server's, for a refusal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttentionValue {
    pub field: String,
    pub mine: Option<String>,
    pub theirs: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttentionPatient {
    pub id: String,
    pub name: String,
    pub mrn: String,
}

/// One entry of Needs attention, in the clinic's words.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Attention {
    pub id: String,
    pub kind: AttentionKind,
    pub table: String,
    pub row_id: String,
    /// Why the server refused it (`protocol::refusals`), for a refusal.
    pub code: Option<String>,
    /// The server's reason, or which edit is the newer.
    pub reason: Option<String>,
    pub values: Vec<AttentionValue>,
    /// Who wrote this computer's value, and when.
    pub mine_by: Option<String>,
    pub mine_at: Option<String>,
    /// Who wrote the other computer's value, and when (an overwritten field).
    pub theirs_by: Option<String>,
    pub theirs_at: Option<String>,
    pub detected_at: String,
    pub patient: Option<AttentionPatient>,
    /// The other record of a refused merge: the one this computer merged `patient` into.
    pub other_patient: Option<AttentionPatient>,
    /// A suggested merge's two records: the one registered on the other computer, then the one here.
    pub records: Vec<PatientRow>,
    /// The appointment itself, as it is here.
    pub booking: Option<AppointmentSummary>,
    /// The accepted appointment a refused booking clashes with.
    pub clashing: Option<AppointmentSummary>,
    /// Whether the clinic server has the row (a refused booking: not).
    pub on_server: bool,
    /// What the signed-in user may do about it.
    pub actions: Vec<AttentionAction>,
}

/// A person's decision about an entry.
#[derive(Clone, Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    pub action: AttentionAction,
    /// For `move`: the new time.
    #[ts(optional)]
    pub starts_at: Option<String>,
    #[ts(optional)]
    pub ends_at: Option<String>,
    /// For `cancel`.
    #[ts(optional)]
    pub cancellation_reason: Option<String>,
}

/// An entry as the store keeps it.
struct Stored {
    id: String,
    kind: AttentionKind,
    table: Table,
    row_id: String,
    field: Option<String>,
    local_value: Option<String>,
    remote_value: Option<String>,
    local_hlc: Option<String>,
    remote_hlc: Option<String>,
    reason: Option<String>,
    code: Option<String>,
    clashes_with: Option<String>,
    detected_at: String,
    local_user: Option<String>,
    remote_user: Option<String>,
    resolved: bool,
}

impl Stored {
    /// A refused change whose row the server does not have: the server answered with no row.
    fn on_server(&self) -> bool {
        self.kind == AttentionKind::Overwritten || self.remote_value.is_some()
    }

    fn refused_booking(&self) -> bool {
        self.kind == AttentionKind::Refused
            && self.table == Table::Appointments
            && !self.on_server()
            && matches!(
                self.code.as_deref(),
                Some(refusals::BOOKING_CLASH | refusals::PROVIDER_AWAY)
            )
    }

    /// The columns this computer's value holds.
    fn mine(&self) -> serde_json::Map<String, serde_json::Value> {
        self.values_of(self.local_value.as_deref())
    }

    fn theirs(&self) -> serde_json::Map<String, serde_json::Value> {
        self.values_of(self.remote_value.as_deref())
    }

    /// A stored value as columns: an overwritten field holds one value, a refusal the change's columns.
    fn values_of(&self, json: Option<&str>) -> serde_json::Map<String, serde_json::Value> {
        let value: serde_json::Value = json
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or(serde_json::Value::Null);
        match (&self.field, value) {
            (Some(field), value) => [(field.clone(), value)].into_iter().collect(),
            (None, serde_json::Value::Object(map)) => map,
            (None, _) => serde_json::Map::new(),
        }
    }
}

const STORED_COLUMNS: &str =
    "id, kind, table_name, row_id, field, local_value, remote_value, local_hlc,
    remote_hlc, reason, code, clashes_with, detected_at, local_user_id, remote_user_id,
    resolved_at IS NOT NULL";

fn stored_row(row: &Row<'_>) -> RowResult<Option<Stored>> {
    let kind: String = row.get(1)?;
    let table: String = row.get(2)?;
    // An entry for a table this version does not know is left alone.
    let Some(table) = Table::from_name(&table) else {
        return Ok(None);
    };
    Ok(Some(Stored {
        id: row.get(0)?,
        kind: match kind.as_str() {
            "overwritten" => AttentionKind::Overwritten,
            "duplicate" => AttentionKind::Duplicate,
            _ => AttentionKind::Refused,
        },
        table,
        row_id: row.get(3)?,
        field: row.get(4)?,
        local_value: row.get(5)?,
        remote_value: row.get(6)?,
        local_hlc: row.get(7)?,
        remote_hlc: row.get(8)?,
        reason: row.get(9)?,
        code: row.get(10)?,
        clashes_with: row.get(11)?,
        detected_at: row.get(12)?,
        local_user: row.get(13)?,
        remote_user: row.get(14)?,
        resolved: row.get(15)?,
    }))
}

/// What `role` may do about an entry: what the permission matrix lets it write there.
fn offered(role: Role, user_id: &str, stored: &Stored) -> Vec<AttentionAction> {
    use AttentionAction::*;
    if stored.kind == AttentionKind::Duplicate {
        return if allows(role, Action::EditDemographics) {
            vec![Merge, Dismiss]
        } else {
            Vec::new()
        };
    }
    if stored.refused_booking() {
        let schedule = allows(role, Action::EditSchedule);
        let overbook = allows(role, Action::Overbook)
            && stored.code.as_deref() == Some(refusals::BOOKING_CLASH);
        return [(Move, schedule), (Overbook, overbook), (Cancel, schedule)]
            .into_iter()
            .filter_map(|(action, may)| may.then_some(action))
            .collect();
    }
    let columns = stored.mine();
    let probe = Change {
        change_id: String::new(),
        device_id: String::new(),
        device_seq: 0,
        hlc: String::new(),
        table: stored.table.name().to_owned(),
        row_id: stored.row_id.clone(),
        operation: Operation::Update,
        fields: columns,
        schema_version: 0,
        user_id: Some(user_id.to_owned()),
        recorded_at: String::new(),
    };
    let may_write = may_make_change(role, user_id, &probe).is_ok();
    match (stored.kind, may_write) {
        (_, false) if role != Role::Admin => Vec::new(),
        (AttentionKind::Overwritten, true) => vec![KeepMine, KeepTheirs],
        _ => vec![Dismiss],
    }
}

/// A stored JSON value as people read it.
fn shown(value: Option<&serde_json::Value>) -> Option<String> {
    match value? {
        serde_json::Value::Null => None,
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Object(_) => Some("(file)".into()),
        other => Some(other.to_string()),
    }
}

/// A value from its JSON form in a change record, for writing it again.
fn column_value(json: Option<&serde_json::Value>) -> CoreResult<Value> {
    Ok(match json {
        None | Some(serde_json::Value::Null) => Value::Null,
        Some(serde_json::Value::String(text)) => Value::Text(text.clone()),
        Some(serde_json::Value::Bool(b)) => Value::Integer(i64::from(*b)),
        Some(serde_json::Value::Number(n)) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or_default()),
        },
        Some(other) => {
            let blob = other
                .get("$hex")
                .and_then(serde_json::Value::as_str)
                .and_then(|h| hex::decode(h).ok())
                .ok_or_else(|| CoreError::Internal("a kept value is of no column type".into()))?;
            Value::Blob(blob)
        }
    })
}

/// When a stamp was made.
fn stamped_at(hlc: Option<&str>) -> Option<String> {
    let stamp: HlcStamp = hlc?.parse().ok()?;
    DateTime::<Utc>::from_timestamp_millis(stamp.wall_ms).map(format_instant)
}

fn user_name(r: &Reader<'_>, id: Option<&str>) -> CoreResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    Ok(r.query_opt(
        "SELECT display_name FROM users WHERE id = ?1",
        [id],
        |row| row.get(0),
    )?)
}

/// The patient a row is about, if it is about one.
fn patient_of(r: &Reader<'_>, table: Table, row_id: &str) -> CoreResult<Option<AttentionPatient>> {
    let patient_id: Option<String> = if table == Table::Patients {
        Some(row_id.to_owned())
    } else {
        let has_patient = r.count(
            "SELECT count(*) FROM pragma_table_info(?1) WHERE name = 'patient_id'",
            [table.name()],
        )? > 0;
        if !has_patient {
            return Ok(None);
        }
        r.query_opt(
            &format!("SELECT patient_id FROM {} WHERE id = ?1", table.name()),
            [row_id],
            |row| row.get(0),
        )?
        .flatten()
    };
    let Some(id) = patient_id else {
        return Ok(None);
    };
    Ok(r.query_opt(
        "SELECT id, first_name || ' ' || last_name, mrn FROM patients WHERE id = ?1",
        [&id],
        |row| {
            Ok(AttentionPatient {
                id: row.get(0)?,
                name: row.get(1)?,
                mrn: row.get(2)?,
            })
        },
    )?)
}

impl Clinic {
    /// Access for a user who may resolve what their role allows (each entry's actions are checked
    /// against the matrix on their own).
    fn resolver(&self, by: &SessionUser) -> CoreResult<(crate::clinic::Access<'_>, Role)> {
        let (role, must_change_password) = self.current_user(by)?;
        if must_change_password {
            return Err(CoreError::Forbidden(message!("change_password_first")));
        }
        Ok((self.authenticate(by)?, role))
    }

    /// Everything the signed-in user may resolve, oldest first.
    pub fn needs_attention(&self, by: &SessionUser) -> CoreResult<Vec<Attention>> {
        let (access, role) = self.resolver(by)?;
        let tz = self.settings()?.time_zone;
        let now = self.now();
        access.read(|r| {
            let stored = r.query_all(
                &format!(
                    "SELECT {STORED_COLUMNS} FROM conflicts WHERE resolved_at IS NULL
                     ORDER BY detected_at, id"
                ),
                [],
                stored_row,
            )?;
            let mut entries = Vec::new();
            for stored in stored.into_iter().flatten() {
                let actions = offered(role, &by.id, &stored);
                if actions.is_empty() {
                    continue;
                }
                let records = match stored.kind {
                    AttentionKind::Duplicate => {
                        let pair = [Some(stored.row_id.as_str()), stored.clashes_with.as_deref()];
                        let records = patients::active_rows(&r, pair.into_iter().flatten())?;
                        // Merged or archived since (here or elsewhere): nothing left to suggest.
                        if records.len() < 2 {
                            continue;
                        }
                        records
                    }
                    _ => Vec::new(),
                };
                let (mine, theirs) = (stored.mine(), stored.theirs());
                let merge = stored.code.as_deref() == Some(refusals::MERGED_ELSEWHERE);
                // A refused merge is told by its two records, not by the ids its redirect held.
                let values = mine
                    .iter()
                    .filter(|_| !merge)
                    .map(|(field, value)| AttentionValue {
                        field: field.clone(),
                        mine: shown(Some(value)),
                        theirs: shown(theirs.get(field)),
                    })
                    .collect();
                let appointment = |id: Option<&str>| match id {
                    Some(id) if stored.table == Table::Appointments => {
                        scheduling::appointment_summary(&r, tz, now, id)
                    }
                    _ => Ok(None),
                };
                entries.push(Attention {
                    kind: stored.kind,
                    table: stored.table.name().to_owned(),
                    code: stored.code.clone(),
                    reason: stored.reason.clone(),
                    values,
                    mine_by: user_name(&r, stored.local_user.as_deref())?,
                    mine_at: stamped_at(stored.local_hlc.as_deref()),
                    theirs_by: user_name(&r, stored.remote_user.as_deref())?,
                    theirs_at: stamped_at(stored.remote_hlc.as_deref()),
                    detected_at: stored.detected_at.clone(),
                    patient: patient_of(&r, stored.table, &stored.row_id)?,
                    other_patient: match stored.clashes_with.as_deref() {
                        Some(other) if merge || stored.kind == AttentionKind::Duplicate => {
                            patient_of(&r, Table::Patients, other)?
                        }
                        _ => None,
                    },
                    records,
                    booking: appointment(Some(&stored.row_id))?,
                    clashing: appointment(stored.clashes_with.as_deref())?,
                    on_server: stored.on_server(),
                    actions,
                    row_id: stored.row_id,
                    id: stored.id,
                });
            }
            Ok(entries)
        })
    }

    /// Resolves one entry as `by` decided; only what [`Clinic::needs_attention`] offers them.
    pub fn resolve_attention(
        &self,
        by: &SessionUser,
        id: &str,
        resolution: Resolution,
    ) -> CoreResult<()> {
        let (access, role) = self.resolver(by)?;
        let tz = self.settings()?.time_zone;
        let now = self.now();
        // Read, checked and resolved in one transaction: two people resolving one entry at once, or a
        // sync round changing its row meanwhile, cannot both act on what they saw.
        access.write(|tx| {
            let stored = tx
                .reader()
                .query_opt(
                    &format!("SELECT {STORED_COLUMNS} FROM conflicts WHERE id = ?1"),
                    [id],
                    stored_row,
                )?
                .flatten()
                .ok_or_else(|| CoreError::NotFound(message!("attention_not_found")))?;
            if stored.resolved {
                return Err(CoreError::Conflict(message!("attention_resolved_already")));
            }
            if !offered(role, &by.id, &stored).contains(&resolution.action) {
                return Err(CoreError::Forbidden(message!(
                    "attention_action_not_offered"
                )));
            }
            let row = parse_id("rowId", &stored.row_id)?;
            match resolution.action {
                AttentionAction::KeepMine | AttentionAction::KeepTheirs => {
                    keep(tx, &stored, row, resolution.action)?;
                }
                AttentionAction::Move => {
                    let fields = scheduling::refused_booking_moved(
                        &tx.reader(),
                        tz,
                        now,
                        row,
                        resolution.starts_at.as_deref().unwrap_or_default(),
                        resolution.ends_at.as_deref().unwrap_or_default(),
                    )?;
                    write_booking(tx, &stored, row, fields)?;
                }
                AttentionAction::Overbook => {
                    scheduling::refused_booking_overbooked(&tx.reader(), tz, row)?;
                    write_booking(tx, &stored, row, Fields::new().set("overbooked", 1))?;
                }
                AttentionAction::Cancel => {
                    let reason = optional(
                        "cancellationReason",
                        resolution.cancellation_reason.as_deref(),
                        200,
                    )?
                    .ok_or_else(|| {
                        CoreError::invalid(
                            "cancellationReason",
                            message!("cancellation_reason_required"),
                        )
                    })?;
                    let fields = Fields::new()
                        .set("status", AppointmentStatus::Cancelled.as_str())
                        .set("cancellation_reason", reason);
                    write_booking(tx, &stored, row, fields)?;
                }
                AttentionAction::Dismiss => {}
                // Two records are merged after a review of what moves, where merging resolves this.
                AttentionAction::Merge => {
                    return Err(CoreError::Conflict(message!("merge_through_review")));
                }
            }
            tx.resolve_conflict(&stored.id)?;
            Ok(())
        })
    }
}

/// Writes the value kept of a field edited on two computers, as a new change. When the field has been
/// written since by neither of the two edits, that later edit stands: keeping this computer's value is
/// refused (it would overwrite an edit no one here has seen), keeping the other leaves it.
fn keep(
    tx: &mut WriteTx<'_>,
    stored: &Stored,
    row: Uuid,
    action: AttentionAction,
) -> CoreResult<()> {
    let field = stored.field.as_deref().unwrap_or_default();
    let now_at = tx.column_stamp(stored.table, &stored.row_id, field)?;
    let either = [stored.local_hlc.as_deref(), stored.remote_hlc.as_deref()];
    if !either.contains(&now_at.map(|s| s.to_string()).as_deref()) {
        // Written again since by a third edit: that one stands. Keeping "the other" leaves it; this
        // computer's value is not written over it unseen.
        return match action {
            AttentionAction::KeepMine => {
                Err(CoreError::Conflict(message!("attention_changed_since")))
            }
            _ => Ok(()),
        };
    }
    let values = if action == AttentionAction::KeepMine {
        stored.mine()
    } else {
        stored.theirs()
    };
    let value = column_value(values.get(field))?;
    // Archiving is its own change (and the write path's own column).
    if field == "archived_at" {
        if value == Value::Null {
            tx.restore(stored.table, row)?;
        } else {
            tx.archive(stored.table, row)?;
        }
    } else {
        tx.set_column(stored.table, row, field, value)?;
    }
    Ok(())
}

/// A refused booking goes to the server again whole; a row the server has, as an edit.
fn write_booking(
    tx: &mut WriteTx<'_>,
    stored: &Stored,
    row: Uuid,
    fields: Fields,
) -> CoreResult<()> {
    if stored.on_server() {
        tx.update(Table::Appointments, row, fields)?;
    } else {
        tx.send_again(Table::Appointments, row, fields)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use AttentionAction::*;

    fn entry(kind: AttentionKind, table: Table, code: Option<&str>, on_server: bool) -> Stored {
        Stored {
            id: "c".into(),
            kind,
            table,
            row_id: "r".into(),
            field: (kind == AttentionKind::Overwritten).then(|| "phone".into()),
            local_value: Some(r#""555""#.into()),
            remote_value: on_server.then(|| r#""556""#.into()),
            local_hlc: None,
            remote_hlc: None,
            reason: None,
            code: code.map(str::to_owned),
            clashes_with: None,
            detected_at: String::new(),
            local_user: None,
            remote_user: None,
            resolved: false,
        }
    }

    #[test]
    fn each_role_is_offered_what_its_permissions_let_it_write() {
        let clash = entry(
            AttentionKind::Refused,
            Table::Appointments,
            Some(refusals::BOOKING_CLASH),
            false,
        );
        assert_eq!(offered(Role::Admin, "u", &clash), [Move, Overbook, Cancel]);
        assert_eq!(offered(Role::Receptionist, "u", &clash), [Move, Cancel]);
        assert_eq!(offered(Role::Doctor, "u", &clash), []);
        assert_eq!(offered(Role::Nurse, "u", &clash), []);
        // Time off is not booked over.
        let away = entry(
            AttentionKind::Refused,
            Table::Appointments,
            Some(refusals::PROVIDER_AWAY),
            false,
        );
        assert_eq!(offered(Role::Admin, "u", &away), [Move, Cancel]);

        let phone = entry(AttentionKind::Overwritten, Table::Patients, None, true);
        assert_eq!(
            offered(Role::Receptionist, "u", &phone),
            [KeepMine, KeepTheirs]
        );
        assert_eq!(offered(Role::Nurse, "u", &phone), []);
        // A refusal put back is acknowledged, by whoever may write there, or an administrator.
        let refused = entry(
            AttentionKind::Refused,
            Table::Services,
            Some(refusals::NOT_PERMITTED),
            true,
        );
        assert_eq!(offered(Role::Receptionist, "u", &refused), []);
        assert_eq!(offered(Role::Admin, "u", &refused), [Dismiss]);
    }
}
