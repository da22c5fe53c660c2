//! What the app holds between commands: where the data is, the open clinic, and who is signed in.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use clinic_core::demo::{self, DEMO_ADMIN_USERNAME, DEMO_PASSWORD};
use clinic_core::{Clinic, CoreError, KeyOptions, Session, SessionUser};

use crate::ipc::{IpcError, IpcResult, blocking};

pub struct AppState {
    pub data_dir: Option<PathBuf>,
    pub key: KeyOptions,
    pub demo: bool,
    /// The open clinic; None until set up (or opened on first use).
    clinic: Mutex<Option<Arc<Clinic>>>,
    session: Mutex<Option<Session>>,
}

/// The demo seed the app uses when it creates the demo clinic itself.
const DEMO_SEED: u64 = 1;

impl AppState {
    /// `data_dir` from the command line wins over `CLINIC_DATA_DIR`, which wins over the OS default.
    pub fn new(data_dir: Option<PathBuf>, demo: bool) -> AppState {
        let data_dir = match data_dir
            .or_else(|| std::env::var_os("CLINIC_DATA_DIR").map(PathBuf::from))
        {
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
        }
    }

    fn dir(&self) -> Result<PathBuf, IpcError> {
        self.data_dir
            .clone()
            .ok_or_else(|| IpcError::internal("no data directory: set CLINIC_DATA_DIR"))
    }

    /// The open clinic: opened on first use; in demo mode, created with demo data if there is none.
    /// Ok(None) means the clinic still has to be set up.
    pub fn clinic(&self) -> Result<Option<Arc<Clinic>>, IpcError> {
        let mut slot = self.clinic.lock().unwrap_or_else(PoisonError::into_inner);
        if slot.is_none() {
            let dir = self.dir()?;
            if Clinic::exists(&dir) {
                *slot = Some(Arc::new(Clinic::open(&dir, &self.key)?));
            } else if self.demo {
                let (clinic, _) = demo::create_demo_clinic(&dir, &self.key, DEMO_SEED)?;
                *slot = Some(Arc::new(clinic));
            }
        }
        Ok(slot.clone())
    }

    pub fn set_up(&self, clinic: Clinic) {
        *self.clinic.lock().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(clinic));
    }

    pub fn data_dir(&self) -> Result<PathBuf, IpcError> {
        self.dir()
    }

    /// Starts the session of a user who has just signed in; None signs out.
    pub fn set_session(&self, session: Option<Session>) {
        *self.session.lock().unwrap_or_else(PoisonError::into_inner) = session;
    }

    /// Runs `f` on the session, if there is one.
    pub fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> T) -> Option<T> {
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
            .map(f)
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
