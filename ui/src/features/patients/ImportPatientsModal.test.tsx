import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ImportField, ImportReport, PatientImportArgs } from '../../api/types';
import { patientRows } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands, problem, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { ImportPatientsModal } from './ImportPatientsModal';
import { PatientsScreen } from './PatientsScreen';

const PATH = '/home/sam/patients.csv';
/** What Rust guesses from the headings when "Nacido" is not recognised. */
const GUESSED: (ImportField | null)[] = ['first_name', 'last_name', null, 'phone'];
/** What Rust guesses when every heading is recognised. */
const GUESSED_ALL: (ImportField | null)[] = ['first_name', 'last_name', 'date_of_birth', 'phone'];
const NEEDED: ImportField[] = ['first_name', 'last_name', 'date_of_birth'];

function report(
  args: PatientImportArgs,
  guessed: (ImportField | null)[],
  overrides: Partial<ImportReport> = {},
): ImportReport {
  const mapping = args.options.mapping ?? guessed;
  const headers = ['Nombre', 'Apellidos', 'Nacido', 'Tel'];
  const examples = ['José', 'Núñez', '31/01/1970', '612 34 56 78'];
  return {
    columns: headers.map((header, i) => ({ header, field: mapping[i] ?? null, example: examples[i] ?? null })),
    dateOrder: args.options.dateOrder ?? 'day_month_year',
    rows: 5,
    valid: 3,
    rejected: [{ line: 3, name: 'Ana Ruiz', column: 'Nacido', reason: problem('no_such_date') }],
    duplicates: [
      {
        line: 5,
        name: 'José Núñez',
        dateOfBirth: '1970-01-31',
        matches: [{ ...patientRows(1)[0]!, id: 'p12', mrn: 'A-000012', firstName: 'José', lastName: 'Núñez' }],
        sameAsLine: null,
        registered: false,
      },
      { line: 6, name: 'Lía Gómez', dateOfBirth: '1991-05-02', matches: [], sameAsLine: 4, registered: false },
    ],
    imported: 0,
    unmapped: NEEDED.filter((f) => !mapping.includes(f)),
    ...overrides,
  };
}

function mockImport(handlers: CommandHandlers = {}, guessed = GUESSED_ALL) {
  mockCommands({
    list_patients: () => ({ total: 3, tooMany: false, rows: patientRows(3) }),
    import_progress: () => null,
    check_patient_import: (args) => report(args, guessed),
    import_patients: (args) => {
      const r = report(args, guessed);
      const imported = r.valid - (args.options.includeDuplicates ? 0 : r.duplicates.length);
      return { ...r, imported };
    },
    ...handlers,
  });
}

async function chooseFile(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.type(await screen.findByTestId('import-path'), PATH);
  await user.click(screen.getByTestId('import-check'));
  return screen.findByTestId('import-columns-step');
}

async function choose(user: ReturnType<typeof renderWithProviders>['user'], testId: string, option: string) {
  await user.click(screen.getByTestId(testId));
  await user.click(await screen.findByRole('option', { name: option }));
}

