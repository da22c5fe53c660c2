// Runtime lists of the string unions in bindings.ts. The `satisfies`/`Exhaustive` checks make
// `tsc` fail if the generated bindings gain a variant that is missing here (so that every variant
// has a translation and a colour).
import type { AppointmentStatus, ErrorCode, Role, Sex } from './api/types';

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
]);

export const SEXES = exhaustive<Sex>()(['male', 'female', 'other', 'unknown']);

export const ERROR_CODES = exhaustive<ErrorCode>()([
  'validation',
  'not_found',
  'conflict',
  'invalid_credentials',
  'not_signed_in',
  'session_locked',
  'forbidden',
  'already_initialized',
  'not_initialized',
  'key_unavailable',
  'wrong_key',
  'newer_schema',
  'storage',
  'internal',
]);

/** Mantine colour for each appointment status badge. */
export const STATUS_COLORS: Record<AppointmentStatus, string> = {
  scheduled: 'gray',
  confirmed: 'blue',
  checked_in: 'cyan',
  in_progress: 'yellow',
  completed: 'teal',
  cancelled: 'red',
  no_show: 'grape',
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
