import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { PlannedOccurrence } from '../../api/types';
import { patientHeader, patientRows } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { BookingDialog } from './BookingDialog';

// Every two weeks from Tuesday 4 March 2025, 10:00–10:30 in Chicago (CST, then CDT from 9 March).
const plan: PlannedOccurrence[] = [
  {
    startsAt: '2025-03-04T16:00:00Z',
    endsAt: '2025-03-04T16:30:00Z',
    localDate: '2025-03-04',
    localStart: '10:00',
    localEnd: '10:30',
    conflict: null,
    alternative: null,
  },
  {
    startsAt: '2025-03-18T15:00:00Z',
    endsAt: '2025-03-18T15:30:00Z',
    localDate: '2025-03-18',
    localStart: '10:00',
    localEnd: '10:30',
    conflict: 'Dr. Grace Chen already sees Sam Okafor Tue 18 Mar 10:00–10:30',
    alternative: {
      providerId: 'v1',
      providerName: 'Dr. Grace Chen',
      providerColour: '#2f9e44',
      startsAt: '2025-03-18T15:30:00Z',
      endsAt: '2025-03-18T16:00:00Z',
      localDate: '2025-03-18',
      localStart: '10:30',
      localEnd: '11:00',
    },
  },
  {
    startsAt: '2025-04-01T15:00:00Z',
    endsAt: '2025-04-01T15:30:00Z',
    localDate: '2025-04-01',
    localStart: '10:00',
    localEnd: '10:30',
    conflict: 'Dr. Grace Chen does not work Tue 1 Apr 10:00–10:30',
    alternative: null,
  },
  {
    startsAt: '2025-04-15T15:00:00Z',
    endsAt: '2025-04-15T15:30:00Z',
    localDate: '2025-04-15',
    localStart: '10:00',
    localEnd: '10:30',
    conflict: 'Maria Lopez is booked with Dr. Omar Haddad Tue 15 Apr 10:00–10:30',
    alternative: {
      providerId: 'v1',
      providerName: 'Dr. Grace Chen',
      providerColour: '#2f9e44',
      startsAt: '2025-04-15T14:00:00Z',
      endsAt: '2025-04-15T14:30:00Z',
      localDate: '2025-04-15',
      localStart: '09:00',
      localEnd: '09:30',
    },
  },
];

const first = {
  patientId: 'p1',
  providerId: 'v1',
  appointmentTypeId: null,
  startsAt: '2025-03-04T16:00:00Z',
  endsAt: '2025-03-04T16:30:00Z',
  reason: null,
};

function setup(handlers: CommandHandlers = {}) {
  mockCommands({
    appointment_types: () => [],
    patient_header: ({ patientId }) => patientHeader({ id: patientId }),
    list_patients: ({ text }) => ({ total: text ? 1 : 0, tooMany: false, rows: text ? patientRows(1) : [] }),
    plan_recurring: () => plan,
    ...handlers,
  });
  const onClose = vi.fn();
  const rendered = renderWithProviders(
    <BookingDialog
      slot={{ providerId: 'v1', providerName: 'Dr. Grace Chen', date: '2025-03-04', minute: 600 }}
      slotMinutes={30}
      timeZone="America/Chicago"
      onClose={onClose}
      onWaitlist={vi.fn()}
    />,
  );
  return { ...rendered, onClose };
}

/** Picks the patient and asks for 4 appointments every 2 weeks, then presses Enter to check the dates. */
async function askForSeries(user: ReturnType<typeof setup>['user']) {
  await waitFor(() => {
    expect(screen.getByTestId('booking-patient')).toHaveFocus();
  });
  await user.keyboard('La');
  await screen.findByTestId('booking-patient-option');
  await user.keyboard('{Enter}');
  const repeat = screen.getByTestId('booking-repeat');
  await user.selectOptions(repeat, 'Every 2 weeks');
  await user.clear(screen.getByTestId('booking-count'));
  await user.type(screen.getByTestId('booking-count'), '4');
  repeat.focus();
  await user.keyboard('{Enter}');
}

describe('Booking an appointment', () => {
  it('shows the chosen patient’s header, at the clinic’s time', async () => {
    const { user } = setup();
    await waitFor(() => {
      expect(screen.getByTestId('booking-patient')).toHaveFocus();
    });
    expect(screen.queryByTestId('patient-header')).not.toBeInTheDocument();
    await user.keyboard('La');
    await screen.findByTestId('booking-patient-option');
    await user.keyboard('{Enter}');
    const header = await screen.findByTestId('patient-header');
    expect(header).toHaveTextContent('Allergies:⚠PenicillinLatex');
    expect(within(header).getByTestId('patient-header-next')).toHaveTextContent('Tue, Mar 4, 2025 09:00');
    expect(callsOf('patient_header')).toEqual([{ patientId: 'p1' }]);
    // The dialog's time zone serves: the overview is not asked for.
    expect(callsOf('clinic_overview')).toEqual([]);
  });
});

