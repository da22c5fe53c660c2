import { Button, Group, Modal, NativeSelect, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type KeyboardEvent, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, fieldErrorMessage, type DescribedError } from '../../api/errors';
import { toIpcFailure } from '../../api/ipc';
import { useAppointmentTypes, useBookAppointment, useFreeTime, usePlanRecurring } from '../../api/scheduleQueries';
import type { NewAppointment, PatientRow, PlannedOccurrence } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PatientHeader } from '../../components/PatientHeader';
import { useFormatters } from '../../i18n/format';
import { BookAnywayAlert } from './BookAnyway';
import { allowing, bookingWarning, type BookingWarning } from './bookingWarnings';
import { addMinutes, fromMinutes, zonedInstant } from './calendarLayout';
import { PatientPicker } from './PatientPicker';
import { REPEAT_WEEKS, SERIES_MAX, SERIES_MIN } from './recurring';
import { SeriesPlan } from './SeriesPlan';

/** Where a new appointment goes: a provider, a clinic-local date and start minute. */
export interface BookingSlot {
  providerId: string;
  providerName: string;
  date: string;
  minute: number;
  /**
   * The start instant when Rust offered it (a free slot): on the night clocks go back, one wall-clock
   * minute is two instants, and only this says which.
   */
  startsAt?: string;
}

interface BookingDialogProps {
  slot: BookingSlot;
  slotMinutes: number;
  timeZone: string;
  onClose: () => void;
  /** The slot does not suit: put the patient (if chosen) on the waitlist for this provider instead. */
  onWaitlist: (patient: PatientRow | null) => void;
  /** The patient chosen at first (booking from their record); the picker can still change it. */
  patient?: PatientRow;
  /** The appointment type chosen at first (the slot was found for it); none by default. */
  appointmentTypeId?: string;
  /** Called instead of `onClose` once booked (a single appointment, or a series after its summary). */
  onBooked?: () => void;
}

type Field = 'patientId' | 'appointmentTypeId' | 'reason' | 'everyWeeks' | 'count';
const FIELDS: readonly string[] = ['patientId', 'appointmentTypeId', 'reason', 'everyWeeks', 'count'];

/** A series checked by the core, waiting for the user's choices (see SeriesPlan). */
interface Planned {
  first: NewAppointment;
  occurrences: PlannedOccurrence[];
}

/**
 * Books an appointment in a free slot, once or repeating every few weeks; every step works with the
 * keyboard alone (Enter in the selects submits, as in the text fields).
 */
