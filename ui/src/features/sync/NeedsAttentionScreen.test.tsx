import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Attention, PatientRow, ResolveArgs } from '../../api/types';
import { appointment } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { NeedsAttentionScreen } from './NeedsAttentionScreen';

function entry(overrides: Partial<Attention> = {}): Attention {
  return {
    id: 'c1',
    kind: 'refused',
    table: 'appointments',
    rowId: 'a2',
    code: 'booking_clash',
    reason: 'the provider already has a booking from 2025-03-04T14:00:00.000Z to 2025-03-04T14:30:00.000Z',
    values: [],
    mineBy: 'Lena Ward',
    mineAt: '2025-03-03T10:00:00Z',
    theirsBy: null,
    theirsAt: null,
    detectedAt: '2025-03-03T12:00:00Z',
    patient: { id: 'p2', name: 'Bo Lind', mrn: 'B-000004' },
    otherPatient: null,
    records: [],
    booking: appointment({ id: 'a2', patientName: 'Bo Lind', localStart: '09:15', localEnd: '09:45', needsAttention: true }),
    clashing: appointment({ id: 'a1' }),
    onServer: false,
    actions: ['move', 'overbook', 'cancel'],
    ...overrides,
  };
}

const phone = entry({
  id: 'c2',
  kind: 'overwritten',
  table: 'patients',
  rowId: 'p1',
  code: null,
  reason: "the other device's edit is newer",
  values: [{ field: 'phone', mine: '+15552000001', theirs: '+15553000002' }],
  mineBy: 'Lena Ward',
  theirsBy: 'Dr. Grace Chen',
  theirsAt: '2025-03-03T11:00:00Z',
  patient: { id: 'p1', name: 'Maria Lopez', mrn: 'MRN-000123' },
  booking: null,
  clashing: null,
  onServer: true,
  actions: ['keep_mine', 'keep_theirs'],
});

function record(id: string, firstName: string, lastName: string, mrn: string, phone: string | null): PatientRow {
  return { id, mrn, firstName, lastName, dateOfBirth: '1990-04-05', sex: 'male', phone, email: null, archived: false };
}

const joseThere = record('p8', 'Jose', 'Nunez Diaz', 'B-000008', '+1 555-201-0001');
const joseHere = record('p3', 'José', 'Núñez', 'A-000003', '+1 555-201-0001');

const duplicate = entry({
  id: 'c3',
  kind: 'duplicate',
  table: 'patients',
  rowId: 'p8',
  code: 'possible_duplicate',
  reason: null,
  mineBy: null,
  mineAt: null,
  patient: { id: 'p8', name: 'Jose Nunez Diaz', mrn: 'B-000008' },
  otherPatient: { id: 'p3', name: 'José Núñez', mrn: 'A-000003' },
  records: [joseThere, joseHere],
  booking: null,
  clashing: null,
  onServer: true,
  actions: ['merge', 'dismiss'],
});

