//! What the signed-in user sees first: the day's overview and the appointments of a day.

use std::sync::Arc;

use clinic_core::{AppointmentSummary, ClinicOverview, CoreError, message};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::ipc::IpcResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListAppointmentsArgs {
    /// A clinic-local date, "YYYY-MM-DD".
    pub day: String,
}

#[tauri::command]
pub async fn clinic_overview(state: State<'_, Arc<AppState>>) -> IpcResult<ClinicOverview> {
    state.as_user(|clinic, user| clinic.overview(user)).await
}

#[tauri::command]
pub async fn list_appointments(
    state: State<'_, Arc<AppState>>,
    args: ListAppointmentsArgs,
) -> IpcResult<Vec<AppointmentSummary>> {
    let day = chrono::NaiveDate::parse_from_str(&args.day, "%Y-%m-%d")
        .map_err(|_| CoreError::invalid("day", message!("date_format")))?;
    state
        .as_user(move |clinic, user| clinic.appointments_on(user, day))
        .await
}
