import { ActionIcon, Button, Group, Loader, Modal, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useClinicOverview } from '../../api/queries';
import {
  useAppointmentTypes,
  useAvailableSlots,
  useNextFreeSlots,
  useProviders,
} from '../../api/scheduleQueries';
import { useSlotMinutes } from '../../api/settingsQueries';
import type { PatientRow, Slot, SlotQuery } from '../../api/types';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { BookingDialog, type BookingSlot } from './BookingDialog';
import { toMinutes } from './calendarLayout';
import { DayInput } from './DayInput';
import { shiftDay } from './days';
import { WaitlistForm, type WaitlistStart } from './WaitlistForm';
import { parseWants } from './wants';
import { WantsSelect } from './WantsSelect';

/** How many slots the next-free searches ask for. */
const NEXT_SLOTS = 12;


interface FindSlotDialogProps {
  /** Whom to book. */
  patient: PatientRow;
  onClose: () => void;
}

/** A slot offered here, as the booking dialog takes it. */
function bookingSlot(slot: Slot): BookingSlot {
  return {
    providerId: slot.providerId,
    providerName: slot.providerName,
    date: slot.localDate,
    minute: toMinutes(slot.localStart),
    startsAt: slot.startsAt,
  };
}

const slotKey = (slot: Slot) => `${slot.providerId}/${slot.startsAt}`;

/**
 * Finds a free time for one patient (from their record): with one provider on a day (a day at a time),
 * or the next free times with any provider of a specialty. Picking a time opens the booking dialog with
 * the patient chosen; once booked, both close. Every step works with Tab and Enter.
 */
