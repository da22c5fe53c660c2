// This file is generated from Rust by `scripts/gen-bindings.sh`. Do not edit by hand.
// Source of truth: src-tauri/src/ipc.rs (the command list) and the DTOs it names.

export type Action = "view_demographics" | "edit_demographics" | "view_schedule" | "edit_schedule" | "check_in" | "start_visit" | "view_clinical" | "record_vitals" | "write_clinical" | "sign_notes" | "prescribe" | "view_billing" | "edit_billing" | "refund" | "manage_users" | "manage_settings" | "manage_backups" | "view_audit" | "export_data" | "undo_patient_merge" | "overbook";
export type AllergyBadge = { substance: string, severity: AllergySeverity, };
export type AllergySeverity = "mild" | "moderate" | "severe" | "unknown";
export type AppPhase = "setup" | "sign_in" | "change_password" | "ready" | "locked" | "recovery_key" | "recover" | "joining";
export type AppStatus = { phase: AppPhase, clinicName: string | null, demo: boolean, 
/**
 * Shown on the sign-in screen of the demo clinic only.
 */
demoCredentials: DemoCredentials | null, user: SessionUser | null, 
/**
 * Minutes without activity after which the UI locks the screen (Rust refuses commands from then on).
 */
idleLockMinutes: number | null, 
/**
 * What the signed-in user's current role allows, from the Rust permission matrix: the UI asks
 * `can(action)` and never reads the role itself.
 */
allowed: Array<Action>, 
/**
 * Set while the clinic is open for reading only (its disk is full, its folder read-only).
 */
readingOnly: ReadingOnly | null, };
export type AppointmentIdArgs = { appointmentId: string, };
export type AppointmentStatus = "scheduled" | "confirmed" | "checked_in" | "in_progress" | "completed" | "cancelled" | "no_show" | "rescheduled";
export type AppointmentSummary = { id: string, startsAt: string, endsAt: string, 
/**
 * The clinic-local date ("YYYY-MM-DD") and wall-clock times ("HH:MM").
 */
localDate: string, localStart: string, localEnd: string, patientId: string, patientName: string, patientMrn: string, providerId: string, providerName: string, providerColor: string, status: AppointmentStatus, appointmentTypeId: string | null, appointmentType: string | null, reason: string | null, walkIn: boolean, checkedInAt: string | null, seriesId: string | null, rescheduledFromId: string | null, 
/**
 * Booked anyway into time its provider already had booked.
 */
overbooked: boolean, 
/**
 * The clinic server refused it, or another computer's edit met it: see Needs attention.
 */
needsAttention: boolean, 
/**
 * The statuses it may take now by the clinic's rules and clock (not the user's role): what the UI
 * offers. `rescheduled` means it may be moved.
 */
nextStatuses: Array<AppointmentStatus>, };
export type AppointmentType = { id: string, name: string, durationMinutes: number, };
export type AppointmentTypeIdArgs = { typeId: string, };
export type AppointmentTypeInput = { 
/**
 * Empty to add a new type.
 */
typeId: string | null, name: string, durationMinutes: number, };
export type Attention = { id: string, kind: AttentionKind, table: string, rowId: string, 
/**
 * Why the server refused it (`protocol::refusals`), for a refusal.
 */
code: string | null, 
/**
 * The server's reason, or which edit is the newer.
 */
reason: string | null, values: Array<AttentionValue>, 
/**
 * Who wrote this computer's value, and when.
 */
mineBy: string | null, mineAt: string | null, 
/**
 * Who wrote the other computer's value, and when (an overwritten field).
 */
theirsBy: string | null, theirsAt: string | null, detectedAt: string, patient: AttentionPatient | null, 
/**
 * The other record of a refused merge: the one this computer merged `patient` into.
 */
otherPatient: AttentionPatient | null, 
/**
 * A suggested merge's two records: the one registered on the other computer, then the one here.
 */
records: Array<PatientRow>, 
/**
 * The appointment itself, as it is here.
 */
booking: AppointmentSummary | null, 
/**
 * The accepted appointment a refused booking clashes with.
 */
clashing: AppointmentSummary | null, 
/**
 * Whether the clinic server has the row (a refused booking: not).
 */
onServer: boolean, 
/**
 * What the signed-in user may do about it.
 */
actions: Array<AttentionAction>, };
export type AttentionAction = "keep_mine" | "keep_theirs" | "move" | "overbook" | "cancel" | "dismiss" | "merge";
export type AttentionKind = "overwritten" | "refused" | "duplicate";
export type AttentionPatient = { id: string, name: string, mrn: string, };
export type AttentionValue = { field: string, mine: string | null, theirs: string | null, };
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
export type AvailableSlotsArgs = { providerId: string, 
/**
 * A clinic-local date, "YYYY-MM-DD".
 */
day: string, appointmentTypeId: string | null, };
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
export type BookFromWaitlistArgs = { entryId: string, freedAppointmentId: string, };
export type BookRecurringArgs = { first: NewAppointment, occurrences: Array<TimeSpan>, };
export type BookedSeries = { seriesId: string, appointmentIds: Array<string>, };
export type Calendar = { 
/**
 * The days shown, "YYYY-MM-DD".
 */
days: Array<string>, slotMinutes: number, providers: Array<CalendarProvider>, 
/**
 * Every appointment of those days, cancelled and moved ones too, by start.
 */
appointments: Array<AppointmentSummary>, 
/**
 * How many appointments are in each status (every status, zeros too).
 */
counts: Array<StatusCount>, };
export type CalendarArgs = { 
/**
 * The first clinic-local date, "YYYY-MM-DD".
 */
fromDate: string, days: number, 
/**
 * One provider (the week view); empty for every provider.
 */
providerId: string | null, };
export type CalendarProvider = { provider: Provider, 
/**
 * One entry per day shown, in order; the blocks of that day.
 */
hours: Array<Array<TimeBlock>>, timeOff: Array<TimeOff>, };
export type CallListEntry = { appointment: AppointmentSummary, phone: string | null, };
export type CallPatientArgs = { appointmentId: string, room: string, };
export type ChangePasswordArgs = { currentPassword: string, newPassword: string, };
export type ClinicCounts = { patients: number, providers: number, appointmentsToday: number, signedVisits: number, openInvoices: number, };
export type ClinicDevice = { id: string, name: string, 
/**
 * Its share of the number series (MRNs, invoices).
 */
prefix: string, pairedAt: string, lastSeenAt: string | null, 
/**
 * Revoked devices are refused by the server; their changes stay.
 */
revokedAt: string | null, 
/**
 * The device this list is shown on.
 */
thisDevice: boolean, };
export type ClinicOverview = { clinicName: string, timeZone: string, 
/**
 * The ISO 4217 code of the clinic's money.
 */
currency: string, 
/**
 * The clinic-local date, "YYYY-MM-DD".
 */
today: string, counts: ClinicCounts, todaysAppointments: Array<AppointmentSummary>, };
export type DateOrder = "year_month_day" | "day_month_year" | "month_day_year";
export type DayArgs = { 
/**
 * A clinic-local date, "YYYY-MM-DD".
 */
day: string, };
export type DemoCredentials = { username: string, password: string, };
export type DuplicateRow = { line: number, name: string, dateOfBirth: string, 
/**
 * Registered patients this row is likely to be.
 */
matches: Array<PatientRow>, 
/**
 * An earlier row of the file this row is likely to be.
 */
sameAsLine: number | null, 
/**
 * A registered patient has exactly this row's details (an earlier import of the file): the row
 * is never registered again.
 */
registered: boolean, };
export type ErrorCode = "validation" | "not_found" | "conflict" | "possible_duplicate" | "patient_already_booked" | "outside_working_hours" | "invalid_credentials" | "not_signed_in" | "session_locked" | "forbidden" | "already_initialized" | "not_initialized" | "key_unavailable" | "key_lost" | "wrong_key" | "newer_schema" | "disk_full" | "folder_read_only" | "server_unreachable" | "server_refused" | "storage" | "internal";
export type ExportAuditArgs = { query: AuditQuery, 
/**
 * The CSV file to write.
 */
path: string, };
export type ExportPatientsArgs = { 
/**
 * The CSV file to write: a new file (`.csv` is added when missing).
 */
path: string, includeArchived: boolean, };
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
export type FreeTime = { minutes: number, 
/**
 * Where the free time ends, on the clinic's wall clock ("HH:MM").
 */
until: string, };
export type FreeTimeArgs = { providerId: string, startsAt: string, };
export type ImportColumn = { header: string, field: ImportField | null, 
/**
 * The first non-empty value of the column, to help choose its field.
 */
example: string | null, };
export type ImportField = "first_name" | "last_name" | "date_of_birth" | "sex" | "phone" | "email" | "address_line1" | "address_line2" | "city" | "region" | "postal_code" | "country" | "insurance_payer" | "insurance_member_id";
export type ImportProgress = { stage: ImportStage, done: number, total: number, };
export type ImportReport = { columns: Array<ImportColumn>, dateOrder: DateOrder, 
/**
 * Patient rows in the file (the header row and blank lines aside).
 */
rows: number, 
/**
 * Rows that passed every check, the probable duplicates among them included.
 */
valid: number, rejected: Array<RejectedRow>, duplicates: Array<DuplicateRow>, 
/**
 * Patients registered; 0 when the file was only checked.
 */
imported: number, 
/**
 * Fields every patient needs that no column is mapped to. While any is missing, the rows are not
 * checked (and nothing can be imported): the user chooses the columns first.
 */
unmapped: Array<ImportField>, };
export type ImportStage = "checking" | "registering";
export type InvoiceBalance = { 
/**
 * With tax.
 */
totalMinor: number, 
/**
 * Payments less refunds.
 */
paidMinor: number, 
/**
 * Still to pay (0 once paid).
 */
dueMinor: number, 
/**
 * Paid beyond the total.
 */
overpaidMinor: number, };
export type InvoiceDetails = { invoice: InvoiceRow, appointmentId: string | null, lines: Array<InvoiceLine>, 
/**
 * Oldest first.
 */
payments: Array<PaymentEntry>, 
/**
 * What its payments' refunds gave back beyond what the payments held, all together: money that
 * left the clinic twice, now due again.
 */
refundedBeyondMinor: number, };
export type InvoiceFilter = "unpaid" | "overpaid" | "all";
export type InvoiceIdArgs = { invoiceId: string, };
export type InvoiceLine = { description: string, quantity: number, unitPriceMinor: number, 
/**
 * Tax in basis points (2000 = 20 %).
 */
taxRateBp: number, 
/**
 * With tax.
 */
amountMinor: number, };
export type InvoiceLineInput = { serviceId: string, quantity: number, };
export type InvoicePage = { rows: Array<InvoiceRow>, more: boolean, };
export type InvoiceQuery = { show: InvoiceFilter, 
/**
 * The start of an invoice number or MRN, or part of the patient's name.
 */
search: string | null, patientId: string | null, limit: number, };
export type InvoiceRow = { id: string, number: string, patientId: string, patientName: string, patientMrn: string, issuedAt: string, status: InvoiceStatus, currency: string, balance: InvoiceBalance, };
export type InvoiceStatus = "draft" | "issued" | "paid" | "void";
export type IpcError = { code: ErrorCode, message: string, field: string | null, problem: Message | null, };
export type IssueInvoiceArgs = { patientId: string, appointmentId: string | null, lines: Array<InvoiceLineInput>, };
export type IssuedInvoice = { id: string, number: string, };
export type JoinProgress = { appliedThrough: number, latest: number, };
export type JoinSheetArgs = { path: string, };
export type JoinView = { 
/**
 * Pulling now.
 */
running: boolean, 
/**
 * Everything pulled: the clinic is here.
 */
pulled: boolean, progress: JoinProgress | null, 
/**
 * Why the pull stopped, or why it is waiting to try again.
 */
error: IpcError | null, 
/**
 * This computer's recovery key, shown while the clinic arrives (it exists from the start, and is
 * never shown again).
 */
recoveryKey: string | null, };
export type ListAppointmentsArgs = { 
/**
 * A clinic-local date, "YYYY-MM-DD".
 */
day: string, };
export type ListProvidersArgs = { includeArchived: boolean, };
export type MergeIdArgs = { mergeId: string, };
export type MergePatientsArgs = { keptPatientId: string, mergedPatientId: string, };
export type MergePreview = { kept: PatientRow, merged: PatientRow, moves: MovedCounts, 
/**
 * The kept record's empty fields that the duplicate fills in (column names, e.g. "city").
 */
fills: Array<string>, };
export type Message = { key: string, params: Record<string, MessageParam>, };
export type MessageParam = { "kind": "text", "value": string } | { "kind": "number", "value": number } | { "kind": "date", "value": string };
export type MovedCounts = { appointments: number, visits: number, invoices: number, payments: number, allergies: number, 
/**
 * Problems, vitals, diagnoses, prescriptions, results and attachments.
 */
clinicalRecords: number, waitlistEntries: number, };
export type NewAppointment = { patientId: string, providerId: string, appointmentTypeId: string | null, startsAt: string, endsAt: string, reason: string | null, 
/**
 * The user saw that the patient is booked elsewhere at an overlapping time and books anyway.
 */
allowPatientOverlap?: boolean, 
/**
 * The user saw that the time runs into a break or past the provider's hours and books anyway.
 */
allowOutsideHours?: boolean, };
export type NewPatient = { firstName: string, lastName: string, 
/**
 * "YYYY-MM-DD".
 */
dateOfBirth: string, sex: Sex | null, phone: string | null, email: string | null, city: string | null, insurancePayer: string | null, insuranceMemberId: string | null, 
/**
 * Register even though likely duplicates exist (the user saw them and chose to continue).
 */
allowDuplicates: boolean, };
export type NewProvider = { userId: string | null, displayName: string, specialty: string, licenceNumber: string | null, colour: string, };
export type NewTimeOff = { providerId: string, 
/**
 * First day, "YYYY-MM-DD".
 */
fromDate: string, 
/**
 * Last day (inclusive) for whole days; empty means the same day.
 */
toDate: string | null, 
/**
 * "HH:MM" for hours of `fromDate`; both times or neither.
 */
fromTime: string | null, toTime: string | null, reason: string | null, };
export type NewUser = { username: string, displayName: string, password: string, role: Role, };
export type NewWaitlistEntry = { patientId: string, 
/**
 * One provider, or else any provider of `specialty`.
 */
providerId: string | null, specialty: string | null, appointmentTypeId: string | null, 
/**
 * Preferred ISO weekdays (1 = Monday); empty for any day.
 */
weekdays: Array<number>, 
/**
 * Preferred times, "HH:MM", clinic-local; empty for any time.
 */
earliestTime: string | null, latestTime: string | null, note: string | null, };
export type NextAppointment = { id: string, startsAt: string, providerName: string, };
export type OpenVisitArgs = { encounterId: string, };
export type PatientAccess = { userId: string | null, userName: string | null, role: string | null, times: number, firstAt: string, lastAt: string, actions: Array<string>, };
export type PatientAccessArgs = { patientId: string, };
export type PatientDetails = { id: string, mrn: string, firstName: string, lastName: string, dateOfBirth: string, sex: Sex, phone: string | null, email: string | null, city: string | null, insurancePayer: string | null, insuranceMemberId: string | null, archived: boolean, };
export type PatientHeader = { 
/**
 * The record shown: when the id asked for was merged into another record, that record.
 */
id: string, mrn: string, firstName: string, lastName: string, dateOfBirth: string, 
/**
 * Whole years, in the clinic's time zone today.
 */
ageYears: number, sex: Sex, archived: boolean, 
/**
 * Active allergies, the severe ones first. Shown to everyone who sees the patient: front desk
 * staff hand out water and sweets too.
 */
allergies: Array<AllergyBadge>, 
/**
 * What the patient owes on issued invoices, in minor units; absent for users who may not see
 * billing.
 */
balanceDueMinor: number | null, currency: string, nextAppointment: NextAppointment | null, };
export type PatientIdArgs = { patientId: string, };
export type PatientImport = { 
/**
 * The field each column fills, in the file's column order (`null` for a column to leave out).
 * Absent: guessed from the header row.
 */
mapping: Array<ImportField | null> | null, 
/**
 * Absent: guessed from the dates in the file, then from the clinic's country.
 */
dateOrder: DateOrder | null, 
/**
 * Also import rows that look like a patient already registered or an earlier row of the file.
 */
includeDuplicates: boolean, 
/**
 * Import the valid rows although some rows were rejected (otherwise such a file imports nothing).
 */
skipRejected: boolean, };
export type PatientImportArgs = { 
/**
 * The CSV file to read.
 */
path: string, options: PatientImport, };
export type PatientMerge = { id: string, keptPatientId: string, mergedPatientId: string, mergedMrn: string, mergedName: string, mergedAt: string, mergedBy: string | null, moved: MovedCounts, undoneAt: string | null, 
/**
 * An administrator may still undo it (it was merged today, in the clinic's time zone).
 */
undoable: boolean, };
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
export type PaymentEntry = { id: string, kind: PaymentKind, refundOfId: string | null, method: PaymentMethod, amountMinor: number, reference: string | null, receivedAt: string, 
/**
 * Who took it or gave it back.
 */
receivedBy: string | null, 
/**
 * What of a payment can still be given back (0 for a refund).
 */
refundableMinor: number, 
/**
 * What was given back beyond what a payment held (0 for a refund): refunded on two computers
 * while they were apart.
 */
refundedBeyondMinor: number, };
export type PaymentKind = "payment" | "refund";
export type PaymentMethod = "cash" | "card" | "insurance" | "transfer";
export type PlannedOccurrence = { startsAt: string, endsAt: string, localDate: string, localStart: string, localEnd: string, 
/**
 * Why this time cannot be booked, if it cannot.
 */
conflict: Message | null, alternative: Slot | null, };
export type Provider = { id: string, userId: string | null, displayName: string, specialty: string, licenceNumber: string | null, colour: string, archived: boolean, };
export type ProviderIdArgs = { providerId: string, };
export type QueueEntry = { appointment: AppointmentSummary, 
/**
 * Arrival, "HH:MM" on the clinic's wall clock.
 */
arrivedAt: string, 
/**
 * Minutes since arrival (for those still waiting), or since being called in.
 */
waitingMinutes: number, room: string | null, calledAt: string | null, };
export type ReadingOnly = "disk_full" | "folder_read_only";
export type RecentVisitsArgs = { limit: number, };
export type RecordPaymentArgs = { invoiceId: string, method: PaymentMethod, amountMinor: number, reference: string | null, };
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
export type RecurringPlan = { first: NewAppointment, everyWeeks: number, 
/**
 * How many appointments in all (2 to 52).
 */
count: number, };
export type RefundPaymentArgs = { paymentId: string, amountMinor: number, reference: string | null, };
export type RejectedRow = { 
/**
 * The line of the file, as a text editor numbers it.
 */
line: number, name: string, 
/**
 * The header of the column at fault, when one is.
 */
column: string | null, reason: Message, };
export type Reschedule = { 
/**
 * Empty keeps the provider.
 */
providerId: string | null, startsAt: string, endsAt: string, allowPatientOverlap?: boolean, allowOutsideHours?: boolean, };
export type RescheduleArgs = { appointmentId: string, to: Reschedule, };
export type ResetPasswordArgs = { userId: string, newPassword: string, };
export type Resolution = { action: AttentionAction, 
/**
 * For `move`: the new time.
 */
startsAt?: string, endsAt?: string, 
/**
 * For `cancel`.
 */
cancellationReason?: string, };
export type ResolveArgs = { id: string, resolution: Resolution, };
export type RestoreOutcome = { restored: BackupSummary, 
/**
 * Where the data that was replaced is kept.
 */
previousData: string, status: AppStatus, };
export type Role = "admin" | "doctor" | "nurse" | "receptionist" | "billing";
export type RoomCall = { appointmentId: string, displayName: string, room: string, calledAt: string, 
/**
 * "HH:MM" on the clinic's wall clock.
 */
localTime: string, };
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
export type ServerArgs = { 
/**
 * https://name-or-address:port
 */
server: string, code: string, 
/**
 * The certificate fingerprint the user compared with the one the server showed.
 */
fingerprint: string, };
export type ServerUrlArgs = { server: string, };
export type Service = { id: string, code: string, name: string, priceMinor: number, taxable: boolean, };
export type SessionUser = { id: string, username: string, displayName: string, role: Role, 
/**
 * Set by an administrator's password reset: nothing else is allowed until the password is changed.
 */
mustChangePassword: boolean, };
export type SetAppointmentStatusArgs = { appointmentId: string, status: AppointmentStatus, cancellationReason: string | null, };
export type SetOpeningHoursArgs = { weekday: number, blocks: Array<TimeBlock>, };
export type SetPatientArchivedArgs = { patientId: string, archived: boolean, };
export type SetProviderArchivedArgs = { providerId: string, archived: boolean, };
export type SetUserActiveArgs = { userId: string, active: boolean, };
export type SetUserRoleArgs = { userId: string, role: Role, };
export type SetWorkingHoursArgs = { providerId: string, weekday: number, blocks: Array<TimeBlock>, };
export type SetupClinicArgs = { clinicName: string, timeZone: string, 
/**
 * ISO 3166 country code (e.g. "US", "ES"): phone numbers typed without a country code are read
 * as this country's. "US" when not given.
 */
country: string | null, currency: string, adminUsername: string, adminDisplayName: string, adminPassword: string, };
export type Sex = "male" | "female" | "other" | "unknown";
export type SignInArgs = { username: string, password: string, };
export type Slot = { providerId: string, providerName: string, providerColour: string, startsAt: string, endsAt: string, 
/**
 * The clinic-local date ("YYYY-MM-DD") and wall-clock times ("HH:MM").
 */
localDate: string, localStart: string, localEnd: string, };
export type SlotMinutesArgs = { minutes: number, };
export type SlotQuery = { providerId: string | null, specialty: string | null, 
/**
 * The slot is as long as this type's default (else `durationMinutes`, else the slot length).
 */
appointmentTypeId: string | null, durationMinutes: number | null, 
/**
 * The first day to look at, "YYYY-MM-DD"; today when empty.
 */
fromDate: string | null, 
/**
 * How many slots (1 to 50).
 */
count: number, };
export type StatusCount = { status: AppointmentStatus, count: number, };
export type SyncOverview = { status: SyncStatus, 
/**
 * Whether the last round reached the server; None before the first round since the app started.
 */
online: boolean | null, 
/**
 * A round is running now.
 */
syncing: boolean, 
/**
 * Rounds that failed in a row, and since when.
 */
failures: number, failingSince: string | null, 
/**
 * Why the last round failed.
 */
lastFailure: IpcError | null, 
/**
 * The last round failed for a reason someone has to act on (the server refused this computer, a
 * change, or its version), not just because the server could not be reached.
 */
needsAction: boolean, nextRoundAt: string | null, };
export type SyncReport = { 
/**
 * This device's changes the server took.
 */
pushed: number, 
/**
 * This device's changes the server refused (kept for a person to see, with the reason).
 */
refused: number, 
/**
 * Changes sent again because the server's store was restored or made anew (a new epoch).
 */
resent: number, 
/**
 * Other devices' changes applied here.
 */
pulled: number, 
/**
 * Edits here that met another device's edit of the same field (kept for a person to see).
 */
conflicts: number, };
export type SyncStatus = { paired: boolean, serverUrl: string | null, fingerprint: string | null, deviceId: string, 
/**
 * This device's share of the number series (MRNs, invoices).
 */
devicePrefix: string, pairedAt: string | null, lastSyncAt: string | null, 
/**
 * Changes made here that the server has not taken yet.
 */
changesWaiting: number, 
/**
 * How many changes this computer has made so far (its last device number): it grows with every
 * change made here, which is how the app's background sync notices them.
 */
changesMade: number, 
/**
 * Conflicts and refused changes no one has resolved yet.
 */
needsAttention: number, lastError: string | null, lastErrorAt: string | null, };
export type TimeBlock = { startsAt: string, endsAt: string, };
export type TimeOff = { id: string, providerId: string, startsAt: string, endsAt: string, reason: string | null, };
export type TimeOffAdded = { id: string, affected: Array<AppointmentSummary>, };
export type TimeOffArgs = { providerId: string, 
/**
 * Time off not ended by this clinic-local date, "YYYY-MM-DD".
 */
fromDate: string, };
export type TimeOffIdArgs = { timeOffId: string, };
export type TimeSpan = { startsAt: string, endsAt: string, };
export type UpdatePatientArgs = { patientId: string, patient: NewPatient, };
export type UpdateProviderArgs = { providerId: string, provider: NewProvider, };
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
export type WaitlistEntry = { id: string, patientId: string, patientName: string, patientMrn: string, phone: string | null, providerId: string | null, providerName: string | null, specialty: string | null, appointmentTypeId: string | null, appointmentType: string | null, weekdays: Array<number>, earliestTime: string | null, latestTime: string | null, note: string | null, 
/**
 * When the patient joined, RFC 3339.
 */
addedAt: string, };
export type WaitlistEntryArgs = { entryId: string, };
export type WalkIn = { patientId: string, providerId: string, appointmentTypeId: string | null, reason: string | null, };
export type WeekdayHours = { 
/**
 * ISO weekday: 1 = Monday .. 7 = Sunday.
 */
weekday: number, blocks: Array<TimeBlock>, };

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
  patient_header: { args: PatientIdArgs; result: PatientHeader };
  patient_merge_preview: { args: MergePatientsArgs; result: MergePreview };
  merge_patients: { args: MergePatientsArgs; result: PatientMerge };
  patient_merges: { args: PatientIdArgs; result: Array<PatientMerge> };
  undo_patient_merge: { args: MergeIdArgs; result: null };
  check_patient_import: { args: PatientImportArgs; result: ImportReport };
  import_patients: { args: PatientImportArgs; result: ImportReport };
  import_progress: { args: null; result: ImportProgress | null };
  export_patients_csv: { args: ExportPatientsArgs; result: string };
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
  clinic_audit_log: { args: AuditQuery; result: AuditPage };
  clinic_patient_access_report: { args: PatientAccessArgs; result: Array<PatientAccess> };
  list_services: { args: null; result: Array<Service> };
  list_invoices: { args: InvoiceQuery; result: InvoicePage };
  open_invoice: { args: InvoiceIdArgs; result: InvoiceDetails };
  issue_invoice: { args: IssueInvoiceArgs; result: IssuedInvoice };
  record_payment: { args: RecordPaymentArgs; result: string };
  refund_payment: { args: RefundPaymentArgs; result: string };
  recent_visits: { args: RecentVisitsArgs; result: Array<VisitSummary> };
  open_visit: { args: OpenVisitArgs; result: VisitRecord };
  list_providers: { args: ListProvidersArgs; result: Array<Provider> };
  add_provider: { args: NewProvider; result: string };
  update_provider: { args: UpdateProviderArgs; result: null };
  set_provider_archived: { args: SetProviderArchivedArgs; result: null };
  working_hours: { args: ProviderIdArgs; result: Array<WeekdayHours> };
  set_working_hours: { args: SetWorkingHoursArgs; result: Array<WeekdayHours> };
  opening_hours: { args: null; result: Array<WeekdayHours> };
  set_opening_hours: { args: SetOpeningHoursArgs; result: Array<WeekdayHours> };
  add_time_off: { args: NewTimeOff; result: TimeOffAdded };
  list_time_off: { args: TimeOffArgs; result: Array<TimeOff> };
  cancel_time_off: { args: TimeOffIdArgs; result: null };
  appointment_types: { args: null; result: Array<AppointmentType> };
  save_appointment_type: { args: AppointmentTypeInput; result: Array<AppointmentType> };
  archive_appointment_type: { args: AppointmentTypeIdArgs; result: null };
  slot_minutes: { args: null; result: number };
  set_slot_minutes: { args: SlotMinutesArgs; result: null };
  available_slots: { args: AvailableSlotsArgs; result: Array<Slot> };
  free_time: { args: FreeTimeArgs; result: FreeTime | null };
  next_free_slots: { args: SlotQuery; result: Array<Slot> };
  book_appointment: { args: NewAppointment; result: string };
  reschedule_appointment: { args: RescheduleArgs; result: string };
  set_appointment_status: { args: SetAppointmentStatusArgs; result: null };
  book_walk_in: { args: WalkIn; result: string };
  plan_recurring: { args: RecurringPlan; result: Array<PlannedOccurrence> };
  book_recurring: { args: BookRecurringArgs; result: BookedSeries };
  appointment: { args: AppointmentIdArgs; result: AppointmentSummary };
  calendar: { args: CalendarArgs; result: Calendar };
  call_list: { args: DayArgs; result: Array<CallListEntry> };
  waiting_room: { args: null; result: Array<QueueEntry> };
  call_patient: { args: CallPatientArgs; result: null };
  room_calls: { args: null; result: Array<RoomCall> };
  open_waiting_room_display: { args: null; result: null };
  add_to_waitlist: { args: NewWaitlistEntry; result: string };
  waitlist: { args: null; result: Array<WaitlistEntry> };
  remove_from_waitlist: { args: WaitlistEntryArgs; result: null };
  waitlist_candidates: { args: AppointmentIdArgs; result: Array<WaitlistEntry> };
  book_from_waitlist: { args: BookFromWaitlistArgs; result: string };
  server_fingerprint: { args: ServerUrlArgs; result: string };
  join_clinic: { args: ServerArgs; result: AppStatus };
  join_progress: { args: null; result: JoinView };
  retry_join: { args: null; result: JoinView };
  join_sheet_path: { args: null; result: string };
  save_join_recovery_sheet: { args: JoinSheetArgs; result: string };
  finish_joining: { args: null; result: AppStatus };
  sync_overview: { args: null; result: SyncOverview };
  pair_with_server: { args: ServerArgs; result: SyncOverview };
  sync_now: { args: null; result: SyncReport };
  clinic_devices: { args: null; result: Array<ClinicDevice> };
  needs_attention: { args: null; result: Array<Attention> };
  resolve_attention: { args: ResolveArgs; result: null };
}
