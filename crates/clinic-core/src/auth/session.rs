//! A signed-in session on one device, and the idle lock.
//!
//! The app keeps one [`Session`]. The UI reports real user activity (keys, pointer) with
//! [`Clinic::touch_session`]; once the clinic's idle limit passes without any, every command is refused
//! with [`CoreError::SessionLocked`] until the password is entered again. Commands themselves do not
//! count as activity: a screen that refreshes on its own must not keep an unattended session open.

use chrono::{DateTime, Duration, Utc};
use clinic_store::AuditEvent;

use crate::{Clinic, CoreError, CoreResult, SessionUser};

/// Who is signed in on this device, and when they last did something.
#[derive(Clone, Debug)]
pub struct Session {
    user: SessionUser,
    last_active: DateTime<Utc>,
    locked: bool,
}

impl Session {
    pub fn user(&self) -> &SessionUser {
        &self.user
    }

    pub fn is_locked(&self) -> bool {
        self.locked
    }
}

impl Clinic {
    /// Starts the session of a user who has just signed in (or unlocked the screen).
    pub fn start_session(&self, user: SessionUser) -> Session {
        Session {
            user,
            last_active: self.now(),
            locked: false,
        }
    }

    /// The session's user, unless the session is locked. A session idle for longer than the clinic's
    /// limit locks now, and the lock is audited.
    pub fn session_user(&self, session: &mut Session) -> CoreResult<SessionUser> {
        if !session.locked {
            let limit = i64::from(self.read_security_settings()?.idle_lock_minutes);
            if self.now() - session.last_active >= Duration::minutes(limit) {
                self.lock(session, "idle")?;
            }
        }
        if session.locked {
            return Err(CoreError::SessionLocked);
        }
        Ok(session.user.clone())
    }

    /// Records that the user did something (typed, clicked), which keeps the session open.
    pub fn touch_session(&self, session: &mut Session) -> CoreResult<()> {
        self.session_user(session)?;
        session.last_active = self.now();
        Ok(())
    }

    /// Locks the session at once (the user steps away from a shared computer).
    pub fn lock_session(&self, session: &mut Session) -> CoreResult<()> {
        if !session.locked {
            self.lock(session, "requested")?;
        }
        Ok(())
    }

    fn lock(&self, session: &mut Session, reason: &str) -> CoreResult<()> {
        session.locked = true;
        self.authenticate(&session.user)?.audit(AuditEvent {
            action: "session_locked".into(),
            entity: "users".into(),
            entity_id: Some(session.user.id.clone()),
            details: Some(serde_json::json!({ "reason": reason })),
            ..AuditEvent::default()
        })
    }
}
