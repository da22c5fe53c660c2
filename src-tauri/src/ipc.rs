//! The IPC contract between the UI and Rust: the command list, the error shape, and the generated
//! TypeScript bindings (`ui/src/bindings.ts`).
//!
//! Every command is listed once, in [`ipc_commands!`], with its argument and result types. That list
//! registers the Tauri handlers and generates the `Commands` map the UI's `call()` is typed against, so
//! a command cannot exist on one side only. `bindings_are_up_to_date` fails when the committed file is
//! stale; `scripts/gen-bindings.sh` rewrites it.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use clinic_core::{
    AppointmentSummary, AppointmentType, Attention, AuditFilterOptions, AuditPage, AuditQuery,
    BackupSettingsInput, BackupStatus, BackupSummary, BookedSeries, Calendar, CallListEntry,
    ClinicDevice, ClinicOverview, CoreError, ErrorCode, FreeTime, ImportProgress, ImportReport,
    InvoiceDetails, InvoicePage, InvoiceQuery, MergePreview, Message, MessageParam, NewAppointment,
    NewClinic, NewPatient, NewProvider, NewTimeOff, NewUser, NewWaitlistEntry, PatientAccess,
    PatientDetails, PatientHeader, PatientMerge, PatientPage, PatientQuery, PatientRow,
    PlannedOccurrence, Provider, QueueEntry, RecoveryKeyStatus, RecurringPlan, RoomCall,
    SecuritySettings, Service, Slot, SlotQuery, SyncReport, TimeOff, TimeOffAdded, UserSummary,
    VisitRecord, VisitSummary, WaitlistEntry, WalkIn, WeekdayHours,
};
use serde::Serialize;
use ts_rs::{Config, TS, TypeVisitor};

use crate::commands::audit::{ExportAuditArgs, PatientAccessArgs};
use crate::commands::backups::{BackupFileArgs, RestoreOutcome};
use crate::commands::billing::{
    InvoiceIdArgs, IssueInvoiceArgs, IssuedInvoice, RecordPaymentArgs, RefundPaymentArgs,
};
use crate::commands::clinic::ListAppointmentsArgs;
use crate::commands::patients::{
    ExportPatientsArgs, FindDuplicatesArgs, MergeIdArgs, MergePatientsArgs, PatientIdArgs,
    PatientImportArgs, SetPatientArchivedArgs, UpdatePatientArgs,
};
use crate::commands::records::{OpenVisitArgs, RecentVisitsArgs};
use crate::commands::scheduling::{
    AppointmentIdArgs, AppointmentTypeIdArgs, AppointmentTypeInput, AvailableSlotsArgs,
    BookFromWaitlistArgs, BookRecurringArgs, CalendarArgs, CallPatientArgs, DayArgs, FreeTimeArgs,
    ListProvidersArgs, ProviderIdArgs, RescheduleArgs, SetAppointmentStatusArgs,
    SetOpeningHoursArgs, SetProviderArchivedArgs, SetWorkingHoursArgs, SlotMinutesArgs,
    TimeOffArgs, TimeOffIdArgs, UpdateProviderArgs, WaitlistEntryArgs,
};
use crate::commands::security::{FinishHandoverArgs, RecoveryKeyHandover, SaveRecoverySheetArgs};
use crate::commands::session::{AppStatus, ChangePasswordArgs, RecoverArgs, SignInArgs};
use crate::commands::sync::{JoinSheetArgs, ResolveArgs, ServerArgs, ServerUrlArgs};
use crate::commands::users::{ResetPasswordArgs, SetUserActiveArgs, SetUserRoleArgs};
use crate::sync::{JoinView, SyncOverview};

/// An error as the UI receives it: a stable code, the English message (for logs, and shown when the UI
/// has no translation), the input field it concerns, and the problem as a key with parameters, which the
/// UI translates (`problems.<key>`); none where the code says it all (storage, keys, sign-in...).
#[derive(Clone, Debug, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub field: Option<String>,
    pub problem: Option<Message>,
}

