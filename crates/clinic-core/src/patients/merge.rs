//! Merging two records of the same person: everything that belongs to the duplicate (appointments,
//! visits and their clinical records, invoices and payments, allergies, waitlist entries) moves to the
//! kept record, empty fields of the kept record are filled from the duplicate, and the duplicate stays
//! as a redirect (`merged_into_id`). The merge remembers exactly what it moved, so an administrator can
//! undo it on the same day.

use std::collections::{BTreeMap, HashSet};

use clinic_store::protocol::refusals;
use clinic_store::{Fields, Reader, Table, WriteTx};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::merge_rule::{MergeRefusal, MergeSide, merge_refusal};
use super::{PatientRow, email_taken, row_by_id};
use crate::auth::permissions::Action;
use crate::scheduling::parse_id;
use crate::time::{parse_instant, today};
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// What belongs to a patient, by the tables that point at one. A table with a `patient_id` column that
/// is missing here would stay with the duplicate: `tests/patient_merge.rs` checks this list against the
/// schema.
pub(crate) const PATIENT_ROWS: [(Table, MovedKind); 12] = [
    (Table::Appointments, MovedKind::Appointments),
    (Table::Encounters, MovedKind::Visits),
    (Table::Invoices, MovedKind::Invoices),
    (Table::Payments, MovedKind::Payments),
    (Table::Allergies, MovedKind::Allergies),
    (Table::Problems, MovedKind::ClinicalRecords),
    (Table::Vitals, MovedKind::ClinicalRecords),
    (Table::Diagnoses, MovedKind::ClinicalRecords),
    (Table::Prescriptions, MovedKind::ClinicalRecords),
    (Table::LabResults, MovedKind::ClinicalRecords),
    (Table::Attachments, MovedKind::ClinicalRecords),
    (Table::WaitlistEntries, MovedKind::WaitlistEntries),
];

/// The tables a merge moves rows of, by name (for the schema check in the tests).
pub fn merged_tables() -> Vec<&'static str> {
    PATIENT_ROWS.iter().map(|(t, _)| t.name()).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MovedKind {
    Appointments,
    Visits,
    Invoices,
    Payments,
    Allergies,
    ClinicalRecords,
    WaitlistEntries,
}

/// How many rows of each kind a merge moves (or moved).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MovedCounts {
    #[ts(type = "number")]
    pub appointments: i64,
    #[ts(type = "number")]
    pub visits: i64,
    #[ts(type = "number")]
    pub invoices: i64,
    #[ts(type = "number")]
    pub payments: i64,
    #[ts(type = "number")]
    pub allergies: i64,
    /// Problems, vitals, diagnoses, prescriptions, results and attachments.
    #[ts(type = "number")]
    pub clinical_records: i64,
    #[ts(type = "number")]
    pub waitlist_entries: i64,
}

impl MovedCounts {
    fn add(&mut self, kind: MovedKind, n: i64) {
        let slot = match kind {
            MovedKind::Appointments => &mut self.appointments,
            MovedKind::Visits => &mut self.visits,
            MovedKind::Invoices => &mut self.invoices,
            MovedKind::Payments => &mut self.payments,
            MovedKind::Allergies => &mut self.allergies,
            MovedKind::ClinicalRecords => &mut self.clinical_records,
            MovedKind::WaitlistEntries => &mut self.waitlist_entries,
        };
        *slot += n;
    }
}

/// What merging `merged` into `kept` would do, for the confirmation screen.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MergePreview {
    pub kept: PatientRow,
    pub merged: PatientRow,
    pub moves: MovedCounts,
    /// The kept record's empty fields that the duplicate fills in (column names, e.g. "city").
    pub fills: Vec<String>,
}

/// A merge, as the kept patient's record lists it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientMerge {
    pub id: String,
    pub kept_patient_id: String,
    pub merged_patient_id: String,
    pub merged_mrn: String,
    pub merged_name: String,
    pub merged_at: String,
    pub merged_by: Option<String>,
    pub moved: MovedCounts,
    pub undone_at: Option<String>,
    /// An administrator may still undo it (it was merged today, in the clinic's time zone).
    pub undoable: bool,
}

/// Fields of the kept record that a merge fills in when they are empty there.
const FILLABLE: [&str; 15] = [
    "phone",
    "email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relation",
    "insurance_payer",
    "insurance_member_id",
    "insurance_group",
    "notes",
];

