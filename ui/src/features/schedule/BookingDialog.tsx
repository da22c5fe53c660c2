import { Alert, Button, Group, Modal, NativeSelect, Paper, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState, type SyntheticEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, fieldErrorMessage, type DescribedError } from '../../api/errors';
import { toIpcFailure } from '../../api/ipc';
import { usePatients } from '../../api/queries';
import { useAppointmentTypes, useBookAppointment } from '../../api/scheduleQueries';
import type { NewAppointment, PatientRow } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useFormatters } from '../../i18n/format';
import { addMinutes, fromMinutes, zonedInstant } from './calendarLayout';

/** Where a new appointment goes: a provider, a clinic-local date and start minute. */
export interface BookingSlot {
  providerId: string;
  providerName: string;
  date: string;
  minute: number;
}

interface BookingDialogProps {
  slot: BookingSlot;
  slotMinutes: number;
  timeZone: string;
  onClose: () => void;
}

type Field = 'patientId' | 'appointmentTypeId' | 'reason';
const FIELDS: readonly string[] = ['patientId', 'appointmentTypeId', 'reason'];

const patientLabel = (p: PatientRow) => `${p.lastName}, ${p.firstName}`;

/** Books an appointment in a free slot; every step works with the keyboard alone. */
export function BookingDialog({ slot, slotMinutes, timeZone, onClose }: BookingDialogProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const types = useAppointmentTypes();
  const book = useBookAppointment();
  const [search, setSearch] = useState('');
  const [patient, setPatient] = useState<PatientRow | null>(null);
  const [highlight, setHighlight] = useState(0);
  const [typeId, setTypeId] = useState('');
  const [reason, setReason] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const [overlap, setOverlap] = useState<{ args: NewAppointment; message: string } | null>(null);

  const [query] = useDebouncedValue(search.trim(), 150);
  const searching = patient === null && query.length >= 2;
  const patients = usePatients({ text: searching ? query : null, sort: 'name', includeArchived: false, offset: 0, limit: 8 });
  const matches = searching ? (patients.data?.rows ?? []) : [];

  const type = types.data?.find((x) => x.id === typeId);
  const duration = type?.durationMinutes ?? slotMinutes;
  const startTime = fromMinutes(slot.minute);
  const endTime = fromMinutes(Math.min(24 * 60, slot.minute + duration));

  const choose = (p: PatientRow) => {
    setPatient(p);
    setSearch(patientLabel(p));
    setFieldErrors((e) => ({ ...e, patientId: undefined }));
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
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

  const send = async (args: NewAppointment) => {
    setFormError(null);
    setOverlap(null);
    setFieldErrors({});
    try {
      await book.mutateAsync(args);
      notifications.show({ color: 'teal', message: t('schedule.booked') });
      onClose();
    } catch (error) {
      const failure = toIpcFailure(error);
      if (failure.code === 'patient_already_booked') {
        setOverlap({ args, message: failure.message });
      } else if (failure.field !== null && FIELDS.includes(failure.field)) {
        setFieldErrors({ [failure.field]: fieldErrorMessage(t, failure) });
      } else {
        setFormError(describeError(t, failure));
      }
    }
  };

  const submit = (event?: SyntheticEvent) => {
    event?.preventDefault();
    if (!patient) {
      setFieldErrors({ patientId: t('schedule.booking.choosePatient') });
      return;
    }
    const startsAt = zonedInstant(slot.date, slot.minute, timeZone);
    void send({
      patientId: patient.id,
      providerId: slot.providerId,
      appointmentTypeId: typeId === '' ? null : typeId,
      startsAt,
      endsAt: addMinutes(startsAt, duration),
      reason: reason.trim() === '' ? null : reason.trim(),
    });
  };

  return (
    <Modal opened onClose={onClose} title={t('schedule.booking.title')} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm" data-testid="booking-when">
            {t('schedule.booking.when', {
              provider: slot.providerName,
              date: format.dayLabel(slot.date),
              start: startTime,
              end: endTime,
            })}
          </Text>
          <TextInput
            data-autofocus
            label={t('schedule.booking.patient')}
            placeholder={t('schedule.booking.patientPlaceholder')}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
              setPatient(null);
              setHighlight(0);
            }}
            onKeyDown={onSearchKey}
            error={fieldErrors.patientId}
            role="combobox"
            aria-expanded={matches.length > 0}
            aria-controls="booking-patient-results"
            aria-autocomplete="list"
            data-testid="booking-patient"
          />
          {matches.length > 0 && (
            <Paper withBorder role="listbox" id="booking-patient-results" aria-label={t('schedule.booking.patient')}>
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
                  data-testid="booking-patient-option"
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
          <NativeSelect
            label={t('schedule.booking.type')}
            value={typeId}
            onChange={(event) => {
              setTypeId(event.currentTarget.value);
            }}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                event.preventDefault();
                submit();
              }
            }}
            data={[
              { value: '', label: t('schedule.booking.noType', { minutes: slotMinutes }) },
              ...(types.data ?? []).map((x) => ({
                value: x.id,
                label: t('schedule.booking.typeOption', { name: x.name, minutes: x.durationMinutes }),
              })),
            ]}
            error={fieldErrors.appointmentTypeId}
            data-testid="booking-type"
          />
          <TextInput
            label={t('schedule.booking.reason')}
            value={reason}
            onChange={(event) => {
              setReason(event.currentTarget.value);
            }}
            error={fieldErrors.reason}
            data-testid="booking-reason"
          />
          <FormErrorAlert error={formError} testId="booking-error" />
          {overlap && (
            <Alert color="yellow" variant="light" role="alert" data-testid="booking-overlap">
              <Stack gap="xs">
                <Text size="sm">{overlap.message}</Text>
                <Group>
                  <Button
                    color="yellow"
                    size="xs"
                    loading={book.isPending}
                    onClick={() => void send({ ...overlap.args, allowPatientOverlap: true })}
                    data-testid="booking-anyway"
                  >
                    {t('schedule.booking.bookAnyway')}
                  </Button>
                </Group>
              </Stack>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={book.isPending} data-testid="booking-submit">
              {t('schedule.booking.book')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
