//! Reading the clinical record: the recent visits and one visit whole (notes, vitals, diagnoses,
//! prescriptions). Only roles that may see clinical content get here, and every read is audited with
//! the patient it concerns.

use clinic_store::{AuditEvent, Reader, Row, RowResult};
use serde::Serialize;
use ts_rs::TS;

use crate::auth::permissions::Action;
use crate::scheduling::parse_id;
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// One line of the visits list.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitSummary {
    pub id: String,
    pub patient_id: String,
    pub patient_name: String,
    pub patient_mrn: String,
    pub provider_name: String,
    pub started_at: String,
    /// "signed" when the visit's note is signed, "draft" while it is not, None without a note.
    pub note_status: Option<String>,
    pub diagnoses: Vec<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitNote {
    pub id: String,
    /// "note" or "amendment" (of `amends_note_id`).
    pub kind: String,
    pub amends_note_id: Option<String>,
    pub body: String,
    pub status: String,
    pub written_at: String,
    pub signed_at: Option<String>,
    pub signed_by: Option<String>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitVitals {
    pub taken_at: String,
    #[ts(type = "number | null")]
    pub systolic_mmhg: Option<i64>,
    #[ts(type = "number | null")]
    pub diastolic_mmhg: Option<i64>,
    #[ts(type = "number | null")]
    pub heart_rate_bpm: Option<i64>,
    pub temperature_c: Option<f64>,
    #[ts(type = "number | null")]
    pub spo2_percent: Option<i64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitDiagnosis {
    pub icd10_code: String,
    pub description: String,
    pub primary: bool,
}

#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitPrescription {
    pub drug: String,
    pub strength: Option<String>,
    pub dose: Option<String>,
    pub frequency: Option<String>,
    pub duration: Option<String>,
    pub quantity: Option<String>,
    #[ts(type = "number")]
    pub refills: i64,
    pub instructions: Option<String>,
}

/// A visit whole, as a clinician reads it.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitRecord {
    pub summary: VisitSummary,
    pub notes: Vec<VisitNote>,
    pub vitals: Vec<VisitVitals>,
    pub diagnoses: Vec<VisitDiagnosis>,
    pub prescriptions: Vec<VisitPrescription>,
}

const SUMMARY: &str =
    "SELECT e.id, e.patient_id, p.first_name || ' ' || p.last_name, p.mrn, pr.display_name,
        e.started_at,
        (SELECT CASE WHEN count(*) = 0 THEN NULL
                     WHEN sum(n.status = 'signed') = count(*) THEN 'signed' ELSE 'draft' END
           FROM encounter_notes n WHERE n.encounter_id = e.id AND n.archived_at IS NULL),
        (SELECT group_concat(d.icd10_code, ' ') FROM diagnoses d
          WHERE d.encounter_id = e.id AND d.archived_at IS NULL)
     FROM encounters e
     JOIN patients p ON p.id = e.patient_id
     JOIN providers pr ON pr.id = e.provider_id
     WHERE e.archived_at IS NULL";

fn summary(row: &Row<'_>) -> RowResult<VisitSummary> {
    let codes: Option<String> = row.get(7)?;
    Ok(VisitSummary {
        id: row.get(0)?,
        patient_id: row.get(1)?,
        patient_name: row.get(2)?,
        patient_mrn: row.get(3)?,
        provider_name: row.get(4)?,
        started_at: row.get(5)?,
        note_status: row.get(6)?,
        diagnoses: codes
            .map(|c| c.split(' ').map(str::to_owned).collect())
            .unwrap_or_default(),
    })
}

impl Clinic {
    /// The most recent visits, newest first.
    pub fn recent_visits(&self, by: &SessionUser, limit: i64) -> CoreResult<Vec<VisitSummary>> {
        let access = self.authorize(by, Action::ViewClinical)?;
        let limit = limit.clamp(1, 200);
        let visits = access.read(|r| {
            Ok(r.query_all(
                &format!("{SUMMARY} ORDER BY e.started_at DESC LIMIT ?1"),
                [limit],
                summary,
            )?)
        })?;
        // A list that shows patients' clinical facts is a read of their records.
        access.audit(AuditEvent {
            action: "list_visits".into(),
            entity: "encounters".into(),
            details: Some(serde_json::json!({
                "shown": visits.iter().map(|v| v.patient_id.as_str()).collect::<Vec<_>>(),
            })),
            ..AuditEvent::default()
        })?;
        Ok(visits)
    }

