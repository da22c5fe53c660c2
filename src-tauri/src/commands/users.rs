//! Administration of users: the list, adding users, roles, deactivation and password resets.
//! Every call is checked in clinic-core (only administrators may manage users).

use std::sync::Arc;

use clinic_core::{NewUser, Role, UserSummary};
use serde::Deserialize;
use tauri::State;
use ts_rs::TS;

use crate::ipc::IpcResult;
use crate::state::AppState;

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetUserRoleArgs {
    pub user_id: String,
    pub role: Role,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetUserActiveArgs {
    pub user_id: String,
    pub active: bool,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ResetPasswordArgs {
    pub user_id: String,
    pub new_password: String,
}

#[tauri::command]
pub async fn list_users(state: State<'_, Arc<AppState>>) -> IpcResult<Vec<UserSummary>> {
    state.as_user(|clinic, user| clinic.list_users(user)).await
}

#[tauri::command]
pub async fn add_user(state: State<'_, Arc<AppState>>, args: NewUser) -> IpcResult<UserSummary> {
    state
        .as_user(move |clinic, user| clinic.add_user(user, args))
        .await
}

#[tauri::command]
pub async fn set_user_role(
    state: State<'_, Arc<AppState>>,
    args: SetUserRoleArgs,
) -> IpcResult<Vec<UserSummary>> {
    state
        .as_user(move |clinic, user| {
            clinic.set_user_role(user, &args.user_id, args.role)?;
            clinic.list_users(user)
        })
        .await
}

#[tauri::command]
pub async fn set_user_active(
    state: State<'_, Arc<AppState>>,
    args: SetUserActiveArgs,
) -> IpcResult<Vec<UserSummary>> {
    state
        .as_user(move |clinic, user| {
            clinic.set_user_active(user, &args.user_id, args.active)?;
            clinic.list_users(user)
        })
        .await
}

#[tauri::command]
pub async fn reset_password(
    state: State<'_, Arc<AppState>>,
    args: ResetPasswordArgs,
) -> IpcResult<Vec<UserSummary>> {
    state
        .as_user(move |clinic, user| {
            clinic.reset_password(user, &args.user_id, &args.new_password)?;
            clinic.list_users(user)
        })
        .await
}
