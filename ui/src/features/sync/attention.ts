import type { TFunction } from 'i18next';
import type { Attention } from '../../api/types';

/** Column names people know by a label already (the patient form's); others are shown as written. */
const FIELD_KEYS = {
  first_name: 'patients.import.fields.first_name',
  last_name: 'patients.import.fields.last_name',
  date_of_birth: 'patients.import.fields.date_of_birth',
  sex: 'patients.import.fields.sex',
  phone: 'patients.import.fields.phone',
  email: 'patients.import.fields.email',
  address_line1: 'patients.import.fields.address_line1',
  address_line2: 'patients.import.fields.address_line2',
  city: 'patients.import.fields.city',
  region: 'patients.import.fields.region',
  postal_code: 'patients.import.fields.postal_code',
  country: 'patients.import.fields.country',
  insurance_payer: 'patients.import.fields.insurance_payer',
  insurance_member_id: 'patients.import.fields.insurance_member_id',
} as const;

/** A column's label: the form's, or the column name in words ("display_name" → "display name"). */
export function fieldLabel(t: TFunction, field: string): string {
  const key = (FIELD_KEYS as Record<string, (typeof FIELD_KEYS)[keyof typeof FIELD_KEYS] | undefined>)[field];
  return key === undefined ? field.replace(/_/g, ' ') : t(key);
}

/** Why the clinic server refused a change, by its code (`protocol::refusals` in Rust). */
const REFUSAL_KEYS = {
  booking_clash: 'attention.headline.bookingClash',
  provider_away: 'attention.headline.providerAway',
  not_permitted: 'attention.headline.notPermitted',
  not_on_server: 'attention.headline.notOnServer',
  refers_to_refused: 'attention.headline.refersToRefused',
  kept_as_written: 'attention.headline.keptAsWritten',
  note_changed_since: 'attention.headline.noteChangedSince',
  merged_elsewhere: 'attention.headline.mergedElsewhere',
} as const;

/** What happened, in one sentence. */
export function headline(t: TFunction, entry: Attention): string {
  if (entry.kind === 'overwritten') {
    return t('attention.headline.overwritten', { field: fieldLabel(t, entry.values[0]?.field ?? '') });
  }
  if (entry.kind === 'duplicate') {
    return t('attention.headline.duplicate', { name: entry.patient?.name ?? '', other: entry.otherPatient?.name ?? '' });
  }
  const key = (REFUSAL_KEYS as Record<string, (typeof REFUSAL_KEYS)[keyof typeof REFUSAL_KEYS] | undefined>)[
    entry.code ?? ''
  ];
  return key === undefined
    ? t('attention.headline.refused')
    : t(key, {
        provider: entry.booking?.providerName ?? '',
        name: entry.patient?.name ?? '',
        other: entry.otherPatient?.name ?? '',
      });
}
