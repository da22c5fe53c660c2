//! First run, signing in and out, the idle lock, and opening a clinic whose key is lost.

use std::sync::Arc;

use clinic_core::{Action, Clinic, CoreError, NewClinic, ReadingOnly, SessionUser};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::ipc::{IpcError, IpcResult, blocking};
use crate::state::{AppState, Opened, PendingRecoveryKey};

/// Which screen the app should show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppPhase {
    /// No clinic yet: first-run setup.
    Setup,
    SignIn,
    /// Signed in with a password an administrator set: it must be changed before anything else.
    ChangePassword,
    Ready,
    /// Signed in, but the screen is locked (idle minutes, or on request): the user's password, or
    /// another user's sign-in, is needed.
    Locked,
    /// Just set up: the administrator is signed in and must first be shown the recovery key.
    RecoveryKey,
    /// The OS keyring no longer has the database key: the recovery key opens the clinic.
    Recover,
    /// A new computer of the clinic: the clinic is arriving from the server, and its recovery key is
    /// being shown. No one signs in until both are done.
    Joining,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DemoCredentials {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    pub phase: AppPhase,
    pub clinic_name: Option<String>,
    pub demo: bool,
    /// Shown on the sign-in screen of the demo clinic only.
    pub demo_credentials: Option<DemoCredentials>,
    pub user: Option<SessionUser>,
    /// Minutes without activity after which the UI locks the screen (Rust refuses commands from then on).
    pub idle_lock_minutes: Option<u32>,
    /// What the signed-in user's current role allows, from the Rust permission matrix: the UI asks
    /// `can(action)` and never reads the role itself.
    pub allowed: Vec<Action>,
    /// Set while the clinic is open for reading only (its disk is full, its folder read-only).
    pub reading_only: Option<ReadingOnly>,
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SignInArgs {
    pub username: String,
    pub password: String,
}

pub(crate) fn status(state: &AppState) -> IpcResult<AppStatus> {
    let clinic = match state.open()? {
        Opened::Clinic(clinic) => Some(clinic),
        Opened::NotSetUp => None,
        Opened::KeyLost => return Ok(no_one_in(state, AppPhase::Recover, None)),
    };
    if let Some(clinic) = &clinic
        && (clinic.join_unfinished()? || state.syncing.holds_join_key())
    {
        state.set_session(None);
        // The clinic's settings arrive with the rest of it.
        let name = clinic.settings().ok().map(|s| s.name);
        return Ok(no_one_in(state, AppPhase::Joining, name));
    }
    let clinic_name = match &clinic {
        Some(c) => Some(c.settings()?.name),
        None => None,
    };
    // The session's user, and whether the screen is locked; a user who was deactivated meanwhile
    // ends the session.
    let session = match &clinic {
        None => None,
        Some(clinic) => state
            .with_session(|session| match clinic.session_user(session) {
                Ok(user) => Ok(Some((user, false))),
                Err(CoreError::SessionLocked) => Ok(Some((session.user().clone(), true))),
                Err(CoreError::NotSignedIn) => Ok(None),
                Err(err) => Err(err),
            })
            .transpose()?
            .flatten(),
    };
    if session.is_none() {
        state.set_session(None);
    }
    let phase = match (&clinic, &session) {
        (None, _) => AppPhase::Setup,
        (Some(_), None) => AppPhase::SignIn,
        (Some(_), Some((_, true))) => AppPhase::Locked,
        (Some(_), Some((user, false))) if user.must_change_password => AppPhase::ChangePassword,
        (Some(_), Some((user, false)))
            if state
                .with_recovery_key(user, |pending| pending.at_setup)
                .unwrap_or(false) =>
        {
            AppPhase::RecoveryKey
        }
        (Some(_), Some(_)) => AppPhase::Ready,
    };
    let idle_lock_minutes = match (&clinic, &session) {
        (Some(clinic), Some((user, false))) => {
            Some(clinic.security_settings(user)?.idle_lock_minutes)
        }
        _ => None,
    };
    let allowed = match (&clinic, &session) {
        (Some(clinic), Some((user, false))) => clinic.allowed_actions(user)?,
        _ => Vec::new(),
    };
    let user = session.map(|(user, _)| user);
    let demo_credentials = state
        .demo_credentials()
        .map(|(username, password)| DemoCredentials {
            username: username.into(),
            password: password.into(),
        });
    Ok(AppStatus {
        phase,
        clinic_name,
        demo: state.demo,
        demo_credentials,
        user,
        idle_lock_minutes,
        allowed,
        reading_only: clinic.as_ref().and_then(|c| c.reading_only()),
    })
}

/// A screen no one can be signed in on (the clinic's key lost, a computer still joining).
fn no_one_in(state: &AppState, phase: AppPhase, clinic_name: Option<String>) -> AppStatus {
    AppStatus {
        phase,
        clinic_name,
        demo: state.demo,
        demo_credentials: None,
        user: None,
        idle_lock_minutes: None,
        allowed: Vec::new(),
        reading_only: None,
    }
}

#[tauri::command]
pub async fn app_status(state: State<'_, Arc<AppState>>) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    blocking(move || status(&state)).await
}

#[tauri::command]
pub async fn setup_clinic(
    state: State<'_, Arc<AppState>>,
    args: NewClinic,
) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    blocking(move || {
        let (username, password) = (args.admin_username.clone(), args.admin_password.clone());
        let (clinic, recovery_key) = Clinic::create(&state.data_dir()?, &state.key, args)?;
        // The administrator who just chose the password is signed in, to be shown the recovery key.
        let admin = clinic.sign_in(&username, &password)?;
        state.set_session(Some(clinic.start_session(admin.clone())));
        state.hold_recovery_key(PendingRecoveryKey {
            key: recovery_key,
            for_user: admin.id,
            made_by: admin.display_name,
            at_setup: true,
            adopted: true,
        });
        state.set_up(clinic);
        status(&state)
    })
    .await
}