impl IpcError {
    pub fn internal(message: impl Into<String>) -> Self {
        IpcError {
            code: ErrorCode::Internal,
            message: message.into(),
            field: None,
            problem: None,
        }
    }

    /// Bad input the app itself checks (a file path), named by its field.
    pub fn field(field: &str, problem: Message) -> Self {
        IpcError {
            code: ErrorCode::Validation,
            message: problem.to_string(),
            field: Some(field.into()),
            problem: Some(problem),
        }
    }

    pub fn not_set_up() -> Self {
        IpcError {
            code: ErrorCode::NotInitialized,
            message: "the clinic has not been set up yet".into(),
            field: None,
            problem: None,
        }
    }
}

impl From<CoreError> for IpcError {
    fn from(err: CoreError) -> Self {
        IpcError {
            code: err.code(),
            message: err.to_string(),
            field: err.field().map(str::to_owned),
            problem: err.message().cloned(),
        }
    }
}

pub type IpcResult<T> = Result<T, IpcError>;

/// Runs a clinic-core call on a blocking thread: SQLite and Argon2 must not stall the UI's event loop.
pub async fn blocking<T, E>(f: impl FnOnce() -> Result<T, E> + Send + 'static) -> IpcResult<T>
where
    T: Send + 'static,
    E: Into<IpcError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| IpcError::internal(format!("the operation stopped unexpectedly: {e}")))?
        .map_err(Into::into)
}

/// Declares every command: `module::name: ArgsType => ResultType` (`()` for no arguments), where
/// `module` is the file under `commands/` that defines it.
macro_rules! ipc_commands {
    ($($module:ident :: $name:ident : $args:ty => $result:ty),* $(,)?) => {
        /// The Tauri handler for every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(crate::commands::$module::$name),*]
        }

        /// Visits the argument and result types of every command, and lists (name, args, result).
        fn command_types(visitor: &mut Declarations) -> Vec<(&'static str, String, String)> {
            let cfg = Config::default();
            vec![$({
                visitor.visit::<$args>();
                visitor.visit::<$result>();
                (stringify!($name), <$args as TS>::name(&cfg), <$result as TS>::name(&cfg))
            }),*]
        }
    };
}

