import { screen, waitFor } from '@testing-library/react';
import { save } from '@tauri-apps/plugin-dialog';
import { describe, expect, it, vi } from 'vitest';
import type { Action } from '../../api/types';
import { patientRows } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { PatientsScreen } from './PatientsScreen';

function mockExport() {
  mockCommands({
    list_patients: () => ({ total: 3, tooMany: false, rows: patientRows(3) }),
    export_patients_csv: ({ path }) => {
      if (!path.startsWith('/')) throw new IpcRejection('validation', 'enter the full path of the file', 'path');
      return path.endsWith('.csv') ? path : `${path}.csv`;
    },
  });
}

/** The patient list for a user who may do `allowed`. */
async function renderAs(allowed: Action[]) {
  mockExport();
  const rendered = renderWithProviders(<PatientsScreen />, { allowed });
  await screen.findByTestId('patients-table');
  return rendered;
}

describe('exporting the patient list', () => {
  it('writes the file where asked, archived patients included when ticked, and says where', async () => {
    const { user } = await renderAs(['view_demographics', 'export_data']);
    // Export without editing patients: no import.
    expect(screen.queryByTestId('patients-import-open')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('patients-export-open'));
    await user.type(await screen.findByTestId('export-path'), '/home/bo/patients');
    await user.click(screen.getByLabelText('Include archived patients'));
    await user.click(screen.getByTestId('export-save'));

    await waitFor(() => expect(callsOf('export_patients_csv')).toHaveLength(1));
    expect(callsOf('export_patients_csv')[0]).toEqual({ path: '/home/bo/patients', includeArchived: true });
    expect(await screen.findByTestId('export-saved')).toHaveTextContent('Saved to /home/bo/patients.csv');
  });

  it('offers a dated file name in the save dialog, and shows a bad path next to the field', async () => {
    vi.mocked(save).mockResolvedValueOnce('patients-chosen.csv');
    const { user } = await renderAs(['view_demographics', 'edit_demographics', 'export_data']);
    await user.click(screen.getByTestId('patients-export-open'));
    await user.click(await screen.findByTestId('export-path-browse'));
    await waitFor(() => expect(vi.mocked(save)).toHaveBeenCalledTimes(1));
    expect(vi.mocked(save).mock.calls[0]?.[0]?.defaultPath).toMatch(/^patients-\d{4}-\d{2}-\d{2}\.csv$/);
    await waitFor(() => expect(screen.getByTestId('export-path')).toHaveValue('patients-chosen.csv'));

    await user.click(screen.getByTestId('export-save'));
    expect(await screen.findByText('enter the full path of the file')).toBeInTheDocument();
    expect(screen.getByTestId('export-path')).toHaveAttribute('aria-invalid', 'true');
    expect(callsOf('export_patients_csv')[0]).toEqual({ path: 'patients-chosen.csv', includeArchived: false });
  });

  it('is not offered to those who may not export', async () => {
    await renderAs(['view_demographics', 'view_clinical']);
    expect(screen.queryByTestId('patients-export-open')).not.toBeInTheDocument();
    // Nor registering and importing, to those who may not edit patients.
    expect(screen.queryByTestId('patients-import-open')).not.toBeInTheDocument();
    expect(screen.queryByTestId('patient-register-open')).not.toBeInTheDocument();
  });
});
