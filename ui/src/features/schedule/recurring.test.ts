import { describe, expect, it } from 'vitest';
import type { PlannedOccurrence, Slot } from '../../api/types';
import { chosenSpans, type ConflictChoice } from './recurring';

const TZ = 'America/Chicago';

function occurrence(localDate: string, startsAt: string, endsAt: string, taken?: Slot | null): PlannedOccurrence {
  return {
    startsAt,
    endsAt,
    localDate,
    localStart: '10:00',
    localEnd: '10:30',
    conflict: taken === undefined ? null : { key: 'provider_booked', params: {} },
    alternative: taken ?? null,
  };
}

const slot = (startsAt: string, endsAt: string): Slot => ({
  providerId: 'v1',
  providerName: 'Dr. Grace Chen',
  providerColour: '#2f9e44',
  startsAt,
  endsAt,
  localDate: '2025-03-11',
  localStart: '11:00',
  localEnd: '11:30',
});

const plan = [
  occurrence('2025-03-04', '2025-03-04T16:00:00Z', '2025-03-04T16:30:00Z'),
  // After the change to daylight saving time: 10:00 is 15:00Z.
  occurrence('2025-03-11', '2025-03-11T15:00:00Z', '2025-03-11T15:30:00Z', slot('2025-03-11T16:00:00Z', '2025-03-11T16:30:00Z')),
  occurrence('2025-03-18', '2025-03-18T15:00:00Z', '2025-03-18T15:30:00Z', null),
];

describe('chosenSpans', () => {
  it('books free dates as planned and skips taken ones unless told otherwise', () => {
    expect(chosenSpans(plan, new Map(), TZ)).toEqual({
      spans: [{ startsAt: '2025-03-04T16:00:00Z', endsAt: '2025-03-04T16:30:00Z' }],
      missing: [],
    });
  });

  it('moves to the suggested slot, or to another time that day for as long as planned', () => {
    const choices = new Map<number, ConflictChoice>([
      [1, { kind: 'move' }],
      [2, { kind: 'other', time: '08:45' }],
    ]);
    expect(chosenSpans(plan, choices, TZ).spans).toEqual([
      { startsAt: '2025-03-04T16:00:00Z', endsAt: '2025-03-04T16:30:00Z' },
      { startsAt: '2025-03-11T16:00:00Z', endsAt: '2025-03-11T16:30:00Z' },
      { startsAt: '2025-03-18T13:45:00Z', endsAt: '2025-03-18T14:15:00Z' },
    ]);
  });

  it('reports another time not entered yet', () => {
    const choices = new Map<number, ConflictChoice>([[2, { kind: 'other', time: '' }]]);
    expect(chosenSpans(plan, choices, TZ)).toEqual({
      spans: [{ startsAt: '2025-03-04T16:00:00Z', endsAt: '2025-03-04T16:30:00Z' }],
      missing: [2],
    });
  });
});
