// This file is generated from Rust by `scripts/gen-bindings.sh`. Do not edit by hand.
// Source of truth: src-tauri/src/ipc.rs (the command list) and the DTOs it names.

export type AppPhase = "setup" | "sign_in" | "change_password" | "ready" | "locked" | "recovery_key" | "recover";
export type AppStatus = { phase: AppPhase, clinicName: string | null, demo: boolean, 
/**
 * Shown on the sign-in screen of the demo clinic only.
 */
demoCredentials: DemoCredentials | null, user: SessionUser | null, 
/**
 * Minutes without activity after which the UI locks the screen (Rust refuses commands from then on).
 */
idleLockMinutes: number | null, };
export type AppointmentStatus = "scheduled" | "confirmed" | "checked_in" | "in_progress" | "completed" | "cancelled" | "no_show";
export type AppointmentSummary = { id: string, startsAt: string, endsAt: string, 
/**
 * "HH:MM" on the clinic's wall clock.
 */
localStart: string, localEnd: string, patientId: string, patientName: string, patientMrn: string, providerName: string, providerColor: string, status: AppointmentStatus, appointmentType: string | null, reason: string | null, };
export type AuditEntry = { seq: number, at: string, userId: string | null, userName: string | null, device: string | null, action: string, entity: string, entityId: string | null, patientId: string | null, patientName: string | null, 
/**
 * Extra facts as JSON (fields changed, patients a list showed); never clinical content.
 */
details: string | null, };
export type AuditFilterOptions = { users: Array<AuditUser>, actions: Array<string>, };
export type AuditPage = { total: number, 
/**
 * The newest entry this page and the following ones include.
 */
upTo: number, entries: Array<AuditEntry>, };
export type AuditQuery = { userId: string | null, 
/**
 * Entries about this patient, including lists and searches that showed them.
 */
patientId: string | null, action: string | null, from: string | null, to: string | null, 
/**
 * Pages after the first pass the `upTo` of the first, so that new entries (the audit of each page
 * read among them) do not shift them.
 */
upTo: number | null, offset: number, limit: number, };
export type AuditUser = { id: string, name: string, };
export type BackupCount = { table: string, rows: number, };
export type BackupFileArgs = { file: string, 
/**
 * Needed only for a backup this clinic cannot open by itself.
 */
recoveryKey: string | null, };
export type BackupSettingsInput = { folder: string | null, keep: number, };
export type BackupStatus = { folder: string | null, keep: number, lastBackupAt: string | null, lastBackupFile: string | null, lastError: string | null, lastErrorAt: string | null, 
/**
 * When the app will next back up on its own; None without a folder.
 */
nextDueAt: string | null, };
export type BackupSummary = { file: string, clinicName: string, createdAt: string, 
/**
 * The device that made it (its number-series prefix).
 */
device: string, 
/**
 * Whether it is a backup of the clinic open now (None when no clinic is open).
 */
sameClinic: boolean | null, counts: Array<BackupCount>, };
export type ChangePasswordArgs = { currentPassword: string, newPassword: string, };
export type ClinicCounts = { patients: number, providers: number, appointmentsToday: number, signedVisits: number, openInvoices: number, };
export type ClinicOverview = { clinicName: string, timeZone: string, 
/**
 * The clinic-local date, "YYYY-MM-DD".
 */
today: string, counts: ClinicCounts, todaysAppointments: Array<AppointmentSummary>, };
export type DemoCredentials = { username: string, password: string, };
export type ErrorCode = "validation" | "not_found" | "conflict" | "possible_duplicate" | "invalid_credentials" | "not_signed_in" | "session_locked" | "forbidden" | "already_initialized" | "not_initialized" | "key_unavailable" | "key_lost" | "wrong_key" | "newer_schema" | "storage" | "internal";
export type ExportAuditArgs = { query: AuditQuery, 
/**
 * The CSV file to write.
 */
path: string, };
export type FindDuplicatesArgs = { patient: NewPatient, 
/**
 * The patient being edited, who is not their own duplicate.
 */
exceptId: string | null, };
export type FinishHandoverArgs = { 
/**
 * The user confirmed the sheet is printed (or the key written down) and put away.
 */
confirmed: boolean, };
export type IpcError = { code: ErrorCode, message: string, field: string | null, };
export type ListAppointmentsArgs = { 
/**
 * A clinic-local date, "YYYY-MM-DD".
 */
day: string, };
export type NewPatient = { firstName: string, lastName: string, 
/**
 * "YYYY-MM-DD".
 */
dateOfBirth: string, sex: Sex | null, phone: string | null, email: string | null, city: string | null, insurancePayer: string | null, insuranceMemberId: string | null, 
/**
 * Register even though likely duplicates exist (the user saw them and chose to continue).
 */
allowDuplicates: boolean, };
export type NewUser = { username: string, displayName: string, password: string, role: Role, };
export type OpenVisitArgs = { encounterId: string, };
export type PatientAccess = { userId: string | null, userName: string | null, role: string | null, times: number, firstAt: string, lastAt: string, actions: Array<string>, };
export type PatientAccessArgs = { patientId: string, };
export type PatientDetails = { id: string, mrn: string, firstName: string, lastName: string, dateOfBirth: string, sex: Sex, phone: string | null, email: string | null, city: string | null, insurancePayer: string | null, insuranceMemberId: string | null, archived: boolean, };
export type PatientIdArgs = { patientId: string, };
export type PatientPage = { 
/**
 * How many patients match; with `tooMany`, only that many of them can be paged through.
 */
total: number, 
/**
 * More patients match than a list sorts while someone types: the rows come in the order the
 * patients were registered, and the user should type more.
 */
tooMany: boolean, rows: Array<PatientRow>, };
export type PatientQuery = { text: string | null, sort: PatientSort, 
/**
 * Also archived patients (to restore one).
 */
includeArchived: boolean, offset: number, limit: number, };
export type PatientRow = { id: string, mrn: string, firstName: string, lastName: string, dateOfBirth: string, sex: Sex, 
/**
 * As people read it, e.g. "+34 612 34 56 78".
 */
phone: string | null, email: string | null, archived: boolean, };
export type PatientSort = "name" | "mrn" | "date_of_birth" | "recent";
export type RecentVisitsArgs = { limit: number, };
export type RecoverArgs = { recoveryKey: string, };
export type RecoveryKeyHandover = { recoveryKey: string, suggestedSheetPath: string, };
export type RecoveryKeyStatus = { 
/**
 * False for a clinic set up before recovery keys existed, until an administrator makes one.
 */
hasRecoveryKey: boolean, createdAt: string | null, 
/**
 * The display name of the user who made it.
 */
createdBy: string | null, 
/**
 * When an administrator confirmed the sheet was printed and put away.
 */
confirmedAt: string | null, 
/**
 * Where the database key is: the OS keyring, or derived from a passphrase.
 */
keySource: "keyring" | "passphrase", };
export type ResetPasswordArgs = { userId: string, newPassword: string, };
export type RestoreOutcome = { restored: BackupSummary, 
/**
 * Where the data that was replaced is kept.
 */
previousData: string, status: AppStatus, };
export type Role = "admin" | "doctor" | "nurse" | "receptionist" | "billing";
export type SaveRecoverySheetArgs = { path: string, };
export type SecuritySettings = { 
/**
 * Failed sign-ins in a row that lock an account.
 */
lockoutThreshold: number, 
/**
 * How long a locked account stays locked.
 */
lockoutMinutes: number, 
/**
 * Idle minutes after which the app covers the screen and asks for the password again.
 */
idleLockMinutes: number, };
export type SessionUser = { id: string, username: string, displayName: string, role: Role, 
/**
 * Set by an administrator's password reset: nothing else is allowed until the password is changed.
 */
mustChangePassword: boolean, };
export type SetPatientArchivedArgs = { patientId: string, archived: boolean, };
export type SetUserActiveArgs = { userId: string, active: boolean, };
export type SetUserRoleArgs = { userId: string, role: Role, };
export type SetupClinicArgs = { clinicName: string, timeZone: string, 
/**
 * ISO 3166 country code (e.g. "US", "ES"): phone numbers typed without a country code are read
 * as this country's. "US" when not given.
 */
country: string | null, currency: string, adminUsername: string, adminDisplayName: string, adminPassword: string, };
export type Sex = "male" | "female" | "other" | "unknown";
export type SignInArgs = { username: string, password: string, };
export type UpdatePatientArgs = { patientId: string, patient: NewPatient, };
export type UserSummary = { id: string, username: string, displayName: string, role: Role, active: boolean, mustChangePassword: boolean, 
/**
 * When the account is locked after failed sign-ins, until when.
 */
lockedUntil: string | null, };
export type VisitDiagnosis = { icd10Code: string, description: string, primary: boolean, };
export type VisitNote = { id: string, 
/**
 * "note" or "amendment" (of `amends_note_id`).
 */
kind: string, amendsNoteId: string | null, body: string, status: string, writtenAt: string, signedAt: string | null, signedBy: string | null, };
export type VisitPrescription = { drug: string, strength: string | null, dose: string | null, frequency: string | null, duration: string | null, quantity: string | null, refills: number, instructions: string | null, };
export type VisitRecord = { summary: VisitSummary, notes: Array<VisitNote>, vitals: Array<VisitVitals>, diagnoses: Array<VisitDiagnosis>, prescriptions: Array<VisitPrescription>, };
export type VisitSummary = { id: string, patientId: string, patientName: string, patientMrn: string, providerName: string, startedAt: string, 
/**
 * "signed" when the visit's note is signed, "draft" while it is not, None without a note.
 */
noteStatus: string | null, diagnoses: Array<string>, };
export type VisitVitals = { takenAt: string, systolicMmhg: number | null, diastolicMmhg: number | null, heartRateBpm: number | null, temperatureC: number | null, spo2Percent: number | null, weightKg: number | null, heightCm: number | null, };

