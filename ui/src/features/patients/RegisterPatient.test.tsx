import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { NewPatient, PatientDetails, UpdatePatientArgs } from '../../api/types';
import { overview, patientHeader, patientRows } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { PatientsScreen } from './PatientsScreen';

const jose: PatientDetails = {
  id: 'p9',
  mrn: 'A-000009',
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
};

function mockClinic() {
  let archived = false;
  mockCommands({
    clinic_overview: () => overview(),
    patient_merges: () => [],
    patient_header: ({ patientId }) =>
      patientHeader({ id: patientId, mrn: jose.mrn, firstName: jose.firstName, lastName: jose.lastName, archived }),
    list_patients: () => ({ total: 3, tooMany: false, rows: patientRows(3) }),
    register_patient: (p: NewPatient) => {
      if (p.email === 'taken@example.org') {
        throw new IpcRejection('validation', 'another patient has this email address', 'email');
      }
      if (!p.allowDuplicates) throw new IpcRejection('possible_duplicate', 'this patient may be registered already');
      return { ...patientRows(1)[0]!, id: 'p10', mrn: 'A-000010', firstName: p.firstName, lastName: p.lastName };
    },
    find_duplicate_patients: () => [{ ...patientRows(1)[0]!, id: 'p9', firstName: 'José', lastName: 'Núñez' }],
    patient: ({ patientId }) => ({ ...jose, id: patientId }),
    update_patient: ({ patient }: UpdatePatientArgs) => ({ ...patientRows(1)[0]!, lastName: patient.lastName }),
    set_patient_archived: (args) => {
      archived = args.archived;
      return null;
    },
  });
}

async function fillForm(user: ReturnType<typeof renderWithProviders>['user'], email = '') {
  const form = await screen.findByTestId('register-patient-form');
  await user.type(within(form).getByTestId('patient-first-name'), 'José');
  await user.type(within(form).getByTestId('patient-last-name'), 'Núñez');
  await user.type(within(form).getByTestId('patient-date-of-birth'), '1970-01-31');
  if (email) await user.type(within(form).getByTestId('patient-email'), email);
  return form;
}

describe('registering a patient', () => {
  it('asks for the required fields, then shows Rust’s message next to the field', async () => {
    mockClinic();
    const { user } = renderWithProviders(<PatientsScreen />);
    await user.click(await screen.findByTestId('patient-register-open'));
    const form = await screen.findByTestId('register-patient-form');
    await user.click(within(form).getByTestId('register-patient-form-submit'));
    expect(within(form).getAllByText('This field is required')).toHaveLength(3);
    expect(callsOf('register_patient')).toHaveLength(0);

    await fillForm(user, 'taken@example.org');
    await user.click(within(form).getByTestId('register-patient-form-submit'));
    expect(await within(form).findByText('another patient has this email address')).toBeInTheDocument();
    expect(within(form).getByTestId('patient-email')).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows likely duplicates first, and registers anyway when the user says so', async () => {
    mockClinic();
    const { user } = renderWithProviders(<PatientsScreen />);
    await user.click(await screen.findByTestId('patient-register-open'));
    const form = await fillForm(user);
    await user.click(within(form).getByTestId('register-patient-form-submit'));

    const matches = await screen.findByTestId('duplicate-matches');
    expect(within(matches).getAllByTestId('duplicate-row')).toHaveLength(1);
    expect(matches).toHaveTextContent('Núñez, José');
    await user.click(within(matches).getByTestId('duplicate-register-anyway'));

    await waitFor(() => expect(callsOf('register_patient')).toHaveLength(2));
    expect(callsOf('register_patient')[1]).toMatchObject({ firstName: 'José', dateOfBirth: '1970-01-31', allowDuplicates: true });
    // The new patient's record opens.
    expect(await screen.findByTestId('patient-record')).toBeInTheDocument();
    expect(callsOf('patient')).toEqual([{ patientId: 'p10' }]);
  });

  it('opens the existing patient instead when the user recognises them', async () => {
    mockClinic();
    const { user } = renderWithProviders(<PatientsScreen />);
    await user.click(await screen.findByTestId('patient-register-open'));
    const form = await fillForm(user);
    await user.click(within(form).getByTestId('register-patient-form-submit'));
    await user.click(await screen.findByTestId('duplicate-open'));
    expect(await screen.findByTestId('patient-record')).toHaveTextContent('A-000009');
    expect(callsOf('register_patient')).toHaveLength(1);
  });
});

describe('a patient’s record', () => {
  it('edits the details and archives the patient', async () => {
    mockClinic();
    const { user } = renderWithProviders(<PatientsScreen />);
    await user.click((await screen.findAllByTestId('patient-open'))[0]!);
    const form = await screen.findByTestId('edit-patient-form');
    // The patient header heads the record.
    const header = await within(screen.getByTestId('patient-record')).findByTestId('patient-header');
    expect(header).toHaveTextContent('José Núñez');
    expect(header).toHaveTextContent('A-000009');
    expect(callsOf('patient_header')).toEqual([{ patientId: 'p1' }]);
    const last = within(form).getByTestId('patient-last-name');
    expect(last).toHaveValue('Núñez');
    await user.clear(last);
    await user.type(last, 'Núñez García');
    await user.click(within(form).getByTestId('edit-patient-form-submit'));
    await waitFor(() => expect(callsOf('update_patient')).toHaveLength(1));
    expect(callsOf('update_patient')[0]).toMatchObject({ patientId: 'p1', patient: { lastName: 'Núñez García', phone: '+34 612 34 56 78' } });

    await user.click(screen.getByTestId('patient-archive-toggle'));
    await waitFor(() => expect(callsOf('set_patient_archived')).toEqual([{ patientId: 'p1', archived: true }]));
    // The header is read again and shows the record archived.
    expect(await screen.findByTestId('patient-header-archived')).toHaveTextContent('Archived');
  });
});
