import { describe, expect, it } from 'vitest';
import {
  fromMinutes,
  isCompactBlock,
  isWorking,
  overlapsAny,
  positionAppointments,
  timeOffOn,
  timeRows,
  toMinutes,
  toZoned,
  unbookable,
  weekStart,
  zonedInstant,
} from './calendarLayout';

const block = (startsAt: string, endsAt: string) => ({ startsAt, endsAt });
const appt = (id: string, localStart: string, localEnd: string) => ({ id, localStart, localEnd });

describe('calendar layout', () => {
  it('converts wall-clock times', () => {
    expect(toMinutes('09:30')).toBe(570);
    expect(fromMinutes(570)).toBe('09:30');
    expect(fromMinutes(5)).toBe('00:05');
  });

  it('spans the rows from the earliest block start to the latest end, on the slot grid', () => {
    const rows = timeRows([block('09:10', '12:00'), block('13:00', '14:20')], [], 30);
    expect(rows.map(fromMinutes)).toEqual([
      '09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30', '13:00', '13:30', '14:00',
    ]);
    // An appointment outside the hours widens the axis.
    expect(timeRows([block('09:00', '10:00')], [appt('a', '10:00', '10:45')], 15).map(fromMinutes)).toEqual([
      '09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30',
    ]);
    // Nobody works: 08:00–18:00.
    const fallback = timeRows([], [], 60);
    expect(fallback[0]).toBe(480);
    expect(fallback).toHaveLength(10);
  });

  it('knows which slots are bookable', () => {
    const blocks = [block('09:00', '12:00')];
    expect(isWorking(540, 30, blocks, [])).toBe(true);
    expect(isWorking(510, 30, blocks, [])).toBe(false);
    expect(isWorking(705, 30, blocks, [])).toBe(false); // runs past the block
    expect(isWorking(600, 30, blocks, [{ start: 610, end: 700 }])).toBe(false);
    expect(isWorking(570, 30, blocks, [{ start: 600, end: 700 }])).toBe(true);
  });

  it('takes out the time appointments hold (not walk-ins, not cancelled ones) and the past', () => {
    const held = (localStart: string, localEnd: string, status: 'scheduled' | 'cancelled', walkIn = false) => ({
      localStart,
      localEnd,
      status,
      walkIn,
    });
    const appointments = [
      held('09:10', '09:30', 'scheduled'),
      held('10:00', '10:30', 'cancelled'),
      held('11:00', '11:15', 'scheduled', true),
    ];
    const tomorrow = unbookable(appointments, '2026-12-02', { date: '2026-12-01', minutes: 600 });
    expect(tomorrow).toEqual([{ start: 550, end: 570 }]);
    expect(overlapsAny(525, 15, tomorrow)).toBe(false);
    expect(overlapsAny(555, 15, tomorrow)).toBe(true); // 09:15, under the 09:10 booking
    expect(overlapsAny(600, 15, tomorrow)).toBe(false); // the cancelled one's time is free again
    expect(overlapsAny(660, 15, tomorrow)).toBe(false); // a walk-in holds no time
    const today = unbookable([], '2026-12-01', { date: '2026-12-01', minutes: 600 });
    expect(overlapsAny(585, 15, today)).toBe(true);
    expect(overlapsAny(600, 15, today)).toBe(false);
    expect(overlapsAny(0, 15, unbookable([], '2026-11-30', { date: '2026-12-01', minutes: 600 }))).toBe(true);
  });

  it('positions appointments and puts overlapping ones side by side', () => {
    const positions = positionAppointments(
      [appt('b', '09:15', '10:00'), appt('a', '09:00', '09:30'), appt('c', '11:00', '11:30')],
      480,
      30,
    );
    expect(positions.get('a')).toEqual({ top: 2, height: 1, lane: 0, lanes: 2 });
    expect(positions.get('b')).toEqual({ top: 2.5, height: 1.5, lane: 1, lanes: 2 });
    expect(positions.get('c')).toEqual({ top: 6, height: 1, lane: 0, lanes: 1 });
  });

  it('draws blocks under two rows high on one line', () => {
    const positions = positionAppointments([appt('a', '09:00', '09:15'), appt('b', '10:00', '10:30')], 540, 15);
    expect(isCompactBlock(positions.get('a')!)).toBe(true);
    expect(isCompactBlock(positions.get('b')!)).toBe(false);
    expect(isCompactBlock({ height: 1.5 })).toBe(true);
  });

  it('converts clinic-local times to instants and back, across daylight saving', () => {
    expect(zonedInstant('2025-03-04', '09:00', 'America/Chicago')).toBe('2025-03-04T15:00:00Z');
    expect(zonedInstant('2025-03-10', 540, 'America/Chicago')).toBe('2025-03-10T14:00:00Z');
    expect(zonedInstant('2025-07-01', '09:00', 'Europe/Madrid')).toBe('2025-07-01T07:00:00Z');
    expect(toZoned('2025-03-04T15:00:00Z', 'America/Chicago')).toEqual({ date: '2025-03-04', minutes: 540 });
    expect(toZoned('2025-03-05T03:00:00Z', 'America/Chicago')).toEqual({ date: '2025-03-04', minutes: 1260 });
  });

  it('cuts time off into the days it covers', () => {
    const off = [
      { id: 'o', providerId: 'v1', startsAt: '2025-03-04T19:00:00Z', endsAt: '2025-03-06T18:00:00Z', reason: null },
    ];
    expect(timeOffOn(off, '2025-03-03', 'America/Chicago')).toEqual([]);
    expect(timeOffOn(off, '2025-03-04', 'America/Chicago')).toEqual([{ start: 780, end: 1440 }]);
    expect(timeOffOn(off, '2025-03-05', 'America/Chicago')).toEqual([{ start: 0, end: 1440 }]);
    expect(timeOffOn(off, '2025-03-06', 'America/Chicago')).toEqual([{ start: 0, end: 720 }]);
  });

  it('starts weeks on Monday', () => {
    expect(weekStart('2025-03-04')).toBe('2025-03-03');
    expect(weekStart('2025-03-03')).toBe('2025-03-03');
    expect(weekStart('2025-03-09')).toBe('2025-03-03');
    expect(weekStart('2025-01-01')).toBe('2024-12-30');
  });
});
