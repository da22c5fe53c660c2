import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Action, MergePatientsArgs, PatientDetails, PatientMerge, PatientRow } from '../../api/types';
import { overview, patientHeader } from '../../test/fixtures';
import { callsOf, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { PatientDrawer } from './PatientDrawer';

function details(id: 'p1' | 'p2'): PatientDetails {
  return id === 'p1'
    ? {
        id: 'p1',
        mrn: 'A-000001',
        firstName: 'José',
        lastName: 'Núñez',
        dateOfBirth: '1970-01-31',
        sex: 'male',
        phone: '+34 612 34 56 78',
        email: null,
        city: null,
        insurancePayer: null,
        insuranceMemberId: null,
        archived: false,
      }
    : {
        id: 'p2',
        mrn: 'A-000012',
        firstName: 'José',
        lastName: 'Nunez',
        dateOfBirth: '1970-01-31',
        sex: 'male',
        phone: null,
        email: 'jose@example.org',
        city: 'Sevilla',
        insurancePayer: 'Sanitas',
        insuranceMemberId: null,
        archived: false,
      };
}

function row(id: 'p1' | 'p2'): PatientRow {
  const p = details(id);
  return {
    id,
    mrn: p.mrn,
    firstName: p.firstName,
    lastName: p.lastName,
    dateOfBirth: p.dateOfBirth,
    sex: p.sex,
    phone: p.phone,
    email: p.email,
    archived: p.archived,
  };
}

function merge(overrides: Partial<PatientMerge> = {}): PatientMerge {
  return {
    id: 'm1',
    keptPatientId: 'p1',
    mergedPatientId: 'p2',
    mergedMrn: 'A-000012',
    mergedName: 'José Nunez',
    mergedAt: '2025-03-04T10:00:00Z',
    mergedBy: 'Sam Reception',
    moved: { appointments: 2, visits: 1, invoices: 0, payments: 0, allergies: 0, clinicalRecords: 0, waitlistEntries: 0 },
    undoneAt: null,
    undoable: true,
    ...overrides,
  };
}

function mockMerging(merges: PatientMerge[] = []) {
  // After a merge, a merged record's id opens the record it was merged into (as Rust does).
  let redirect: MergePatientsArgs | null = null;
  mockCommands({
    clinic_overview: () => overview(),
    patient: ({ patientId }) => {
      const id = redirect?.mergedPatientId === patientId ? redirect.keptPatientId : patientId;
      return details(id === 'p2' ? 'p2' : 'p1');
    },
    patient_header: ({ patientId }) => patientHeader({ id: patientId }),
    patient_merges: () => merges,
    list_patients: ({ text }) => {
      const rows = [row('p1'), row('p2')].filter((p) => text !== null && `${p.lastName} ${p.mrn}`.includes(text));
      return { total: rows.length, tooMany: false, rows };
    },
    patient_merge_preview: ({ keptPatientId, mergedPatientId }) => ({
      kept: row(keptPatientId === 'p2' ? 'p2' : 'p1'),
      merged: row(mergedPatientId === 'p2' ? 'p2' : 'p1'),
      moves: { appointments: 2, visits: 1, invoices: 0, payments: 1, allergies: 0, clinicalRecords: 2, waitlistEntries: 1 },
      fills: keptPatientId === 'p1' ? ['email', 'city', 'insurance_payer'] : ['phone'],
    }),
    merge_patients: (args) => {
      redirect = args;
      return merge({ keptPatientId: args.keptPatientId, mergedPatientId: args.mergedPatientId });
    },
    undo_patient_merge: () => null,
  });
}

/** Who edits patients and may undo merges, who edits patients, who only reads them. */
const UNDOES: Action[] = ['view_demographics', 'edit_demographics', 'undo_patient_merge'];
const EDITS: Action[] = ['view_demographics', 'edit_demographics'];
const READS: Action[] = ['view_demographics'];

function renderDrawer(allowed: Action[]) {
  return renderWithProviders(<PatientDrawer patientId="p1" onClose={() => undefined} />, { allowed });
}

async function findOtherRecord(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.click(await screen.findByTestId('patient-merge-open'));
  await user.type(await screen.findByTestId('merge-find'), 'Nunez');
  await user.click(await screen.findByTestId('merge-find-option'));
  return screen.findByTestId('merge-preview');
}

describe('merging two records of a patient', () => {
  it('shows both records and what moves, zeros left out, then merges the other record into this one', async () => {
    mockMerging();
    const { user } = renderDrawer(EDITS);
    const preview = await findOtherRecord(user);
    expect(callsOf('patient_merge_preview')).toEqual([{ keptPatientId: 'p1', mergedPatientId: 'p2' }]);

    const kept = within(preview).getByTestId('merge-kept');
    expect(kept).toHaveTextContent('José Núñez');
    expect(kept).toHaveTextContent('MRN: A-000001');
    expect(kept).toHaveTextContent('Date of birth: Jan 31, 1970');
    expect(kept).toHaveTextContent('+34 612 34 56 78');
    expect(kept).toHaveTextContent('No email');
    expect(within(preview).getByTestId('merge-merged')).toHaveTextContent('A-000012');
    expect(within(preview).getByTestId('merge-merged')).toHaveTextContent('jose@example.org');
    expect(within(preview).getByTestId('merge-moves')).toHaveTextContent(
      'Moves to the kept record: 2 appointments, 1 visit, 1 payment, 2 clinical records, 1 waitlist entry.',
    );
    expect(within(preview).getByTestId('merge-moves')).not.toHaveTextContent(/invoice|allerg/);
    expect(within(preview).getByTestId('merge-fills')).toHaveTextContent(
      'Empty fields of the kept record filled in from the other: email, city, insurance.',
    );

    const confirm = screen.getByTestId('merge-confirm');
    expect(confirm).toHaveTextContent('Merge into José Núñez (A-000001)');
    await user.click(confirm);
    await waitFor(() => expect(callsOf('merge_patients')).toEqual([{ keptPatientId: 'p1', mergedPatientId: 'p2' }]));
    await waitFor(() => expect(screen.queryByTestId('merge-preview')).not.toBeInTheDocument());
    expect(await screen.findByText('The records are merged.')).toBeInTheDocument();
  });

  it('keeps the other record when swapped, and the drawer then shows the kept record', async () => {
    mockMerging();
    const { user } = renderDrawer(UNDOES);
    await findOtherRecord(user);
    await user.click(screen.getByTestId('merge-swap'));
    await waitFor(() =>
      expect(callsOf('patient_merge_preview').at(-1)).toEqual({ keptPatientId: 'p2', mergedPatientId: 'p1' }),
    );
    expect(await screen.findByTestId('merge-confirm')).toHaveTextContent('Merge into José Nunez (A-000012)');
    expect(screen.getByTestId('merge-kept')).toHaveTextContent('A-000012');
    expect(screen.getByTestId('merge-merged')).toHaveTextContent('A-000001');
    expect(screen.getByTestId('merge-fills')).toHaveTextContent('phone');

    await user.click(screen.getByTestId('merge-confirm'));
    await waitFor(() => expect(callsOf('merge_patients')).toEqual([{ keptPatientId: 'p2', mergedPatientId: 'p1' }]));
    // The drawer's record is fetched again: Rust answers with the kept record.
    await waitFor(() =>
      expect(within(screen.getByTestId('edit-patient-form')).getByTestId('patient-last-name')).toHaveValue('Nunez'),
    );
    await waitFor(() => expect(callsOf('patient_merges').at(-1)).toEqual({ patientId: 'p2' }));
  });

  it('is not offered to those who may not edit patients', async () => {
    mockMerging();
    renderDrawer(READS);
    await screen.findByTestId('edit-patient-form');
    await waitFor(() => expect(callsOf('patient_merges')).toHaveLength(1));
    expect(screen.queryByTestId('patient-merge-open')).not.toBeInTheDocument();
  });

  it('shows the record read-only to those who may not edit patients: no saving, no archiving', async () => {
    mockMerging();
    renderDrawer(READS);
    const form = await screen.findByTestId('edit-patient-form');
    expect(within(form).getByTestId('patient-last-name')).toBeDisabled();
    expect(screen.queryByTestId('patient-archive-toggle')).not.toBeInTheDocument();
  });
});

describe('records merged into a patient', () => {
  const history = [
    merge(),
    merge({
      id: 'm0',
      mergedMrn: 'A-000007',
      mergedName: 'Pepe Núñez',
      mergedBy: null,
      moved: { appointments: 0, visits: 0, invoices: 1, payments: 0, allergies: 0, clinicalRecords: 0, waitlistEntries: 0 },
      undoneAt: '2025-03-04T11:00:00Z',
      undoable: false,
    }),
  ];

  it('lists them with what moved; only those who may undo merges may, and only what is still undoable', async () => {
    mockMerging(history);
    renderDrawer(EDITS);
    const rows = await screen.findAllByTestId('patient-merge-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('A-000012 · José Nunez');
    expect(rows[0]).toHaveTextContent('by Sam Reception');
    expect(rows[0]).toHaveTextContent('2 appointments, 1 visit');
    expect(rows[1]).toHaveTextContent('1 invoice');
    expect(within(rows[1]!).getByTestId('patient-merge-undone')).toHaveTextContent('Undone');
    expect(screen.queryByTestId('patient-merge-undo')).not.toBeInTheDocument();
  });

  it('undoes a merge after a confirmation', async () => {
    mockMerging(history);
    const { user } = renderDrawer(UNDOES);
    await screen.findAllByTestId('patient-merge-row');
    // The undone merge offers no undo.
    expect(screen.getAllByTestId('patient-merge-undo')).toHaveLength(1);
    await user.click(screen.getByTestId('patient-merge-undo'));
    expect(screen.getByTestId('patient-merge-undo-confirm')).toHaveTextContent('Undo this merge? A-000012');
    expect(callsOf('undo_patient_merge')).toHaveLength(0);
    await user.click(screen.getByTestId('patient-merge-undo-yes'));
    await waitFor(() => expect(callsOf('undo_patient_merge')).toEqual([{ mergeId: 'm1' }]));
    expect(await screen.findByText('The merge is undone.')).toBeInTheDocument();
  });

  it('offers no undo once the day is over', async () => {
    mockMerging([merge({ undoable: false })]);
    renderDrawer(UNDOES);
    await screen.findAllByTestId('patient-merge-row');
    expect(screen.queryByTestId('patient-merge-undo')).not.toBeInTheDocument();
  });
});
