import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Action, Provider, WeekdayHours } from '../../api/types';
import { navItemsFor } from '../../app/routes';
import { appointment, overview } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { ProvidersScreen } from './ProvidersScreen';

function provider(id: string, displayName: string, overrides: Partial<Provider> = {}): Provider {
  return { id, userId: null, displayName, specialty: 'Family medicine', licenceNumber: null, colour: '#2f9e44', archived: false, ...overrides };
}

const grace = provider('v1', 'Dr. Grace Chen', { userId: 'u2', licenceNumber: 'L-1' });
const omar = provider('v2', 'Dr. Omar Haddad', { specialty: 'Paediatrics', colour: '#1c7ed6' });
const anna = provider('v3', 'Dr. Anna Berg', { archived: true });

/** Monday 09:00–12:00 and 13:00–17:00 (a lunch break), every other day off. */
function week(): WeekdayHours[] {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    blocks:
      weekday === 1
        ? [
            { startsAt: '09:00', endsAt: '12:00' },
            { startsAt: '13:00', endsAt: '17:00' },
          ]
        : [],
  }));
}

/** The front desk keeps hours and time off; managing the providers takes the clinic's settings too. */
const FRONT_DESK: Action[] = ['view_schedule', 'edit_schedule'];
const MANAGES: Action[] = [...FRONT_DESK, 'manage_settings'];

function setup(allowed: Action[] = MANAGES, handlers: CommandHandlers = {}) {
  let stored = week();
  mockCommands({
    clinic_overview: () => overview(),
    list_providers: ({ includeArchived }) => (includeArchived ? [anna, grace, omar] : [grace, omar]),
    working_hours: () => stored,
    set_working_hours: ({ weekday, blocks }) => {
      // Rust's rule, with its field name (it does not say which block).
      if (blocks.some((b) => b.endsAt <= b.startsAt)) {
        throw new IpcRejection('validation', 'the end must be after the start', 'endsAt');
      }
      stored = stored.map((d) => (d.weekday === weekday ? { weekday, blocks } : d));
      return stored;
    },
    list_time_off: () => [
      // 10–11 March, whole days (Chicago midnights, CDT).
      { id: 'o1', providerId: 'v1', startsAt: '2025-03-10T05:00:00Z', endsAt: '2025-03-12T05:00:00Z', reason: 'Conference' },
    ],
    cancel_time_off: () => null,
    set_provider_archived: () => null,
    ...handlers,
  });
  return renderWithProviders(<ProvidersScreen />, { allowed });
}

function day(weekday: number) {
  const row = screen.getAllByTestId('working-hours-day').find((r) => r.dataset.weekday === String(weekday));
  if (!row) throw new Error(`no row for weekday ${weekday}`);
  return row;
}

