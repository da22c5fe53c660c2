import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Provider } from '../../api/types';
import { patientRows, waitlistEntry } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { WaitlistPanel } from './WaitlistPanel';

function provider(id: string, displayName: string, specialty: string): Provider {
  return { id, userId: null, displayName, specialty, licenceNumber: null, colour: '#2f9e44', archived: false };
}

function setup(handlers: CommandHandlers = {}) {
  mockCommands({
    waitlist: () => [
      waitlistEntry(),
      waitlistEntry({
        id: 'w2',
        patientName: 'Ben Ito',
        phone: null,
        providerId: null,
        providerName: null,
        specialty: 'Paediatrics',
        appointmentType: 'Follow-up',
        weekdays: [],
        earliestTime: null,
        note: null,
      }),
    ],
    list_providers: () => [
      provider('v1', 'Dr. Grace Chen', 'Family medicine'),
      provider('v2', 'Dr. Omar Haddad', 'Paediatrics'),
      provider('v3', 'Dr. Lea Park', 'Paediatrics'),
    ],
    appointment_types: () => [{ id: 't1', name: 'Follow-up', durationMinutes: 15 }],
    list_patients: ({ text }) => ({ total: text ? 1 : 0, tooMany: false, rows: text ? patientRows(1) : [] }),
    ...handlers,
  });
  return renderWithProviders(<WaitlistPanel start={null} />);
}

describe('Waitlist panel', () => {
  it('lists who waits for what, and takes a patient off the list', async () => {
    const { user } = setup({ remove_from_waitlist: () => null });
    const [ana, ben] = await screen.findAllByTestId('waitlist-panel-entry');
    expect(ana).toHaveTextContent('Ana Ruiz');
    expect(ana).toHaveTextContent('MRN-000009 · 555-0199');
    expect(ana).toHaveTextContent('Dr. Grace Chen');
    expect(ana).toHaveTextContent('Tue, Thu');
    expect(ana).toHaveTextContent('09:00–12:00');
    expect(ana).toHaveTextContent('Mar 1, 2025');
    expect(ana).toHaveTextContent('Mornings only');
    expect(ben).toHaveTextContent('Any Paediatrics provider');
    expect(ben).toHaveTextContent('Follow-up');
    expect(ben).toHaveTextContent('Any day');
    expect(ben).toHaveTextContent('Until 12:00');

    await user.click(screen.getByRole('button', { name: 'Remove Ben Ito from the waitlist' }));
    await waitFor(() => {
      expect(callsOf('remove_from_waitlist')).toEqual([{ entryId: 'w2' }]);
    });
    expect(await screen.findByText('Ben Ito was taken off the waitlist.')).toBeInTheDocument();
    await waitFor(() => {
      expect(callsOf('waitlist')).toHaveLength(2);
    });
  });

  it('shows why a patient could not be taken off', async () => {
    const { user } = setup({
      remove_from_waitlist: () => {
        throw new IpcRejection('not_found', 'this waitlist entry is not open');
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Remove Ana Ruiz from the waitlist' }));
    expect(await screen.findByTestId('waitlist-remove-error')).toHaveTextContent('this waitlist entry is not open');
  });

  it('adds a patient for any provider of a specialty, on chosen days and times', async () => {
    let attempt = 0;
    const { user } = setup({
      add_to_waitlist: () => {
        attempt += 1;
        if (attempt === 1) throw new IpcRejection('validation', 'the latest time must be after the earliest', 'latestTime');
        return 'w3';
      },
    });
    await user.click(await screen.findByTestId('waitlist-add'));
    await user.click(screen.getByTestId('waitlist-submit'));
    expect(await screen.findByText('Choose a patient.')).toBeInTheDocument();
    expect(screen.getByText('Choose a provider or a specialty.')).toBeInTheDocument();
    expect(callsOf('add_to_waitlist')).toHaveLength(0);

    await user.type(screen.getByTestId('waitlist-patient'), 'La');
    await screen.findByTestId('waitlist-patient-option');
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('waitlist-patient')).toHaveValue('Last1, First1');
    // Each specialty once, though two providers have it.
    expect(screen.getAllByRole('option', { name: 'Any Paediatrics provider' })).toHaveLength(1);
    await user.selectOptions(screen.getByTestId('waitlist-wants'), 'Any Paediatrics provider');
    await user.selectOptions(screen.getByTestId('waitlist-type'), 't1');
    await user.click(screen.getByRole('checkbox', { name: 'Thu' }));
    await user.click(screen.getByRole('checkbox', { name: 'Tue' }));
    await user.type(screen.getByTestId('waitlist-earliest'), '09:00');
    await user.type(screen.getByTestId('waitlist-latest'), '08:00');
    await user.type(screen.getByTestId('waitlist-note'), ' Mornings {Enter}');
    expect(await screen.findByText('the latest time must be after the earliest')).toBeInTheDocument();

    await user.clear(screen.getByTestId('waitlist-latest'));
    await user.type(screen.getByTestId('waitlist-latest'), '12:00{Enter}');
    await waitFor(() => {
      expect(callsOf('add_to_waitlist')).toHaveLength(2);
    });
    expect(callsOf('add_to_waitlist')[1]).toEqual({
      patientId: 'p1',
      providerId: null,
      specialty: 'Paediatrics',
      appointmentTypeId: 't1',
      weekdays: [2, 4],
      earliestTime: '09:00',
      latestTime: '12:00',
      note: 'Mornings',
    });
    expect(await screen.findByText('First1 Last1 is on the waitlist.')).toBeInTheDocument();
    expect(screen.queryByTestId('waitlist-form')).not.toBeInTheDocument();
    expect(screen.getByTestId('waitlist-add')).toHaveFocus();
    await waitFor(() => {
      expect(callsOf('waitlist')).toHaveLength(2);
    });
  });
});