export function FindSlotDialog({ patient, onClose }: FindSlotDialogProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const overview = useClinicOverview();
  const providers = useProviders();
  const types = useAppointmentTypes();
  const slotMinutes = useSlotMinutes();
  // `provider:<id>`, `specialty:<name>`, or '' until chosen.
  const [wants, setWants] = useState('');
  const [typeId, setTypeId] = useState('');
  // null = the clinic's today (from the overview) until the user picks a day.
  const [picked, setPicked] = useState<string | null>(null);
  // The search (wants, type, day) for which the next free times with the provider were asked.
  const [nextFor, setNextFor] = useState<string | null>(null);
  const [booking, setBooking] = useState<Slot | null>(null);
  // The time last picked: back from the booking dialog, the keyboard carries on from it.
  const [lastPicked, setLastPicked] = useState<string | null>(null);
  const [waitlist, setWaitlist] = useState<WaitlistStart | null>(null);

  const today = overview.data?.today ?? null;
  const day = picked ?? today;
  const { providerId, specialty } = parseWants(wants);
  const provider = providers.data?.find((p) => p.id === providerId);
  const appointmentTypeId = typeId === '' ? null : typeId;
  const search = `${wants}|${typeId}|${day ?? ''}`;
  const showNext = providerId !== null && nextFor === search;

  const daySlots = useAvailableSlots(
    providerId !== null && day !== null && !showNext ? { providerId, day, appointmentTypeId } : null,
  );
  const nextQuery: SlotQuery | null =
    day !== null && (specialty !== null || showNext)
      ? {
          providerId: specialty !== null ? null : providerId,
          specialty,
          appointmentTypeId,
          durationMinutes: null,
          fromDate: day,
          count: NEXT_SLOTS,
        }
      : null;
  const nextSlots = useNextFreeSlots(nextQuery);
  const shown = providerId !== null && !showNext ? daySlots : nextSlots;
  // Back from the booking dialog, the time picked before takes the focus if it is still offered.
  const backToSlot = lastPicked !== null && (shown.data ?? []).some((s) => slotKey(s) === lastPicked);

  const setupError = overview.error ?? slotMinutes.error ?? providers.error ?? types.error;
  const ready = today !== null && day !== null && slotMinutes.data !== undefined && providers.data !== undefined;

  const pick = (slot: Slot) => {
    setLastPicked(slotKey(slot));
    setBooking(slot);
  };

  const list = () => {
    if (wants === '') {
      return (
        <Text c="dimmed" data-testid="find-slot-choose">
          {t('schedule.findSlot.choose')}
        </Text>
      );
    }
    if (shown.isError) return <QueryErrorAlert error={shown.error} />;
    if (shown.isPending) {
      return (
        <Group justify="center">
          <Loader aria-label={t('app.loading')} />
        </Group>
      );
    }
    if (shown.data.length === 0) {
      if (providerId !== null && !showNext) {
        return (
          <Stack gap="xs" align="flex-start" data-testid="find-slot-none">
            <Text>
              {t('schedule.findSlot.noneThatDay', {
                provider: provider?.displayName ?? '',
                date: format.dayLabel(day ?? ''),
              })}
            </Text>
            <Button
              variant="light"
              onClick={() => {
                setNextFor(search);
              }}
              data-testid="find-slot-next"
            >
              {t('schedule.findSlot.next')}
            </Button>
          </Stack>
        );
      }
      return (
        <Text data-testid="find-slot-none">
          {t('schedule.findSlot.noneAhead', { date: format.dayLabel(day ?? '') })}
        </Text>
      );
    }
    const days = [...new Set(shown.data.map((s) => s.localDate))];
    return (
      <Stack gap="sm" data-testid="find-slot-list">
        {showNext && (
          <Text size="sm" c="dimmed">
            {t('schedule.findSlot.nextWith', { provider: provider?.displayName ?? '' })}
          </Text>
        )}
        {days.map((date) => {
          const label = format.dayLabel(date);
          return (
            <Stack key={date} gap={4} role="group" aria-label={label} data-testid="find-slot-day">
              <Title order={3} size="h6">
                {label}
              </Title>
              <Group gap="xs">
                {shown.data
                  .filter((s) => s.localDate === date)
                  .map((slot) => (
                    <Button
                      key={slotKey(slot)}
                      variant="default"
                      size="sm"
                      aria-label={t('schedule.findSlot.slotLabel', {
                        date: label,
                        start: slot.localStart,
                        provider: slot.providerName,
                      })}
                      data-autofocus={(backToSlot && lastPicked === slotKey(slot)) || undefined}
                      onClick={() => {
                        pick(slot);
                      }}
                      data-testid="find-slot-option"
                    >
                      {t('schedule.findSlot.slot', { start: slot.localStart, provider: slot.providerName })}
                    </Button>
                  ))}
              </Group>
            </Stack>
          );
        })}
      </Stack>
    );
  };

  const name = `${patient.firstName} ${patient.lastName}`;
  const timeZone = overview.data?.timeZone ?? 'UTC';

  return (
    <>
      <Modal
        opened={booking === null && waitlist === null}
        onClose={onClose}
        title={t('schedule.findSlot.title', { name })}
        size="lg"
      >
        {setupError ? (
          <QueryErrorAlert error={setupError} />
        ) : !ready ? (
          <Group justify="center">
            <Loader aria-label={t('app.loading')} />
          </Group>
        ) : (
          <Stack gap="md" data-testid="find-slot">
            <Group grow align="flex-start">
              <WantsSelect
                value={wants}
                onChange={setWants}
                providers={providers.data}
                autoFocus={!backToSlot}
                testId="find-slot-wants"
              />
              <NativeSelect
                label={t('schedule.booking.type')}
                value={typeId}
                onChange={(event) => {
                  setTypeId(event.currentTarget.value);
                }}
                data={[
                  { value: '', label: t('schedule.booking.noType', { minutes: slotMinutes.data }) },
                  ...(types.data ?? []).map((x) => ({
                    value: x.id,
                    label: t('schedule.booking.typeOption', { name: x.name, minutes: x.durationMinutes }),
                  })),
                ]}
                data-testid="find-slot-type"
              />
            </Group>
            <Group gap="xs" align="flex-end">
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={t('schedule.previousDay')}
                title={t('schedule.previousDay')}
                disabled={day <= today}
                onClick={() => {
                  setPicked(shiftDay(day, -1));
                }}
                data-testid="find-slot-prev"
              >
                <span aria-hidden>‹</span>
              </ActionIcon>
              <DayInput
                label={specialty !== null ? t('schedule.findSlot.from') : t('schedule.day')}
                value={day}
                minDate={today}
                onChange={setPicked}
                testId="find-slot-day-input"
              />
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={t('schedule.nextDay')}
                title={t('schedule.nextDay')}
                onClick={() => {
                  setPicked(shiftDay(day, 1));
                }}
                data-testid="find-slot-next-day"
              >
                <span aria-hidden>›</span>
              </ActionIcon>
            </Group>
            {list()}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
      {booking && slotMinutes.data !== undefined && (
        <BookingDialog
          slot={bookingSlot(booking)}
          slotMinutes={slotMinutes.data}
          timeZone={timeZone}
          patient={patient}
          appointmentTypeId={typeId === '' ? undefined : typeId}
          onClose={() => {
            setBooking(null);
          }}
          onBooked={onClose}
          onWaitlist={(chosen) => {
            setBooking(null);
            setWaitlist({ patient: chosen, providerId: booking.providerId });
          }}
        />
      )}
      <Modal
        opened={waitlist !== null}
        onClose={() => {
          setWaitlist(null);
        }}
        title={t('schedule.waitlist.add')}
        size="lg"
      >
        {waitlist && (
          <WaitlistForm
            start={waitlist}
            onDone={() => {
              setWaitlist(null);
            }}
          />
        )}
      </Modal>
    </>
  );
}
