//! The server's one error type. At HTTP every error is a status and `{code, message}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use clinic_store::StoreError;
use clinic_store::protocol::ErrorAnswer;

pub type ServerResult<T> = Result<T, ServerError>;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    BadRequest(String),
    #[error("this device is not paired with the clinic server, or its credential is wrong")]
    Unauthorized,
    #[error("this device was removed from the clinic server; pair it again")]
    Revoked,
    #[error("the access token has expired: ask for a new one")]
    TokenExpired,
    #[error(
        "a change is stamped more than 5 minutes ahead of the clinic server's clock: nothing was taken; the changes are sent again at the next sync, and taken once the clocks agree (check this computer's date and time)"
    )]
    ClockAhead,
    #[error("{0}")]
    Refused(String),
    #[error("too many failed pairing attempts; wait a minute and try again")]
    TooManyAttempts,
    #[error(
        "this device's Clinic is too old for the clinic server (schema {found}; {oldest} or newer is needed): update Clinic on this device"
    )]
    DeviceTooOld { found: i64, oldest: i64 },
    #[error(
        "the clinic server is too old for this device's Clinic (schema {found}; it knows up to {newest}): update the clinic server"
    )]
    DeviceTooNew { found: i64, newest: i64 },
    #[error("changes must arrive in order: expected change {expected} of this device next")]
    SequenceGap { expected: i64 },
    #[error(
        "this device sent change {device_seq} again with other content: it was put back to an earlier state (restored from a backup) and must re-enrol before it syncs again; its changes are kept"
    )]
    DeviceRestored { device_seq: i64 },
    #[error(
        "this device's audit trail does not hold together at its entry {seq}: {why}; nothing of it was taken"
    )]
    AuditBroken { seq: i64, why: &'static str },
    #[error("{0}")]
    Forbidden(String),
    #[error("no clinic server in {0}: run `clinic-server --data-dir DIR init` first")]
    NotInitialized(String),
    #[error("a clinic server already lives in {0}")]
    AlreadyInitialized(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("the server's database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the server's PostgreSQL database failed: {0}")]
    Postgres(String),
    #[error("there is no such route on the clinic server")]
    NotFound,
    #[error(
        "the request is larger than the clinic server takes ({0} bytes): send fewer changes at once"
    )]
    TooLarge(usize),
    #[error("{0}")]
    Internal(String),
}

impl ServerError {
    pub fn code(&self) -> &'static str {
        match self {
            ServerError::BadRequest(_) => "bad_request",
            ServerError::Unauthorized => "unauthorized",
            ServerError::Revoked => "revoked",
            ServerError::TokenExpired => "token_expired",
            ServerError::ClockAhead => "clock_ahead",
            ServerError::Refused(_) => "refused",
            ServerError::TooManyAttempts => "too_many_attempts",
            ServerError::DeviceTooOld { .. } => "device_too_old",
            ServerError::DeviceTooNew { .. } => "device_too_new",
            ServerError::SequenceGap { .. } => "sequence_gap",
            ServerError::DeviceRestored { .. } => "device_restored",
            ServerError::AuditBroken { .. } => "audit_broken",
            ServerError::Forbidden(_) => "forbidden",
            ServerError::NotInitialized(_) => "not_initialized",
            ServerError::AlreadyInitialized(_) => "already_initialized",
            ServerError::NotFound => "not_found",
            ServerError::TooLarge(_) => "too_large",
            ServerError::Store(_)
            | ServerError::Sqlite(_)
            | ServerError::Postgres(_)
            | ServerError::Internal(_) => "internal",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ServerError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServerError::Unauthorized | ServerError::Revoked | ServerError::TokenExpired => {
                StatusCode::UNAUTHORIZED
            }
            ServerError::Refused(_)
            | ServerError::ClockAhead
            | ServerError::SequenceGap { .. }
            | ServerError::DeviceRestored { .. }
            | ServerError::AuditBroken { .. } => StatusCode::CONFLICT,
            ServerError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServerError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            ServerError::NotFound => StatusCode::NOT_FOUND,
            ServerError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ServerError::DeviceTooOld { .. } | ServerError::DeviceTooNew { .. } => {
                StatusCode::UPGRADE_REQUIRED
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!("request failed: {self}");
        }
        let body = ErrorAnswer {
            code: self.code().to_owned(),
            // An internal failure's details stay in the server's log.
            message: if status.is_server_error() {
                "the clinic server could not do this; its log says why".to_owned()
            } else {
                self.to_string()
            },
        };
        (status, axum::Json(body)).into_response()
    }
}
