//! Patients: the list and its search, registering, editing, likely duplicates, archiving, the patient
//! header, merging records, CSV import and export. Every call is checked and audited in clinic-core,
//! which also holds the rules for the files read and written (`clinic_core::files`), as for the CLI.

use std::path::PathBuf;
use std::sync::Arc;

use clinic_core::message;
use clinic_core::{
    ImportProgress, ImportReport, MergePreview, NewPatient, PatientDetails, PatientHeader,
    PatientImport, PatientMerge, PatientPage, PatientQuery, PatientRow,
};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::ipc::{IpcError, IpcResult};
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

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MergePatientsArgs {
    pub kept_patient_id: String,
    pub merged_patient_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MergeIdArgs {
    pub merge_id: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientImportArgs {
    /// The CSV file to read.
    pub path: String,
    pub options: PatientImport,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportPatientsArgs {
    /// The CSV file to write: a new file (`.csv` is added when missing).
    pub path: String,
    pub include_archived: bool,
}

/// The file the user named. The app has no working folder a relative path could mean, so it must be a
/// full path.
fn full_path(typed: &str) -> Result<PathBuf, IpcError> {
    let path = PathBuf::from(typed.trim());
    if !path.is_absolute() {
        return Err(IpcError::field("path", message!("file_full_path")));
    }
    Ok(path)
}

/// The text of the file to import (refused, by the core's rules, when missing, a folder or too big).
fn import_file(typed: &str) -> Result<String, IpcError> {
    Ok(clinic_core::files::read_import(&full_path(typed)?)?)
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

#[tauri::command]
pub async fn patient_header(
    state: State<'_, Arc<AppState>>,
    args: PatientIdArgs,
) -> IpcResult<PatientHeader> {
    state
        .as_user(move |clinic, user| clinic.patient_header(user, &args.patient_id))
        .await
}

#[tauri::command]
pub async fn patient_merge_preview(
    state: State<'_, Arc<AppState>>,
    args: MergePatientsArgs,
) -> IpcResult<MergePreview> {
    state
        .as_user(move |clinic, user| {
            clinic.patient_merge_preview(user, &args.kept_patient_id, &args.merged_patient_id)
        })
        .await
}

#[tauri::command]
pub async fn merge_patients(
    state: State<'_, Arc<AppState>>,
    args: MergePatientsArgs,
) -> IpcResult<PatientMerge> {
    state
        .as_user(move |clinic, user| {
            clinic.merge_patients(user, &args.kept_patient_id, &args.merged_patient_id)
        })
        .await
}

#[tauri::command]
pub async fn patient_merges(
    state: State<'_, Arc<AppState>>,
    args: PatientIdArgs,
) -> IpcResult<Vec<PatientMerge>> {
    state
        .as_user(move |clinic, user| clinic.patient_merges(user, &args.patient_id))
        .await
}

#[tauri::command]
pub async fn undo_patient_merge(
    state: State<'_, Arc<AppState>>,
    args: MergeIdArgs,
) -> IpcResult<()> {
    state
        .as_user(move |clinic, user| clinic.undo_patient_merge(user, &args.merge_id))
        .await
}

/// Reads a patient file and reports what importing it would do; writes nothing.
#[tauri::command]
pub async fn check_patient_import(
    state: State<'_, Arc<AppState>>,
    args: PatientImportArgs,
) -> IpcResult<ImportReport> {
    let progress = Arc::clone(&state);
    state
        .as_user(move |clinic, user| {
            let text = import_file(&args.path)?;
            Ok::<_, IpcError>(progress.with_import_progress(|report| {
                clinic.check_patient_import_reporting(user, &text, &args.options, report)
            })?)
        })
        .await
}

#[tauri::command]
pub async fn import_patients(
    state: State<'_, Arc<AppState>>,
    args: PatientImportArgs,
) -> IpcResult<ImportReport> {
    let progress = Arc::clone(&state);
    state
        .as_user(move |clinic, user| {
            let text = import_file(&args.path)?;
            Ok::<_, IpcError>(progress.with_import_progress(|report| {
                clinic.import_patients_reporting(user, &text, &args.options, report)
            })?)
        })
        .await
}

/// How far the running patient-file check or import is; none when none runs.
#[tauri::command]
pub async fn import_progress(state: State<'_, Arc<AppState>>) -> IpcResult<Option<ImportProgress>> {
    Ok(state.import_progress())
}

/// Writes the patient list to a new CSV file (never over an existing one); returns where it went.
#[tauri::command]
pub async fn export_patients_csv(
    state: State<'_, Arc<AppState>>,
    args: ExportPatientsArgs,
) -> IpcResult<String> {
    state
        .as_user(move |clinic, user| {
            let mut path = full_path(&args.path)?;
            if path
                .extension()
                .is_none_or(|e| !e.eq_ignore_ascii_case("csv"))
            {
                path.set_extension("csv");
            }
            clinic
                .export_patients_csv(user, args.include_archived)?
                .save_new(&path)?;
            Ok::<_, IpcError>(path.display().to_string())
        })
        .await
}
