//! Administration > Audit log: the trail filtered and paged, its CSV export, and a patient's "who
//! looked at my record". Every call is checked, and itself audited, in clinic-core.

use std::sync::Arc;

use clinic_core::{AuditFilterOptions, AuditPage, AuditQuery, PatientAccess};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::commands::save_csv;
use crate::ipc::{IpcError, IpcResult};
use crate::state::AppState;
use crate::sync::server_of;

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportAuditArgs {
    pub query: AuditQuery,
    /// The CSV file to write.
    pub path: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PatientAccessArgs {
    pub patient_id: String,
}

#[tauri::command]
pub async fn audit_log(state: State<'_, Arc<AppState>>, args: AuditQuery) -> IpcResult<AuditPage> {
    state
        .as_user(move |clinic, user| clinic.audit_log(user, args))
        .await
}

#[tauri::command]
pub async fn audit_filter_options(
    state: State<'_, Arc<AppState>>,
) -> IpcResult<AuditFilterOptions> {
    state
        .as_user(|clinic, user| clinic.audit_filter_options(user))
        .await
}

/// Writes the entries the query matches to a CSV file; returns where it went.
#[tauri::command]
pub async fn export_audit_csv(
    state: State<'_, Arc<AppState>>,
    args: ExportAuditArgs,
) -> IpcResult<String> {
    state
        .as_user(move |clinic, user| {
            let csv = clinic.export_audit_csv(user, args.query)?;
            save_csv(&args.path, &csv)
        })
        .await
}

#[tauri::command]
pub async fn patient_access_report(
    state: State<'_, Arc<AppState>>,
    args: PatientAccessArgs,
) -> IpcResult<Vec<PatientAccess>> {
    state
        .as_user(move |clinic, user| clinic.patient_access_report(user, &args.patient_id))
        .await
}

/// A page of the whole clinic's trail, from the clinic server (paired computers, online).
#[tauri::command]
pub async fn clinic_audit_log(
    state: State<'_, Arc<AppState>>,
    args: AuditQuery,
) -> IpcResult<AuditPage> {
    state
        .as_user(move |clinic, user| {
            let server = server_of(&clinic.sync_status()?)?;
            clinic
                .clinic_audit_log(user, args, &server)
                .map_err(IpcError::from)
        })
        .await
}

/// "Who looked at my record" on every computer of the clinic, from the clinic server.
#[tauri::command]
pub async fn clinic_patient_access_report(
    state: State<'_, Arc<AppState>>,
    args: PatientAccessArgs,
) -> IpcResult<Vec<PatientAccess>> {
    state
        .as_user(move |clinic, user| {
            let server = server_of(&clinic.sync_status()?)?;
            clinic
                .clinic_patient_access_report(user, &args.patient_id, &server)
                .map_err(IpcError::from)
        })
        .await
}
