//! What the app holds between commands: where the data is, the open clinic, who is signed in, a
//! recovery key waiting to be handed over, and who opened the waiting-room display.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use clinic_core::demo::{self, DEMO_ADMIN_USERNAME, DEMO_PASSWORD};
use clinic_core::{
    Clinic, CoreError, ErrorCode, ImportProgress, KeyOptions, RecoveryKey, Session, SessionUser,
    message,
};

use crate::ipc::{IpcError, IpcResult, blocking};
use crate::sync::Syncing;

pub struct AppState {
    pub data_dir: Option<PathBuf>,
    pub key: KeyOptions,
    pub demo: bool,
    /// The open clinic; None until set up (or opened on first use).
    clinic: Mutex<Option<Arc<Clinic>>>,
    session: Mutex<Option<Session>>,
    pending_recovery_key: Mutex<Option<PendingRecoveryKey>>,
    /// Who opened the waiting-room display. The display keeps showing calls while the front desk's
    /// screen is idle-locked (it shows first names and initials only); signing out stops it.
    display_opened_by: Mutex<Option<SessionUser>>,
    /// How far the running patient-file check or import is, for the import dialog's progress bar.
    import_progress: Mutex<Option<ImportProgress>>,
    /// Rounds with the clinic server, and a new computer's join.
    pub syncing: Arc<Syncing>,
}

/// A recovery key just made (at setup, or by an administrator), shown to the user who made it until
/// they have saved or written it down; never stored.
pub struct PendingRecoveryKey {
    pub key: RecoveryKey,
    pub for_user: String,
    pub made_by: String,
    /// Made at setup: the app shows it before anything else.
    pub at_setup: bool,
    /// Whether it opens the data yet: a new key counts once its sheet is saved or it is confirmed,
    /// so a key nobody kept never replaces the one on the clinic's sheet.
    pub adopted: bool,
}

/// What the data directory holds, as far as opening it goes.
pub enum Opened {
    Clinic(Arc<Clinic>),
    /// No clinic yet: first-run setup.
    NotSetUp,
    /// A clinic whose key the OS keyring no longer has: the recovery key opens it.
    KeyLost,
}

