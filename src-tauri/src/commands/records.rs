//! Visits: the recent ones, and one opened whole. Only roles that may see clinical content are let
//! through, by clinic-core; every read is audited there.

use std::sync::Arc;

use clinic_core::{VisitRecord, VisitSummary};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::ipc::IpcResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecentVisitsArgs {
    #[ts(type = "number")]
    pub limit: i64,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenVisitArgs {
    pub encounter_id: String,
}

#[tauri::command]
pub async fn recent_visits(
    state: State<'_, Arc<AppState>>,
    args: RecentVisitsArgs,
) -> IpcResult<Vec<VisitSummary>> {
    state
        .as_user(move |clinic, user| clinic.recent_visits(user, args.limit))
        .await
}

#[tauri::command]
pub async fn open_visit(
    state: State<'_, Arc<AppState>>,
    args: OpenVisitArgs,
) -> IpcResult<VisitRecord> {
    state
        .as_user(move |clinic, user| clinic.open_visit(user, &args.encounter_id))
        .await
}
