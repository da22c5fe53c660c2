import type { PlannedOccurrence, TimeSpan } from '../../api/types';
import { addMinutes, durationMinutes, zonedInstant } from './calendarLayout';

/** The repeat intervals the booking dialog offers, in weeks (the core allows 1 to 12). */
export const REPEAT_WEEKS = [1, 2, 3, 4] as const;
/** How many appointments a series may have in all (RecurringPlan.count). */
export const SERIES_MIN = 2;
export const SERIES_MAX = 52;

/**
 * What to do with an occurrence whose time is taken: leave it out, take the nearest free slot the core
 * suggested, or another start time ("HH:MM", empty until typed) on the same day.
 */
export type ConflictChoice = { kind: 'skip' } | { kind: 'move' } | { kind: 'other'; time: string };

/** Until the user says otherwise a conflicting date is skipped: nothing is booked at a time nobody chose. */
export const DEFAULT_CHOICE: ConflictChoice = { kind: 'skip' };

/**
 * The times to book as the series (what book_recurring takes): every free occurrence as planned, each
 * conflicting one as chosen in `choices` (by its index in the plan; skipped when absent). `missing`
 * lists the occurrences set to another time that has not been entered yet.
 */
export function chosenSpans(
  plan: readonly PlannedOccurrence[],
  choices: ReadonlyMap<number, ConflictChoice>,
  timeZone: string,
): { spans: TimeSpan[]; missing: number[] } {
  const spans: TimeSpan[] = [];
  const missing: number[] = [];
  plan.forEach((occurrence, i) => {
    if (occurrence.conflict === null) {
      spans.push({ startsAt: occurrence.startsAt, endsAt: occurrence.endsAt });
      return;
    }
    const choice = choices.get(i) ?? DEFAULT_CHOICE;
    if (choice.kind === 'move' && occurrence.alternative) {
      spans.push({ startsAt: occurrence.alternative.startsAt, endsAt: occurrence.alternative.endsAt });
    } else if (choice.kind === 'other') {
      if (choice.time === '') {
        missing.push(i);
        return;
      }
      const startsAt = zonedInstant(occurrence.localDate, choice.time, timeZone);
      spans.push({ startsAt, endsAt: addMinutes(startsAt, durationMinutes(occurrence)) });
    }
  });
  return { spans, missing };
}
