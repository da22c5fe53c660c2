import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { PlannedOccurrence } from '../../api/types';
import { patientHeader, patientRows } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands, problem, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { BookingDialog, type BookingSlot } from './BookingDialog';

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
    conflict: problem('provider_booked', {
      provider: 'Dr. Grace Chen',
      date: { date: '2025-03-18' },
      start: '10:00',
      end: '10:30',
      patient: 'Sam Okafor',
      mrn: 'M-7',
    }),
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
    conflict: problem('not_working_then', {
      provider: 'Dr. Grace Chen',
      date: { date: '2025-04-01' },
      start: '10:00',
      end: '10:30',
    }),
    alternative: null,
  },
  {
    startsAt: '2025-04-15T15:00:00Z',
    endsAt: '2025-04-15T15:30:00Z',
    localDate: '2025-04-15',
    localStart: '10:00',
    localEnd: '10:30',
    conflict: problem('patient_booked', {
      patient: 'Maria Lopez',
      date: { date: '2025-04-15' },
      start: '10:00',
      end: '10:30',
      provider: 'Dr. Omar Haddad',
    }),
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

function setup(handlers: CommandHandlers = {}, slot: BookingSlot = { providerId: 'v1', providerName: 'Dr. Grace Chen', date: '2025-03-04', minute: 600 }) {
  mockCommands({
    appointment_types: () => [],
    free_time: () => ({ minutes: 120, until: '12:00' }),
    patient_header: ({ patientId }) => patientHeader({ id: patientId }),
    list_patients: ({ text }) => ({ total: text ? 1 : 0, tooMany: false, rows: text ? patientRows(1) : [] }),
    plan_recurring: () => plan,
    ...handlers,
  });
  const onClose = vi.fn();
  const rendered = renderWithProviders(
    <BookingDialog
      slot={slot}
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

/** Picks the first patient the search offers. */
async function pickPatient(user: ReturnType<typeof setup>['user']) {
  await waitFor(() => {
    expect(screen.getByTestId('booking-patient')).toHaveFocus();
  });
  await user.keyboard('La');
  await screen.findByTestId('booking-patient-option');
  await user.keyboard('{Enter}');
}

describe('Booking past a break or the end of hours', () => {
  it('says where the time runs out and books only when the user confirms, after any other warning', async () => {
    const { user, onClose } = setup({
      book_appointment: (args) => {
        if (!args.allowPatientOverlap) throw new IpcRejection('patient_already_booked', 'Maria Lopez is booked with Dr. Omar Haddad Tue 4 Mar 10:00–10:30');
        if (!args.allowOutsideHours) {
          throw new IpcRejection(
            'outside_working_hours',
            "Tue 4 Mar 2025, 10:00–10:30 runs into Dr. Grace Chen's break from 10:15 to 11:00.",
            null,
            problem('runs_into_break', {
              date: { date: '2025-03-04' },
              start: '10:00',
              end: '10:30',
              provider: 'Dr. Grace Chen',
              from: '10:15',
              to: '11:00',
            }),
          );
        }
        return 'a9';
      },
    });
    await pickPatient(user);
    await user.click(screen.getByTestId('booking-submit'));
    expect(await screen.findByTestId('booking-overlap')).toHaveTextContent('booked with Dr. Omar Haddad');
    await user.click(screen.getByTestId('booking-anyway'));
    const warning = await screen.findByTestId('booking-outside-hours');
    // Rust's problem, translated, the date as the dialogs write it.
    expect(warning).toHaveTextContent("Tue, Mar 4, 2025, 10:00–10:30 runs into Dr. Grace Chen's break from 10:15 to 11:00.");
    expect(screen.queryByTestId('booking-overlap')).not.toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    await user.click(within(warning).getByTestId('booking-anyway'));
    await waitFor(() => {
      expect(onClose).toHaveBeenCalled();
    });
    expect(callsOf('book_appointment').map((a) => [a.allowPatientOverlap, a.allowOutsideHours])).toEqual([
      [undefined, undefined],
      [true, undefined],
      [true, true],
    ]);
  });

  it('offers first the appointment types that fit the free time', async () => {
    setup({
      appointment_types: () => [
        { id: 't1', name: 'Follow-up', durationMinutes: 15 },
        { id: 't2', name: 'New patient', durationMinutes: 45 },
      ],
      free_time: () => ({ minutes: 30, until: '10:30' }),
    });
    const select = screen.getByTestId('booking-type');
    await waitFor(() => {
      expect(within(select).getByRole('group', { name: 'Longer than the free time (30 min, until 10:30)' })).toHaveTextContent(
        'New patient (45 min)',
      );
    });
    const offered = within(select)
      .getAllByRole('option')
      .filter((o) => o.parentElement === select)
      .map((o) => o.textContent);
    expect(offered).toEqual(['No type (30 min)', 'Follow-up (15 min)']);
    expect(callsOf('free_time')).toEqual([{ providerId: 'v1', startsAt: '2025-03-04T16:00:00Z' }]);
  });

  it('books the instant of the slot it was given, also in the hour that happens twice when clocks go back', async () => {
    // 2 November 2025, 01:30 in Chicago happens twice: 06:30Z (CDT) and 07:30Z (CST). The slot is the second.
    const { user } = setup({ book_appointment: () => 'a9' }, {
      providerId: 'v1',
      providerName: 'Dr. Grace Chen',
      date: '2025-11-02',
      minute: 90,
      startsAt: '2025-11-02T07:30:00Z',
    });
    await pickPatient(user);
    await user.click(screen.getByTestId('booking-submit'));
    await waitFor(() => {
      expect(callsOf('book_appointment')).toHaveLength(1);
    });
    expect(callsOf('book_appointment')[0]).toMatchObject({ startsAt: '2025-11-02T07:30:00Z', endsAt: '2025-11-02T08:00:00Z' });
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
    // Rust's problem, translated, its date written as the dialogs write dates.
    expect(rows[1]).toHaveTextContent(
      'Dr. Grace Chen is already booked on Tue, Mar 18, 2025, 10:00–10:30, with Sam Okafor (M-7).',
    );
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
