import { Button, Group, Modal, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, type DescribedError } from '../../api/errors';
import {
  useBookFromWaitlist,
  useRescheduleAppointment,
  useSetAppointmentStatus,
  useWaitlistCandidates,
} from '../../api/scheduleQueries';
import type { AppointmentStatus, AppointmentSummary, Reschedule } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PatientHeader } from '../../components/PatientHeader';
import { StatusBadge } from '../../components/StatusBadge';
import { useFormatters } from '../../i18n/format';
import { BookAnywayAlert } from './BookAnyway';
import { allowing, bookingWarning, type BookingWarning } from './bookingWarnings';
import { addMinutes, durationMinutes, zonedInstant } from './calendarLayout';

interface AppointmentDialogProps {
  appointment: AppointmentSummary;
  timeZone: string;
  onClose: () => void;
}

type Mode = 'actions' | 'cancel' | 'reschedule' | 'waitlist';

/** One appointment: its details and what can be done with it now. */
export function AppointmentDialog({ appointment, timeZone, onClose }: AppointmentDialogProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const setStatus = useSetAppointmentStatus();
  const [mode, setMode] = useState<Mode>('actions');
  const [error, setError] = useState<DescribedError | null>(null);
  // What the appointment may become now, by Rust's rules and the clinic's clock (check-in only on its
  // day, no-show only after its start).
  const next = (status: AppointmentStatus) => appointment.nextStatuses.includes(status);
  const open = appointment.nextStatuses.length > 0;

  const changeStatus = async (status: AppointmentStatus, cancellationReason: string | null = null) => {
    setError(null);
    try {
      await setStatus.mutateAsync({ appointmentId: appointment.id, status, cancellationReason });
      return true;
    } catch (e) {
      setError(describeError(t, e));
      return false;
    }
  };

  const simple = (status: AppointmentStatus) => async () => {
    if (await changeStatus(status)) {
      notifications.show({ color: 'teal', message: t('schedule.appointment.updated') });
      onClose();
    }
  };

  return (
    <Modal opened onClose={onClose} title={t('schedule.appointment.title')} size="lg">
      <Stack gap="sm">
        <PatientHeader patientId={appointment.patientId} compact timeZone={timeZone} />
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm" data-testid="appointment-when">
            {t('schedule.appointment.when', {
              date: format.dayLabel(appointment.localDate),
              start: appointment.localStart,
              end: appointment.localEnd,
              provider: appointment.providerName,
            })}
          </Text>
          <StatusBadge status={appointment.status} />
        </Group>
        {appointment.appointmentType && <Text size="sm">{appointment.appointmentType}</Text>}
        {appointment.reason && (
          <Text size="sm" c="dimmed">
            {appointment.reason}
          </Text>
        )}
        <FormErrorAlert error={error} testId="appointment-error" />

        {mode === 'actions' && open && (
          <Group gap="xs">
            {next('confirmed') && (
              <Button variant="light" onClick={() => void simple('confirmed')()} loading={setStatus.isPending} data-testid="appointment-confirm">
                {t('schedule.appointment.confirm')}
              </Button>
            )}
            {next('checked_in') && (
              <Button variant="light" onClick={() => void simple('checked_in')()} loading={setStatus.isPending} data-testid="appointment-check-in">
                {t('schedule.appointment.checkIn')}
              </Button>
            )}
            {next('rescheduled') && (
              <Button
                variant="light"
                onClick={() => {
                  setMode('reschedule');
                }}
                data-testid="appointment-reschedule"
              >
                {t('schedule.appointment.reschedule')}
              </Button>
            )}
            {next('no_show') && (
              <Button variant="light" color="grape" onClick={() => void simple('no_show')()} loading={setStatus.isPending} data-testid="appointment-no-show">
                {t('schedule.appointment.noShow')}
              </Button>
            )}
            {next('cancelled') && (
              <Button
                variant="light"
                color="red"
                onClick={() => {
                  setMode('cancel');
                }}
                data-testid="appointment-cancel"
              >
                {t('schedule.appointment.cancel')}
              </Button>
            )}
          </Group>
        )}
        {mode === 'actions' && !open && (
          <Text size="sm" c="dimmed">
            {t('schedule.appointment.noActions')}
          </Text>
        )}

        {mode === 'cancel' && (
          <CancelForm
            pending={setStatus.isPending}
            onBack={() => {
              setMode('actions');
            }}
            onCancel={async (reason) => {
              if (await changeStatus('cancelled', reason)) setMode('waitlist');
            }}
          />
        )}
        {mode === 'reschedule' && (
          <RescheduleForm
            appointment={appointment}
            timeZone={timeZone}
            onBack={() => {
              setMode('actions');
            }}
            onDone={onClose}
          />
        )}
        {mode === 'waitlist' && <WaitlistCandidates freedAppointmentId={appointment.id} onDone={onClose} />}
      </Stack>
    </Modal>
  );
}