/// The demo seed the app uses when it creates the demo clinic itself.
const DEMO_SEED: u64 = 1;

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// `data_dir` as the command line gives it (`--data-dir`, else `CLINIC_DATA_DIR`); absent or empty,
    /// the OS default.
    pub fn new(data_dir: Option<PathBuf>, demo: bool, sync_every: Duration) -> AppState {
        let data_dir = match data_dir {
            Some(dir) if !dir.as_os_str().is_empty() => Some(dir),
            // The demo never shares a folder with a real clinic.
            _ if demo => clinic_core::default_data_dir().map(|d| d.with_file_name("Clinic Demo")),
            _ => clinic_core::default_data_dir(),
        };
        AppState {
            data_dir,
            key: KeyOptions::from_env(),
            demo,
            clinic: Mutex::new(None),
            session: Mutex::new(None),
            display_opened_by: Mutex::new(None),
            pending_recovery_key: Mutex::new(None),
            import_progress: Mutex::new(None),
            syncing: Arc::new(Syncing::new(sync_every)),
        }
    }

    pub fn import_progress(&self) -> Option<ImportProgress> {
        *lock(&self.import_progress)
    }

    /// Runs a patient-file check or import, keeping its progress where the dialog reads it.
    pub fn with_import_progress<T>(
        &self,
        run: impl FnOnce(&mut dyn FnMut(ImportProgress)) -> T,
    ) -> T {
        let out = run(&mut |now| *lock(&self.import_progress) = Some(now));
        *lock(&self.import_progress) = None;
        out
    }

    pub fn data_dir(&self) -> Result<PathBuf, IpcError> {
        self.data_dir
            .clone()
            .ok_or_else(|| IpcError::internal("no data directory: set CLINIC_DATA_DIR"))
    }

    /// Opens the clinic on first use; in demo mode, creates it with demo data if there is none.
    pub fn open(&self) -> Result<Opened, IpcError> {
        let mut slot = lock(&self.clinic);
        if let Some(clinic) = slot.as_ref() {
            return Ok(Opened::Clinic(Arc::clone(clinic)));
        }
        let dir = self.data_dir()?;
        let clinic = if Clinic::exists(&dir) {
            match Clinic::open(&dir, &self.key) {
                Ok(clinic) => clinic,
                Err(err) if err.code() == ErrorCode::KeyLost => return Ok(Opened::KeyLost),
                Err(err) => return Err(err.into()),
            }
        } else if self.demo {
            demo::create_demo_clinic(&dir, &self.key, DEMO_SEED, None)?.0
        } else {
            return Ok(Opened::NotSetUp);
        };
        let clinic = Arc::new(clinic);
        *slot = Some(Arc::clone(&clinic));
        Ok(Opened::Clinic(clinic))
    }

    /// The open clinic (opened on first use); Ok(None) while it still has to be set up.
    pub fn clinic(&self) -> Result<Option<Arc<Clinic>>, IpcError> {
        match self.open()? {
            Opened::Clinic(clinic) => Ok(Some(clinic)),
            Opened::NotSetUp => Ok(None),
            Opened::KeyLost => Err(IpcError {
                code: ErrorCode::KeyLost,
                message: "the database key is not in this computer's keyring: open the clinic with its recovery key".into(),
                field: None,
                problem: None,
            }),
        }
    }

    /// The clinic if it is open already; never opens it (for background work).
    pub fn clinic_if_open(&self) -> Option<Arc<Clinic>> {
        lock(&self.clinic).clone()
    }

    pub fn set_up(&self, clinic: Clinic) {
        *lock(&self.clinic) = Some(Arc::new(clinic));
    }

    /// Replaces the open clinic with what `replace` makes once the current one is closed (a restore).
    /// The clinic is closed once the commands using it have finished, and everyone is signed out. The
    /// slot stays locked throughout, so that no command opens the data folder while its files move.
    pub fn replace_clinic(&self, replace: impl FnOnce() -> IpcResult<Clinic>) -> IpcResult<()> {
        let mut slot = lock(&self.clinic);
        if let Some(mut clinic) = slot.take() {
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                match Arc::try_unwrap(clinic) {
                    Ok(only) => {
                        drop(only);
                        break;
                    }
                    Err(shared) if Instant::now() < deadline => {
                        clinic = shared;
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    Err(shared) => {
                        *slot = Some(shared);
                        return Err(IpcError::from(CoreError::Conflict(message!("clinic_busy"))));
                    }
                }
            }
        }
        self.set_session(None);
        *slot = Some(Arc::new(replace()?));
        Ok(())
    }

    /// Opens the clinic whose key the OS keyring lost with its recovery key (and gives it a new one).
    /// Refused while the key is not lost: a clinic that opens needs no recovery.
    pub fn recover(&self, recovery_key: &str) -> IpcResult<()> {
        let mut slot = lock(&self.clinic);
        let dir = self.data_dir()?;
        if slot.is_some() || !Clinic::exists(&dir) {
            return Err(IpcError::from(CoreError::Conflict(message!(
                "recovery_not_needed"
            ))));
        }
        match Clinic::open(&dir, &self.key) {
            Err(err) if err.code() == ErrorCode::KeyLost => {}
            Err(err) => return Err(err.into()),
            Ok(clinic) => {
                *slot = Some(Arc::new(clinic));
                return Err(IpcError::from(CoreError::Conflict(message!(
                    "recovery_not_needed"
                ))));
            }
        }
        *slot = Some(Arc::new(Clinic::recover(&dir, recovery_key, &self.key)?));
        Ok(())
    }

    /// Starts the session of a user who has just signed in; None signs out. A recovery key waiting
    /// for another user is dropped.
    pub fn set_session(&self, session: Option<Session>) {
        let user = session.as_ref().map(|s| s.user().id.clone());
        let mut pending = lock(&self.pending_recovery_key);
        if pending
            .as_ref()
            .is_some_and(|p| Some(&p.for_user) != user.as_ref())
        {
            *pending = None;
        }
        if session.is_none() {
            *lock(&self.display_opened_by) = None;
        }
        *lock(&self.session) = session;
    }

    /// The waiting-room display acts for the signed-in user who opened it.
    pub fn grant_display(&self, user: SessionUser) {
        *lock(&self.display_opened_by) = Some(user);
    }

    /// Runs a clinic-core operation for the waiting-room display, as the user who opened it. The core
    /// still checks that user's role and that they are active.
    pub async fn as_display<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Clinic, &SessionUser) -> Result<T, CoreError> + Send + 'static,
    ) -> IpcResult<T> {
        let state = Arc::clone(self);
        blocking(move || {
            let clinic = state
                .clinic()?
                .ok_or_else(|| IpcError::from(CoreError::NotSignedIn))?;
            let user = lock(&state.display_opened_by)
                .clone()
                .ok_or_else(|| IpcError::from(CoreError::NotSignedIn))?;
            f(&clinic, &user).map_err(IpcError::from)
        })
        .await
    }

    /// Runs `f` on the session, if there is one.
    pub fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> T) -> Option<T> {
        lock(&self.session).as_mut().map(f)
    }

    /// Keeps a recovery key for the user who made it until they hand it over.
    pub fn hold_recovery_key(&self, pending: PendingRecoveryKey) {
        *lock(&self.pending_recovery_key) = Some(pending);
    }

    /// Runs `f` on the recovery key waiting for `user`, if any.
    pub fn with_recovery_key<T>(
        &self,
        user: &SessionUser,
        f: impl FnOnce(&PendingRecoveryKey) -> T,
    ) -> Option<T> {
        lock(&self.pending_recovery_key)
            .as_ref()
            .filter(|p| p.for_user == user.id)
            .map(f)
    }

    /// Runs `f` on the recovery key waiting for `user`, if any, to change it.
    pub fn with_recovery_key_mut<T>(
        &self,
        user: &SessionUser,
        f: impl FnOnce(&mut PendingRecoveryKey) -> T,
    ) -> Option<T> {
        lock(&self.pending_recovery_key)
            .as_mut()
            .filter(|p| p.for_user == user.id)
            .map(f)
    }

    pub fn drop_recovery_key(&self) {
        *lock(&self.pending_recovery_key) = None;
    }

    /// The clinic and the signed-in user, or the reason a command cannot run: no clinic or session
    /// (`not_signed_in`), or a session locked after idle minutes (`session_locked`). Reads the store:
    /// call it on a blocking thread.
    pub fn signed_in(&self) -> Result<(Arc<Clinic>, SessionUser), IpcError> {
        let clinic = self
            .clinic()?
            .ok_or_else(|| IpcError::from(CoreError::NotSignedIn))?;
        let user = self
            .with_session(|session| clinic.session_user(session))
            .ok_or_else(|| IpcError::from(CoreError::NotSignedIn))??;
        Ok((clinic, user))
    }

    /// Runs a clinic-core operation as the signed-in user, on a blocking thread: SQLite and Argon2 must
    /// not stall the UI's event loop.
    pub async fn as_user<T, E>(
        self: &Arc<Self>,
        f: impl FnOnce(&Clinic, &SessionUser) -> Result<T, E> + Send + 'static,
    ) -> IpcResult<T>
    where
        T: Send + 'static,
        E: Into<IpcError> + Send + 'static,
    {
        let state = Arc::clone(self);
        blocking(move || {
            let (clinic, user) = state.signed_in()?;
            f(&clinic, &user).map_err(Into::into)
        })
        .await
    }

    pub fn demo_credentials(&self) -> Option<(&'static str, &'static str)> {
        self.demo.then_some((DEMO_ADMIN_USERNAME, DEMO_PASSWORD))
    }
}
