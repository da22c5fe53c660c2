//! Clinic's domain, shared by the desktop app, the `clinic` CLI and the clinic server.
//!
//! [`Clinic`] is the facade: the only way anything outside this crate changes clinic data. Each domain
//! area adds its operations to it in its own module. Every operation validates its input, then writes
//! through `clinic-store`'s write path in one transaction (row, outbox record and audit entry together).

mod attention;
mod audit;
mod auth;
mod backups;
mod billing;
mod clinic;
pub mod demo;
mod error;
pub mod files;
mod keys;
mod message;
mod overview;
mod patients;
mod records;
mod scheduling;
mod spreadsheet;
mod sync;
pub mod time;
mod validate;

pub use attention::{
    Attention, AttentionAction, AttentionKind, AttentionPatient, AttentionValue, Resolution,
};
pub use audit::{
    AuditCheck, AuditEntry, AuditFilterOptions, AuditPage, AuditQuery, AuditUser, PatientAccess,
};
pub use auth::changes::{ChangeAuthor, PushingDevice, may_make_change, may_push};
pub use auth::permissions::{self, Action};
pub use auth::{NewUser, Role, Session, SessionUser, UserSummary};
pub use backups::{BackupCount, BackupSettingsInput, BackupStatus, BackupSummary, PreparedRestore};
pub use billing::{
    InvoiceBalance, InvoiceDetails, InvoiceFilter, InvoiceLine, InvoiceLineInput, InvoicePage,
    InvoiceQuery, InvoiceRow, InvoiceStatus, PaymentEntry, PaymentKind, PaymentMethod, Service,
};
pub use clinic::{
    Clinic, ClinicSettings, ClinicStatus, NewClinic, ReadingOnly, SecuritySettings,
    data_dir_from_env, default_data_dir,
};
pub use error::{CoreError, CoreResult, ErrorCode};
pub use keys::RecoveryKeyStatus;
pub use message::{ENGLISH as MESSAGES_IN_ENGLISH, Message, MessageParam};
pub use overview::{ClinicCounts, ClinicOverview};
/// The merge rule, which the clinic server enforces too.
pub use patients::merge_rule::{MergeRefusal, MergeSide, merge_refusal, moves_with_a_merge};
pub use patients::{
    AllergyBadge, DateOrder, DuplicateRow, ImportColumn, ImportField, ImportProgress, ImportReport,
    ImportStage, MergePreview, MovedCounts, NewPatient, NextAppointment, PatientDetails,
    PatientHeader, PatientImport, PatientMerge, PatientPage, PatientQuery, PatientRow, PatientSort,
    RejectedRow, Sex, merged_tables,
};
/// What the clinic keeps as written, which the clinic server enforces too.
pub use records::kept::{PAYMENT_FACTS, kept_as_written};
pub use records::{
    AllergySeverity, NewAllergy, NewPrescription, NewVitals, VisitDiagnosis, VisitNote,
    VisitPrescription, VisitRecord, VisitSummary, VisitVitals,
};
/// The booking rule, which the clinic server enforces too.
pub use scheduling::clash::{
    BookedTime, HeldBy, LONGEST_BOOKING, ProviderClash, booking_refusal, first_clash, flag,
    provider_clash,
};
pub use scheduling::{
    AppointmentStatus, AppointmentSummary, AppointmentType, BookedSeries, Calendar,
    CalendarProvider, CallListEntry, FreeTime, NewAppointment, NewProvider, NewTimeOff,
    NewWaitlistEntry, PlannedOccurrence, Provider, QueueEntry, RecurringPlan, Reschedule, RoomCall,
    Slot, SlotQuery, StatusCount, TimeBlock, TimeOff, TimeOffAdded, TimeSpan, WaitlistEntry,
    WalkIn, WeekdayHours,
};
pub use sync::{
    ClinicDevice, ClinicServer, JoinProgress, PULL_PAGE, PUSH_BATCH, SYNC_EVERY, SYNC_QUIET,
    ServerAddress, ServerHello, SyncReport, SyncStatus, retry_delay,
};

/// Re-exported so callers can build key options without depending on the store crate.
pub use clinic_store::{AlteredRow, KeyOptions, KeySource, RecoveryKey, SCHEMA_VERSION};
