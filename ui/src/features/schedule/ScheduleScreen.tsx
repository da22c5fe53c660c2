import { ActionIcon, Badge, Button, Drawer, Group, Loader, SegmentedControl, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, type DescribedError } from '../../api/errors';
import { useCan } from '../../api/permissions';
import { useClinicOverview } from '../../api/queries';
import { useCalendar, useProviders, useRescheduleAppointment } from '../../api/scheduleQueries';
import type { AppointmentSummary, Calendar, Reschedule } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { STATUS_COLORS } from '../../domain';
import { useFormatters, type Formatters } from '../../i18n/format';
import { AppointmentDialog } from './AppointmentDialog';
import { BookAnywayAlert } from './BookAnyway';
import { allowing, bookingWarning, type BookingWarning } from './bookingWarnings';
import { BookingDialog, type BookingSlot } from './BookingDialog';
import { CalendarGrid, type GridColumn } from './CalendarGrid';
import {
  addMinutes,
  durationMinutes,
  timeOffOn,
  timeRows,
  toZoned,
  unbookable,
  weekStart,
  zonedInstant,
} from './calendarLayout';
import { DayInput } from './DayInput';
import { shiftDay } from './days';
import type { WaitlistStart } from './WaitlistForm';
import { WaitlistPanel } from './WaitlistPanel';

type View = 'day' | 'week';

/** The grid's columns: each provider on the day, or each day of the one provider's week. */
function columnsOf(calendar: Calendar, view: View, timeZone: string, format: Formatters): GridColumn[] {
  const columns: GridColumn[] = [];
  const now = toZoned(new Date().toISOString(), timeZone);
  for (const p of calendar.providers) {
    calendar.days.forEach((date, i) => {
      const appointments = calendar.appointments.filter(
        (a) => a.providerId === p.provider.id && a.localDate === date,
      );
      columns.push({
        key: `${p.provider.id}/${date}`,
        label: view === 'day' ? p.provider.displayName : format.dayLabel(date),
        color: p.provider.colour,
        providerId: p.provider.id,
        providerName: p.provider.displayName,
        date,
        blocks: p.hours[i] ?? [],
        off: timeOffOn(p.timeOff, date, timeZone),
        taken: unbookable(appointments, date, now),
        appointments,
      });
    });
  }
  return columns;
}