ipc_commands! {
    session::app_status: () => AppStatus,
    session::setup_clinic: NewClinic => AppStatus,
    session::sign_in: SignInArgs => AppStatus,
    session::sign_out: () => AppStatus,
    session::list_time_zones: () => Vec<String>,
    session::change_password: ChangePasswordArgs => AppStatus,
    session::touch_session: () => (),
    session::lock_session: () => AppStatus,
    session::recover_clinic: RecoverArgs => AppStatus,
    clinic::clinic_overview: () => ClinicOverview,
    patients::list_patients: PatientQuery => PatientPage,
    patients::register_patient: NewPatient => PatientRow,
    patients::update_patient: UpdatePatientArgs => PatientRow,
    patients::find_duplicate_patients: FindDuplicatesArgs => Vec<PatientRow>,
    patients::patient: PatientIdArgs => PatientDetails,
    patients::set_patient_archived: SetPatientArchivedArgs => (),
    patients::patient_header: PatientIdArgs => PatientHeader,
    patients::patient_merge_preview: MergePatientsArgs => MergePreview,
    patients::merge_patients: MergePatientsArgs => PatientMerge,
    patients::patient_merges: PatientIdArgs => Vec<PatientMerge>,
    patients::undo_patient_merge: MergeIdArgs => (),
    patients::check_patient_import: PatientImportArgs => ImportReport,
    patients::import_patients: PatientImportArgs => ImportReport,
    patients::import_progress: () => Option<ImportProgress>,
    patients::export_patients_csv: ExportPatientsArgs => String,
    clinic::list_appointments: ListAppointmentsArgs => Vec<AppointmentSummary>,
    users::list_users: () => Vec<UserSummary>,
    users::add_user: NewUser => UserSummary,
    users::set_user_role: SetUserRoleArgs => Vec<UserSummary>,
    users::set_user_active: SetUserActiveArgs => Vec<UserSummary>,
    users::reset_password: ResetPasswordArgs => Vec<UserSummary>,
    security::security_settings: () => SecuritySettings,
    security::set_security_settings: SecuritySettings => SecuritySettings,
    security::recovery_key_status: () => RecoveryKeyStatus,
    security::change_database_key: () => RecoveryKeyStatus,
    security::new_recovery_key: () => RecoveryKeyHandover,
    security::recovery_key_handover: () => RecoveryKeyHandover,
    security::save_recovery_sheet: SaveRecoverySheetArgs => String,
    security::finish_recovery_key_handover: FinishHandoverArgs => AppStatus,
    backups::backup_status: () => BackupStatus,
    backups::set_backup_settings: BackupSettingsInput => BackupStatus,
    backups::back_up_now: () => BackupSummary,
    backups::preview_backup: BackupFileArgs => BackupSummary,
    backups::restore_backup: BackupFileArgs => RestoreOutcome,
    audit::audit_log: AuditQuery => AuditPage,
    audit::audit_filter_options: () => AuditFilterOptions,
    audit::export_audit_csv: ExportAuditArgs => String,
    audit::patient_access_report: PatientAccessArgs => Vec<PatientAccess>,
    audit::clinic_audit_log: AuditQuery => AuditPage,
    audit::clinic_patient_access_report: PatientAccessArgs => Vec<PatientAccess>,
    billing::list_services: () => Vec<Service>,
    billing::list_invoices: InvoiceQuery => InvoicePage,
    billing::open_invoice: InvoiceIdArgs => InvoiceDetails,
    billing::issue_invoice: IssueInvoiceArgs => IssuedInvoice,
    billing::record_payment: RecordPaymentArgs => String,
    billing::refund_payment: RefundPaymentArgs => String,
    records::recent_visits: RecentVisitsArgs => Vec<VisitSummary>,
    records::open_visit: OpenVisitArgs => VisitRecord,
    scheduling::list_providers: ListProvidersArgs => Vec<Provider>,
    scheduling::add_provider: NewProvider => String,
    scheduling::update_provider: UpdateProviderArgs => (),
    scheduling::set_provider_archived: SetProviderArchivedArgs => (),
    scheduling::working_hours: ProviderIdArgs => Vec<WeekdayHours>,
    scheduling::set_working_hours: SetWorkingHoursArgs => Vec<WeekdayHours>,
    scheduling::opening_hours: () => Vec<WeekdayHours>,
    scheduling::set_opening_hours: SetOpeningHoursArgs => Vec<WeekdayHours>,
    scheduling::add_time_off: NewTimeOff => TimeOffAdded,
    scheduling::list_time_off: TimeOffArgs => Vec<TimeOff>,
    scheduling::cancel_time_off: TimeOffIdArgs => (),
    scheduling::appointment_types: () => Vec<AppointmentType>,
    scheduling::save_appointment_type: AppointmentTypeInput => Vec<AppointmentType>,
    scheduling::archive_appointment_type: AppointmentTypeIdArgs => (),
    scheduling::slot_minutes: () => u32,
    scheduling::set_slot_minutes: SlotMinutesArgs => (),
    scheduling::available_slots: AvailableSlotsArgs => Vec<Slot>,
    scheduling::free_time: FreeTimeArgs => Option<FreeTime>,
    scheduling::next_free_slots: SlotQuery => Vec<Slot>,
    scheduling::book_appointment: NewAppointment => String,
    scheduling::reschedule_appointment: RescheduleArgs => String,
    scheduling::set_appointment_status: SetAppointmentStatusArgs => (),
    scheduling::book_walk_in: WalkIn => String,
    scheduling::plan_recurring: RecurringPlan => Vec<PlannedOccurrence>,
    scheduling::book_recurring: BookRecurringArgs => BookedSeries,
    scheduling::appointment: AppointmentIdArgs => AppointmentSummary,
    scheduling::calendar: CalendarArgs => Calendar,
    scheduling::call_list: DayArgs => Vec<CallListEntry>,
    scheduling::waiting_room: () => Vec<QueueEntry>,
    scheduling::call_patient: CallPatientArgs => (),
    scheduling::room_calls: () => Vec<RoomCall>,
    scheduling::open_waiting_room_display: () => (),
    scheduling::add_to_waitlist: NewWaitlistEntry => String,
    scheduling::waitlist: () => Vec<WaitlistEntry>,
    scheduling::remove_from_waitlist: WaitlistEntryArgs => (),
    scheduling::waitlist_candidates: AppointmentIdArgs => Vec<WaitlistEntry>,
    scheduling::book_from_waitlist: BookFromWaitlistArgs => String,
    sync::server_fingerprint: ServerUrlArgs => String,
    sync::join_clinic: ServerArgs => AppStatus,
    sync::join_progress: () => JoinView,
    sync::retry_join: () => JoinView,
    sync::join_sheet_path: () => String,
    sync::save_join_recovery_sheet: JoinSheetArgs => String,
    sync::finish_joining: () => AppStatus,
    sync::sync_overview: () => SyncOverview,
    sync::pair_with_server: ServerArgs => SyncOverview,
    sync::sync_now: () => SyncReport,
    sync::clinic_devices: () => Vec<ClinicDevice>,
    sync::needs_attention: () => Vec<Attention>,
    sync::resolve_attention: ResolveArgs => (),
}