#[derive(Serialize, Deserialize)]
struct MovedRow {
    table: String,
    id: String,
}

impl Clinic {
    /// What merging `merged_id` into `kept_id` would move and fill in; nothing is written but the audit
    /// entry for the two records shown.
    pub fn patient_merge_preview(
        &self,
        by: &SessionUser,
        kept_id: &str,
        merged_id: &str,
    ) -> CoreResult<MergePreview> {
        let access = self.authorize(by, Action::EditDemographics)?;
        let (kept, merged) = pair(kept_id, merged_id)?;
        let preview = access.read(|r| {
            check_mergeable(r, kept, merged)?;
            let mut moves = MovedCounts::default();
            for (table, kind) in PATIENT_ROWS {
                let n = r.count(
                    &format!(
                        "SELECT count(*) FROM {} WHERE patient_id = ?1",
                        table.name()
                    ),
                    [merged.to_string()],
                )?;
                moves.add(kind, n);
            }
            Ok(MergePreview {
                kept: row_by_id(r, kept)?,
                merged: row_by_id(r, merged)?,
                moves,
                fills: fills(r, kept, merged)?
                    .into_keys()
                    .map(str::to_owned)
                    .collect(),
            })
        })?;
        access.audit_shown(
            "preview_patient_merge",
            "patients",
            [preview.kept.id.as_str(), preview.merged.id.as_str()],
        )?;
        Ok(preview)
    }

    /// Merges the record `merged_id` into `kept_id`, in one transaction: every row that belongs to the
    /// duplicate moves (each move is a change record and an audit entry of its own), the kept record's
    /// empty fields are filled from it, and the duplicate becomes a redirect to the kept record.
    pub fn merge_patients(
        &self,
        by: &SessionUser,
        kept_id: &str,
        merged_id: &str,
    ) -> CoreResult<PatientMerge> {
        let access = self.authorize(by, Action::EditDemographics)?;
        let (kept, merged) = pair(kept_id, merged_id)?;
        let merge_id = access.write(|tx| {
            check_mergeable(tx.reader(), kept, merged)?;
            let filled = fills(tx.reader(), kept, merged)?;
            // The redirect first: rows may only move between records merged this way (a recorded
            // payment here, every row on the clinic server), and a server that refuses the merge
            // refuses it before anything else of it.
            tx.update(
                Table::Patients,
                merged,
                Fields::new().set("merged_into_id", kept),
            )?;
            let mut fill = Fields::new();
            for (column, value) in &filled {
                fill = fill.set(column, value.as_str());
            }
            tx.update(Table::Patients, kept, fill)?;
            let moved = move_rows(tx, merged, kept)?;
            let merge_id = tx.insert(
                Table::PatientMerges,
                Fields::new()
                    .set("patient_id", kept)
                    .set("merged_patient_id", merged)
                    .set("moved_rows", json(&moved)?)
                    .set("filled_fields", json(&filled)?),
            )?;
            // A suggestion, after a sync, to merge these two is settled by the merge.
            let suggested: Vec<String> = tx.reader().query_all(
                "SELECT id FROM conflicts WHERE kind = 'duplicate' AND resolved_at IS NULL
                 AND ((row_id = ?1 AND clashes_with = ?2) OR (row_id = ?2 AND clashes_with = ?1))",
                [kept.to_string(), merged.to_string()],
                |r| r.get(0),
            )?;
            for id in suggested {
                tx.resolve_conflict(&id)?;
            }
            Ok::<_, CoreError>(merge_id)
        })?;
        let settings = self.settings()?;
        access
            .read(|r| merges_where(r, "m.id = ?1", &merge_id.to_string()))?
            .into_iter()
            .next()
            .map(|m| with_undoable(m, settings.time_zone, self.now()))
            .ok_or_else(|| CoreError::Internal(format!("the merge {merge_id} was not recorded")))
    }

    /// The records merged into this patient, newest first.
    pub fn patient_merges(
        &self,
        by: &SessionUser,
        patient_id: &str,
    ) -> CoreResult<Vec<PatientMerge>> {
        let access = self.authorize(by, Action::ViewDemographics)?;
        let id = parse_id("patientId", patient_id)?.to_string();
        let settings = self.settings()?;
        let now = self.now();
        Ok(access
            .read(|r| merges_where(r, "m.patient_id = ?1", &id))?
            .into_iter()
            .map(|m| with_undoable(m, settings.time_zone, now))
            .collect())
    }