describe('Providers', () => {
  it('is in the navigation of those who may edit the schedule', () => {
    const hasProviders = (allowed: Action[]) =>
      navItemsFor((action) => allowed.includes(action)).some((item) => item.testId === 'nav-providers');
    expect(hasProviders(FRONT_DESK)).toBe(true);
    expect(hasProviders(['view_schedule', 'view_clinical', 'manage_users'])).toBe(false);
  });

  it('lists the providers, archived ones on request, and lets an administrator restore one', async () => {
    const { user } = setup();
    const rows = await screen.findAllByTestId('provider-row');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('Dr. Grace ChenFamily medicine'),
      expect.stringContaining('Dr. Omar HaddadPaediatrics'),
    ]);
    // The first provider's week is open.
    expect(await screen.findByTestId('provider-week')).toHaveAttribute('data-provider-id', 'v1');

    await user.click(screen.getByTestId('providers-show-archived'));
    const anna = await screen.findByText('Dr. Anna Berg');
    const annaRow = anna.closest('tr')!;
    expect(within(annaRow).getByText('Archived')).toBeInTheDocument();
    // An archived provider has no week to edit, so only Restore.
    expect(within(annaRow).queryByTestId('provider-select')).not.toBeInTheDocument();
    await user.click(within(annaRow).getByRole('button', { name: 'Restore Dr. Anna Berg' }));
    await waitFor(() => {
      expect(callsOf('set_provider_archived')).toEqual([{ providerId: 'v3', archived: false }]);
    });
  });

  it('hides adding, editing and archiving providers from the front desk, which still edits hours', async () => {
    setup(FRONT_DESK);
    await screen.findAllByTestId('provider-row');
    expect(screen.queryByTestId('provider-add')).not.toBeInTheDocument();
    expect(screen.queryByTestId('provider-edit')).not.toBeInTheDocument();
    expect(screen.queryByTestId('provider-toggle-archived')).not.toBeInTheDocument();
    expect(await screen.findByTestId('working-hours-save')).toBeInTheDocument();
    expect(screen.getByTestId('time-off-add')).toBeInTheDocument();
  });

  it('edits a provider, with Rust’s reason next to the field', async () => {
    const { user } = setup(MANAGES, {
      update_provider: ({ provider: details }) => {
        if (!details.colour.startsWith('#')) throw new IpcRejection('validation', 'use a colour like #1e88e5', 'colour');
        return null;
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit Dr. Grace Chen' }));
    const form = await screen.findByTestId('provider-form');
    const colour = within(form).getByTestId('provider-colour');
    await user.clear(colour);
    await user.type(colour, 'green{Enter}');
    expect(await within(form).findByText('use a colour like #1e88e5')).toBeInTheDocument();
    expect(colour).toHaveAttribute('aria-invalid', 'true');

    await user.clear(colour);
    await user.type(colour, '#e8590c');
    await user.clear(within(form).getByTestId('provider-specialty'));
    await user.type(within(form).getByTestId('provider-specialty'), 'Cardiology{Enter}');
    await waitFor(() => {
      expect(callsOf('update_provider').at(-1)).toEqual({
        providerId: 'v1',
        // The user account link and licence number are kept.
        provider: { userId: 'u2', displayName: 'Dr. Grace Chen', specialty: 'Cardiology', licenceNumber: 'L-1', colour: '#e8590c' },
      });
    });
    await waitFor(() => {
      expect(screen.queryByTestId('provider-form')).not.toBeInTheDocument();
    });
  });

  it('adds a provider and opens their week', async () => {
    const listed = [grace, omar];
    const { user } = setup(MANAGES, {
      list_providers: () => listed,
      add_provider: (details) => {
        listed.push({ ...details, id: 'v9', archived: false });
        return 'v9';
      },
    });
    await user.click(await screen.findByTestId('provider-add'));
    const form = await screen.findByTestId('provider-form');
    await user.type(within(form).getByTestId('provider-name'), 'Dr. Ines Ruiz');
    await user.type(within(form).getByTestId('provider-specialty'), 'Dermatology{Enter}');
    await waitFor(() => {
      expect(callsOf('add_provider')).toEqual([
        { userId: null, displayName: 'Dr. Ines Ruiz', specialty: 'Dermatology', licenceNumber: null, colour: '#1c7ed6' },
      ]);
    });
    await waitFor(() => {
      expect(screen.getByTestId('provider-week')).toHaveAttribute('data-provider-id', 'v9');
    });
    expect(screen.getByRole('button', { name: /Dr. Ines Ruiz/, pressed: true })).toBeInTheDocument();
  });

  it('saves only the weekdays whose hours changed, each with its blocks', async () => {
    const { user } = setup();
    await screen.findByTestId('working-hours');
    // Monday: the afternoon ends at 18:00. Tuesday: a first block of hours.
    const mondayEnd = screen.getByLabelText('Mon: end of hours 2');
    await user.clear(mondayEnd);
    await user.type(mondayEnd, '18:00');
    expect(within(day(2)).getByText('Day off')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add hours on Tue' }));
    expect(screen.getByLabelText('Tue: start of hours 1')).toHaveValue('09:00');
    // A second block starts after a one-hour break.
    await user.click(screen.getByRole('button', { name: 'Add hours on Tue' }));
    expect(screen.getByLabelText('Tue: start of hours 2')).toHaveValue('18:00');
    await user.click(screen.getByRole('button', { name: 'Tue: remove hours 2' }));
    await user.click(screen.getByTestId('working-hours-save'));

    await waitFor(() => {
      expect(callsOf('set_working_hours')).toEqual([
        {
          providerId: 'v1',
          weekday: 1,
          blocks: [
            { startsAt: '09:00', endsAt: '12:00' },
            { startsAt: '13:00', endsAt: '18:00' },
          ],
        },
        { providerId: 'v1', weekday: 2, blocks: [{ startsAt: '09:00', endsAt: '17:00' }] },
      ]);
    });
    expect(await screen.findByText('The hours are saved.')).toBeInTheDocument();

    // Removing Monday's morning leaves the afternoon; the other days are not sent again.
    await user.click(screen.getByRole('button', { name: 'Mon: remove hours 1' }));
    await user.click(screen.getByTestId('working-hours-save'));
    await waitFor(() => {
      expect(callsOf('set_working_hours').at(-1)).toEqual({
        providerId: 'v1',
        weekday: 1,
        blocks: [{ startsAt: '13:00', endsAt: '18:00' }],
      });
    });
    expect(callsOf('set_working_hours')).toHaveLength(3);
  });

  it('shows Rust’s refusal next to the block it concerns', async () => {
    const { user } = setup();
    await screen.findByTestId('working-hours');
    const afternoonEnd = screen.getByLabelText('Mon: end of hours 2');
    await user.clear(afternoonEnd);
    await user.type(afternoonEnd, '12:30{Enter}');
    expect(await within(day(1)).findByText('the end must be after the start')).toBeInTheDocument();
    expect(afternoonEnd).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Mon: end of hours 1')).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('lists time off ahead and cancels it', async () => {
    const { user } = setup();
    const row = await screen.findByTestId('time-off-row');
    expect(row).toHaveTextContent('Mon, Mar 10, 2025 – Tue, Mar 11, 2025, all day');
    expect(row).toHaveTextContent('Conference');
    expect(callsOf('list_time_off')).toEqual([{ providerId: 'v1', fromDate: '2025-03-04' }]);
    await user.click(within(row).getByRole('button', { name: /^Cancel time off: Mon, Mar 10/ }));
    await waitFor(() => {
      expect(callsOf('cancel_time_off')).toEqual([{ timeOffId: 'o1' }]);
    });
  });

  it('adds whole days off and lists the bookings they fall on, which keep their time', async () => {
    const { user } = setup(FRONT_DESK, {
      add_time_off: () => ({
        id: 'o2',
        affected: [
          appointment({ localDate: '2025-03-12', localStart: '09:00', localEnd: '09:30' }),
          appointment({ id: 'a2', localDate: '2025-03-13', localStart: '11:00', localEnd: '11:15', patientName: 'Sam Okafor', patientMrn: 'MRN-000456' }),
        ],
      }),
    });
    const form = await screen.findByTestId('time-off-form');
    await user.type(within(form).getByTestId('time-off-from-date'), '2025-03-12');
    await user.type(within(form).getByTestId('time-off-to-date'), '2025-03-13');
    await user.type(within(form).getByTestId('time-off-reason'), 'Sick leave{Enter}');
    await waitFor(() => {
      expect(callsOf('add_time_off')).toEqual([
        { providerId: 'v1', fromDate: '2025-03-12', toDate: '2025-03-13', fromTime: null, toTime: null, reason: 'Sick leave' },
      ]);
    });
    const clashes = await screen.findByTestId('time-off-clashes');
    expect(clashes).toHaveTextContent('2 bookings fall in this time off');
    expect(within(clashes).getAllByTestId('time-off-clash').map((li) => li.textContent)).toEqual([
      'Wed, Mar 12, 2025 · 09:00–09:30 · Maria Lopez (MRN-000123)',
      'Thu, Mar 13, 2025 · 11:00–11:15 · Sam Okafor (MRN-000456)',
    ]);
    expect(callsOf('set_appointment_status')).toEqual([]);
  });

  it('adds hours off on one day, with Rust’s reason next to a time', async () => {
    const { user } = setup(FRONT_DESK, {
      add_time_off: ({ fromTime, toTime }) => {
        if ((toTime ?? '') <= (fromTime ?? '')) throw new IpcRejection('validation', 'the end must be after the start', 'toTime');
        return { id: 'o2', affected: [] };
      },
    });
    const form = await screen.findByTestId('time-off-form');
    // A last day typed before switching to hours is not sent: hours off are for one day.
    await user.type(within(form).getByTestId('time-off-to-date'), '2025-03-14');
    await user.click(within(form).getByText('Some hours'));
    expect(within(form).queryByTestId('time-off-to-date')).not.toBeInTheDocument();
    await user.type(within(form).getByTestId('time-off-from-date'), '2025-03-12');
    await user.type(within(form).getByTestId('time-off-from-time'), '14:00');
    await user.type(within(form).getByTestId('time-off-to-time'), '13:00{Enter}');
    expect(await within(form).findByText('the end must be after the start')).toBeInTheDocument();
    expect(within(form).getByTestId('time-off-to-time')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(within(form).getByTestId('time-off-to-time'));
    await user.type(within(form).getByTestId('time-off-to-time'), '16:00{Enter}');
    await waitFor(() => {
      expect(callsOf('add_time_off').at(-1)).toEqual({
        providerId: 'v1',
        fromDate: '2025-03-12',
        toDate: null,
        fromTime: '14:00',
        toTime: '16:00',
        reason: null,
      });
    });
    expect(await screen.findByText('The time off is added.')).toBeInTheDocument();
    expect(screen.queryByTestId('time-off-clashes')).not.toBeInTheDocument();
  });
});
