import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { PatientQuery } from '../../api/types';
import { patientRows } from '../../test/fixtures';
import { callsOf, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { PatientsScreen } from './PatientsScreen';

const TOTAL = 60;

function mockPatients() {
  mockCommands({
    list_patients: ({ text: query, offset, limit }: PatientQuery) => {
      const all = patientRows(TOTAL).filter(
        (p) => query === null || `${p.lastName} ${p.firstName} ${p.mrn}`.includes(query),
      );
      return { total: all.length, tooMany: false, rows: all.slice(offset, offset + limit) };
    },
  });
}

describe('Patients', () => {
  it('pages through the list with the right offsets', async () => {
    mockPatients();
    const { user } = renderWithProviders(<PatientsScreen />);

    const table = await screen.findByTestId('patients-table');
    expect(within(table).getAllByTestId('patient-row')).toHaveLength(25);
    expect(screen.getByTestId('patients-total')).toHaveTextContent('60 patients');
    expect(callsOf('list_patients')).toEqual([{ text: null, sort: 'name', includeArchived: false, offset: 0, limit: 25 }]);

    await user.click(screen.getByRole('button', { name: '2' }));
    await waitFor(() => {
      expect(callsOf('list_patients').at(-1)).toEqual({ text: null, sort: 'name', includeArchived: false, offset: 25, limit: 25 });
    });
    expect(await within(table).findByText('MRN-000026')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: '3' }));
    await waitFor(() => {
      expect(callsOf('list_patients').at(-1)).toEqual({ text: null, sort: 'name', includeArchived: false, offset: 50, limit: 25 });
    });
    expect(await within(table).findByText('MRN-000051')).toBeInTheDocument();
    expect(within(table).getAllByTestId('patient-row')).toHaveLength(10);
  });

  it('shows each column, with sex label and a dash for a missing phone', async () => {
    mockPatients();
    renderWithProviders(<PatientsScreen />);
    const rows = within(await screen.findByTestId('patients-table')).getAllByTestId('patient-row');
    const third = rows[2]!;
    const cells = within(third).getAllByRole('cell').map((c) => c.textContent);
    expect(cells).toEqual(['MRN-000003', 'Last3', 'First3', 'Mar 4, 1987', 'Male', '—', 'patient3@example.org']);
  });

  it('debounces the search and starts again at the first page', async () => {
    mockPatients();
    const { user } = renderWithProviders(<PatientsScreen />);
    await screen.findByTestId('patients-table');
    await user.click(screen.getByRole('button', { name: '2' }));
    await waitFor(() => {
      expect(callsOf('list_patients').at(-1)?.offset).toBe(25);
    });

    await user.type(screen.getByTestId('patients-search'), 'Last1');
    await waitFor(() => {
      expect(callsOf('list_patients').at(-1)).toEqual({ text: 'Last1', sort: 'name', includeArchived: false, offset: 0, limit: 25 });
    });
    // One request for the whole typed word, not one per keystroke.
    expect(callsOf('list_patients').filter((a) => a.text !== null)).toHaveLength(1);
    // Last1, Last10..Last19 = 11 patients.
    expect(await screen.findByText('11 patients')).toBeInTheDocument();
  });

  it('says when nothing matches', async () => {
    mockPatients();
    const { user } = renderWithProviders(<PatientsScreen />);
    await screen.findByTestId('patients-table');
    await user.type(screen.getByTestId('patients-search'), 'zzz');
    expect(await screen.findByTestId('patients-empty')).toHaveTextContent('No patients match “zzz”.');
  });
});

describe('a search matching hundreds', () => {
  it('asks for more letters instead of a total', async () => {
    mockCommands({ list_patients: () => ({ total: 500, tooMany: true, rows: patientRows(25) }) });
    renderWithProviders(<PatientsScreen />);
    expect(await screen.findByTestId('patients-total')).toHaveTextContent(
      'More than 500 patients match: type more to narrow the search',
    );
  });
});