    /// Undoes a merge made today: the rows it moved that still belong to the kept record go back, the
    /// fields it filled in are emptied again where nobody changed them since, and the duplicate is a
    /// record of its own again. Administrators only.
    pub fn undo_patient_merge(&self, by: &SessionUser, merge_id: &str) -> CoreResult<()> {
        let access = self.authorize(by, Action::UndoPatientMerge)?;
        let id = parse_id("mergeId", merge_id)?;
        let settings = self.settings()?;
        let now = self.now();
        access.write(|tx| {
            let merge = merges_where(tx.reader(), "m.id = ?1", &id.to_string())?
                .into_iter()
                .next()
                .ok_or_else(|| CoreError::NotFound(message!("merge_not_found")))?;
            if merge.undone_at.is_some() {
                return Err(CoreError::Conflict(message!("merge_undone_already")));
            }
            if !with_undoable(merge.clone(), settings.time_zone, now).undoable {
                return Err(CoreError::Conflict(message!("merge_undone_same_day")));
            }
            let kept = parse_id("mergeId", &merge.kept_patient_id)?;
            let merged = parse_id("mergeId", &merge.merged_patient_id)?;
            let kept_merged_since = tx.reader().count(
                "SELECT count(*) FROM patients WHERE id = ?1 AND merged_into_id IS NOT NULL",
                [kept.to_string()],
            )? > 0;
            if kept_merged_since {
                return Err(CoreError::Conflict(message!("kept_record_merged_since")));
            }
            // Marked undone first: rows move back only along a merge being undone (the clinic server's
            // merge rule), while its redirect still stands.
            tx.update(
                Table::PatientMerges,
                id,
                Fields::new().set("undone_at", tx.now()),
            )?;
            let (moved, filled): (String, String) = tx.reader().query_row(
                "SELECT moved_rows, filled_fields FROM patient_merges WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let moved: Vec<MovedRow> = serde_json::from_str(&moved)
                .map_err(|e| CoreError::Internal(format!("the merge record is unreadable: {e}")))?;
            let filled: BTreeMap<String, String> = serde_json::from_str(&filled)
                .map_err(|e| CoreError::Internal(format!("the merge record is unreadable: {e}")))?;
            // Rows move back while the redirect still stands (payments move only between merged records):
            // those the merge moved, and those written since under them (vitals of a moved visit, a
            // payment of a moved invoice, the new appointment of a moved one that was rescheduled).
            let moved_ids: HashSet<String> = moved.iter().map(|row| row.id.clone()).collect();
            for row in &moved {
                let table = Table::from_name(&row.table).ok_or_else(|| {
                    CoreError::Internal(format!("unknown table {} in a merge", row.table))
                })?;
                tx.update(
                    table,
                    parse_id("mergeId", &row.id)?,
                    Fields::new().set("patient_id", merged),
                )?;
            }
            for (table, row_id) in written_under(tx.reader(), kept, &moved_ids)? {
                tx.update(table, row_id, Fields::new().set("patient_id", merged))?;
            }
            let mut unfill = Fields::new();
            for (column, value) in &filled {
                let Some(column) = FILLABLE.iter().find(|c| **c == column.as_str()) else {
                    continue;
                };
                let unchanged = tx.reader().count(
                    &format!("SELECT count(*) FROM patients WHERE id = ?1 AND {column} = ?2"),
                    [kept.to_string(), value.clone()],
                )? > 0;
                if unchanged {
                    unfill = unfill.set(column, None::<&str>);
                }
            }
            tx.update(Table::Patients, kept, unfill)?;
            tx.update(
                Table::Patients,
                merged,
                Fields::new().set("merged_into_id", None::<&str>),
            )?;
            let email: Option<String> = tx.reader().query_row(
                "SELECT email FROM patients WHERE id = ?1",
                [merged.to_string()],
                |r| r.get(0),
            )?;
            if let Some(email) = email
                && email_taken(tx.reader(), &email, Some(merged))?
            {
                return Err(CoreError::Conflict(message!(
                    "email_taken_by",
                    email = email
                )));
            }
            Ok(())
        })
    }
}

/// The kept patient's rows that point at a row the merge moved (a visit's vitals, an invoice's
/// payments, a moved appointment's replacement): written after the merge, they belong with it.
fn written_under(
    r: Reader<'_>,
    kept: Uuid,
    moved: &HashSet<String>,
) -> CoreResult<Vec<(Table, Uuid)>> {
    let mut found = Vec::new();
    for (table, _) in PATIENT_ROWS {
        let references: Vec<String> = r.query_all(
            "SELECT name FROM pragma_table_info(?1)
             WHERE name LIKE '%\\_id' ESCAPE '\\' AND name NOT IN ('patient_id', 'created_by', 'updated_by')",
            [table.name()],
            |row| row.get(0),
        )?;
        if references.is_empty() {
            continue;
        }
        let rows: Vec<Vec<Option<String>>> = r.query_all(
            &format!(
                "SELECT id, {} FROM {} WHERE patient_id = ?1",
                references.join(", "),
                table.name()
            ),
            [kept.to_string()],
            |row| (0..=references.len()).map(|i| row.get(i)).collect(),
        )?;
        for row in rows {
            let (Some(Some(id)), refs) = (row.first(), &row[1..]) else {
                continue;
            };
            if !moved.contains(id) && refs.iter().flatten().any(|r| moved.contains(r)) {
                found.push((table, parse_id("patientId", id)?));
            }
        }
    }
    Ok(found)
}

fn pair(kept_id: &str, merged_id: &str) -> CoreResult<(Uuid, Uuid)> {
    let kept = parse_id("keptPatientId", kept_id)?;
    let merged = parse_id("mergedPatientId", merged_id)?;
    if kept == merged {
        return Err(CoreError::invalid(
            "mergedPatientId",
            message!("merge_same_record"),
        ));
    }
    Ok((kept, merged))
}

/// Both records exist and are records of their own (the merge rule, and the duplicate not merged the
/// same way already); the kept one is active.
fn check_mergeable(r: Reader<'_>, kept: Uuid, merged: Uuid) -> CoreResult<()> {
    let mut redirects = Vec::new();
    for (id, field) in [(kept, "keptPatientId"), (merged, "mergedPatientId")] {
        let state: Option<(Option<String>, Option<String>)> = r.query_opt(
            "SELECT archived_at, merged_into_id FROM patients WHERE id = ?1",
            [id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let Some((archived, merged_into)) = state else {
            return Err(CoreError::invalid(field, message!("patient_not_found")));
        };
        if id == kept && archived.is_some() {
            return Err(CoreError::invalid(field, message!("kept_record_archived")));
        }
        redirects.push(merged_into);
    }
    let (kept_id, merged_id) = (kept.to_string(), merged.to_string());
    let refusal = merge_refusal(
        MergeSide {
            id: &kept_id,
            merged_into: redirects[0].as_deref(),
        },
        MergeSide {
            id: &merged_id,
            merged_into: redirects[1].as_deref(),
        },
    );
    match refusal {
        Some(MergeRefusal::OtherWay | MergeRefusal::KeptMergedElsewhere) => Err(
            CoreError::invalid("keptPatientId", message!("already_merged")),
        ),
        Some(MergeRefusal::MergedElsewhere) => Err(CoreError::invalid(
            "mergedPatientId",
            message!("already_merged"),
        )),
        // Merged this way already: there is nothing left to merge.
        None if redirects[1].is_some() => Err(CoreError::invalid(
            "mergedPatientId",
            message!("already_merged"),
        )),
        None => Ok(()),
    }
}

/// The kept record's empty fields the duplicate has a value for.
fn fills(r: Reader<'_>, kept: Uuid, merged: Uuid) -> CoreResult<BTreeMap<&'static str, String>> {
    let columns = FILLABLE.join(", ");
    let values = |id: Uuid| -> CoreResult<Vec<Option<String>>> {
        Ok(r.query_row(
            &format!("SELECT {columns} FROM patients WHERE id = ?1"),
            [id.to_string()],
            |row| (0..FILLABLE.len()).map(|i| row.get(i)).collect(),
        )?)
    };
    let (kept_values, merged_values) = (values(kept)?, values(merged)?);
    let empty = |v: &Option<String>| v.as_deref().is_none_or(|t| t.trim().is_empty());
    let mut filled: BTreeMap<&'static str, String> = FILLABLE
        .iter()
        .zip(kept_values.iter().zip(merged_values))
        .filter(|(_, (k, m))| empty(k) && !empty(m))
        .filter_map(|(column, (_, m))| m.map(|m| (*column, m)))
        .collect();
    // An archived duplicate's email may belong to an active patient by now: emails stay unique.
    if let Some(email) = filled.get("email") {
        let elsewhere = r.count(
            "SELECT count(*) FROM patients WHERE email = ?1 COLLATE NOCASE AND archived_at IS NULL
             AND merged_into_id IS NULL AND id NOT IN (?2, ?3)",
            (email, kept.to_string(), merged.to_string()),
        )?;
        if elsewhere > 0 {
            filled.remove("email");
        }
    }
    Ok(filled)
}

/// Moves every row of `from` to `to`, each through the write path; returns what moved.
fn move_rows(tx: &mut WriteTx<'_>, from: Uuid, to: Uuid) -> CoreResult<Vec<MovedRow>> {
    let mut moved = Vec::new();
    for (table, _) in PATIENT_ROWS {
        let ids: Vec<String> = tx.reader().query_all(
            &format!(
                "SELECT id FROM {} WHERE patient_id = ?1 ORDER BY id",
                table.name()
            ),
            [from.to_string()],
            |r| r.get(0),
        )?;
        for id in ids {
            let row_id = parse_id("patientId", &id)?;
            tx.update(table, row_id, Fields::new().set("patient_id", to))?;
            moved.push(MovedRow {
                table: table.name().to_owned(),
                id,
            });
        }
    }
    Ok(moved)
}

fn json<T: Serialize>(value: &T) -> CoreResult<String> {
    serde_json::to_string(value).map_err(|e| CoreError::Internal(e.to_string()))
}

fn merges_where(r: Reader<'_>, condition: &str, value: &str) -> CoreResult<Vec<PatientMerge>> {
    let rows: Vec<(PatientMerge, String)> = r.query_all(
        &format!(
            "SELECT m.id, m.patient_id, m.merged_patient_id, p.mrn, p.first_name || ' ' || p.last_name,
                    m.created_at, u.display_name, m.undone_at, m.moved_rows
             FROM patient_merges m
             JOIN patients p ON p.id = m.merged_patient_id
             LEFT JOIN users u ON u.id = m.created_by
             WHERE {condition}
               -- A merge the clinic server refused (made the other way, or already, elsewhere) stays
               -- here only, as a record of what was tried: it is no merge.
               AND m.id NOT IN (SELECT row_id FROM conflicts
                                WHERE table_name = 'patient_merges' AND code = ?2)
             ORDER BY m.created_at DESC"
        ),
        [value, refusals::WITHOUT_ITS_MERGE],
        |r| {
            Ok((
                PatientMerge {
                    id: r.get(0)?,
                    kept_patient_id: r.get(1)?,
                    merged_patient_id: r.get(2)?,
                    merged_mrn: r.get(3)?,
                    merged_name: r.get(4)?,
                    merged_at: r.get(5)?,
                    merged_by: r.get(6)?,
                    moved: MovedCounts::default(),
                    undone_at: r.get(7)?,
                    undoable: false,
                },
                r.get(8)?,
            ))
        },
    )?;
    rows.into_iter()
        .map(|(mut merge, moved)| {
            let moved: Vec<MovedRow> = serde_json::from_str(&moved)
                .map_err(|e| CoreError::Internal(format!("the merge record is unreadable: {e}")))?;
            for row in moved {
                if let Some((_, kind)) = PATIENT_ROWS.iter().find(|(t, _)| t.name() == row.table) {
                    merge.moved.add(*kind, 1);
                }
            }
            Ok(merge)
        })
        .collect()
}

fn with_undoable(
    mut merge: PatientMerge,
    tz: chrono_tz::Tz,
    now: chrono::DateTime<chrono::Utc>,
) -> PatientMerge {
    merge.undoable = merge.undone_at.is_none()
        && parse_instant(&merge.merged_at).is_some_and(|at| today(tz, at) == today(tz, now));
    merge
}