describe('Needs attention', () => {
  it('says all is settled when nothing is left', async () => {
    mockCommands({ needs_attention: () => [] });
    renderWithProviders(<NeedsAttentionScreen />);
    expect(await screen.findByTestId('attention-empty')).toHaveTextContent('Nothing needs attention.');
  });

  it('shows a refused booking beside the one holding the time, and moves it to a time the user picks', async () => {
    const resolved: ResolveArgs[] = [];
    mockCommands({
      needs_attention: () => (resolved.length === 0 ? [entry()] : []),
      resolve_attention: (args: ResolveArgs) => {
        if (args.resolution.action === 'move' && args.resolution.startsAt?.includes('T14:00')) {
          throw new IpcRejection('conflict', 'Dr. Grace Chen is booked then');
        }
        resolved.push(args);
        return null;
      },
    });
    const { user } = renderWithProviders(<NeedsAttentionScreen />, { timeZone: 'UTC' });
    const card = await screen.findByTestId('attention-entry');
    expect(within(card).getByTestId('attention-headline')).toHaveTextContent(
      'Dr. Grace Chen already has a booking at that time',
    );
    expect(within(card).getByTestId('attention-patient')).toHaveTextContent('Bo Lind (B-000004)');
    expect(within(card).getByTestId('attention-mine')).toHaveTextContent('Booked on this computer (Lena Ward');
    expect(within(card).getByTestId('attention-mine')).toHaveTextContent('Bo Lind with Dr. Grace Chen');
    expect(within(card).getByTestId('attention-theirs')).toHaveTextContent('Maria Lopez');

    // A time still taken: Rust's reason, the entry stays.
    await user.click(within(card).getByTestId('attention-move'));
    const time = within(card).getByTestId('attention-move-time');
    await user.clear(time);
    await user.type(time, '14:00');
    await user.click(within(card).getByTestId('attention-move-submit'));
    expect(await within(card).findByTestId('attention-error')).toBeInTheDocument();
    expect(resolved).toHaveLength(0);

    await user.clear(time);
    await user.type(time, '16:00');
    await user.click(within(card).getByTestId('attention-move-submit'));
    expect(await screen.findByTestId('attention-empty')).toBeInTheDocument();
    expect(resolved).toEqual([
      {
        id: 'c1',
        resolution: { action: 'move', startsAt: '2025-03-04T16:00:00Z', endsAt: '2025-03-04T16:30:00Z' },
      },
    ]);
  });

  it('offers only what Rust offers: a receptionist cancels with a reason, and cannot overbook', async () => {
    mockCommands({ needs_attention: () => [entry({ actions: ['move', 'cancel'] })], resolve_attention: () => null });
    const { user } = renderWithProviders(<NeedsAttentionScreen />);
    const card = await screen.findByTestId('attention-entry');
    expect(within(card).queryByTestId('attention-overbook')).not.toBeInTheDocument();
    await user.click(within(card).getByTestId('attention-cancel'));
    await user.click(within(card).getByTestId('cancel-submit'));
    expect(within(card).getByText('Give a reason for cancelling.')).toBeInTheDocument();
    await user.type(within(card).getByTestId('cancel-reason'), 'Booked twice');
    await user.click(within(card).getByTestId('cancel-submit'));
    expect(callsOf('resolve_attention')).toEqual([
      { id: 'c1', resolution: { action: 'cancel', cancellationReason: 'Booked twice' } },
    ]);
  });

  it('shows both values of a field edited on two computers, who wrote each, and keeps the one chosen', async () => {
    mockCommands({ needs_attention: () => [phone], resolve_attention: () => null });
    const { user } = renderWithProviders(<NeedsAttentionScreen />);
    const card = await screen.findByTestId('attention-entry');
    expect(card).toHaveAttribute('data-kind', 'overwritten');
    expect(within(card).getByTestId('attention-headline')).toHaveTextContent('“Phone” was changed on this computer');
    expect(within(card).getByTestId('attention-value-mine')).toHaveTextContent('+15552000001');
    expect(within(card).getByTestId('attention-value-theirs')).toHaveTextContent('+15553000002');
    expect(within(card).getByText(/Other computer \(Dr\. Grace Chen/)).toBeInTheDocument();
    await user.click(within(card).getByTestId('attention-keep-mine'));
    expect(callsOf('resolve_attention')).toEqual([{ id: 'c2', resolution: { action: 'keep_mine' } }]);
  });

  it('tells a merge refused for being made the other way elsewhere by the two records, with nothing to choose', async () => {
    const refused = entry({
      id: 'c4',
      table: 'patients',
      rowId: 'p1',
      code: 'merged_elsewhere',
      reason: 'another computer merged these two records the other way first',
      patient: { id: 'p1', name: 'Ana Ruiz', mrn: 'A-000001' },
      otherPatient: { id: 'p2', name: 'Ana Ruiz Soto', mrn: 'A-000002' },
      booking: null,
      clashing: null,
      onServer: true,
      actions: ['dismiss'],
    });
    mockCommands({ needs_attention: () => [refused], resolve_attention: () => null });
    const { user } = renderWithProviders(<NeedsAttentionScreen />);
    const card = await screen.findByTestId('attention-entry');
    expect(within(card).getByTestId('attention-headline')).toHaveTextContent(
      'Merging Ana Ruiz into Ana Ruiz Soto was refused: another computer had already merged these records another way.',
    );
    expect(within(card).queryByTestId('attention-values')).not.toBeInTheDocument();
    await user.click(within(card).getByTestId('attention-dismiss'));
    expect(callsOf('resolve_attention')).toEqual([{ id: 'c4', resolution: { action: 'dismiss' } }]);
  });

  it('suggests merging one person registered on two computers apart: the merge review opens with both records', async () => {
    mockCommands({
      needs_attention: () => [duplicate],
      resolve_attention: () => null,
      patient_merge_preview: ({ keptPatientId, mergedPatientId }) => ({
        kept: keptPatientId === 'p3' ? joseHere : joseThere,
        merged: mergedPatientId === 'p3' ? joseHere : joseThere,
        moves: { appointments: 1, visits: 0, invoices: 0, payments: 0, allergies: 0, clinicalRecords: 0, waitlistEntries: 0 },
        fills: [],
      }),
    });
    const { user } = renderWithProviders(<NeedsAttentionScreen />);
    const card = await screen.findByTestId('attention-entry');
    expect(card).toHaveAttribute('data-kind', 'duplicate');
    expect(within(card).getByTestId('attention-headline')).toHaveTextContent(
      'Jose Nunez Diaz was registered on another computer while it was apart from this one, and looks like José Núñez, registered here.',
    );
    const [pulled, here] = within(card).getAllByTestId('attention-record');
    expect(pulled).toHaveTextContent('Registered on the other computer');
    expect(pulled).toHaveTextContent('Jose Nunez Diaz · B-000008');
    expect(here).toHaveTextContent('José Núñez · A-000003');
    expect(within(card).getByTestId('attention-dismiss')).toHaveTextContent('Not the same person');

    // The record registered here is kept unless the user swaps.
    await user.click(within(card).getByTestId('attention-merge'));
    expect(await screen.findByTestId('merge-preview')).toBeInTheDocument();
    expect(callsOf('patient_merge_preview')).toEqual([{ keptPatientId: 'p3', mergedPatientId: 'p8' }]);
    expect(screen.getByTestId('merge-kept')).toHaveTextContent('A-000003');
    expect(callsOf('resolve_attention')).toEqual([]);
  });

  it('settles a suggested merge as two people', async () => {
    mockCommands({ needs_attention: () => [duplicate], resolve_attention: () => null });
    const { user } = renderWithProviders(<NeedsAttentionScreen />);
    const card = await screen.findByTestId('attention-entry');
    await user.click(within(card).getByTestId('attention-dismiss'));
    expect(callsOf('resolve_attention')).toEqual([{ id: 'c3', resolution: { action: 'dismiss' } }]);
  });
});
