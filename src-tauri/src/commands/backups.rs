//! Administration > Backups: where backups go, backing up now, and restoring one (the current data is
//! kept aside). Every call is checked in clinic-core (only administrators manage backups).

use std::path::PathBuf;
use std::sync::Arc;

use clinic_core::{BackupSettingsInput, BackupStatus, BackupSummary};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use super::session::{AppStatus, status};
use crate::ipc::{IpcResult, blocking};
use crate::state::AppState;

// No Debug: it carries a recovery key.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupFileArgs {
    pub file: String,
    /// Needed only for a backup this clinic cannot open by itself.
    pub recovery_key: Option<String>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RestoreOutcome {
    pub restored: BackupSummary,
    /// Where the data that was replaced is kept.
    pub previous_data: String,
    pub status: AppStatus,
}

#[tauri::command]
pub async fn backup_status(state: State<'_, Arc<AppState>>) -> IpcResult<BackupStatus> {
    state
        .as_user(|clinic, user| clinic.backup_status(user))
        .await
}

#[tauri::command]
pub async fn set_backup_settings(
    state: State<'_, Arc<AppState>>,
    args: BackupSettingsInput,
) -> IpcResult<BackupStatus> {
    state
        .as_user(move |clinic, user| clinic.set_backup_settings(user, args))
        .await
}

#[tauri::command]
pub async fn back_up_now(state: State<'_, Arc<AppState>>) -> IpcResult<BackupSummary> {
    state
        .as_user(|clinic, user| clinic.back_up_now(user, None))
        .await
}

#[tauri::command]
pub async fn preview_backup(
    state: State<'_, Arc<AppState>>,
    args: BackupFileArgs,
) -> IpcResult<BackupSummary> {
    state
        .as_user(move |clinic, user| {
            clinic.preview_backup(
                user,
                &PathBuf::from(&args.file),
                args.recovery_key.as_deref(),
            )
        })
        .await
}

/// Restores a backup: checks and unpacks it, closes the clinic, moves the current data aside and the
/// restored data in, and reopens. Everyone signs in again.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, Arc<AppState>>,
    args: BackupFileArgs,
) -> IpcResult<RestoreOutcome> {
    let data_dir = state.data_dir()?;
    let key = state.key.clone();
    let prepared = {
        let (data_dir, key) = (data_dir.clone(), key.clone());
        state
            .as_user(move |clinic, user| {
                clinic.prepare_restore(
                    user,
                    &data_dir,
                    &PathBuf::from(&args.file),
                    args.recovery_key.as_deref(),
                    &key,
                )
            })
            .await?
    };
    let state = Arc::clone(&state);
    blocking(move || {
        let restored = prepared.summary().clone();
        let mut previous_data = None;
        state.replace_clinic(|| {
            let (clinic, aside) = prepared.finish(&key)?;
            previous_data = Some(aside.display().to_string());
            Ok(clinic)
        })?;
        Ok::<_, crate::ipc::IpcError>(RestoreOutcome {
            restored,
            previous_data: previous_data.unwrap_or_default(),
            status: status(&state)?,
        })
    })
    .await
}