describe('importing patients', () => {
  it('shows each column with its example and field, and checks again with the mapping chosen', async () => {
    mockImport({}, GUESSED);
    const { user } = renderWithProviders(<ImportPatientsModal opened onClose={() => undefined} />);
    await chooseFile(user);
    // The first check lets Rust guess the columns and the date order.
    expect(callsOf('check_patient_import')).toEqual([
      { path: PATH, options: { mapping: null, dateOrder: null, includeDuplicates: false, skipRejected: false } },
    ]);

    const rows = within(screen.getByTestId('import-mapping')).getAllByTestId('import-mapping-row');
    expect(rows).toHaveLength(4);
    expect(rows[2]).toHaveTextContent('Nacido');
    expect(rows[2]).toHaveTextContent('31/01/1970');
    expect(screen.getByTestId('import-field-0')).toHaveValue('First name');
    expect(screen.getByTestId('import-field-2')).toHaveValue('Leave out');
    expect(screen.getByTestId('import-date-order')).toHaveValue('Day/month/year (07/03/1984)');
    // Without a date-of-birth column no row is checked, and the next step waits.
    expect(screen.getByTestId('import-unmapped')).toHaveTextContent('Date of birth');
    expect(screen.queryByTestId('import-columns-summary')).not.toBeInTheDocument();
    expect(screen.getByTestId('import-next')).toBeDisabled();

    await choose(user, 'import-field-2', 'Date of birth');
    await waitFor(() => expect(callsOf('check_patient_import')).toHaveLength(2));
    expect(callsOf('check_patient_import')[1]).toEqual({
      path: PATH,
      options: {
        mapping: ['first_name', 'last_name', 'date_of_birth', 'phone'],
        dateOrder: 'day_month_year',
        includeDuplicates: false,
        skipRejected: false,
      },
    });
    expect(screen.getByTestId('import-field-2')).toHaveValue('Date of birth');
    expect(screen.getByTestId('import-columns-summary')).toHaveTextContent('5 rows · 3 valid · 1 rejected');
    expect(screen.getByTestId('import-next')).toBeEnabled();

    // A field fills one column: choosing Phone for "Nombre" takes it from "Tel".
    await choose(user, 'import-field-0', 'Phone');
    await waitFor(() => expect(callsOf('check_patient_import')).toHaveLength(3));
    expect(callsOf('check_patient_import')[2]?.options.mapping).toEqual(['phone', 'last_name', 'date_of_birth', null]);

    await choose(user, 'import-date-order', 'Month/day/year (03/07/1984)');
    await waitFor(() => expect(callsOf('check_patient_import')).toHaveLength(4));
    expect(callsOf('check_patient_import')[3]?.options).toMatchObject({
      mapping: ['phone', 'last_name', 'date_of_birth', null],
      dateOrder: 'month_day_year',
    });
  });

  it('lists rejected rows and duplicates, and imports only once the rejected rows are left out', async () => {
    mockImport();
    const { user } = renderWithProviders(<PatientsScreen />);
    await screen.findByTestId('patients-table');
    const listCalls = callsOf('list_patients').length;
    await user.click(screen.getByTestId('patients-import-open'));
    await chooseFile(user);
    await user.click(screen.getByTestId('import-next'));

    const step = await screen.findByTestId('import-check-step');
    expect(within(step).getByTestId('import-summary')).toHaveTextContent(
      '5 rows · 3 valid · 1 rejected · 2 probable duplicates',
    );
    const rejected = within(step).getAllByTestId('import-rejected-row');
    expect(rejected).toHaveLength(1);
    expect(within(rejected[0]!).getAllByRole('cell').map((c) => c.textContent)).toEqual([
      '3',
      'Ana Ruiz',
      'Nacido',
      'This date does not exist.',
    ]);
    const duplicates = within(step).getAllByTestId('import-duplicate-row');
    expect(duplicates[0]).toHaveTextContent('matches MRN A-000012 José Núñez');
    expect(duplicates[0]).toHaveTextContent('Jan 31, 1970');
    expect(duplicates[1]).toHaveTextContent('same as line 4');

    // Rejected rows block the import until the user chooses to leave them out.
    const run = within(step).getByTestId('import-run');
    expect(run).toBeDisabled();
    expect(run).toHaveTextContent('Import 1 patient');
    expect(within(step).getByTestId('import-blocked')).toHaveTextContent(
      'A file with errors imports nothing unless you choose to leave those rows out.',
    );
    await user.click(within(step).getByLabelText('Also import probable duplicates'));
    expect(run).toHaveTextContent('Import 3 patients');
    expect(run).toBeDisabled();

    await user.click(within(step).getByLabelText('Import the valid rows and leave the rejected ones out'));
    expect(run).toBeEnabled();
    expect(within(step).queryByTestId('import-blocked')).not.toBeInTheDocument();
    await user.click(run);

    await waitFor(() => expect(callsOf('import_patients')).toHaveLength(1));
    expect(callsOf('import_patients')[0]).toEqual({
      path: PATH,
      options: { mapping: GUESSED_ALL, dateOrder: 'day_month_year', includeDuplicates: true, skipRejected: true },
    });
    expect(await screen.findByTestId('import-done-count')).toHaveTextContent('3 patients imported');
    // The patient list is fetched again.
    await waitFor(() => expect(callsOf('list_patients').length).toBeGreaterThan(listCalls));
  });

  it('shows Rust’s reason next to the control it is about', async () => {
    let refuse = true;
    mockImport({
      check_patient_import: (args) => {
        if (refuse) throw new IpcRejection('validation', 'enter the full path of the file', 'path');
        return report(args, GUESSED_ALL, { rejected: [], valid: 4, duplicates: [] });
      },
      import_patients: () => {
        throw new IpcRejection('validation', '1 of 5 rows have errors, so nothing was imported', 'file');
      },
    });
    const { user } = renderWithProviders(<ImportPatientsModal opened onClose={() => undefined} />);
    await user.type(await screen.findByTestId('import-path'), 'patients.csv');
    await user.click(screen.getByTestId('import-check'));
    expect(await screen.findByText('enter the full path of the file')).toBeInTheDocument();
    expect(screen.getByTestId('import-path')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('import-columns-step')).not.toBeInTheDocument();

    refuse = false;
    await user.clear(screen.getByTestId('import-path'));
    await chooseFile(user);
    await user.click(screen.getByTestId('import-next'));
    const run = await screen.findByTestId('import-run');
    expect(run).toHaveTextContent('Import 4 patients');
    await user.click(run);
    expect(await screen.findByTestId('import-refused')).toHaveTextContent(
      '1 of 5 rows have errors, so nothing was imported',
    );
    expect(screen.queryByTestId('import-done')).not.toBeInTheDocument();
    expect(screen.queryByTestId('import-error')).not.toBeInTheDocument();
  });

  it('shows how far a long import is, and never counts a row already registered', async () => {
    let finish: (done: ImportReport) => void = () => undefined;
    const already = {
      line: 7,
      name: 'Eva Lago',
      dateOfBirth: '1950-02-03',
      matches: [{ ...patientRows(1)[0]!, id: 'p40', mrn: 'A-000040', firstName: 'Eva', lastName: 'Lago' }],
      sameAsLine: null,
      registered: true,
    };
    const checked = (args: PatientImportArgs) => {
      const r = report(args, GUESSED_ALL, { rejected: [], valid: 4 });
      return { ...r, duplicates: [...r.duplicates, already] };
    };
    mockImport({
      check_patient_import: checked,
      import_progress: () => ({ stage: 'registering', done: 2000, total: 8000 }),
      import_patients: () =>
        new Promise<ImportReport>((resolve) => {
          finish = resolve;
        }),
    });
    const { user } = renderWithProviders(<ImportPatientsModal opened onClose={() => undefined} />);
    await chooseFile(user);
    await user.click(screen.getByTestId('import-next'));
    const step = await screen.findByTestId('import-check-step');
    expect(within(step).getByText('already registered as MRN A-000040 (an earlier import): not imported again')).toBeVisible();
    const run = within(step).getByTestId('import-run');
    // Four valid rows, three of them duplicates: one is imported; with duplicates, three (never the registered one).
    expect(run).toHaveTextContent('Import 1 patient');
    await user.click(within(step).getByLabelText('Also import probable duplicates'));
    expect(run).toHaveTextContent('Import 3 patients');

    await user.click(run);
    await waitFor(() =>
      expect(screen.getByTestId('import-progress')).toHaveTextContent('Registered 2,000 of 8,000 patients…'),
    );
    expect(within(screen.getByTestId('import-progress')).getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '25',
    );
    finish({ ...checked(callsOf('import_patients')[0]!), imported: 3 });
    expect(await screen.findByTestId('import-done-count')).toHaveTextContent('3 patients imported');
  });

  it('says how many patients an import registered before it stopped, and refreshes the list', async () => {
    mockImport({
      check_patient_import: (args) => report(args, GUESSED_ALL, { rejected: [], valid: 4, duplicates: [] }),
      import_patients: () => {
        throw new IpcRejection(
          'storage',
          'The import stopped after registering 2000 patients',
          null,
          problem('import_stopped', {
            registered: 2000,
            reason: 'the disk is full: free some space on it, then try again (nothing of this change was saved)',
          }),
        );
      },
    });
    const { user } = renderWithProviders(<PatientsScreen />);
    await user.click(await screen.findByTestId('patients-import-open'));
    await chooseFile(user);
    await user.click(screen.getByTestId('import-next'));
    const listCalls = callsOf('list_patients').length;
    await user.click(await screen.findByTestId('import-run'));
    expect(await screen.findByTestId('import-error')).toHaveTextContent(
      'The import stopped after registering 2,000 patients. Import the file again to register the rest',
    );
    expect(screen.getByTestId('import-error')).toHaveTextContent('The reason: the disk is full');
    await waitFor(() => expect(callsOf('list_patients').length).toBeGreaterThan(listCalls));
  });
});