export function CancelForm({
  pending,
  onBack,
  onCancel,
}: {
  pending: boolean;
  onBack: () => void;
  onCancel: (reason: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (reason.trim() === '') {
          setMissing(true);
          return;
        }
        void onCancel(reason.trim());
      }}
      noValidate
    >
      <Stack gap="xs">
        <Textarea
          data-autofocus
          autoFocus
          required
          label={t('schedule.appointment.cancellationReason')}
          value={reason}
          onChange={(event) => {
            setReason(event.currentTarget.value);
            setMissing(false);
          }}
          error={missing ? t('schedule.appointment.reasonRequired') : undefined}
          data-testid="cancel-reason"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onBack}>
            {t('schedule.appointment.back')}
          </Button>
          <Button type="submit" color="red" loading={pending} data-testid="cancel-submit">
            {t('schedule.appointment.confirmCancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RescheduleForm({
  appointment,
  timeZone,
  onBack,
  onDone,
}: {
  appointment: AppointmentSummary;
  timeZone: string;
  onBack: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const reschedule = useRescheduleAppointment();
  const [date, setDate] = useState(appointment.localDate);
  const [time, setTime] = useState(appointment.localStart);
  const [error, setError] = useState<DescribedError | null>(null);
  const [warning, setWarning] = useState<{ to: Reschedule; warning: BookingWarning } | null>(null);
  const move = (to: Reschedule) => {
    setError(null);
    setWarning(null);
    reschedule.mutate(
      { appointmentId: appointment.id, to },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: t('schedule.moved') });
          onDone();
        },
        onError: (e) => {
          const found = bookingWarning(e);
          if (found) setWarning({ to, warning: found });
          else setError(describeError(t, e));
        },
      },
    );
  };
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const startsAt = zonedInstant(date, time, timeZone);
        move({ providerId: null, startsAt, endsAt: addMinutes(startsAt, durationMinutes(appointment)) });
      }}
    >
      <Stack gap="xs">
        <Group grow>
          <TextInput
            type="date"
            label={t('schedule.appointment.newDate')}
            value={date}
            onChange={(event) => {
              setDate(event.currentTarget.value);
            }}
            data-testid="reschedule-date"
          />
          <TextInput
            type="time"
            label={t('schedule.appointment.newTime')}
            value={time}
            onChange={(event) => {
              setTime(event.currentTarget.value);
            }}
            data-testid="reschedule-time"
          />
        </Group>
        <Text size="xs" c="dimmed">
          {t('schedule.appointment.dragHint')}
        </Text>
        <FormErrorAlert error={error} testId="reschedule-error" />
        {warning && (
          <BookAnywayAlert
            warning={warning.warning}
            confirmLabel={t('schedule.appointment.moveAnyway')}
            pending={reschedule.isPending}
            onConfirm={() => {
              move({ ...warning.to, ...allowing(warning.warning.code) });
            }}
            testIdPrefix="reschedule"
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onBack}>
            {t('schedule.appointment.back')}
          </Button>
          <Button type="submit" loading={reschedule.isPending} data-testid="reschedule-submit">
            {t('schedule.appointment.reschedule')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** After a cancellation: who on the waiting list could take the freed time, each one click away. */
function WaitlistCandidates({ freedAppointmentId, onDone }: { freedAppointmentId: string; onDone: () => void }) {
  const { t } = useTranslation();
  const candidates = useWaitlistCandidates(freedAppointmentId);
  const bookFromWaitlist = useBookFromWaitlist();
  const [error, setError] = useState<DescribedError | null>(null);
  const entries = candidates.data ?? [];

  return (
    <Stack gap="xs" data-testid="waitlist">
      <Text size="sm" fw={500}>
        {t('schedule.appointment.cancelled')}
      </Text>
      {candidates.isError && <FormErrorAlert error={describeError(t, candidates.error)} testId="waitlist-load-error" />}
      {candidates.data && entries.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="waitlist-empty">
          {t('schedule.waitlist.none')}
        </Text>
      )}
      {entries.length > 0 && (
        <>
          <Text size="sm">{t('schedule.waitlist.title')}</Text>
          <Table>
            <Table.Tbody>
              {entries.map((entry) => (
                <Table.Tr key={entry.id} data-testid="waitlist-entry">
                  <Table.Td>{entry.patientName}</Table.Td>
                  <Table.Td>{entry.phone ?? ''}</Table.Td>
                  <Table.Td>{entry.note ?? ''}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      loading={bookFromWaitlist.isPending && bookFromWaitlist.variables.entryId === entry.id}
                      onClick={() => {
                        setError(null);
                        bookFromWaitlist.mutate(
                          { entryId: entry.id, freedAppointmentId },
                          {
                            onSuccess: () => {
                              notifications.show({
                                color: 'teal',
                                message: t('schedule.waitlist.booked', { name: entry.patientName }),
                              });
                              onDone();
                            },
                            onError: (e) => {
                              setError(describeError(t, e));
                            },
                          },
                        );
                      }}
                      data-testid="waitlist-book"
                    >
                      {t('schedule.waitlist.book')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}
      <FormErrorAlert error={error} testId="waitlist-error" />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone} data-testid="waitlist-close">
          {t('schedule.appointment.close')}
        </Button>
      </Group>
    </Stack>
  );
}
