import type { AppointmentStatus, AppointmentSummary, TimeBlock, TimeOff } from '../../api/types';

/** "HH:MM" → minutes after midnight. */
export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Minutes after midnight → "HH:MM". */
export function fromMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** A span of minutes after midnight on one clinic-local day, [start, end). */
export interface MinuteSpan {
  start: number;
  end: number;
}

const FALLBACK_DAY: MinuteSpan = { start: 8 * 60, end: 18 * 60 };

/**
 * The rows of the time axis: one every `slotMinutes`, from the earliest working block start to the
 * latest end (widened to show appointments outside the hours), aligned to the slot grid.
 * Without any working hours or appointments, 08:00–18:00.
 */
export function timeRows(
  blocks: readonly TimeBlock[],
  appointments: readonly Pick<AppointmentSummary, 'localStart' | 'localEnd'>[],
  slotMinutes: number,
): number[] {
  const spans = [
    ...blocks.map((b) => ({ start: toMinutes(b.startsAt), end: toMinutes(b.endsAt) })),
    ...appointments.map((a) => ({ start: toMinutes(a.localStart), end: endMinutes(a) })),
  ];
  const first = spans.length > 0 ? Math.min(...spans.map((s) => s.start)) : FALLBACK_DAY.start;
  const last = spans.length > 0 ? Math.max(...spans.map((s) => s.end)) : FALLBACK_DAY.end;
  const start = Math.floor(first / slotMinutes) * slotMinutes;
  const end = Math.min(24 * 60, Math.ceil(last / slotMinutes) * slotMinutes);
  const rows: number[] = [];
  for (let m = start; m < end; m += slotMinutes) rows.push(m);
  return rows;
}

/** An appointment's end in minutes of its start day (one running past midnight ends at 24:00). */
function endMinutes(a: Pick<AppointmentSummary, 'localStart' | 'localEnd'>): number {
  const start = toMinutes(a.localStart);
  const end = toMinutes(a.localEnd);
  return end <= start ? 24 * 60 : end;
}

/** Whether the slot [minute, minute + slotMinutes) lies inside a working block and outside time off. */
export function isWorking(
  minute: number,
  slotMinutes: number,
  blocks: readonly TimeBlock[],
  off: readonly MinuteSpan[],
): boolean {
  const end = minute + slotMinutes;
  const inBlock = blocks.some((b) => toMinutes(b.startsAt) <= minute && end <= toMinutes(b.endsAt));
  return inBlock && !overlapsAny(minute, slotMinutes, off);
}

/** Whether the slot [minute, minute + slotMinutes) overlaps any of the spans. */
export function overlapsAny(minute: number, slotMinutes: number, spans: readonly MinuteSpan[]): boolean {
  const end = minute + slotMinutes;
  return spans.some((s) => s.start < end && minute < s.end);
}

/**
 * The parts of a column's day that cannot be booked although the provider works: the time the
 * appointments there hold (walk-ins hold none: they are seen between bookings) and, on today or an
 * earlier day, the time already past. `now` is the clinic-local date and minute.
 */
export function unbookable(
  appointments: readonly Pick<AppointmentSummary, 'localStart' | 'localEnd' | 'status' | 'walkIn'>[],
  date: string,
  now: ZonedTime,
): MinuteSpan[] {
  const spans = appointments
    .filter((a) => !INACTIVE_STATUSES.has(a.status) && !a.walkIn)
    .map((a) => ({ start: toMinutes(a.localStart), end: endMinutes(a) }));
  if (date < now.date) spans.push({ start: 0, end: 24 * 60 });
  else if (date === now.date) spans.push({ start: 0, end: now.minutes });
  return spans;
}

/** Where an appointment block sits in its column, in row units from the top of the axis. */
export interface BlockPosition {
  top: number;
  height: number;
  /** Side-by-side lanes for overlapping appointments. */
  lane: number;
  lanes: number;
}

/**
 * Whether a block is drawn on one line (time and patient, the status as a dot): under two rows there is
 * no room for the time-and-status line above the patient's name, which would be cut off.
 */
export function isCompactBlock(position: Pick<BlockPosition, 'height'>): boolean {
  return position.height < 2;
}

/**
 * Positions one column's appointments on an axis starting at `axisStart` minutes; overlapping
 * appointments share the width in lanes (greedy, in start order).
 */
