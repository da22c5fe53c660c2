// Runtime lists of the string unions in bindings.ts. The `satisfies`/`Exhaustive` checks make
// `tsc` fail if the generated bindings gain a variant that is missing here (so that every variant
// has a translation and a colour).
import type {
  AppointmentStatus,
  ErrorCode,
  InvoiceFilter,
  InvoiceStatus,
  PaymentKind,
  PaymentMethod,
  ReadingOnly,
  Role,
  Sex,
} from './api/types';

type Exhaustive<Union, List extends readonly Union[]> = [Exclude<Union, List[number]>] extends [never]
  ? List
  : never;

function exhaustive<Union>() {
  return <const List extends readonly Union[]>(list: Exhaustive<Union, List>): List => list;
}

export const ROLES = exhaustive<Role>()(['admin', 'doctor', 'nurse', 'receptionist', 'billing']);

export const APPOINTMENT_STATUSES = exhaustive<AppointmentStatus>()([
  'scheduled',
  'confirmed',
  'checked_in',
  'in_progress',
  'completed',
  'cancelled',
  'no_show',
  'rescheduled',
]);

export const SEXES = exhaustive<Sex>()(['male', 'female', 'other', 'unknown']);

export const INVOICE_STATUSES = exhaustive<InvoiceStatus>()(['draft', 'issued', 'paid', 'void']);
/** The billing screen's lists, in the order it offers them. */
export const INVOICE_FILTERS = exhaustive<InvoiceFilter>()(['unpaid', 'overpaid', 'all']);
export const PAYMENT_METHODS = exhaustive<PaymentMethod>()(['cash', 'card', 'insurance', 'transfer']);
export const PAYMENT_KINDS = exhaustive<PaymentKind>()(['payment', 'refund']);

/** Why the clinic may be open for reading only (`shell.readingOnly.*`). */
export const READING_ONLY_REASONS = exhaustive<ReadingOnly>()(['disk_full', 'folder_read_only']);

export const ERROR_CODES = exhaustive<ErrorCode>()([
  'validation',
  'not_found',
  'conflict',
  'possible_duplicate',
  'patient_already_booked',
  'outside_working_hours',
  'invalid_credentials',
  'not_signed_in',
  'session_locked',
  'forbidden',
  'already_initialized',
  'not_initialized',
  'key_unavailable',
  'key_lost',
  'wrong_key',
  'newer_schema',
  'disk_full',
  'folder_read_only',
  'server_unreachable',
  'server_refused',
  'storage',
  'internal',
]);

/** Audit-trail actions the UI names in words; any other shows as recorded. */
export const AUDIT_ACTIONS = [
  'insert',
  'update',
  'archive',
  'restore',
  'sign_in',
  'sign_in_failed',
  'sign_in_locked',
  'account_locked',
  'session_locked',
  'list_patients',
  'open_patient',
  'find_duplicate_patients',
  'list_visits',
  'open_visit',
  'view_audit',
  'export_audit',
  'patient_access_report',
  'recovery_key_created',
  'recovery_key_confirmed',
  'database_key_changed',
  'database_recovered',
  'backup_created',
  'backup_failed',
  'backup_settings_changed',
  'restore_started',
  'restored_from_backup',
  'view_appointment',
  'view_appointments',
  'view_calendar',
  'view_call_list',
  'view_waiting_room',
  'view_waitlist',
  'view_waitlist_candidates',
  'patient_header',
  'preview_patient_merge',
  'check_patient_import',
  'export_patients',
  'refused',
  'resolve',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Mantine colour for each appointment status badge. */
export const STATUS_COLORS: Record<AppointmentStatus, string> = {
  scheduled: 'gray',
  confirmed: 'blue',
  checked_in: 'cyan',
  in_progress: 'yellow',
  completed: 'teal',
  cancelled: 'red',
  no_show: 'grape',
  rescheduled: 'violet',
};

/** Currencies offered at first-run setup (ISO 4217). */
export const CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'NZD',
  'MXN',
  'BRL',
  'INR',
  'CHF',
  'JPY',
  'ZAR',
] as const;

export const DEFAULT_CURRENCY = 'USD';

/** Countries offered at first-run setup (ISO 3166): phone numbers without a country code are read as the clinic's. */
export const COUNTRIES = [
  'US', 'CA', 'MX', 'BR', 'AR', 'CL', 'CO', 'PE', 'GB', 'IE', 'ES', 'PT', 'FR', 'BE', 'NL', 'LU', 'DE', 'AT',
  'CH', 'IT', 'DK', 'NO', 'SE', 'FI', 'IS', 'PL', 'CZ', 'SK', 'HU', 'RO', 'GR', 'TR', 'IL', 'AE', 'SA', 'EG',
  'MA', 'NG', 'KE', 'ZA', 'IN', 'PK', 'CN', 'JP', 'KR', 'PH', 'SG', 'MY', 'ID', 'TH', 'VN', 'AU', 'NZ',
] as const;

/** The country of the user's language settings (en-GB: GB), when it is one of COUNTRIES; else US. */
export function defaultCountry(languages: readonly string[] = navigator.languages): string {
  for (const language of languages) {
    const region = language.split('-')[1]?.toUpperCase();
    if (region && (COUNTRIES as readonly string[]).includes(region)) return region;
  }
  return 'US';
}
