import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Action, QueueEntry } from '../../api/types';
import { appointment } from '../../test/fixtures';
import { callsOf, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { WaitingRoomScreen } from './WaitingRoomScreen';

function queue(): QueueEntry[] {
  return [
    {
      appointment: appointment({ id: 'a1', status: 'checked_in', patientName: 'Maria Lopez' }),
      arrivedAt: '08:52',
      waitingMinutes: 14,
      room: null,
      calledAt: null,
    },
    {
      appointment: appointment({
        id: 'a2',
        status: 'checked_in',
        patientName: 'Sam Okafor',
        providerName: 'Dr. Omar Haddad',
        walkIn: true,
        appointmentType: null,
      }),
      arrivedAt: '09:01',
      waitingMinutes: 5,
      room: null,
      calledAt: null,
    },
    {
      appointment: appointment({ id: 'a3', status: 'in_progress', patientName: 'Ana Silva' }),
      arrivedAt: '08:30',
      waitingMinutes: 20,
      room: '2',
      calledAt: '2025-03-04T14:46:00Z',
    },
  ];
}

/** The front desk books walk-ins; doctors call patients in. */
const FRONT_DESK: Action[] = ['view_schedule', 'edit_schedule', 'check_in'];
const CALLS_IN: Action[] = ['view_schedule', 'start_visit'];

beforeEach(() => {
  window.localStorage.clear();
});

describe('Waiting room', () => {
  it('lists the queue in order, with arrival, waiting minutes, walk-ins and rooms', async () => {
    mockCommands({ waiting_room: () => queue() });
    renderWithProviders(<WaitingRoomScreen />, { allowed: FRONT_DESK });

    const rows = await screen.findAllByTestId('queue-row');
    expect(rows.map((r) => r.getAttribute('data-appointment-id'))).toEqual(['a1', 'a2', 'a3']);
    const [first, second, third] = rows as [HTMLElement, HTMLElement, HTMLElement];
    expect(within(first).getByTestId('queue-arrived')).toHaveTextContent('08:52');
    expect(within(first).getByTestId('queue-minutes')).toHaveTextContent('14 min');
    expect(first).toHaveTextContent('Maria Lopez');
    expect(first).toHaveTextContent('Dr. Grace Chen');
    expect(first).toHaveTextContent('Follow-up');
    expect(within(first).queryByTestId('walk-in-badge')).not.toBeInTheDocument();
    expect(within(second).getByTestId('walk-in-badge')).toHaveTextContent('Walk-in');
    expect(second).toHaveTextContent('Dr. Omar Haddad');
    expect(within(third).getByTestId('queue-minutes')).toHaveTextContent('With doctor · 20 min');
    expect(within(third).getByTestId('queue-room')).toHaveTextContent('2');
  });

  it('shows each patient’s appointment time beside their arrival, and walk-ins as such', async () => {
    mockCommands({
      waiting_room: () => [
        // Came at 08:52 for 14:00: five hours early, not on time.
        { ...queue()[0]!, appointment: appointment({ status: 'checked_in', localStart: '14:00', localEnd: '14:30' }) },
        queue()[1]!,
      ],
    });
    renderWithProviders(<WaitingRoomScreen />, { allowed: FRONT_DESK });
    const [booked, walkIn] = (await screen.findAllByTestId('queue-row')) as [HTMLElement, HTMLElement];
    expect(within(booked).getByTestId('queue-arrived')).toHaveTextContent('08:52');
    expect(within(booked).getByTestId('queue-appointment')).toHaveTextContent(/^14:00$/);
    expect(within(walkIn).getByTestId('queue-appointment')).toHaveTextContent(/^Walk-in$/);
    expect(screen.getByRole('columnheader', { name: 'Appointment' })).toBeInTheDocument();
  });

  it('shows Call in only to those who may start visits', async () => {
    mockCommands({ waiting_room: () => queue() });
    renderWithProviders(<WaitingRoomScreen />, { allowed: FRONT_DESK });
    await screen.findAllByTestId('queue-row');
    expect(screen.queryByTestId('call-in')).not.toBeInTheDocument();
    expect(screen.queryByTestId('call-again')).not.toBeInTheDocument();
    expect(screen.getByTestId('walk-in-open')).toBeInTheDocument();
  });

  it('lets a doctor call a patient in to a room, remembering the room', async () => {
    let called = false;
    mockCommands({
      waiting_room: () => queue(),
      call_patient: () => {
        called = true;
        return null;
      },
    });
    const { user } = renderWithProviders(<WaitingRoomScreen />, { allowed: CALLS_IN });
    const rows = await screen.findAllByTestId('queue-row');
    expect(screen.queryByTestId('walk-in-open')).not.toBeInTheDocument();
    expect(within(rows[0]!).getByTestId('call-in')).toBeInTheDocument();
    expect(within(rows[2]!).getByTestId('call-again')).toBeInTheDocument();

    await user.click(within(rows[0]!).getByTestId('call-in'));
    const room = await screen.findByTestId('call-room');
    await user.type(room, '4{Enter}');

    await waitFor(() => {
      expect(called).toBe(true);
    });
    expect(callsOf('call_patient')).toEqual([{ appointmentId: 'a1', room: '4' }]);
    expect(window.localStorage.getItem('clinic.waitingRoom.room')).toBe('4');

    // The next call offers the same room.
    await user.click(within(rows[1]!).getByTestId('call-in'));
    expect(await screen.findByTestId('call-room')).toHaveValue('4');
  });

  it('calls a patient in progress again to their room', async () => {
    mockCommands({ waiting_room: () => queue(), call_patient: () => null });
    const { user } = renderWithProviders(<WaitingRoomScreen />);
    const rows = await screen.findAllByTestId('queue-row');
    await user.click(within(rows[2]!).getByTestId('call-again'));
    expect(await screen.findByTestId('call-room')).toHaveValue('2');
    await user.click(screen.getByTestId('call-submit'));
    await waitFor(() => {
      expect(callsOf('call_patient')).toEqual([{ appointmentId: 'a3', room: '2' }]);
    });
  });

  it('opens the waiting-room display', async () => {
    mockCommands({ waiting_room: () => [], open_waiting_room_display: () => null });
    const { user } = renderWithProviders(<WaitingRoomScreen />, { allowed: ['view_schedule', 'check_in'] });
    expect(await screen.findByTestId('queue-empty')).toBeInTheDocument();
    await user.click(screen.getByTestId('open-display'));
    await waitFor(() => {
      expect(callsOf('open_waiting_room_display')).toHaveLength(1);
    });
  });

  it('shows tomorrow’s call list', async () => {
    mockCommands({
      waiting_room: () => [],
      clinic_overview: () => ({
        clinicName: 'Riverside Family Clinic',
        timeZone: 'America/Chicago',
        currency: 'USD',
        today: '2025-03-31',
        counts: { patients: 1, providers: 1, appointmentsToday: 0, signedVisits: 0, openInvoices: 0 },
        todaysAppointments: [],
      }),
      call_list: () => [
        { appointment: appointment({ localDate: '2025-04-01' }), phone: '+1 555 0100' },
        { appointment: appointment({ id: 'a2', patientName: 'Sam Okafor' }), phone: null },
      ],
    });
    const { user } = renderWithProviders(<WaitingRoomScreen />, { allowed: FRONT_DESK });
    await user.click(screen.getByTestId('tab-call-list'));
    const rows = await screen.findAllByTestId('call-list-row');
    expect(callsOf('call_list')).toEqual([{ day: '2025-04-01' }]);
    expect(screen.getByTestId('call-list-day')).toHaveTextContent('Tuesday, April 1, 2025');
    expect(rows[0]).toHaveTextContent('Maria Lopez');
    expect(rows[0]).toHaveTextContent('+1 555 0100');
    expect(rows[0]).toHaveTextContent('Confirmed');
    expect(rows[1]).toHaveTextContent('No phone');
  });

  it('books a walk-in', async () => {
    mockCommands({
      waiting_room: () => [],
      list_patients: () => ({
        total: 1,
        tooMany: false,
        rows: [
          {
            id: 'p9',
            mrn: 'MRN-000009',
            firstName: 'Lena',
            lastName: 'Ortiz',
            dateOfBirth: '1990-01-01',
            sex: 'female',
            phone: null,
            email: null,
            archived: false,
          },
        ],
      }),
      list_providers: () => [
        {
          id: 'v1',
          userId: null,
          displayName: 'Dr. Grace Chen',
          specialty: 'Family medicine',
          licenceNumber: null,
          colour: '#2f9e44',
          archived: false,
        },
      ],
      book_walk_in: () => 'a9',
    });
    const { user } = renderWithProviders(<WaitingRoomScreen />, { allowed: FRONT_DESK });
    await user.click(await screen.findByTestId('walk-in-open'));
    await user.type(await screen.findByTestId('walk-in-patient'), 'Ort');
    await user.click(await screen.findByRole('option', { name: 'Ortiz, Lena · MRN-000009' }));
    await user.click(screen.getByTestId('walk-in-provider'));
    await user.click(await screen.findByRole('option', { name: 'Dr. Grace Chen' }));
    await user.type(screen.getByTestId('walk-in-reason'), 'Fever');
    await user.click(screen.getByTestId('walk-in-submit'));
    await waitFor(() => {
      expect(callsOf('book_walk_in')).toEqual([
        { patientId: 'p9', providerId: 'v1', appointmentTypeId: null, reason: 'Fever' },
      ]);
    });
  });
});
