//! Patients: the list and its search, registering, editing, likely duplicates, archiving. Every call
//! is checked and audited in clinic-core.

use std::sync::Arc;

use clinic_core::{NewPatient, PatientDetails, PatientPage, PatientQuery, PatientRow};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::ipc::IpcResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientIdArgs {
    pub patient_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePatientArgs {
    pub patient_id: String,
    pub patient: NewPatient,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FindDuplicatesArgs {
    pub patient: NewPatient,
    /// The patient being edited, who is not their own duplicate.
    pub except_id: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetPatientArchivedArgs {
    pub patient_id: String,
    pub archived: bool,
}

#[tauri::command]
pub async fn list_patients(
    state: State<'_, Arc<AppState>>,
    args: PatientQuery,
) -> IpcResult<PatientPage> {
    state
        .as_user(move |clinic, user| clinic.list_patients(user, &args))
        .await
}

#[tauri::command]
pub async fn register_patient(
    state: State<'_, Arc<AppState>>,
    args: NewPatient,
) -> IpcResult<PatientRow> {
    state
        .as_user(move |clinic, user| clinic.register_patient(user, args))
        .await
}

#[tauri::command]
pub async fn update_patient(
    state: State<'_, Arc<AppState>>,
    args: UpdatePatientArgs,
) -> IpcResult<PatientRow> {
    state
        .as_user(move |clinic, user| clinic.update_patient(user, &args.patient_id, args.patient))
        .await
}

#[tauri::command]
pub async fn find_duplicate_patients(
    state: State<'_, Arc<AppState>>,
    args: FindDuplicatesArgs,
) -> IpcResult<Vec<PatientRow>> {
    state
        .as_user(move |clinic, user| {
            clinic.find_duplicate_patients(user, args.patient, args.except_id.as_deref())
        })
        .await
}

#[tauri::command]
pub async fn patient(
    state: State<'_, Arc<AppState>>,
    args: PatientIdArgs,
) -> IpcResult<PatientDetails> {
    state
        .as_user(move |clinic, user| clinic.patient(user, &args.patient_id))
        .await
}

#[tauri::command]
pub async fn set_patient_archived(
    state: State<'_, Arc<AppState>>,
    args: SetPatientArchivedArgs,
) -> IpcResult<()> {
    state
        .as_user(move |clinic, user| {
            clinic.set_patient_archived(user, &args.patient_id, args.archived)
        })
        .await
}