    /// One visit whole: its notes (amendments included), vitals, diagnoses and prescriptions.
    pub fn open_visit(&self, by: &SessionUser, encounter_id: &str) -> CoreResult<VisitRecord> {
        let access = self.authorize(by, Action::ViewClinical)?;
        let id = parse_id("encounterId", encounter_id)?.to_string();
        let record = access.read(|r| {
            let summary = r
                .query_opt(&format!("{SUMMARY} AND e.id = ?1"), [&id], summary)?
                .ok_or_else(|| CoreError::NotFound(message!("visit_not_found")))?;
            Ok(VisitRecord {
                notes: notes(r, &id)?,
                vitals: r.query_all(
                    "SELECT taken_at, systolic_mmhg, diastolic_mmhg, heart_rate_bpm, temperature_c, spo2_percent,
                            weight_kg, height_cm
                     FROM vitals WHERE encounter_id = ?1 AND archived_at IS NULL ORDER BY taken_at",
                    [&id],
                    |row| {
                        Ok(VisitVitals {
                            taken_at: row.get(0)?,
                            systolic_mmhg: row.get(1)?,
                            diastolic_mmhg: row.get(2)?,
                            heart_rate_bpm: row.get(3)?,
                            temperature_c: row.get(4)?,
                            spo2_percent: row.get(5)?,
                            weight_kg: row.get(6)?,
                            height_cm: row.get(7)?,
                        })
                    },
                )?,
                diagnoses: r.query_all(
                    "SELECT icd10_code, description, is_primary FROM diagnoses
                     WHERE encounter_id = ?1 AND archived_at IS NULL ORDER BY is_primary DESC, created_at",
                    [&id],
                    |row| {
                        Ok(VisitDiagnosis {
                            icd10_code: row.get(0)?,
                            description: row.get(1)?,
                            primary: row.get(2)?,
                        })
                    },
                )?,
                prescriptions: r.query_all(
                    "SELECT drug, strength, dose, frequency, duration, quantity, refills, instructions
                     FROM prescriptions WHERE encounter_id = ?1 AND archived_at IS NULL ORDER BY created_at",
                    [&id],
                    |row| {
                        Ok(VisitPrescription {
                            drug: row.get(0)?,
                            strength: row.get(1)?,
                            dose: row.get(2)?,
                            frequency: row.get(3)?,
                            duration: row.get(4)?,
                            quantity: row.get(5)?,
                            refills: row.get(6)?,
                            instructions: row.get(7)?,
                        })
                    },
                )?,
                summary,
            })
        })?;
        access.audit(AuditEvent {
            action: "open_visit".into(),
            entity: "encounters".into(),
            entity_id: Some(id),
            patient_id: Some(record.summary.patient_id.clone()),
            ..AuditEvent::default()
        })?;
        Ok(record)
    }
}

fn notes(r: Reader<'_>, encounter: &str) -> CoreResult<Vec<VisitNote>> {
    Ok(r.query_all(
        "SELECT n.id, n.kind, n.amends_note_id, n.body, n.status, n.created_at, n.signed_at, u.display_name
         FROM encounter_notes n LEFT JOIN users u ON u.id = n.signed_by
         WHERE n.encounter_id = ?1 AND n.archived_at IS NULL ORDER BY n.created_at",
        [encounter],
        |row| {
            Ok(VisitNote {
                id: row.get(0)?,
                kind: row.get(1)?,
                amends_note_id: row.get(2)?,
                body: row.get(3)?,
                status: row.get(4)?,
                written_at: row.get(5)?,
                signed_at: row.get(6)?,
                signed_by: row.get(7)?,
            })
        },
    )?)
}