#[tauri::command]
pub async fn sign_in(state: State<'_, Arc<AppState>>, args: SignInArgs) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    blocking(move || {
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        let user = clinic.sign_in(&args.username, &args.password)?;
        state.set_session(Some(clinic.start_session(user)));
        status(&state)
    })
    .await
}

#[derive(Debug, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordArgs {
    pub current_password: String,
    pub new_password: String,
}

#[tauri::command]
pub async fn change_password(
    state: State<'_, Arc<AppState>>,
    args: ChangePasswordArgs,
) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    blocking(move || {
        let (clinic, user) = state.signed_in()?;
        let user = clinic.change_password(&user, &args.current_password, &args.new_password)?;
        state.set_session(Some(clinic.start_session(user)));
        status(&state)
    })
    .await
}

#[tauri::command]
pub async fn sign_out(state: State<'_, Arc<AppState>>) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    state.set_session(None);
    blocking(move || {
        if let Some(clinic) = state.clinic_if_open() {
            // Not worth failing a sign-out for: the head is recorded again when the app closes.
            if let Err(e) = clinic.record_audit_head() {
                tracing::warn!("the audit head was not recorded at sign-out: {e}");
            }
        }
        status(&state)
    })
    .await
}

// No Debug: it carries a recovery key.
#[derive(Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RecoverArgs {
    pub recovery_key: String,
}

/// Opens the clinic whose key the OS keyring lost, with the recovery key from its sheet; the data gets
/// a new key in the keyring. Everyone then signs in as usual.
#[tauri::command]
pub async fn recover_clinic(
    state: State<'_, Arc<AppState>>,
    args: RecoverArgs,
) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    blocking(move || {
        state.recover(&args.recovery_key)?;
        status(&state)
    })
    .await
}

/// The user did something (typed, clicked): keeps the session from locking. Refused once it is locked.
#[tauri::command]
pub async fn touch_session(state: State<'_, Arc<AppState>>) -> IpcResult<()> {
    let state = Arc::clone(&state);
    blocking(move || {
        let clinic = state.clinic()?.ok_or_else(IpcError::not_set_up)?;
        state
            .with_session(|session| clinic.touch_session(session))
            .ok_or(CoreError::NotSignedIn)??;
        Ok::<_, IpcError>(())
    })
    .await
}

/// Locks the screen now (idle minutes passed in the UI, or the user asked to).
#[tauri::command]
pub async fn lock_session(state: State<'_, Arc<AppState>>) -> IpcResult<AppStatus> {
    let state = Arc::clone(&state);
    blocking(move || {
        if let Some(clinic) = state.clinic()? {
            state
                .with_session(|session| clinic.lock_session(session))
                .transpose()?;
        }
        status(&state)
    })
    .await
}

#[tauri::command]
pub async fn list_time_zones() -> IpcResult<Vec<String>> {
    Ok(clinic_core::time::time_zone_names()
        .into_iter()
        .map(str::to_owned)
        .collect())
}
