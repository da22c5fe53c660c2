import type { TFunction } from 'i18next';
import type { DateOrder, ImportField, ImportStage, MovedCounts } from '../../api/types';
import type { Formatters } from '../../i18n/format';

// Every value of the binding unions, in the order the UI offers them (a Record keeps them complete:
// tsc fails when the bindings gain a value missing here).

const IMPORT_FIELD_ORDER: Record<ImportField, number> = {
  first_name: 0,
  last_name: 1,
  date_of_birth: 2,
  sex: 3,
  phone: 4,
  email: 5,
  address_line1: 6,
  address_line2: 7,
  city: 8,
  region: 9,
  postal_code: 10,
  country: 11,
  insurance_payer: 12,
  insurance_member_id: 13,
};

/** The patient fields a column of an imported file can fill (`patients.import.fields.*`). */
export const IMPORT_FIELDS = (Object.keys(IMPORT_FIELD_ORDER) as ImportField[]).sort(
  (a, b) => IMPORT_FIELD_ORDER[a] - IMPORT_FIELD_ORDER[b],
);

export function isImportField(value: string | null): value is ImportField {
  return value !== null && Object.prototype.hasOwnProperty.call(IMPORT_FIELD_ORDER, value);
}

const DATE_ORDER_SET: Record<DateOrder, true> = { year_month_day: true, day_month_year: true, month_day_year: true };

/** How a file may write dates (`patients.import.dateOrders.*`). */
export const DATE_ORDERS = Object.keys(DATE_ORDER_SET) as DateOrder[];

const IMPORT_STAGE_SET: Record<ImportStage, true> = { checking: true, registering: true };

/** What a running import is doing (`patients.import.progress.*`). */
export const IMPORT_STAGES = Object.keys(IMPORT_STAGE_SET) as ImportStage[];

export function isDateOrder(value: string | null): value is DateOrder {
  return value !== null && Object.prototype.hasOwnProperty.call(DATE_ORDER_SET, value);
}

/**
 * The fields of the kept record a merge fills in when empty there (Rust's `FILLABLE` column names,
 * `patients.merge.fields.*`).
 */
export const MERGE_FILLABLE = [
  'phone',
  'email',
  'address_line1',
  'address_line2',
  'city',
  'region',
  'postal_code',
  'country',
  'emergency_contact_name',
  'emergency_contact_phone',
  'emergency_contact_relation',
  'insurance_payer',
  'insurance_member_id',
  'insurance_group',
  'notes',
] as const;
export type MergeFillable = (typeof MERGE_FILLABLE)[number];

export function isMergeFillable(column: string): column is MergeFillable {
  return (MERGE_FILLABLE as readonly string[]).includes(column);
}

/** What a merge moves, in the order it is listed, with its (plural) label. */
const MOVED_LABELS = {
  appointments: 'patients.merge.moved.appointments',
  visits: 'patients.merge.moved.visits',
  invoices: 'patients.merge.moved.invoices',
  payments: 'patients.merge.moved.payments',
  allergies: 'patients.merge.moved.allergies',
  clinicalRecords: 'patients.merge.moved.clinicalRecords',
  waitlistEntries: 'patients.merge.moved.waitlistEntries',
} as const satisfies Record<keyof MovedCounts, string>;

/** "2 appointments, 1 visit, 1 invoice" — the kinds that move, zeros left out; "" when nothing moves. */
export function describeMoves(t: TFunction, format: Formatters, moved: MovedCounts): string {
  return (Object.keys(MOVED_LABELS) as (keyof MovedCounts)[])
    .filter((kind) => moved[kind] > 0)
    .map((kind) => t(MOVED_LABELS[kind], { count: moved[kind], formattedCount: format.number(moved[kind]) }))
    .join(', ');
}
