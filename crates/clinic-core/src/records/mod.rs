//! Clinical records: encounters (visits), their notes, vitals, diagnoses and prescriptions. Writing them
//! is here; reading them in [`view`].

pub mod kept;
mod view;

pub use view::{
    VisitDiagnosis, VisitNote, VisitPrescription, VisitRecord, VisitSummary, VisitVitals,
};

use clinic_store::{Fields, Table};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::auth::permissions::Action;
use crate::patients::active_patient;
use crate::scheduling::parse_id;
use crate::validate::{optional, required, required_lines};
use crate::{Clinic, CoreError, CoreResult, SessionUser, message};

/// Vital signs taken during a visit; every measurement is optional.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewVitals {
    pub systolic_mmhg: Option<i64>,
    pub diastolic_mmhg: Option<i64>,
    pub heart_rate_bpm: Option<i64>,
    pub temperature_c: Option<f64>,
    pub spo2_percent: Option<i64>,
    pub weight_kg: Option<f64>,
    pub height_cm: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewPrescription {
    pub drug: String,
    pub strength: Option<String>,
    pub form: Option<String>,
    pub route: Option<String>,
    pub dose: Option<String>,
    pub frequency: Option<String>,
    pub duration: Option<String>,
    pub quantity: Option<String>,
    pub refills: i64,
    pub instructions: Option<String>,
}

/// An allergy as a nurse or doctor records it.
#[derive(Clone, Debug, Default, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewAllergy {
    pub substance: String,
    pub reaction: Option<String>,
    pub severity: Option<AllergySeverity>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AllergySeverity {
    Mild,
    Moderate,
    Severe,
    Unknown,
}

impl AllergySeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            AllergySeverity::Mild => "mild",
            AllergySeverity::Moderate => "moderate",
            AllergySeverity::Severe => "severe",
            AllergySeverity::Unknown => "unknown",
        }
    }

    pub(crate) fn parse(text: &str) -> AllergySeverity {
        match text {
            "mild" => AllergySeverity::Mild,
            "moderate" => AllergySeverity::Moderate,
            "severe" => AllergySeverity::Severe,
            _ => AllergySeverity::Unknown,
        }
    }
}

fn in_range(field: &'static str, value: Option<f64>, low: f64, high: f64) -> CoreResult<()> {
    match value {
        Some(v) if !(low..=high).contains(&v) => Err(CoreError::invalid(
            field,
            message!("between", min = low, max = high),
        )),
        _ => Ok(()),
    }
}

