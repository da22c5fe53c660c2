import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Calendar, Provider } from '../../api/types';
import { appointment, overview, patientHeader, patientRows, waitlistEntry } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { shiftDay } from './days';
import { ScheduleScreen } from './ScheduleScreen';

function provider(id: string, displayName: string, colour: string): Provider {
  return { id, userId: null, displayName, specialty: 'Family medicine', licenceNumber: null, colour, archived: false };
}

const grace = provider('v1', 'Dr. Grace Chen', '#2f9e44');
const omar = provider('v2', 'Dr. Omar Haddad', '#1c7ed6');
const hours = [{ startsAt: '09:00', endsAt: '12:00' }];

function calendar(days: string[], overrides: Partial<Calendar> = {}): Calendar {
  return {
    days,
    slotMinutes: 30,
    providers: [
      { provider: grace, hours: days.map(() => hours), timeOff: [] },
      { provider: omar, hours: days.map(() => hours), timeOff: [] },
    ],
    appointments: [
      // Grace 09:00–09:30 (CST: 15:00Z), confirmed.
      appointment({ startsAt: '2025-03-04T15:00:00Z', endsAt: '2025-03-04T15:30:00Z' }),
      appointment({
        id: 'c',
        providerId: 'v2',
        providerName: 'Dr. Omar Haddad',
        providerColor: '#1c7ed6',
        patientName: 'Sam Okafor',
        startsAt: '2025-03-04T16:00:00Z',
        endsAt: '2025-03-04T16:30:00Z',
        localStart: '10:00',
        localEnd: '10:30',
        status: 'no_show',
      }),
    ],
    counts: [
      { status: 'scheduled', count: 0 },
      { status: 'confirmed', count: 1 },
      { status: 'no_show', count: 1 },
    ],
    ...overrides,
  };
}

function setup(handlers: CommandHandlers = {}) {
  mockCommands({
    clinic_overview: () => overview(),
    patient_header: ({ patientId }) => patientHeader({ id: patientId }),
    list_providers: () => [grace, omar],
    calendar: ({ fromDate, days }) =>
      calendar(Array.from({ length: days }, (_, i) => shiftDay(fromDate, i))),
    appointment_types: () => [
      { id: 't1', name: 'Follow-up', durationMinutes: 15 },
      { id: 't2', name: 'Consultation', durationMinutes: 45 },
    ],
    list_patients: ({ text }) => ({
      total: text ? 2 : 0,
      tooMany: false,
      rows: text ? patientRows(2).map((p, i) => ({ ...p, lastName: i === 0 ? 'Lopez' : 'Lorne' })) : [],
    }),
    ...handlers,
  });
  return renderWithProviders(<ScheduleScreen />);
}

async function openBooking(user: ReturnType<typeof setup>['user'], provider = 'Dr. Grace Chen', time = '10:00') {
  await user.click(await screen.findByRole('button', { name: `Book with ${provider} at ${time}` }));
  return screen.findByRole('dialog', { name: 'Book an appointment' });
}

/** Types in the autofocused patient search and picks the first match with Enter. */
async function pickPatient(user: ReturnType<typeof setup>['user']) {
  const search = screen.getByTestId('booking-patient');
  await waitFor(() => {
    expect(search).toHaveFocus();
  });
  await user.keyboard('Lo');
  expect(await screen.findAllByTestId('booking-patient-option')).toHaveLength(2);
  await user.keyboard('{Enter}');
  expect(search).toHaveValue('Lopez, First1');
}