export function BookingDialog({
  slot,
  slotMinutes,
  timeZone,
  onClose,
  onWaitlist,
  patient: initialPatient,
  appointmentTypeId: initialTypeId,
  onBooked = onClose,
}: BookingDialogProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const types = useAppointmentTypes();
  const book = useBookAppointment();
  const planRecurring = usePlanRecurring();
  const [patient, setPatient] = useState<PatientRow | null>(initialPatient ?? null);
  const [typeId, setTypeId] = useState(initialTypeId ?? '');
  const [reason, setReason] = useState('');
  // 0 = once; else every that many weeks.
  const [everyWeeks, setEveryWeeks] = useState(0);
  const [count, setCount] = useState<number | string>(SERIES_MIN);
  const [planned, setPlanned] = useState<Planned | null>(null);
  // Back from the plan, the form is new: the keyboard carries on from the button that checked the dates.
  const [backFromPlan, setBackFromPlan] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const [warning, setWarning] = useState<{ args: NewAppointment; warning: BookingWarning } | null>(null);

  const startsAt = slot.startsAt ?? zonedInstant(slot.date, slot.minute, timeZone);
  // The types that fit before the next break, booking or the end of hours are offered first.
  const freeTime = useFreeTime({ providerId: slot.providerId, startsAt });
  const free = freeTime.data;
  const fits = (minutes: number) => free === undefined || (free !== null && minutes <= free.minutes);
  const typeOption = (x: { id: string; name: string; durationMinutes: number }) => ({
    value: x.id,
    label: t('schedule.booking.typeOption', { name: x.name, minutes: x.durationMinutes }),
  });
  const allTypes = types.data ?? [];
  const fitting = allTypes.filter((x) => fits(x.durationMinutes));
  const longer = allTypes.filter((x) => !fits(x.durationMinutes));

  const type = types.data?.find((x) => x.id === typeId);
  const duration = type?.durationMinutes ?? slotMinutes;
  const startTime = fromMinutes(slot.minute);
  const endTime = fromMinutes(Math.min(24 * 60, slot.minute + duration));

  const showError = (error: unknown) => {
    const failure = toIpcFailure(error);
    if (failure.field !== null && FIELDS.includes(failure.field)) {
      setFieldErrors({ [failure.field]: fieldErrorMessage(t, failure) });
    } else {
      setFormError(describeError(t, failure));
    }
  };

  const send = async (args: NewAppointment) => {
    setFormError(null);
    setWarning(null);
    setFieldErrors({});
    try {
      await book.mutateAsync(args);
      notifications.show({ color: 'teal', message: t('schedule.booked') });
      onBooked();
    } catch (error) {
      const found = bookingWarning(error);
      if (found) setWarning({ args, warning: found });
      else showError(error);
    }
  };

  const plan = async (first: NewAppointment) => {
    setFormError(null);
    setWarning(null);
    setFieldErrors({});
    try {
      const occurrences = await planRecurring.mutateAsync({ first, everyWeeks, count: Number(count) });
      setPlanned({ first, occurrences });
    } catch (error) {
      // A patient booked elsewhere is not an error here: the plan lists it as that date's conflict.
      showError(error);
    }
  };

  const submit = (event?: SyntheticEvent) => {
    event?.preventDefault();
    if (!patient) {
      setFieldErrors({ patientId: t('schedule.booking.choosePatient') });
      return;
    }
    const args: NewAppointment = {
      patientId: patient.id,
      providerId: slot.providerId,
      appointmentTypeId: typeId === '' ? null : typeId,
      startsAt,
      endsAt: addMinutes(startsAt, duration),
      reason: reason.trim() === '' ? null : reason.trim(),
    };
    void (everyWeeks === 0 ? send(args) : plan(args));
  };

  // A native select swallows Enter; here it submits, as Enter does in the text fields.
  const submitOnEnter = (event: KeyboardEvent) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      submit();
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('schedule.booking.title')} size="lg">
      {planned ? (
        <SeriesPlan
          first={planned.first}
          occurrences={planned.occurrences}
          timeZone={timeZone}
          onBack={() => {
            setPlanned(null);
            setBackFromPlan(true);
          }}
          onClose={onBooked}
        />
      ) : (
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
            <PatientPicker
              autoFocus
              value={patient}
              onChange={(p) => {
                setPatient(p);
                setFieldErrors((e) => ({ ...e, patientId: undefined }));
              }}
              error={fieldErrors.patientId}
              testId="booking-patient"
            />
            {patient && <PatientHeader patientId={patient.id} compact timeZone={timeZone} />}
            <NativeSelect
              label={t('schedule.booking.type')}
              value={typeId}
              onChange={(event) => {
                setTypeId(event.currentTarget.value);
              }}
              onKeyDown={submitOnEnter}
              data={[
                { value: '', label: t('schedule.booking.noType', { minutes: slotMinutes }) },
                ...fitting.map(typeOption),
                ...(longer.length > 0
                  ? [
                      {
                        group: free
                          ? t('schedule.booking.longerThanFree', { minutes: free.minutes, until: free.until })
                          : t('schedule.booking.notFreeThen'),
                        items: longer.map(typeOption),
                      },
                    ]
                  : []),
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
            <Group grow align="flex-start">
              <NativeSelect
                label={t('schedule.booking.repeat')}
                value={String(everyWeeks)}
                onChange={(event) => {
                  setEveryWeeks(Number(event.currentTarget.value));
                }}
                onKeyDown={submitOnEnter}
                data={[
                  { value: '0', label: t('schedule.booking.once') },
                  ...REPEAT_WEEKS.map((weeks) => ({
                    value: String(weeks),
                    label: t('schedule.booking.everyWeeks', { count: weeks }),
                  })),
                ]}
                error={fieldErrors.everyWeeks}
                data-testid="booking-repeat"
              />
              {everyWeeks > 0 && (
                <NumberInput
                  label={t('schedule.booking.count')}
                  value={count}
                  onChange={setCount}
                  min={SERIES_MIN}
                  max={SERIES_MAX}
                  clampBehavior="strict"
                  allowDecimal={false}
                  allowNegative={false}
                  error={fieldErrors.count}
                  data-testid="booking-count"
                />
              )}
            </Group>
            <FormErrorAlert error={formError} testId="booking-error" />
            {warning && (
              <BookAnywayAlert
                warning={warning.warning}
                confirmLabel={t('schedule.booking.bookAnyway')}
                pending={book.isPending}
                onConfirm={() => void send({ ...warning.args, ...allowing(warning.warning.code) })}
                testIdPrefix="booking"
              />
            )}
            <Group justify="space-between">
              <Button
                variant="subtle"
                onClick={() => {
                  onWaitlist(patient);
                }}
                data-testid="booking-waitlist"
              >
                {t('schedule.booking.waitlistInstead')}
              </Button>
              <Group>
                <Button variant="default" onClick={onClose}>
                  {t('common.cancel')}
                </Button>
                <Button
                  type="submit"
                  autoFocus={backFromPlan}
                  loading={book.isPending || planRecurring.isPending}
                  data-testid="booking-submit"
                >
                  {everyWeeks === 0 ? t('schedule.booking.book') : t('schedule.booking.checkDates')}
                </Button>
              </Group>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
