//! Administration > Security: sign-in rules, the database key, and the recovery key with its sheet.
//! Every call is checked in clinic-core (only administrators manage security).

use std::path::PathBuf;
use std::sync::Arc;

use clinic_core::{Clinic, CoreError, RecoveryKeyStatus, SecuritySettings, SessionUser, message};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use ts_rs::TS;

use super::session::{AppStatus, status};
use crate::ipc::{IpcError, IpcResult};
use crate::state::{AppState, PendingRecoveryKey};

/// A recovery key being handed over: shown once, with where its sheet would be saved.
// No Debug: it carries a recovery key.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryKeyHandover {
    pub recovery_key: String,
    pub suggested_sheet_path: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SaveRecoverySheetArgs {
    pub path: String,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FinishHandoverArgs {
    /// The user confirmed the sheet is printed (or the key written down) and put away.
    pub confirmed: bool,
}

fn no_key_waiting() -> IpcError {
    CoreError::NotFound(message!("no_recovery_key_waiting")).into()
}

#[tauri::command]
pub async fn security_settings(state: State<'_, Arc<AppState>>) -> IpcResult<SecuritySettings> {
    state
        .as_user(|clinic, user| clinic.security_settings(user))
        .await
}

#[tauri::command]
pub async fn set_security_settings(
    state: State<'_, Arc<AppState>>,
    args: SecuritySettings,
) -> IpcResult<SecuritySettings> {
    state
        .as_user(move |clinic, user| {
            clinic.set_security_settings(user, args)?;
            clinic.security_settings(user)
        })
        .await
}

#[tauri::command]
pub async fn recovery_key_status(state: State<'_, Arc<AppState>>) -> IpcResult<RecoveryKeyStatus> {
    state
        .as_user(|clinic, user| clinic.recovery_key_status(user))
        .await
}

/// Re-encrypts the database with a new key in the OS keyring. A clinic protected by a passphrase
/// changes it with `clinic keys rotate`, since the app reads the passphrase from its environment.
#[tauri::command]
pub async fn change_database_key(state: State<'_, Arc<AppState>>) -> IpcResult<RecoveryKeyStatus> {
    let key = state.key.clone();
    state
        .as_user(move |clinic, user| {
            if key.passphrase.is_some() {
                return Err(CoreError::Conflict(message!("passphrase_rotated_by_cli")));
            }
            clinic.change_database_key(user, &key)?;
            clinic.recovery_key_status(user)
        })
        .await
}

/// Makes a new recovery key, held for this user until handed over.
#[tauri::command]
pub async fn new_recovery_key(
    app: AppHandle,
    state: State<'_, Arc<AppState>>,
) -> IpcResult<RecoveryKeyHandover> {
    let held = Arc::clone(&state);
    state
        .as_user(move |clinic, user| {
            let key = clinic.new_recovery_key(user)?;
            held.hold_recovery_key(PendingRecoveryKey {
                key,
                for_user: user.id.clone(),
                made_by: user.display_name.clone(),
                at_setup: false,
                adopted: false,
            });
            handover(&app, &held, clinic.settings()?.name, user)
        })
        .await
}

/// The recovery key waiting for the signed-in user, to show.
#[tauri::command]
pub async fn recovery_key_handover(
    app: AppHandle,
    state: State<'_, Arc<AppState>>,
) -> IpcResult<RecoveryKeyHandover> {
    let held = Arc::clone(&state);
    state
        .as_user(move |clinic, user| handover(&app, &held, clinic.settings()?.name, user))
        .await
}

fn handover(
    app: &AppHandle,
    state: &AppState,
    clinic_name: String,
    user: &SessionUser,
) -> IpcResult<RecoveryKeyHandover> {
    let recovery_key = state
        .with_recovery_key(user, |pending| pending.key.to_display().to_string())
        .ok_or_else(no_key_waiting)?;
    Ok(RecoveryKeyHandover {
        recovery_key,
        suggested_sheet_path: suggested_sheet_path(app, &clinic_name),
    })
}

/// Where a recovery sheet is offered to be saved: the user's documents, named after the clinic.
pub(crate) fn suggested_sheet_path(app: &AppHandle, clinic_name: &str) -> String {
    let folder = app
        .path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_else(|_| std::env::temp_dir());
    let file = format!(
        "Recovery sheet - {}.pdf",
        clinic_name.replace(['/', '\\'], "-")
    );
    folder.join(file).display().to_string()
}

/// The file a recovery sheet goes to, as the user typed it: a full path, `.pdf` added when missing.
pub(crate) fn sheet_file(path: &str) -> IpcResult<PathBuf> {
    let mut path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(IpcError::field("path", message!("file_full_path")));
    }
    if path
        .extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case("pdf"))
    {
        path.set_extension("pdf");
    }
    Ok(path)
}

/// Writes the recovery sheet (PDF) of the waiting key to `path`, and returns where it went.
#[tauri::command]
pub async fn save_recovery_sheet(
    state: State<'_, Arc<AppState>>,
    args: SaveRecoverySheetArgs,
) -> IpcResult<String> {
    let held = Arc::clone(&state);
    let data_dir = state.data_dir()?;
    state
        .as_user(move |clinic, user| {
            let path = sheet_file(&args.path)?;
            let pdf = held
                .with_recovery_key(user, |pending| {
                    clinic.recovery_sheet(&pending.key, &data_dir, &pending.made_by)
                })
                .ok_or_else(no_key_waiting)??;
            clinic_core::files::save_new(&path, &pdf)?;
            adopt(&held, clinic, user)?;
            Ok::<_, IpcError>(path.display().to_string())
        })
        .await
}

/// Makes the waiting key the clinic's recovery key, once (see `PendingRecoveryKey::adopted`).
fn adopt(state: &AppState, clinic: &Clinic, user: &SessionUser) -> IpcResult<()> {
    state
        .with_recovery_key_mut(user, |pending| {
            if !pending.adopted {
                clinic.adopt_recovery_key(user, &pending.key)?;
                pending.adopted = true;
            }
            Ok::<_, CoreError>(())
        })
        .ok_or_else(no_key_waiting)??;
    Ok(())
}

/// Ends the handover: the key is forgotten. If the user confirmed the sheet is put away, the key is
/// adopted and the confirmation recorded; if not, a key whose sheet was never saved changes nothing.
#[tauri::command]
pub async fn finish_recovery_key_handover(
    state: State<'_, Arc<AppState>>,
    args: FinishHandoverArgs,
) -> IpcResult<AppStatus> {
    let held = Arc::clone(&state);
    state
        .as_user(move |clinic, user| {
            held.with_recovery_key(user, |_| ())
                .ok_or_else(no_key_waiting)?;
            if args.confirmed {
                adopt(&held, clinic, user)?;
                clinic.confirm_recovery_key(user)?;
            }
            held.drop_recovery_key();
            status(&held)
        })
        .await
}
