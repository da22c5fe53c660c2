// This file is generated from Rust by `scripts/gen-bindings.sh`. Do not edit by hand.
// Source of truth: src-tauri/src/ipc.rs (the command list) and the DTOs it names.

export type AppPhase = "setup" | "sign_in" | "change_password" | "ready" | "locked";
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
export type ChangePasswordArgs = { currentPassword: string, newPassword: string, };
export type ClinicCounts = { patients: number, providers: number, appointmentsToday: number, signedVisits: number, openInvoices: number, };
export type ClinicOverview = { clinicName: string, timeZone: string, 
/**
 * The clinic-local date, "YYYY-MM-DD".
 */
today: string, counts: ClinicCounts, todaysAppointments: Array<AppointmentSummary>, };
export type DemoCredentials = { username: string, password: string, };
export type ErrorCode = "validation" | "not_found" | "conflict" | "invalid_credentials" | "not_signed_in" | "session_locked" | "forbidden" | "already_initialized" | "not_initialized" | "key_unavailable" | "wrong_key" | "newer_schema" | "storage" | "internal";
export type IpcError = { code: ErrorCode, message: string, field: string | null, };
export type ListAppointmentsArgs = { 
/**
 * A clinic-local date, "YYYY-MM-DD".
 */
day: string, };
export type ListPatientsArgs = { query: string | null, offset: number, limit: number, };
export type NewUser = { username: string, displayName: string, password: string, role: Role, };
export type PatientPage = { total: number, rows: Array<PatientRow>, };
export type PatientRow = { id: string, mrn: string, firstName: string, lastName: string, dateOfBirth: string, sex: Sex, phone: string | null, };
export type ResetPasswordArgs = { userId: string, newPassword: string, };
export type Role = "admin" | "doctor" | "nurse" | "receptionist" | "billing";
export type SessionUser = { id: string, username: string, displayName: string, role: Role, 
/**
 * Set by an administrator's password reset: nothing else is allowed until the password is changed.
 */
mustChangePassword: boolean, };
export type SetUserActiveArgs = { userId: string, active: boolean, };
export type SetUserRoleArgs = { userId: string, role: Role, };
export type SetupClinicArgs = { clinicName: string, timeZone: string, currency: string, adminUsername: string, adminDisplayName: string, adminPassword: string, };
export type Sex = "male" | "female" | "other" | "unknown";
export type SignInArgs = { username: string, password: string, };
export type UserSummary = { id: string, username: string, displayName: string, role: Role, active: boolean, mustChangePassword: boolean, 
/**
 * When the account is locked after failed sign-ins, until when.
 */
lockedUntil: string | null, };

export interface Commands {
  app_status: { args: null; result: AppStatus };
  setup_clinic: { args: SetupClinicArgs; result: AppStatus };
  sign_in: { args: SignInArgs; result: AppStatus };
  sign_out: { args: null; result: AppStatus };
  list_time_zones: { args: null; result: Array<string> };
  change_password: { args: ChangePasswordArgs; result: AppStatus };
  touch_session: { args: null; result: null };
  lock_session: { args: null; result: AppStatus };
  clinic_overview: { args: null; result: ClinicOverview };
  list_patients: { args: ListPatientsArgs; result: PatientPage };
  list_appointments: { args: ListAppointmentsArgs; result: Array<AppointmentSummary> };
  list_users: { args: null; result: Array<UserSummary> };
  add_user: { args: NewUser; result: UserSummary };
  set_user_role: { args: SetUserRoleArgs; result: Array<UserSummary> };
  set_user_active: { args: SetUserActiveArgs; result: Array<UserSummary> };
  reset_password: { args: ResetPasswordArgs; result: Array<UserSummary> };
}