describe('Booking a recurring appointment', () => {
  it('lists each date with its conflict and books the series as the user chose', async () => {
    const { user, onClose } = setup({
      book_recurring: ({ occurrences }) => ({ seriesId: 's1', appointmentIds: occurrences.map((_, i) => `a${String(i)}`) }),
    });
    await askForSeries(user);
    const rows = await screen.findAllByTestId('series-occurrence');
    expect(callsOf('plan_recurring')).toEqual([{ first, everyWeeks: 2, count: 4 }]);

    expect(rows.map((r) => r.dataset.free)).toEqual(['true', 'false', 'false', 'false']);
    expect(rows[0]).toHaveTextContent('Free');
    expect(rows[1]).toHaveTextContent('Dr. Grace Chen already sees Sam Okafor Tue 18 Mar 10:00–10:30');
    expect(within(rows[1]!).getByRole('radio', { name: 'Move to 10:30–11:00' })).toBeInTheDocument();
    expect(rows[2]).toHaveTextContent('No free time that day');
    expect(within(rows[2]!).queryByTestId('series-move')).not.toBeInTheDocument();
    // Taken dates are skipped until the user chooses otherwise.
    for (const row of rows.slice(1)) expect(within(row).getByRole('radio', { name: 'Skip' })).toBeChecked();
    expect(screen.getByTestId('series-book')).toHaveTextContent('Book 1 appointment');

    // 18 March: the suggested 10:30, from the keyboard; 1 April: skipped; 15 April: 11:15.
    expect(screen.getByTestId('series-plan')).toHaveFocus();
    await user.tab();
    expect(within(rows[1]!).getByRole('radio', { name: 'Skip' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(within(rows[1]!).getByRole('radio', { name: 'Move to 10:30–11:00' })).toBeChecked();
    await user.click(within(rows[3]!).getByRole('radio', { name: 'Another time' }));
    await user.click(screen.getByTestId('series-book'));
    expect(await within(rows[3]!).findByText('Enter a time, or skip this date.')).toBeInTheDocument();
    expect(callsOf('book_recurring')).toHaveLength(0);

    await user.type(within(rows[3]!).getByTestId('series-other-time'), '11:15');
    expect(screen.getByTestId('series-book')).toHaveTextContent('Book 3 appointments');
    await user.click(screen.getByTestId('series-book'));
    await waitFor(() => {
      expect(callsOf('book_recurring')).toEqual([
        {
          first,
          occurrences: [
            { startsAt: '2025-03-04T16:00:00Z', endsAt: '2025-03-04T16:30:00Z' },
            { startsAt: '2025-03-18T15:30:00Z', endsAt: '2025-03-18T16:00:00Z' },
            { startsAt: '2025-04-15T16:15:00Z', endsAt: '2025-04-15T16:45:00Z' },
          ],
        },
      ]);
    });
    expect(await screen.findByTestId('series-booked')).toHaveTextContent('3 appointments booked.');
    expect(screen.getByTestId('series-close')).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onClose).toHaveBeenCalled();
  });

  it('shows the errors of planning and booking where they belong', async () => {
    let planned = 0;
    let booked = 0;
    const { user } = setup({
      plan_recurring: () => {
        planned += 1;
        if (planned === 1) throw new IpcRejection('validation', '2 to 52 appointments', 'count');
        return plan;
      },
      book_recurring: () => {
        booked += 1;
        if (booked === 1) throw new IpcRejection('validation', 'two occurrences overlap', 'occurrences');
        throw new IpcRejection('conflict', 'nothing was booked; not free: Tue 4 Mar 10:00–10:30');
      },
    });
    await askForSeries(user);
    expect(await screen.findByText('2 to 52 appointments')).toBeInTheDocument();
    expect(screen.queryByTestId('series-plan')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('booking-submit'));
    await screen.findByTestId('series-plan');
    await user.click(screen.getByTestId('series-book'));
    expect(await screen.findByTestId('series-occurrences-error')).toHaveTextContent('two occurrences overlap');
    await user.click(screen.getByTestId('series-book'));
    expect(await screen.findByTestId('series-error')).toHaveTextContent('nothing was booked; not free: Tue 4 Mar 10:00–10:30');
    expect(screen.queryByTestId('series-occurrences-error')).not.toBeInTheDocument();

    // Back keeps what was typed.
    await user.click(screen.getByTestId('series-back'));
    expect(screen.getByTestId('booking-submit')).toHaveFocus();
    expect(screen.getByTestId('booking-patient')).toHaveValue('Last1, First1');
    expect(screen.getByTestId('booking-repeat')).toHaveValue('2');
  });
});
