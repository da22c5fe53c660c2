import { Badge, Box, ColorSwatch, Group, Paper, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { useRef, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppointmentSummary, TimeBlock } from '../../api/types';
import { StatusBadge } from '../../components/StatusBadge';
import { STATUS_COLORS } from '../../domain';
import {
  fromMinutes,
  INACTIVE_STATUSES,
  isCompactBlock,
  isWorking,
  overlapsAny,
  positionAppointments,
  type MinuteSpan,
} from './calendarLayout';

const ROW_PX = 30;
const AXIS_PX = 56;

/** One column of the grid: a provider on a day. */
export interface GridColumn {
  key: string;
  /** The header text: the provider (day view) or the date (week view). */
  label: string;
  color: string;
  providerId: string;
  providerName: string;
  date: string;
  blocks: TimeBlock[];
  off: MinuteSpan[];
  /** Working time that cannot be booked: held by appointments, or past. */
  taken: MinuteSpan[];
  appointments: AppointmentSummary[];
}

interface CalendarGridProps {
  columns: GridColumn[];
  rows: number[];
  slotMinutes: number;
  onFreeSlot: (column: GridColumn, minute: number) => void;
  onOpenAppointment: (appointment: AppointmentSummary) => void;
  onMove: (appointment: AppointmentSummary, column: GridColumn, minute: number) => void;
  /** The user may book and move (`edit_schedule`): free cells are buttons, appointments can be dragged. */
  mayBook: boolean;
  /**
   * The grid still shows the day (or week) before while the one asked for loads: dimmed, and its free
   * cells book nothing, so a click right after "next" never books the wrong day.
   */
  stale?: boolean;
}

/** The time axis and one column per provider (or day), with appointments placed on it. */
export function CalendarGrid({
  columns,
  rows,
  slotMinutes,
  onFreeSlot,
  onOpenAppointment,
  onMove,
  mayBook,
  stale = false,
}: CalendarGridProps) {
  const dragged = useRef<AppointmentSummary | null>(null);
  const axisStart = rows[0] ?? 0;
  const template = `${String(AXIS_PX)}px repeat(${String(columns.length)}, minmax(150px, 1fr))`;

  const drop = (event: DragEvent, column: GridColumn, minute: number) => {
    event.preventDefault();
    const appointment = dragged.current;
    dragged.current = null;
    if (appointment) onMove(appointment, column, minute);
  };

  return (
    <Paper
      withBorder
      style={{ overflowX: 'auto', opacity: stale ? 0.55 : 1, transition: 'opacity 120ms' }}
      aria-busy={stale}
      data-testid="schedule-grid"
    >
      <Box style={{ display: 'grid', gridTemplateColumns: template, minWidth: 'max-content' }}>
        <Box />
        {columns.map((column) => (
          <Group
            key={column.key}
            gap={6}
            p="xs"
            wrap="nowrap"
            style={{ borderBottom: `3px solid ${column.color}`, borderLeft: '1px solid var(--mantine-color-default-border)' }}
          >
            <ColorSwatch color={column.color} size={10} withShadow={false} aria-hidden />
            <Text size="sm" fw={600} truncate>
              {column.label}
            </Text>
          </Group>
        ))}

        <Box>
          {rows.map((minute) => (
            <Text key={minute} size="xs" c="dimmed" ta="right" pr={6} style={{ height: ROW_PX, lineHeight: '14px' }}>
              {fromMinutes(minute)}
            </Text>
          ))}
        </Box>
        {columns.map((column) => (
          <Column
            key={column.key}
            column={column}
            rows={rows}
            slotMinutes={slotMinutes}
            axisStart={axisStart}
            onFreeSlot={onFreeSlot}
            onOpenAppointment={onOpenAppointment}
            onDragStart={(appointment) => {
              dragged.current = appointment;
            }}
            onDrop={drop}
            mayBook={mayBook && !stale}
          />
        ))}
      </Box>
    </Paper>
  );
}

interface ColumnProps {
  column: GridColumn;
  rows: number[];
  slotMinutes: number;
  axisStart: number;
  onFreeSlot: (column: GridColumn, minute: number) => void;
  onOpenAppointment: (appointment: AppointmentSummary) => void;
  onDragStart: (appointment: AppointmentSummary) => void;
  onDrop: (event: DragEvent, column: GridColumn, minute: number) => void;
  mayBook: boolean;
}

function Column({
  column,
  rows,
  slotMinutes,
  axisStart,
  onFreeSlot,
  onOpenAppointment,
  onDragStart,
  onDrop,
  mayBook,
}: ColumnProps) {
  const { t } = useTranslation();
  const inactive = column.appointments.filter((a) => INACTIVE_STATUSES.has(a.status));
  const active = column.appointments.filter((a) => !INACTIVE_STATUSES.has(a.status));
  // Lanes are shared among appointments that hold time, and among the others, separately.
  const positions = new Map([
    ...positionAppointments(inactive, axisStart, slotMinutes),
    ...positionAppointments(active, axisStart, slotMinutes),
  ]);
  return (
    <Box
      component="section"
      data-testid="schedule-provider-group"
      aria-label={column.label}
      data-provider-id={column.providerId}
      data-date={column.date}
      style={{ position: 'relative', borderLeft: '1px solid var(--mantine-color-default-border)' }}
    >
      {rows.map((minute) => {
        const working = isWorking(minute, slotMinutes, column.blocks, column.off);
        const free = working && !overlapsAny(minute, slotMinutes, column.taken);
        const time = fromMinutes(minute);
        const cellStyle = {
          display: 'block',
          width: '100%',
          height: ROW_PX,
          borderTop: '1px solid var(--mantine-color-default-border)',
        };
        // Time that cannot be booked (past, or held) looks like the closed hours: nothing to click there.
        const unavailable = { ...cellStyle, background: 'var(--mantine-color-gray-light)' };
        if (working && !free) {
          return <Box key={minute} style={unavailable} data-testid="schedule-taken" data-time={time} />;
        }
        if (free && !mayBook) {
          return <Box key={minute} style={cellStyle} data-testid="schedule-free" data-time={time} />;
        }
        return free ? (
          <UnstyledButton
            key={minute}
            style={cellStyle}
            data-testid="schedule-slot"
            data-time={time}
            aria-label={t('schedule.bookAt', { provider: column.providerName, time })}
            onClick={() => {
              onFreeSlot(column, minute);
            }}
            onDragOver={(event) => {
              event.preventDefault();
            }}
            onDrop={(event) => {
              onDrop(event, column, minute);
            }}
          />
        ) : (
          <Box key={minute} style={unavailable} data-testid="schedule-closed" data-time={time} />
        );
      })}
      {[...inactive, ...active].map((appointment) => {
        const pos = positions.get(appointment.id);
        if (!pos) return null;
        // Cancelled, no-show and moved appointments hold no time: they sit in a narrow strip on the
        // right, under any new booking, so the free time beside them stays clickable.
        const [from, share] = INACTIVE_STATUSES.has(appointment.status) ? [64, 36] : [0, 100];
        return (
          <AppointmentBlock
            key={appointment.id}
            appointment={appointment}
            compact={isCompactBlock(pos)}
            style={{
              top: pos.top * ROW_PX,
              height: pos.height * ROW_PX - 2,
              left: `calc(${String(from + (pos.lane / pos.lanes) * share)}% + 2px)`,
              width: `calc(${String(share / pos.lanes)}% - 4px)`,
            }}
            onOpen={onOpenAppointment}
            onDragStart={onDragStart}
            mayMove={mayBook}
          />
        );
      })}
    </Box>
  );
}

interface AppointmentBlockProps {
  appointment: AppointmentSummary;
  compact: boolean;
  style: { top: number; height: number; left: string; width: string };
  onOpen: (appointment: AppointmentSummary) => void;
  onDragStart: (appointment: AppointmentSummary) => void;
  mayMove: boolean;
}

function AppointmentBlock({ appointment, compact, style, onOpen, onDragStart, mayMove }: AppointmentBlockProps) {
  const { t } = useTranslation();
  // Rust says whether it may be moved now (`rescheduled` among its next statuses) and by this user.
  const movable = mayMove && appointment.nextStatuses.includes('rescheduled');
  const status = t(`appointmentStatus.${appointment.status}`);
  // Everything about the appointment, also what a short block leaves out, on hover.
  const details = [
    t('schedule.blockTitle', {
      start: appointment.localStart,
      end: appointment.localEnd,
      patient: appointment.patientName,
      status,
    }),
    appointment.appointmentType,
    appointment.overbooked ? t('schedule.overbooked') : null,
    appointment.needsAttention ? t('schedule.needsAttention') : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <UnstyledButton
      data-testid="appointment-block"
      data-appointment-id={appointment.id}
      data-status={appointment.status}
      data-compact={compact}
      data-needs-attention={appointment.needsAttention}
      title={details}
      draggable={movable}
      onDragStart={(event) => {
        event.dataTransfer.setData('text/plain', appointment.id);
        event.dataTransfer.effectAllowed = 'move';
        onDragStart(appointment);
      }}
      onClick={() => {
        onOpen(appointment);
      }}
      style={{
        ...style,
        position: 'absolute',
        overflow: 'hidden',
        padding: '2px 6px',
        borderRadius: 4,
        borderLeft: `4px solid ${appointment.providerColor}`,
        background: 'var(--mantine-color-body)',
        boxShadow: 'var(--mantine-shadow-xs)',
        opacity: INACTIVE_STATUSES.has(appointment.status) ? 0.45 : 1,
        cursor: movable ? 'grab' : 'pointer',
        // Refused by the clinic server (held on this computer only) until someone resolves it.
        outline: appointment.needsAttention ? '2px dashed var(--mantine-color-orange-6)' : undefined,
        outlineOffset: -2,
      }}
    >
      {compact ? (
        <Group gap={4} wrap="nowrap" data-testid="appointment-line">
          <ColorSwatch
            color={`var(--mantine-color-${STATUS_COLORS[appointment.status]}-filled)`}
            size={8}
            withShadow={false}
            style={{ flex: 'none' }}
            aria-hidden
          />
          <Text size="xs" c="dimmed" style={{ flex: 'none' }}>
            {appointment.localStart}
          </Text>
          <Text size="xs" fw={500} truncate style={{ minWidth: 0 }}>
            {appointment.patientName}
          </Text>
          {/* The dot's meaning, for screen readers. */}
          <VisuallyHidden>{status}</VisuallyHidden>
        </Group>
      ) : (
        <>
          <Group gap={4} wrap="nowrap">
            <Text size="xs" c="dimmed">
              {appointment.localStart}
            </Text>
            <StatusBadge status={appointment.status} />
            {appointment.overbooked && (
              <Badge size="xs" color="orange" variant="outline">
                {t('schedule.overbooked')}
              </Badge>
            )}
          </Group>
          <Text size="sm" fw={500} truncate>
            {appointment.patientName}
          </Text>
          {appointment.appointmentType && (
            <Text size="xs" c="dimmed" truncate>
              {appointment.appointmentType}
            </Text>
          )}
        </>
      )}
    </UnstyledButton>
  );
}