impl Clinic {
    /// Opens a visit for a patient with a provider, optionally for an appointment. Returns its id.
    pub fn open_encounter(
        &self,
        by: &SessionUser,
        patient_id: &str,
        provider_id: &str,
        appointment_id: Option<&str>,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::WriteClinical)?;
        let patient = parse_id("patientId", patient_id)?;
        let provider = parse_id("providerId", provider_id)?;
        let appointment = appointment_id
            .map(|a| parse_id("appointmentId", a))
            .transpose()?;
        access.write(|tx| {
            active_patient(&tx.reader(), patient)?;
            let now = tx.now();
            let id = tx.insert(
                Table::Encounters,
                Fields::new()
                    .set("patient_id", patient)
                    .set("provider_id", provider)
                    .set("appointment_id", appointment)
                    .set("started_at", now),
            )?;
            Ok(id.to_string())
        })
    }

    /// Writes the draft note of a visit. Returns the note id.
    pub fn write_note(
        &self,
        by: &SessionUser,
        encounter_id: &str,
        body: &str,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::WriteClinical)?;
        let encounter = parse_id("encounterId", encounter_id)?;
        let body = required_lines("body", body, 20_000)?;
        access.write(|tx| {
            let id = tx.insert(
                Table::EncounterNotes,
                Fields::new()
                    .set("encounter_id", encounter)
                    .set("body", body.as_str()),
            )?;
            Ok(id.to_string())
        })
    }

    /// Rewrites a draft note; a signed one is refused (it is amended instead).
    pub fn edit_note(&self, by: &SessionUser, note_id: &str, body: &str) -> CoreResult<()> {
        let access = self.authorize(by, Action::WriteClinical)?;
        let note = parse_id("noteId", note_id)?;
        let body = required_lines("body", body, 20_000)?;
        access.write(|tx| {
            still_a_draft(&tx.reader(), note)?;
            tx.update(
                Table::EncounterNotes,
                note,
                Fields::new().set("body", body.as_str()),
            )?;
            Ok(())
        })
    }

    /// Signs a draft note. From then on it never changes; corrections are amendments.
    pub fn sign_note(&self, by: &SessionUser, note_id: &str) -> CoreResult<()> {
        let access = self.authorize(by, Action::SignNotes)?;
        let note = parse_id("noteId", note_id)?;
        access.write(|tx| {
            still_a_draft(&tx.reader(), note)?;
            let now = tx.now();
            tx.update(
                Table::EncounterNotes,
                note,
                Fields::new()
                    .set("status", "signed")
                    .set("signed_at", now)
                    .set("signed_by", by.id.as_str()),
            )?;
            Ok(())
        })
    }

    pub fn add_vitals(
        &self,
        by: &SessionUser,
        encounter_id: &str,
        vitals: NewVitals,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::RecordVitals)?;
        let encounter = parse_id("encounterId", encounter_id)?;
        in_range(
            "systolicMmhg",
            vitals.systolic_mmhg.map(|v| v as f64),
            40.0,
            300.0,
        )?;
        in_range(
            "diastolicMmhg",
            vitals.diastolic_mmhg.map(|v| v as f64),
            20.0,
            200.0,
        )?;
        in_range(
            "heartRateBpm",
            vitals.heart_rate_bpm.map(|v| v as f64),
            20.0,
            300.0,
        )?;
        in_range("temperatureC", vitals.temperature_c, 25.0, 45.0)?;
        in_range(
            "spo2Percent",
            vitals.spo2_percent.map(|v| v as f64),
            40.0,
            100.0,
        )?;
        in_range("weightKg", vitals.weight_kg, 0.2, 400.0)?;
        in_range("heightCm", vitals.height_cm, 20.0, 260.0)?;
        access.write(|tx| {
            let patient = encounter_patient(tx, encounter)?;
            let now = tx.now();
            let id = tx.insert(
                Table::Vitals,
                Fields::new()
                    .set("encounter_id", encounter)
                    .set("patient_id", patient.as_str())
                    .set("taken_at", now)
                    .set("systolic_mmhg", vitals.systolic_mmhg)
                    .set("diastolic_mmhg", vitals.diastolic_mmhg)
                    .set("heart_rate_bpm", vitals.heart_rate_bpm)
                    .set("temperature_c", vitals.temperature_c)
                    .set("spo2_percent", vitals.spo2_percent)
                    .set("weight_kg", vitals.weight_kg)
                    .set("height_cm", vitals.height_cm),
            )?;
            Ok(id.to_string())
        })
    }

    /// Records an allergy of a patient (substance, optional reaction, severity). Returns its id.
    pub fn record_allergy(
        &self,
        by: &SessionUser,
        patient_id: &str,
        allergy: NewAllergy,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::RecordVitals)?;
        let patient = parse_id("patientId", patient_id)?;
        let substance = required("substance", &allergy.substance, 120)?;
        let reaction = optional("reaction", allergy.reaction.as_deref(), 200)?;
        let severity = allergy.severity.unwrap_or(AllergySeverity::Unknown);
        access.write(|tx| {
            active_patient(&tx.reader(), patient)?;
            let noted_on = tx.now().date_naive();
            let id = tx.insert(
                Table::Allergies,
                Fields::new()
                    .set("patient_id", patient)
                    .set("substance", substance.as_str())
                    .set("reaction", reaction.as_deref())
                    .set("severity", severity.as_str())
                    .set("noted_on", noted_on),
            )?;
            Ok(id.to_string())
        })
    }

    pub fn add_diagnosis(
        &self,
        by: &SessionUser,
        encounter_id: &str,
        icd10_code: &str,
        description: &str,
        primary: bool,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::WriteClinical)?;
        let encounter = parse_id("encounterId", encounter_id)?;
        let code = required("icd10Code", icd10_code, 10)?.to_uppercase();
        let description = required("description", description, 300)?;
        access.write(|tx| {
            let patient = encounter_patient(tx, encounter)?;
            let id = tx.insert(
                Table::Diagnoses,
                Fields::new()
                    .set("encounter_id", encounter)
                    .set("patient_id", patient.as_str())
                    .set("icd10_code", code.as_str())
                    .set("description", description.as_str())
                    .set("is_primary", primary),
            )?;
            Ok(id.to_string())
        })
    }

    pub fn add_prescription(
        &self,
        by: &SessionUser,
        encounter_id: &str,
        rx: NewPrescription,
    ) -> CoreResult<String> {
        let access = self.authorize(by, Action::Prescribe)?;
        let encounter = parse_id("encounterId", encounter_id)?;
        let drug = required("drug", &rx.drug, 120)?;
        if !(0..=12).contains(&rx.refills) {
            return Err(CoreError::invalid(
                "refills",
                message!("between", min = 0, max = 12),
            ));
        }
        let text = |field, value: &Option<String>| optional(field, value.as_deref(), 200);
        let fields = Fields::new()
            .set("drug", drug.as_str())
            .set("strength", text("strength", &rx.strength)?)
            .set("form", text("form", &rx.form)?)
            .set("route", text("route", &rx.route)?)
            .set("dose", text("dose", &rx.dose)?)
            .set("frequency", text("frequency", &rx.frequency)?)
            .set("duration", text("duration", &rx.duration)?)
            .set("quantity", text("quantity", &rx.quantity)?)
            .set("refills", rx.refills)
            .set("instructions", text("instructions", &rx.instructions)?);
        access.write(|tx| {
            let (patient, provider): (String, String) = tx
                .reader()
                .query_opt(
                    "SELECT patient_id, provider_id FROM encounters WHERE id = ?1",
                    [encounter.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .ok_or_else(|| CoreError::NotFound(message!("visit_not_found")))?;
            let starts = tx.now().date_naive();
            let id = tx.insert(
                Table::Prescriptions,
                fields
                    .set("encounter_id", encounter)
                    .set("patient_id", patient.as_str())
                    .set("prescriber_id", provider.as_str())
                    .set("starts_on", starts),
            )?;
            Ok(id.to_string())
        })
    }
}

fn encounter_patient(tx: &clinic_store::WriteTx<'_>, encounter: Uuid) -> CoreResult<String> {
    tx.reader()
        .query_opt(
            "SELECT patient_id FROM encounters WHERE id = ?1",
            [encounter.to_string()],
            |r| r.get(0),
        )?
        .ok_or_else(|| CoreError::NotFound(message!("visit_not_found")))
}

/// A note that may still be written or signed: it exists and is not signed yet.
fn still_a_draft(r: &clinic_store::Reader<'_>, note: Uuid) -> CoreResult<()> {
    let status: Option<String> = r.query_opt(
        "SELECT status FROM encounter_notes WHERE id = ?1",
        [note.to_string()],
        |row| row.get(0),
    )?;
    match status.as_deref() {
        None => Err(CoreError::NotFound(message!("note_not_found"))),
        Some("signed") => Err(CoreError::Conflict(message!("note_signed"))),
        _ => Ok(()),
    }
}
