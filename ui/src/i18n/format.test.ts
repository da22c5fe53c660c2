import { describe, expect, it } from 'vitest';
import { createFormatters } from './format';

describe('formatters', () => {
  it('show an instant on the clinic’s clock, not the computer’s', () => {
    // The tests' computer is in UTC; 11:15 UTC is 12:15 in Madrid in December.
    expect(createFormatters('en', 'Europe/Madrid').dateTime('2026-12-02T11:15:00Z')).toBe('Dec 2, 2026, 12:15 PM');
    expect(createFormatters('en', 'America/Chicago').dateTime('2026-12-02T11:15:00Z')).toBe('Dec 2, 2026, 5:15 AM');
  });

  it('refuse to show an instant without the clinic’s time zone', () => {
    expect(() => createFormatters('en', null).dateTime('2026-12-02T11:15:00Z')).toThrow(/time zone/);
    // Calendar dates need no zone.
    expect(createFormatters('en', null).date('2026-12-02')).toBe('Dec 2, 2026');
  });
});
