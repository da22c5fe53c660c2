import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { AppointmentType } from '../../api/types';
import { overview, patientHeader, patientRows } from '../../test/fixtures';
import { callsOf, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { WalkInModal } from './WalkInModal';

function setup(types: AppointmentType[]) {
  mockCommands({
    list_patients: ({ text }) => ({ total: text ? 1 : 0, tooMany: false, rows: text ? patientRows(1) : [] }),
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
    appointment_types: () => types,
    book_walk_in: () => 'a9',
    clinic_overview: () => overview(),
    patient_header: ({ patientId }) => patientHeader({ id: patientId, firstName: 'First1', lastName: 'Last1' }),
  });
  return renderWithProviders(<WalkInModal opened onClose={vi.fn()} />);
}

/** Picks the patient and the provider. */
async function fillIn(user: ReturnType<typeof setup>['user']) {
  await user.type(await screen.findByTestId('walk-in-patient'), 'Las');
  await user.click(await screen.findByRole('option', { name: 'Last1, First1 · MRN-000001' }));
  await user.click(screen.getByTestId('walk-in-provider'));
  await user.click(await screen.findByRole('option', { name: 'Dr. Grace Chen' }));
}

const consultation = { id: 't1', name: 'Consultation', durationMinutes: 30 };
const walkIn = { id: 't2', name: 'Walk-in visit', durationMinutes: 10 };
const followUp = { id: 't3', name: 'Follow-up', durationMinutes: 15 };

describe('Walk-in', () => {
  it('starts with the walk-in type', async () => {
    const { user } = setup([consultation, walkIn, followUp]);
    expect(screen.queryByTestId('patient-header')).not.toBeInTheDocument();
    await fillIn(user);
    // The chosen patient's header shows (allergies, balance) before they join the queue.
    expect(await screen.findByTestId('patient-header')).toHaveTextContent('First1 Last1');
    expect(callsOf('patient_header')).toEqual([{ patientId: 'p1' }]);
    expect(await screen.findByTestId('walk-in-type')).toHaveValue('Walk-in visit (10 min)');
    await user.click(screen.getByTestId('walk-in-submit'));
    await waitFor(() => {
      expect(callsOf('book_walk_in')).toEqual([
        { patientId: 'p1', providerId: 'v1', appointmentTypeId: 't2', reason: null },
      ]);
    });
  });

  it('sends the type chosen with the keyboard, else the first type', async () => {
    const { user } = setup([consultation, followUp]);
    await fillIn(user);
    const type = await screen.findByTestId('walk-in-type');
    await waitFor(() => {
      expect(type).toHaveValue('Consultation (30 min)');
    });
    type.focus();
    await user.keyboard('{ArrowDown}');
    await screen.findByRole('option', { name: 'Follow-up (15 min)' });
    await user.keyboard('{ArrowDown}{Enter}');
    expect(type).toHaveValue('Follow-up (15 min)');
    await user.click(screen.getByTestId('walk-in-submit'));
    await waitFor(() => {
      expect(callsOf('book_walk_in')).toEqual([
        { patientId: 'p1', providerId: 'v1', appointmentTypeId: 't3', reason: null },
      ]);
    });
  });
});
