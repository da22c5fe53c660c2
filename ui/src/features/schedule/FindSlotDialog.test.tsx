import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Action, PatientDetails, Provider, Slot } from '../../api/types';
import { overview, patientHeader } from '../../test/fixtures';
import { callsOf, mockCommands, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { PatientDrawer } from '../patients/PatientDrawer';

function provider(id: string, displayName: string, specialty: string): Provider {
  return { id, userId: null, displayName, specialty, licenceNumber: null, colour: '#2f9e44', archived: false };
}

const grace = provider('v1', 'Dr. Grace Chen', 'Family medicine');
const omar = provider('v2', 'Dr. Omar Haddad', 'Cardiology');
const sam = provider('v3', 'Dr. Sam Okafor', 'Family medicine');

/** A free slot in Chicago (CST, UTC−6, in early March 2025). */
function slot(p: Provider, localDate: string, localStart: string, localEnd: string): Slot {
  const utc = (hhmm: string) => {
    const [h, m] = hhmm.split(':').map(Number);
    return `${localDate}T${String((h ?? 0) + 6).padStart(2, '0')}:${String(m ?? 0).padStart(2, '0')}:00Z`;
  };
  return {
    providerId: p.id,
    providerName: p.displayName,
    providerColour: p.colour,
    startsAt: utc(localStart),
    endsAt: utc(localEnd),
    localDate,
    localStart,
    localEnd,
  };
}

function details(overrides: Partial<PatientDetails> = {}): PatientDetails {
  return {
    id: 'p1',
    mrn: 'MRN-000123',
    firstName: 'Maria',
    lastName: 'Lopez',
    dateOfBirth: '1978-06-15',
    sex: 'female',
    phone: null,
    email: null,
    city: null,
    insurancePayer: null,
    insuranceMemberId: null,
    archived: false,
    ...overrides,
  };
}

/** What a receptionist may do here: see the patient and the schedule, and book. */
const BOOKS: Action[] = ['view_demographics', 'view_schedule', 'edit_schedule'];

function setup(allowed: Action[] = BOOKS, handlers: CommandHandlers = {}) {
  mockCommands({
    clinic_overview: () => overview(),
    patient: ({ patientId }) => details({ id: patientId }),
    patient_header: ({ patientId }) => patientHeader({ id: patientId }),
    patient_merges: () => [],
    list_providers: () => [grace, omar, sam],
    appointment_types: () => [{ id: 't1', name: 'Consultation', durationMinutes: 45 }],
    slot_minutes: () => 30,
    // Grace is free on Tuesday 4 March at 10:30 and 11:00 (as long as the type asks), not on Wednesday.
    available_slots: ({ day, appointmentTypeId }) => {
      if (day !== '2025-03-04') return [];
      return appointmentTypeId === 't1'
        ? [slot(grace, day, '10:30', '11:15'), slot(grace, day, '11:00', '11:45')]
        : [slot(grace, day, '10:30', '11:00'), slot(grace, day, '11:00', '11:30')];
    },
    next_free_slots: ({ providerId }) =>
      providerId === 'v1'
        ? [slot(grace, '2025-03-06', '09:00', '09:30'), slot(grace, '2025-03-07', '14:00', '14:30')]
        : [
            slot(grace, '2025-03-04', '10:30', '11:00'),
            slot(sam, '2025-03-04', '10:30', '11:00'),
            slot(sam, '2025-03-05', '08:00', '08:30'),
          ],
    book_appointment: () => 'a9',
    ...handlers,
  });
  return renderWithProviders(<PatientDrawer patientId="p1" onClose={() => undefined} />, { allowed });
}

/** Opens the dialog from the patient's record; the provider-or-specialty choice has the focus. */
async function openFinder(user: ReturnType<typeof setup>['user']) {
  await user.click(await screen.findByTestId('patient-book'));
  const dialog = await screen.findByRole('dialog', { name: 'Book an appointment for Maria Lopez' });
  const wants = await within(dialog).findByTestId('find-slot-wants');
  await waitFor(() => {
    expect(wants).toHaveFocus();
  });
  return { dialog, wants };
}

const optionTexts = () => screen.getAllByTestId('find-slot-option').map((b) => b.textContent);

describe('Booking from the patient’s record', () => {
  it('lists one provider’s free times of the day, moves a day, and finds the next free times', async () => {
    const { user } = setup();
    const { wants } = await openFinder(user);
    expect(screen.getByTestId('find-slot-choose')).toBeInTheDocument();
    expect(callsOf('available_slots')).toEqual([]);

    await user.selectOptions(wants, 'Dr. Grace Chen');
    await waitFor(() => {
      expect(optionTexts()).toEqual(['10:30 · Dr. Grace Chen', '11:00 · Dr. Grace Chen']);
    });
    expect(callsOf('available_slots')).toEqual([{ providerId: 'v1', day: '2025-03-04', appointmentTypeId: null }]);
    expect(screen.getByRole('group', { name: 'Tue, Mar 4, 2025' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Tue, Mar 4, 2025 10:30 · Dr. Grace Chen' })).toBeInTheDocument();
    // Today is the first day offered: nothing earlier is free.
    expect(screen.getByTestId('find-slot-prev')).toBeDisabled();

    // The type's length sets the slots' length: asked again for it.
    await user.selectOptions(screen.getByTestId('find-slot-type'), 'Consultation (45 min)');
    await waitFor(() => {
      expect(callsOf('available_slots').at(-1)).toEqual({ providerId: 'v1', day: '2025-03-04', appointmentTypeId: 't1' });
    });
    await user.selectOptions(screen.getByTestId('find-slot-type'), 'No type (30 min)');

    await user.click(screen.getByTestId('find-slot-next-day'));
    expect(await screen.findByTestId('find-slot-none')).toHaveTextContent(
      'Dr. Grace Chen has no free time on Wed, Mar 5, 2025.',
    );
    expect(callsOf('available_slots').at(-1)).toEqual({ providerId: 'v1', day: '2025-03-05', appointmentTypeId: null });
    expect(screen.queryByTestId('find-slot-option')).not.toBeInTheDocument();
    expect(callsOf('next_free_slots')).toEqual([]);

    await user.click(screen.getByTestId('find-slot-next'));
    await waitFor(() => {
      expect(optionTexts()).toEqual(['09:00 · Dr. Grace Chen', '14:00 · Dr. Grace Chen']);
    });
    expect(callsOf('next_free_slots')).toEqual([
      {
        providerId: 'v1',
        specialty: null,
        appointmentTypeId: null,
        durationMinutes: null,
        fromDate: '2025-03-05',
        count: 12,
      },
    ]);
    expect(screen.getAllByTestId('find-slot-day').map((g) => g.getAttribute('aria-label'))).toEqual([
      'Thu, Mar 6, 2025',
      'Fri, Mar 7, 2025',
    ]);

    // Back a day: the provider's day again.
    await user.click(screen.getByTestId('find-slot-prev'));
    await waitFor(() => {
      expect(optionTexts()).toEqual(['10:30 · Dr. Grace Chen', '11:00 · Dr. Grace Chen']);
    });
    expect(callsOf('next_free_slots')).toHaveLength(1);
  });

  it('finds the next free times with any provider of a specialty, grouped by day', async () => {
    const { user } = setup();
    const { wants } = await openFinder(user);
    await user.selectOptions(wants, 'Any Family medicine provider');
    await waitFor(() => {
      expect(screen.getAllByTestId('find-slot-day')).toHaveLength(2);
    });
    expect(callsOf('next_free_slots')).toEqual([
      {
        providerId: null,
        specialty: 'Family medicine',
        appointmentTypeId: null,
        durationMinutes: null,
        fromDate: '2025-03-04',
        count: 12,
      },
    ]);
    expect(callsOf('available_slots')).toEqual([]);
    const [tuesday, wednesday] = screen.getAllByTestId('find-slot-day');
    expect(tuesday).toHaveAttribute('aria-label', 'Tue, Mar 4, 2025');
    expect(within(tuesday!).getAllByTestId('find-slot-option').map((b) => b.textContent)).toEqual([
      '10:30 · Dr. Grace Chen',
      '10:30 · Dr. Sam Okafor',
    ]);
    expect(within(wednesday!).getByRole('button', { name: 'Wed, Mar 5, 2025 08:00 · Dr. Sam Okafor' })).toBeInTheDocument();
    expect(screen.getByLabelText('From')).toBeInTheDocument();

    await user.click(screen.getByTestId('find-slot-next-day'));
    await waitFor(() => {
      expect(callsOf('next_free_slots').at(-1)).toMatchObject({ specialty: 'Family medicine', fromDate: '2025-03-05' });
    });
  });

  it('books the picked time for the patient with the keyboard alone, then closes and refreshes the header', async () => {
    const { user } = setup();
    const { wants } = await openFinder(user);
    const headerCalls = callsOf('patient_header').length;
    await user.selectOptions(wants, 'Dr. Grace Chen');
    await user.tab();
    const type = screen.getByTestId('find-slot-type');
    expect(type).toHaveFocus();
    await user.selectOptions(type, 'Consultation (45 min)');
    await waitFor(() => {
      expect(optionTexts()).toEqual(['10:30 · Dr. Grace Chen', '11:00 · Dr. Grace Chen']);
    });
    // Type, (the previous day is today's past: disabled), the day, the next day, then the times.
    await user.tab();
    expect(screen.getByTestId('find-slot-day-input')).toHaveFocus();
    await user.tab();
    expect(screen.getByTestId('find-slot-next-day')).toHaveFocus();
    await user.tab();
    expect(screen.getByRole('button', { name: 'Tue, Mar 4, 2025 10:30 · Dr. Grace Chen' })).toHaveFocus();
    await user.keyboard('{Enter}');

    const booking = await screen.findByRole('dialog', { name: 'Book an appointment' });
    expect(screen.queryByRole('dialog', { name: 'Book an appointment for Maria Lopez' })).not.toBeInTheDocument();
    expect(within(booking).getByTestId('booking-when')).toHaveTextContent('Dr. Grace Chen · Tue, Mar 4, 2025 · 10:30–11:15');
    const patient = within(booking).getByTestId('booking-patient');
    expect(patient).toHaveValue('Lopez, Maria');
    expect(within(booking).getByTestId('booking-type')).toHaveValue('t1');
    await waitFor(() => {
      expect(patient).toHaveFocus();
    });
    await user.keyboard('{Enter}');

    await waitFor(() => {
      expect(callsOf('book_appointment')).toEqual([
        {
          patientId: 'p1',
          providerId: 'v1',
          appointmentTypeId: 't1',
          // The slot's own start and end.
          startsAt: '2025-03-04T16:30:00Z',
          endsAt: '2025-03-04T17:15:00Z',
          reason: null,
        },
      ]);
    });
    expect(await screen.findByText('Appointment booked.')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Book an appointment' })).not.toBeInTheDocument();
    });
    expect(screen.queryByRole('dialog', { name: 'Book an appointment for Maria Lopez' })).not.toBeInTheDocument();
    // The record stays open, its header (next appointment) fetched again.
    expect(screen.getByTestId('patient-record')).toBeInTheDocument();
    await waitFor(() => {
      expect(callsOf('patient_header').length).toBeGreaterThan(headerCalls);
    });
  });

  it('goes back to the times, on the one picked, when the booking is cancelled', async () => {
    const { user } = setup();
    const { wants } = await openFinder(user);
    await user.selectOptions(wants, 'Dr. Grace Chen');
    await user.click(await screen.findByRole('button', { name: 'Tue, Mar 4, 2025 11:00 · Dr. Grace Chen' }));
    const booking = await screen.findByRole('dialog', { name: 'Book an appointment' });
    expect(within(booking).getByTestId('booking-when')).toHaveTextContent('Dr. Grace Chen · Tue, Mar 4, 2025 · 11:00–11:30');
    await user.click(within(booking).getByRole('button', { name: 'Cancel' }));

    await screen.findByRole('dialog', { name: 'Book an appointment for Maria Lopez' });
    expect(screen.queryByRole('dialog', { name: 'Book an appointment' })).not.toBeInTheDocument();
    expect(screen.getByTestId('find-slot-wants')).toHaveValue('provider:v1');
    await waitFor(() => {
      expect(screen.getByRole('button', { name: 'Tue, Mar 4, 2025 11:00 · Dr. Grace Chen' })).toHaveFocus();
    });
    expect(callsOf('book_appointment')).toEqual([]);
  });

  it('is offered to those who may book, and not for an archived patient', async () => {
    const doctor = setup(['view_demographics', 'view_schedule']);
    expect(await screen.findByTestId('patient-record')).toBeInTheDocument();
    expect(screen.queryByTestId('patient-book')).not.toBeInTheDocument();
    doctor.unmount();

    const archived = setup(BOOKS, { patient: ({ patientId }) => details({ id: patientId, archived: true }) });
    const button = await screen.findByTestId('patient-book');
    expect(button).toBeDisabled();
    expect(screen.getByTestId('patient-book-archived')).toHaveTextContent(
      'Bring the patient back to book an appointment.',
    );
    archived.unmount();

    setup();
    expect(await screen.findByTestId('patient-book')).toBeEnabled();
    expect(screen.queryByTestId('patient-book-archived')).not.toBeInTheDocument();
  });
});
