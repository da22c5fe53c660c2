//! The clinic server: a new computer joining the clinic (first run), pairing this one (Administration >
//! Sync), the clinic's devices, Sync now, and how syncing goes. Who may do what is checked in
//! clinic-core.

use std::sync::Arc;

use clinic_core::{
    Attention, Clinic, ClinicDevice, CoreError, Resolution, ServerAddress, SyncReport, message,
};
use clinic_sync::HttpsServer;
use serde::Deserialize;
use tauri::{AppHandle, State};
use ts_rs::TS;

use super::security::{sheet_file, suggested_sheet_path};
use super::session::{AppStatus, status};
use crate::ipc::{IpcError, IpcResult, blocking};
use crate::state::AppState;
use crate::sync::{JoinView, SyncOverview, server_of};

/// What `clinic-server pair` printed, as typed or pasted.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerArgs {
    /// https://name-or-address:port
    pub server: String,
    pub code: String,
    /// The certificate fingerprint the user compared with the one the server showed.
    pub fingerprint: String,
}

impl ServerArgs {
    fn address(&self) -> IpcResult<ServerAddress> {
        if self.code.trim().is_empty() {
            return Err(IpcError::field("code", message!("required")));
        }
        Ok(ServerAddress::parse(&self.server, &self.fingerprint)?)
    }
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerUrlArgs {
    pub server: String,
}

/// One entry of Needs attention and what the person decided.
#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResolveArgs {
    pub id: String,
    pub resolution: Resolution,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct JoinSheetArgs {
    pub path: String,
}

/// The fingerprint of the certificate the server at this address shows, for the user to compare with
/// the one `clinic-server pair` printed before this computer trusts it. Nothing is sent to it.
#[tauri::command]
pub async fn server_fingerprint(args: ServerUrlArgs) -> IpcResult<String> {
    blocking(move || clinic_sync::server_fingerprint(&args.server)).await
}

/// First run on a new computer of a clinic: pairs with the server, creates this computer's own
/// encrypted store, and starts pulling the clinic in. The recovery key is shown while it arrives.
#[tauri::command]
pub async fn join_clinic(
    state: State<'_, Arc<AppState>>,
    args: ServerArgs,
) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    blocking(move || {
        if state.clinic()?.is_some() {
            return Err(CoreError::Conflict(message!("clinic_exists")).into());
        }
        let address = args.address()?;
        let server = HttpsServer::new(&address)?;
        let (clinic, recovery_key) = Clinic::join(
            &state.data_dir()?,
            &state.key,
            &server,
            &address,
            args.code.trim(),
        )?;
        state.syncing.hold_join_key(recovery_key);
        state.set_up(clinic);
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        state.syncing.start_join(clinic);
        status(&state)
    })
    .await
}

/// How the join goes. A join cut short by a restart goes on from where it stopped when first looked at.
#[tauri::command]
pub async fn join_progress(state: State<'_, Arc<AppState>>) -> IpcResult<JoinView> {
    let state = Arc::clone(&state);
    blocking(move || {
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        let view = state.syncing.view_join(&clinic)?;
        if !view.pulled && !view.running && view.error.is_none() {
            state.syncing.start_join(Arc::clone(&clinic));
            return state.syncing.view_join(&clinic);
        }
        Ok(view)
    })
    .await
}

/// Tries the join's pull again after the server refused it.
#[tauri::command]
pub async fn retry_join(state: State<'_, Arc<AppState>>) -> IpcResult<JoinView> {
    let state = Arc::clone(&state);
    blocking(move || {
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        if clinic.join_unfinished()? {
            state.syncing.start_join(Arc::clone(&clinic));
        }
        state.syncing.view_join(&clinic)
    })
    .await
}

/// Where the joining computer's recovery sheet is offered to be saved.
#[tauri::command]
pub async fn join_sheet_path(app: AppHandle, state: State<'_, Arc<AppState>>) -> IpcResult<String> {
    let state = Arc::clone(&state);
    blocking(move || {
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        Ok::<_, IpcError>(suggested_sheet_path(&app, &clinic.settings()?.name))
    })
    .await
}

