use clinic_store::StoreError;
use serde::Serialize;
use ts_rs::TS;

use crate::Message;

/// The kinds of failure the app, the CLI and the server tell apart. Stable: the UI maps them to messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    NotFound,
    Conflict,
    /// Likely the same person is registered already: the user sees them, then registers anyway or not.
    PossibleDuplicate,
    /// The patient is booked elsewhere at an overlapping time: the user sees it, then books anyway or not.
    PatientAlreadyBooked,
    /// The booking runs into a break, starts before or ends after the provider's hours: the user sees
    /// where, then books anyway or not.
    OutsideWorkingHours,
    InvalidCredentials,
    NotSignedIn,
    /// The screen is locked after idle minutes (or on request): the password is needed again.
    SessionLocked,
    Forbidden,
    AlreadyInitialized,
    NotInitialized,
    KeyUnavailable,
    /// The OS keyring no longer has the database key: the recovery key opens the data.
    KeyLost,
    WrongKey,
    NewerSchema,
    /// The disk holding the data is full: nothing of the change was saved.
    DiskFull,
    /// The data folder takes no writes: nothing of the change was saved.
    FolderReadOnly,
    /// The clinic server did not answer; nothing is lost.
    ServerUnreachable,
    /// The clinic server answered no, with its reason.
    ServerRefused,
    Storage,
    Internal,
}

/// Everything the domain can refuse or fail at. What the user did or asked for carries a [`Message`]
/// (translated by the UI, English for the CLI); bugs carry plain English.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Bad input; `field` is the input's name as the UI knows it (camelCase).
    #[error("{message}")]
    Validation {
        field: &'static str,
        message: Message,
    },
    #[error("{0}")]
    NotFound(Message),
    #[error("{0}")]
    Conflict(Message),
    #[error("This patient may be registered already.")]
    PossibleDuplicate,
    #[error("{0}")]
    PatientAlreadyBooked(Message),
    #[error("{0}")]
    OutsideWorkingHours(Message),
    #[error("The username or password is not correct.")]
    InvalidCredentials,
    #[error("Sign in first.")]
    NotSignedIn,
    #[error("The screen is locked: enter your password to continue.")]
    SessionLocked,
    #[error("{0}")]
    Forbidden(Message),
    #[error("the document could not be printed: {0}")]
    Print(String),
    /// A patient import that registered some of its rows, then failed: `problem` says how many, so
    /// the user knows that importing the file again finishes it.
    #[error("{problem}")]
    ImportStopped {
        problem: Message,
        #[source]
        cause: Box<CoreError>,
    },
    /// Stored data the program itself wrote cannot be read back: a bug, not the user's input.
    /// The clinic server did not answer: no connection, or a wrong address. Nothing is lost; the next
    /// round tries again.
    #[error("the clinic server cannot be reached: {0}")]
    ServerUnreachable(String),
    /// The clinic server answered no, with its reason (`code` is the server's), or its address answered
    /// with a certificate other than the pinned one (`certificate_changed`).
    #[error("the clinic server refused: {message}")]
    ServerRefused { code: String, message: String },
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type CoreResult<T> = Result<T, CoreError>;

impl CoreError {
    pub fn invalid(field: &'static str, message: Message) -> Self {
        CoreError::Validation { field, message }
    }

    /// What the user is told, for the errors that are about what they did or asked for.
    pub fn message(&self) -> Option<&Message> {
        match self {
            CoreError::Validation { message, .. }
            | CoreError::NotFound(message)
            | CoreError::Conflict(message)
            | CoreError::PatientAlreadyBooked(message)
            | CoreError::OutsideWorkingHours(message)
            | CoreError::Forbidden(message)
            | CoreError::ImportStopped {
                problem: message, ..
            } => Some(message),
            _ => None,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            CoreError::Validation { .. } => ErrorCode::Validation,
            CoreError::NotFound(_) => ErrorCode::NotFound,
            CoreError::Conflict(_) => ErrorCode::Conflict,
            CoreError::PossibleDuplicate => ErrorCode::PossibleDuplicate,
            CoreError::PatientAlreadyBooked(_) => ErrorCode::PatientAlreadyBooked,
            CoreError::OutsideWorkingHours(_) => ErrorCode::OutsideWorkingHours,
            CoreError::InvalidCredentials => ErrorCode::InvalidCredentials,
            CoreError::NotSignedIn => ErrorCode::NotSignedIn,
            CoreError::SessionLocked => ErrorCode::SessionLocked,
            CoreError::Forbidden(_) => ErrorCode::Forbidden,
            CoreError::Print(_) | CoreError::Internal(_) => ErrorCode::Internal,
            CoreError::ServerUnreachable(_) => ErrorCode::ServerUnreachable,
            CoreError::ServerRefused { .. } => ErrorCode::ServerRefused,
            CoreError::ImportStopped { cause, .. } => cause.code(),
            CoreError::Store(err) => match err {
                StoreError::NotInitialized(_) => ErrorCode::NotInitialized,
                StoreError::AlreadyInitialized(_) => ErrorCode::AlreadyInitialized,
                StoreError::KeyUnavailable(_) => ErrorCode::KeyUnavailable,
                StoreError::KeyLost(_) => ErrorCode::KeyLost,
                StoreError::WrongKey(_) => ErrorCode::WrongKey,
                StoreError::NewerSchema { .. } => ErrorCode::NewerSchema,
                StoreError::NotFound { .. } => ErrorCode::NotFound,
                StoreError::Constraint(_) => ErrorCode::Conflict,
                StoreError::RecoveryKeyCharacter(_)
                | StoreError::RecoveryKeyLength { .. }
                | StoreError::RecoveryKeyTypo
                | StoreError::SealedKeyDamaged
                | StoreError::RecoveryKeyMismatch => ErrorCode::Validation,
                StoreError::NoRecoveryKey(_) => ErrorCode::KeyUnavailable,
                StoreError::BadBackup { .. } => ErrorCode::Validation,
                StoreError::UnknownColumn { .. } | StoreError::NotReadOnly(_) => {
                    ErrorCode::Internal
                }
                StoreError::DiskFull => ErrorCode::DiskFull,
                StoreError::ReadOnly => ErrorCode::FolderReadOnly,
                StoreError::BatchRolledBack | StoreError::ClockAhead { .. } => ErrorCode::Conflict,
                StoreError::BadChange { .. } => ErrorCode::Storage,
                StoreError::BadMetadata { .. }
                | StoreError::Sqlite(_)
                | StoreError::Migration(_)
                | StoreError::Io { .. } => ErrorCode::Storage,
            },
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            CoreError::Validation { field, .. } => Some(field),
            _ => None,
        }
    }
}