export function positionAppointments(
  appointments: readonly Pick<AppointmentSummary, 'id' | 'localStart' | 'localEnd'>[],
  axisStart: number,
  slotMinutes: number,
): Map<string, BlockPosition> {
  const sorted = [...appointments].sort((a, b) => toMinutes(a.localStart) - toMinutes(b.localStart));
  const positions = new Map<string, BlockPosition>();
  // Clusters of transitively overlapping appointments get the same lane count.
  let cluster: { id: string; lane: number }[] = [];
  let laneEnds: number[] = [];
  let clusterEnd = -1;
  const flush = () => {
    for (const item of cluster) {
      const pos = positions.get(item.id);
      if (pos) pos.lanes = laneEnds.length;
    }
    cluster = [];
    laneEnds = [];
  };
  for (const a of sorted) {
    const start = toMinutes(a.localStart);
    const end = endMinutes(a);
    if (start >= clusterEnd) flush();
    let lane = laneEnds.findIndex((e) => e <= start);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(end);
    } else {
      laneEnds[lane] = end;
    }
    clusterEnd = Math.max(clusterEnd, end);
    cluster.push({ id: a.id, lane });
    positions.set(a.id, {
      top: (start - axisStart) / slotMinutes,
      height: Math.max(end - start, slotMinutes / 2) / slotMinutes,
      lane,
      lanes: 1,
    });
  }
  flush();
  return positions;
}

/** A date and wall-clock minute in a time zone. */
export interface ZonedTime {
  date: string;
  minutes: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormats.set(timeZone, format);
  }
  return format;
}

/** The wall-clock fields of an instant in a zone, as if they were UTC (ms). */
function wallClockMs(ms: number, timeZone: string): number {
  const parts = Object.fromEntries(partsFormat(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour) % 24,
    Number(parts.minute),
    Number(parts.second),
  );
}

/** An RFC 3339 instant → its clinic-local date and minute. */
export function toZoned(iso: string, timeZone: string): ZonedTime {
  const wall = new Date(wallClockMs(Date.parse(iso), timeZone));
  return {
    date: wall.toISOString().slice(0, 10),
    minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
  };
}

/** A clinic-local date and "HH:MM" (or minutes) → the RFC 3339 UTC instant. */
export function zonedInstant(date: string, time: string | number, timeZone: string): string {
  const minutes = typeof time === 'number' ? time : toMinutes(time);
  const [y, m, d] = date.split('-').map(Number);
  const asUtc = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 0, minutes);
  let ms = asUtc - (wallClockMs(asUtc, timeZone) - asUtc);
  const second = asUtc - (wallClockMs(ms, timeZone) - ms);
  if (second !== ms) ms = second;
  return formatInstant(ms);
}

/** Milliseconds → "YYYY-MM-DDTHH:MM:SSZ". */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Adds minutes to an RFC 3339 instant. */
export function addMinutes(iso: string, minutes: number): string {
  return formatInstant(Date.parse(iso) + minutes * 60_000);
}

/** An appointment's length in minutes. */
export function durationMinutes(a: Pick<AppointmentSummary, 'startsAt' | 'endsAt'>): number {
  return Math.round((Date.parse(a.endsAt) - Date.parse(a.startsAt)) / 60_000);
}

/** The parts of time off (RFC 3339 spans) that fall on one clinic-local date, in minutes. */
export function timeOffOn(timeOff: readonly TimeOff[], date: string, timeZone: string): MinuteSpan[] {
  const spans: MinuteSpan[] = [];
  for (const off of timeOff) {
    const from = toZoned(off.startsAt, timeZone);
    const to = toZoned(off.endsAt, timeZone);
    if (from.date > date || to.date < date) continue;
    const start = from.date < date ? 0 : from.minutes;
    const end = to.date > date ? 24 * 60 : to.minutes;
    if (end > start) spans.push({ start, end });
  }
  return spans;
}

/** Appointments no longer holding their time: drawn faded. */
export const INACTIVE_STATUSES: ReadonlySet<AppointmentStatus> = new Set(['cancelled', 'no_show', 'rescheduled']);

/** The Monday of the week holding a "YYYY-MM-DD" date. */
export function weekStart(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
  const back = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - back);
  return day.toISOString().slice(0, 10);
}