export function ScheduleScreen() {
  const { t } = useTranslation();
  const can = useCan();
  const format = useFormatters();
  const overview = useClinicOverview();
  const providers = useProviders();
  const reschedule = useRescheduleAppointment();
  const clinicToday = overview.data?.today ?? null;
  const timeZone = overview.data?.timeZone ?? 'UTC';
  // null = follow the clinic's today (from the overview) until the user picks a day.
  const [picked, setPicked] = useState<string | null>(null);
  const [view, setView] = useState<View>('day');
  const [chosenProvider, setChosenProvider] = useState<string | null>(null);
  const [booking, setBooking] = useState<BookingSlot | null>(null);
  const [opened, setOpened] = useState<AppointmentSummary | null>(null);
  const [moveError, setMoveError] = useState<DescribedError | null>(null);
  const [moveWarning, setMoveWarning] = useState<{ appointmentId: string; to: Reschedule; warning: BookingWarning } | null>(
    null,
  );
  // The waitlist drawer, open with `start` when the booking dialog sent someone there.
  const [waitlist, setWaitlist] = useState<{ start: WaitlistStart | null } | null>(null);
  const day = picked ?? clinicToday;
  const weekProvider = chosenProvider ?? providers.data?.[0]?.id ?? null;
  const from = day === null ? null : view === 'day' ? day : weekStart(day);
  const calendar = useCalendar(
    from === null || (view === 'week' && weekProvider === null)
      ? null
      : { fromDate: from, days: view === 'day' ? 1 : 7, providerId: view === 'day' ? null : weekProvider },
  );

  if (overview.isError) {
    return (
      <>
        <PageHeader title={t('schedule.title')} />
        <QueryErrorAlert error={overview.error} />
      </>
    );
  }
  if (day === null || from === null) {
    return (
      <Group justify="center" p="xl">
        <Loader aria-label={t('app.loading')} />
      </Group>
    );
  }

  const step = view === 'day' ? 1 : 7;
  const data = calendar.data;
  const columns = data ? columnsOf(data, view, timeZone, format) : [];
  const rows = data
    ? timeRows(
        data.providers.flatMap((p) => p.hours.flat()),
        data.appointments,
        data.slotMinutes,
      )
    : [];
  const counts = data?.counts.filter((c) => c.count > 0) ?? [];
  const label =
    view === 'day' ? format.longDate(day) : `${format.dayLabel(from)} – ${format.dayLabel(shiftDay(from, 6))}`;
  // "Today" and "this week" only when they are: the counts are of the day or week shown.
  const glance =
    view === 'day'
      ? day === clinicToday
        ? t('schedule.glanceDay')
        : t('schedule.glanceOtherDay', { date: format.dayLabel(day) })
      : clinicToday !== null && from <= clinicToday && clinicToday <= shiftDay(from, 6)
        ? t('schedule.glanceWeek')
        : t('schedule.glanceOtherWeek', { date: format.dayLabel(from) });

  const send = (appointmentId: string, to: Reschedule) => {
    setMoveError(null);
    setMoveWarning(null);
    reschedule.mutate(
      { appointmentId, to },
      {
        onSuccess: () => notifications.show({ color: 'teal', message: t('schedule.moved') }),
        onError: (error) => {
          const warning = bookingWarning(error);
          if (warning) setMoveWarning({ appointmentId, to, warning });
          else setMoveError(describeError(t, error));
        },
      },
    );
  };

  const move = (appointment: AppointmentSummary, column: GridColumn, minute: number) => {
    const startsAt = zonedInstant(column.date, minute, timeZone);
    if (startsAt === appointment.startsAt && column.providerId === appointment.providerId) return;
    send(appointment.id, {
      providerId: column.providerId,
      startsAt,
      endsAt: addMinutes(startsAt, durationMinutes(appointment)),
    });
  };

  return (
    <>
      <PageHeader
        title={t('schedule.title')}
        subtitle={
          <span data-testid="schedule-day-label">
            {label}
            {data &&
              ` · ${t('schedule.appointmentCount', {
                count: data.appointments.length,
                formattedCount: format.number(data.appointments.length),
              })}`}
          </span>
        }
        actions={
          <Group gap="xs" align="flex-end" wrap="wrap">
            <SegmentedControl
              value={view}
              onChange={(value) => {
                setView(value === 'week' ? 'week' : 'day');
              }}
              data={[
                { value: 'day', label: t('schedule.dayView') },
                { value: 'week', label: t('schedule.weekView') },
              ]}
              data-testid="schedule-view"
            />
            {view === 'week' && (
              <Select
                label={t('schedule.provider')}
                data={(providers.data ?? []).map((p) => ({ value: p.id, label: p.displayName }))}
                value={weekProvider}
                onChange={(value) => {
                  if (value) setChosenProvider(value);
                }}
                allowDeselect={false}
                w={200}
                data-testid="schedule-provider"
              />
            )}
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={view === 'day' ? t('schedule.previousDay') : t('schedule.previousWeek')}
              title={view === 'day' ? t('schedule.previousDay') : t('schedule.previousWeek')}
              data-testid="schedule-prev"
              onClick={() => {
                setPicked(shiftDay(day, -step));
              }}
            >
              <span aria-hidden>‹</span>
            </ActionIcon>
            <DayInput label={t('schedule.day')} value={day} onChange={setPicked} testId="schedule-date" />
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={view === 'day' ? t('schedule.nextDay') : t('schedule.nextWeek')}
              title={view === 'day' ? t('schedule.nextDay') : t('schedule.nextWeek')}
              data-testid="schedule-next"
              onClick={() => {
                setPicked(shiftDay(day, step));
              }}
            >
              <span aria-hidden>›</span>
            </ActionIcon>
            <Button
              variant="default"
              disabled={clinicToday === null || day === clinicToday}
              onClick={() => {
                setPicked(null);
              }}
              data-testid="schedule-today"
            >
              {t('schedule.goToday')}
            </Button>
            <Button
              variant="light"
              onClick={() => {
                setWaitlist({ start: null });
              }}
              data-testid="schedule-waitlist"
            >
              {t('schedule.waitlist.open')}
            </Button>
          </Group>
        }
      />

      {counts.length > 0 && (
        <Group gap="xs" mb="sm" data-testid="schedule-glance">
          <Text size="sm" fw={500}>
            {glance}
          </Text>
          {counts.map((c) => (
            <Badge key={c.status} color={STATUS_COLORS[c.status]} variant="light" data-status={c.status}>
              {t('schedule.statusCount', { status: t(`appointmentStatus.${c.status}`), count: c.count })}
            </Badge>
          ))}
        </Group>
      )}
      <FormErrorAlert error={moveError} testId="schedule-move-error" />
      {moveWarning && (
        <BookAnywayAlert
          warning={moveWarning.warning}
          confirmLabel={t('schedule.appointment.moveAnyway')}
          pending={reschedule.isPending}
          onConfirm={() => {
            send(moveWarning.appointmentId, { ...moveWarning.to, ...allowing(moveWarning.warning.code) });
          }}
          testIdPrefix="schedule-move"
        />
      )}
      {calendar.isError && <QueryErrorAlert error={calendar.error} />}
      {calendar.isPending && (
        <Group justify="center" p="xl">
          <Loader aria-label={t('app.loading')} />
        </Group>
      )}
      {data && columns.length === 0 && (
        <Text c="dimmed" data-testid="schedule-empty">
          {t('schedule.noProviders')}
        </Text>
      )}
      {data && columns.length > 0 && (
        <CalendarGrid
          columns={columns}
          rows={rows}
          slotMinutes={data.slotMinutes}
          onFreeSlot={(column, minute) => {
            setBooking({ providerId: column.providerId, providerName: column.providerName, date: column.date, minute });
          }}
          onOpenAppointment={setOpened}
          onMove={move}
          mayBook={can('edit_schedule')}
          stale={calendar.isPlaceholderData}
        />
      )}
      {booking && data && (
        <BookingDialog
          slot={booking}
          slotMinutes={data.slotMinutes}
          timeZone={timeZone}
          onClose={() => {
            setBooking(null);
          }}
          onWaitlist={(patient) => {
            setBooking(null);
            setWaitlist({ start: { patient, providerId: booking.providerId } });
          }}
        />
      )}
      {opened && (
        <AppointmentDialog
          key={opened.id}
          appointment={opened}
          timeZone={timeZone}
          onClose={() => {
            setOpened(null);
          }}
        />
      )}
      <Drawer
        opened={waitlist !== null}
        onClose={() => {
          setWaitlist(null);
        }}
        position="right"
        size="xl"
        title={t('schedule.waitlist.panelTitle')}
      >
        {waitlist && <WaitlistPanel start={waitlist.start} />}
      </Drawer>
    </>
  );
}