export interface Commands {
  app_status: { args: null; result: AppStatus };
  setup_clinic: { args: SetupClinicArgs; result: AppStatus };
  sign_in: { args: SignInArgs; result: AppStatus };
  sign_out: { args: null; result: AppStatus };
  list_time_zones: { args: null; result: Array<string> };
  change_password: { args: ChangePasswordArgs; result: AppStatus };
  touch_session: { args: null; result: null };
  lock_session: { args: null; result: AppStatus };
  recover_clinic: { args: RecoverArgs; result: AppStatus };
  clinic_overview: { args: null; result: ClinicOverview };
  list_patients: { args: PatientQuery; result: PatientPage };
  register_patient: { args: NewPatient; result: PatientRow };
  update_patient: { args: UpdatePatientArgs; result: PatientRow };
  find_duplicate_patients: { args: FindDuplicatesArgs; result: Array<PatientRow> };
  patient: { args: PatientIdArgs; result: PatientDetails };
  set_patient_archived: { args: SetPatientArchivedArgs; result: null };
  list_appointments: { args: ListAppointmentsArgs; result: Array<AppointmentSummary> };
  list_users: { args: null; result: Array<UserSummary> };
  add_user: { args: NewUser; result: UserSummary };
  set_user_role: { args: SetUserRoleArgs; result: Array<UserSummary> };
  set_user_active: { args: SetUserActiveArgs; result: Array<UserSummary> };
  reset_password: { args: ResetPasswordArgs; result: Array<UserSummary> };
  security_settings: { args: null; result: SecuritySettings };
  set_security_settings: { args: SecuritySettings; result: SecuritySettings };
  recovery_key_status: { args: null; result: RecoveryKeyStatus };
  change_database_key: { args: null; result: RecoveryKeyStatus };
  new_recovery_key: { args: null; result: RecoveryKeyHandover };
  recovery_key_handover: { args: null; result: RecoveryKeyHandover };
  save_recovery_sheet: { args: SaveRecoverySheetArgs; result: string };
  finish_recovery_key_handover: { args: FinishHandoverArgs; result: AppStatus };
  backup_status: { args: null; result: BackupStatus };
  set_backup_settings: { args: BackupSettingsInput; result: BackupStatus };
  back_up_now: { args: null; result: BackupSummary };
  preview_backup: { args: BackupFileArgs; result: BackupSummary };
  restore_backup: { args: BackupFileArgs; result: RestoreOutcome };
  audit_log: { args: AuditQuery; result: AuditPage };
  audit_filter_options: { args: null; result: AuditFilterOptions };
  export_audit_csv: { args: ExportAuditArgs; result: string };
  patient_access_report: { args: PatientAccessArgs; result: Array<PatientAccess> };
  recent_visits: { args: RecentVisitsArgs; result: Array<VisitSummary> };
  open_visit: { args: OpenVisitArgs; result: VisitRecord };
}
