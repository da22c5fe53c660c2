import { Paper, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useId, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { usePatients } from '../../api/queries';
import type { PatientRow } from '../../api/types';
import { useFormatters } from '../../i18n/format';

const patientLabel = (p: PatientRow) => `${p.lastName}, ${p.firstName}`;

interface PatientPickerProps {
  value: PatientRow | null;
  onChange: (patient: PatientRow | null) => void;
  error?: string;
  /** Marks the search as the field a dialog focuses first. */
  autoFocus?: boolean;
  /** The search's test id; each match is `<testId>-option`. */
  testId: string;
}

/**
 * Finds a patient by name or MRN as one types: arrow keys move through the matches and Enter picks
 * one, so the front desk never needs the mouse.
 */
export function PatientPicker({ value, onChange, error, autoFocus = false, testId }: PatientPickerProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const listId = useId();
  const [search, setSearch] = useState(value ? patientLabel(value) : '');
  const [highlight, setHighlight] = useState(0);
  const [query] = useDebouncedValue(search.trim(), 150);
  const searching = value === null && query.length >= 2;
  const patients = usePatients({ text: searching ? query : null, sort: 'name', includeArchived: false, offset: 0, limit: 8 });
  const matches = searching ? (patients.data?.rows ?? []) : [];

  const choose = (p: PatientRow) => {
    setSearch(patientLabel(p));
    onChange(p);
  };

  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (matches.length === 0) return;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setHighlight((h) => (h + 1) % matches.length);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setHighlight((h) => (h - 1 + matches.length) % matches.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const picked = matches[Math.min(highlight, matches.length - 1)];
      if (picked) choose(picked);
    }
  };

  return (
    <>
      <TextInput
        data-autofocus={autoFocus || undefined}
        label={t('schedule.booking.patient')}
        placeholder={t('schedule.booking.patientPlaceholder')}
        value={search}
        onChange={(event) => {
          setSearch(event.currentTarget.value);
          setHighlight(0);
          if (value !== null) onChange(null);
        }}
        onKeyDown={onKey}
        error={error}
        role="combobox"
        aria-expanded={matches.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        data-testid={testId}
      />
      {matches.length > 0 && (
        <Paper withBorder role="listbox" id={listId} aria-label={t('schedule.booking.patient')}>
          {matches.map((p, i) => (
            <UnstyledButton
              key={p.id}
              role="option"
              aria-selected={i === highlight}
              tabIndex={-1}
              display="block"
              w="100%"
              px="sm"
              py={4}
              bg={i === highlight ? 'var(--mantine-primary-color-light)' : undefined}
              onClick={() => {
                choose(p);
              }}
              data-testid={`${testId}-option`}
            >
              <Text size="sm">
                {patientLabel(p)} · {p.mrn} · {format.date(p.dateOfBirth)}
              </Text>
            </UnstyledButton>
          ))}
        </Paper>
      )}
      {searching && patients.data && matches.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('schedule.booking.noPatient')}
        </Text>
      )}
    </>
  );
}