describe('Schedule', () => {
  // The fixtures' day, early in the morning: its working hours are still to come (past cells are not
  // offered for booking).
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2025-03-04T12:00:00Z') });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows one column per provider with working hours, appointments and counts, and moves by day', async () => {
    const { user } = setup();
    const groups = await screen.findAllByTestId('schedule-provider-group');
    expect(groups.map((g) => g.getAttribute('aria-label'))).toEqual(['Dr. Grace Chen', 'Dr. Omar Haddad']);
    expect(callsOf('calendar')).toEqual([{ fromDate: '2025-03-04', days: 1, providerId: null }]);
    // 09:00–12:00 by 30 minutes: Grace's 09:00 is held by Maria; Omar's no-show holds no time.
    const graceFree = within(groups[0]!).getAllByTestId('schedule-slot');
    expect(graceFree.map((c) => c.dataset.time)).toEqual(['09:30', '10:00', '10:30', '11:00', '11:30']);
    expect(within(groups[0]!).getByTestId('schedule-taken')).toHaveAttribute('data-time', '09:00');
    expect(within(groups[1]!).getAllByTestId('schedule-slot')).toHaveLength(6);
    const omarBlock = within(groups[1]!).getByTestId('appointment-block');
    expect(omarBlock).toHaveAttribute('data-appointment-id', 'c');
    expect(within(omarBlock).getByText('No-show')).toBeInTheDocument();
    // A no-show holds no time: drawn in the right-hand strip, leaving its cell free to click.
    expect(omarBlock.getAttribute('style')).toContain('left: calc(64% + 2px)');
    expect(within(groups[0]!).getByText('Maria Lopez')).toBeInTheDocument();
    const glance = screen.getByTestId('schedule-glance');
    expect(within(glance).getByText('Confirmed: 1')).toBeInTheDocument();
    expect(within(glance).queryByText(/Scheduled/)).not.toBeInTheDocument();
    expect(screen.getByTestId('schedule-day-label')).toHaveTextContent('Tuesday, March 4, 2025 · 2 appointments');

    await user.click(screen.getByTestId('schedule-next'));
    await waitFor(() => {
      expect(callsOf('calendar').at(-1)).toEqual({ fromDate: '2025-03-05', days: 1, providerId: null });
    });
    await user.click(screen.getByTestId('schedule-prev'));
    await user.click(screen.getByTestId('schedule-prev'));
    await waitFor(() => {
      expect(callsOf('calendar').at(-1)).toEqual({ fromDate: '2025-03-03', days: 1, providerId: null });
    });
    await user.click(screen.getByTestId('schedule-today'));
    expect(screen.getByTestId('schedule-day-label')).toHaveTextContent('Tuesday, March 4, 2025');
  });

  it('shows a week of one provider', async () => {
    const { user } = setup();
    await screen.findAllByTestId('schedule-provider-group');
    await user.click(screen.getByText('Week'));
    await waitFor(() => {
      expect(callsOf('calendar').at(-1)).toEqual({ fromDate: '2025-03-03', days: 7, providerId: 'v1' });
    });
    await waitFor(() => {
      expect(screen.getAllByTestId('schedule-provider-group').length).toBeGreaterThanOrEqual(7);
    });
  });

  it('names the day or week its counts are of, unless it is today’s or this week’s', async () => {
    const { user } = setup();
    const glance = () => screen.getByTestId('schedule-glance');
    await screen.findAllByTestId('schedule-provider-group');
    expect(glance()).toHaveTextContent('Today at a glance:');

    await user.click(screen.getByTestId('schedule-next'));
    await waitFor(() => expect(glance()).toHaveTextContent('Wed, Mar 5, 2025 at a glance:'));

    await user.click(screen.getByText('Week'));
    await waitFor(() => expect(glance()).toHaveTextContent('This week at a glance:'));
    await user.click(screen.getByTestId('schedule-next'));
    await waitFor(() => expect(glance()).toHaveTextContent('Week of Mon, Mar 10, 2025 at a glance:'));
  });

  it('books with the keyboard alone', async () => {
    const { user } = setup({ book_appointment: () => 'new-id' });
    await openBooking(user);
    await pickPatient(user);
    await user.tab();
    const type = screen.getByTestId('booking-type');
    expect(type).toHaveFocus();
    await user.selectOptions(type, 't2');
    type.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => {
      expect(callsOf('book_appointment')).toEqual([
        {
          patientId: 'p1',
          providerId: 'v1',
          appointmentTypeId: 't2',
          startsAt: '2025-03-04T16:00:00Z',
          endsAt: '2025-03-04T16:45:00Z',
          reason: null,
        },
      ]);
    });
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Book an appointment' })).not.toBeInTheDocument();
    });
  });

  it('asks before double-booking a patient, then books anyway', async () => {
    const { user } = setup({
      book_appointment: (args) => {
        if (!args.allowPatientOverlap) {
          throw new IpcRejection('patient_already_booked', 'Maria Lopez is booked with Dr. Omar Haddad at 10:00.');
        }
        return 'new-id';
      },
    });
    await openBooking(user);
    await pickPatient(user);
    await user.type(screen.getByTestId('booking-reason'), 'Cough{Enter}');
    expect(await screen.findByTestId('booking-overlap')).toHaveTextContent(
      'Maria Lopez is booked with Dr. Omar Haddad at 10:00.',
    );
    await user.click(screen.getByTestId('booking-anyway'));
    await waitFor(() => {
      expect(callsOf('book_appointment')).toHaveLength(2);
    });
    expect(callsOf('book_appointment')[0]).toMatchObject({ reason: 'Cough', endsAt: '2025-03-04T16:30:00Z' });
    expect(callsOf('book_appointment')[0]!.allowPatientOverlap).toBeUndefined();
    expect(callsOf('book_appointment')[1]).toMatchObject({ reason: 'Cough', allowPatientOverlap: true });
  });

  it('shows a provider conflict and field errors', async () => {
    let attempt = 0;
    const { user } = setup({
      book_appointment: () => {
        attempt += 1;
        if (attempt === 1) throw new IpcRejection('validation', 'too long', 'reason');
        throw new IpcRejection('conflict', 'Dr. Grace Chen already sees Sam Okafor at 10:00.');
      },
    });
    await openBooking(user);
    await user.click(screen.getByTestId('booking-submit'));
    expect(await screen.findByText('Choose a patient.')).toBeInTheDocument();
    expect(callsOf('book_appointment')).toHaveLength(0);
    await user.click(screen.getByTestId('booking-patient'));
    await pickPatient(user);
    await user.click(screen.getByTestId('booking-submit'));
    expect(await screen.findByText('too long')).toBeInTheDocument();
    await user.click(screen.getByTestId('booking-submit'));
    const alert = await screen.findByTestId('booking-error');
    expect(alert).toHaveTextContent('Dr. Grace Chen already sees Sam Okafor at 10:00.');
  });

  it('cancels with a required reason, then books someone from the waiting list', async () => {
    const { user } = setup({
      set_appointment_status: () => null,
      waitlist_candidates: () => [
        {
          id: 'w1',
          patientId: 'p9',
          patientName: 'Ana Ruiz',
          patientMrn: 'MRN-000009',
          phone: '555-0199',
          providerId: null,
          providerName: null,
          specialty: null,
          appointmentTypeId: null,
          appointmentType: null,
          weekdays: [],
          earliestTime: null,
          latestTime: null,
          note: 'Mornings only',
          addedAt: '2025-03-01T10:00:00Z',
        },
      ],
      book_from_waitlist: () => 'new-id',
    });
    await user.click(await screen.findByText('Maria Lopez'));
    const dialog = await screen.findByRole('dialog', { name: 'Appointment' });
    expect(await within(dialog).findByTestId('patient-header')).toHaveTextContent('Allergies:⚠Penicillin');
    expect(callsOf('patient_header')).toEqual([{ patientId: 'p1' }]);
    expect(within(dialog).queryByTestId('appointment-confirm')).not.toBeInTheDocument();
    await user.click(within(dialog).getByTestId('appointment-cancel'));
    await user.click(within(dialog).getByTestId('cancel-submit'));
    expect(await within(dialog).findByText('Give a reason for cancelling.')).toBeInTheDocument();
    expect(callsOf('set_appointment_status')).toHaveLength(0);

    await user.type(within(dialog).getByTestId('cancel-reason'), 'Patient is ill');
    await user.click(within(dialog).getByTestId('cancel-submit'));
    const entry = await within(dialog).findByTestId('waitlist-entry');
    expect(callsOf('set_appointment_status')).toEqual([
      { appointmentId: 'a1', status: 'cancelled', cancellationReason: 'Patient is ill' },
    ]);
    expect(callsOf('waitlist_candidates')).toEqual([{ appointmentId: 'a1' }]);
    expect(entry).toHaveTextContent('Ana Ruiz');
    expect(entry).toHaveTextContent('555-0199');
    expect(entry).toHaveTextContent('Mornings only');
    await user.click(within(entry).getByTestId('waitlist-book'));
    await waitFor(() => {
      expect(callsOf('book_from_waitlist')).toEqual([{ entryId: 'w1', freedAppointmentId: 'a1' }]);
    });
  });

  it('opens the waitlist from the toolbar, and from the booking dialog with its patient and provider', async () => {
    const { user } = setup({ waitlist: () => [waitlistEntry()] });
    await user.click(await screen.findByTestId('schedule-waitlist'));
    const drawer = await screen.findByRole('dialog', { name: 'Waitlist' });
    expect(await within(drawer).findByTestId('waitlist-panel-entry')).toHaveTextContent('Ana Ruiz');
    expect(within(drawer).queryByTestId('waitlist-form')).not.toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Waitlist' })).not.toBeInTheDocument();
    });

    await openBooking(user, 'Dr. Omar Haddad');
    await pickPatient(user);
    await user.click(screen.getByTestId('booking-waitlist'));
    const form = await screen.findByTestId('waitlist-form');
    expect(screen.queryByRole('dialog', { name: 'Book an appointment' })).not.toBeInTheDocument();
    expect(within(form).getByTestId('waitlist-patient')).toHaveValue('Lopez, First1');
    expect(within(form).getByTestId('waitlist-wants')).toHaveValue('provider:v2');
  });

  it('moves an appointment by drag and drop, and shows a conflict', async () => {
    setup({
      reschedule_appointment: () => {
        throw new IpcRejection('conflict', 'Dr. Omar Haddad already sees Sam Okafor at 11:00.');
      },
    });
    const groups = await screen.findAllByTestId('schedule-provider-group');
    const block = within(groups[0]!).getByTestId('appointment-block');
    expect(block).toHaveAttribute('draggable', 'true');
    const target = within(groups[1]!).getByRole('button', { name: 'Book with Dr. Omar Haddad at 11:00' });
    fireEvent.dragStart(block, { dataTransfer: { setData: () => undefined } });
    fireEvent.dragOver(target);
    fireEvent.drop(target);
    await waitFor(() => {
      expect(callsOf('reschedule_appointment')).toEqual([
        {
          appointmentId: 'a1',
          to: { providerId: 'v2', startsAt: '2025-03-04T17:00:00Z', endsAt: '2025-03-04T17:30:00Z' },
        },
      ]);
    });
    expect(await screen.findByTestId('schedule-move-error')).toHaveTextContent(
      'Dr. Omar Haddad already sees Sam Okafor at 11:00.',
    );
    // A no-show cannot be dragged.
    expect(within(groups[1]!).getByTestId('appointment-block')).toHaveAttribute('draggable', 'false');
  });
});

describe('shiftDay', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(shiftDay('2025-03-31', 1)).toBe('2025-04-01');
    expect(shiftDay('2025-01-01', -1)).toBe('2024-12-31');
    expect(shiftDay('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftDay('2025-03-09', 1)).toBe('2025-03-10');
  });
});