/// Collects the TypeScript declaration of every named type reachable from the commands.
#[derive(Default)]
struct Declarations {
    seen: HashSet<TypeId>,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // Only types that derive TS have an output path; primitives and containers are inlined.
        if T::output_path().is_some() {
            let cfg = Config::default();
            self.decls.insert(T::ident(&cfg), T::decl(&cfg));
        }
        T::visit_dependencies(self);
        // The element type of a `Vec<T>` result is a generic, not a dependency.
        T::visit_generics(self);
    }
}

/// The whole text of `ui/src/bindings.ts`.
pub fn typescript_bindings() -> String {
    let mut types = Declarations::default();
    types.visit::<IpcError>();
    // `Message` names its parameters' type by hand (a record), so it is not found as a dependency.
    types.visit::<MessageParam>();
    let commands = command_types(&mut types);
    let mut out = String::from(
        "// This file is generated from Rust by `scripts/gen-bindings.sh`. Do not edit by hand.\n\
         // Source of truth: src-tauri/src/ipc.rs (the command list) and the DTOs it names.\n\n",
    );
    for decl in types.decls.values() {
        out.push_str("export ");
        out.push_str(decl);
        out.push('\n');
    }
    out.push_str("\nexport interface Commands {\n");
    for (name, args, result) in commands {
        out.push_str(&format!(
            "  {name}: {{ args: {args}; result: {result} }};\n"
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn bindings_path() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts")
    }

    #[test]
    fn bindings_are_up_to_date() {
        let fresh = typescript_bindings();
        if std::env::var_os("CLINIC_UPDATE_BINDINGS").is_some() {
            std::fs::write(bindings_path(), &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(bindings_path()).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/bindings.ts is stale: run scripts/gen-bindings.sh and commit the result"
        );
    }

    #[test]
    fn core_errors_cross_ipc_with_code_message_field_and_problem() {
        let err = IpcError::from(CoreError::invalid(
            "adminPassword",
            clinic_core::message!("password_too_short", min = 10),
        ));
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "Use at least 10 characters.",
                "field": "adminPassword",
                "problem": {"key": "password_too_short", "params": {"min": {"kind": "number", "value": 10.0}}},
            })
        );
        let json = serde_json::to_value(IpcError::from(CoreError::InvalidCredentials)).unwrap();
        assert_eq!(json["code"], "invalid_credentials");
        assert_eq!(json["field"], serde_json::Value::Null);
        assert_eq!(json["problem"], serde_json::Value::Null);
    }
}