/// Saves the joining computer's recovery sheet (once the clinic, whose name it carries, is here).
#[tauri::command]
pub async fn save_join_recovery_sheet(
    state: State<'_, Arc<AppState>>,
    args: JoinSheetArgs,
) -> IpcResult<String> {
    let state = Arc::clone(&state);
    blocking(move || {
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        if clinic.join_unfinished()? {
            return Err(CoreError::Conflict(message!("join_unfinished")).into());
        }
        let path = sheet_file(&args.path)?;
        let made_by = clinic.device_name()?;
        let data_dir = state.data_dir()?;
        let pdf = state
            .syncing
            .with_join_key(|key| clinic.recovery_sheet(key, &data_dir, &made_by))
            .ok_or_else(|| {
                IpcError::from(CoreError::NotFound(message!("no_recovery_key_waiting")))
            })??;
        clinic_core::files::save_new(&path, &pdf)?;
        Ok::<_, IpcError>(path.display().to_string())
    })
    .await
}

/// Ends the join: the recovery key is forgotten and the sign-in screen follows. Refused until the
/// whole clinic is here.
#[tauri::command]
pub async fn finish_joining(state: State<'_, Arc<AppState>>) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    blocking(move || {
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        if clinic.join_unfinished()? {
            return Err(CoreError::Conflict(message!("join_unfinished")).into());
        }
        state.syncing.drop_join_key();
        state.syncing.wake();
        status(&state)
    })
    .await
}

/// How this computer's syncing goes (no sign-in needed: it holds no patient data).
#[tauri::command]
pub async fn sync_overview(state: State<'_, Arc<AppState>>) -> IpcResult<SyncOverview> {
    let state = Arc::clone(&state);
    blocking(move || {
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        state.syncing.overview(&clinic)
    })
    .await
}

/// Pairs this computer with a clinic server (administrators); the first round follows at once.
#[tauri::command]
pub async fn pair_with_server(
    state: State<'_, Arc<AppState>>,
    args: ServerArgs,
) -> IpcResult<SyncOverview> {
    let held = Arc::clone(&state);
    state
        .as_user(move |clinic, user| {
            let address = args.address()?;
            let server = HttpsServer::new(&address)?;
            clinic.pair_with_server(user, &server, &address, args.code.trim())?;
            held.syncing.wake();
            held.syncing.overview(clinic)
        })
        .await
}

/// One round now: this computer's changes sent, everyone else's fetched.
#[tauri::command]
pub async fn sync_now(state: State<'_, Arc<AppState>>) -> IpcResult<SyncReport> {
    let held = Arc::clone(&state);
    state
        .as_user(move |clinic, user| {
            held.syncing
                .round(clinic, |server| clinic.sync_now(user, server))
        })
        .await
}

/// The clinic's devices as the server knows them (administrators; needs the server).
#[tauri::command]
pub async fn clinic_devices(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<ClinicDevice>> {
    state
        .as_user(|clinic, user| {
            let server = server_of(&clinic.sync_status()?)?;
            clinic.clinic_devices(user, &server).map_err(IpcError::from)
        })
        .await
}

/// What syncing could not settle by itself and the signed-in user may resolve (Needs attention).
#[tauri::command]
pub async fn needs_attention(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<Attention>> {
    state
        .as_user(|clinic, user| clinic.needs_attention(user).map_err(IpcError::from))
        .await
}

/// Resolves one entry of Needs attention; the change it writes goes out with the next round.
#[tauri::command]
pub async fn resolve_attention(
    state: State<'_, Arc<AppState>>,
    args: ResolveArgs,
) -> IpcResult<()> {
    state
        .as_user(move |clinic, user| {
            clinic
                .resolve_attention(user, &args.id, args.resolution)
                .map_err(IpcError::from)
        })
        .await
}
