import { Button } from '@mantine/core';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useUpdatePatient } from '../api/queries';
import { useSetAppointmentStatus } from '../api/scheduleQueries';
import type { PatientHeader as Header } from '../api/types';
import { overview, patientHeader, patientRows } from '../test/fixtures';
import { callsOf, IpcRejection, mockCommands, type CommandHandlers } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';
import { PatientHeader } from './PatientHeader';

function setup(header: Partial<Header> = {}, handlers: CommandHandlers = {}, props: { compact?: boolean; timeZone?: string } = {}) {
  mockCommands({
    clinic_overview: () => overview(),
    patient_header: () => patientHeader(header),
    ...handlers,
  });
  return renderWithProviders(<PatientHeader patientId="p1" {...props} />);
}

describe('PatientHeader', () => {
  it('shows who the patient is: name, age and sex, MRN', async () => {
    setup();
    const header = await screen.findByTestId('patient-header');
    expect(header).toHaveAccessibleName('Patient Maria Lopez');
    expect(within(header).getByTestId('patient-header-name')).toHaveTextContent('Maria Lopez');
    // The last name stands out.
    expect(within(header).getByText('Lopez')).toHaveStyle({ fontWeight: '700' });
    expect(within(header).getByTestId('patient-header-age-sex')).toHaveTextContent('46 y · Female');
    expect(within(header).getByTestId('patient-header-age-sex')).toHaveAttribute('title', 'Born Jun 15, 1978');
    expect(within(header).getByTestId('patient-header-mrn')).toHaveTextContent('MRN-000123');
    expect(within(header).queryByTestId('patient-header-archived')).not.toBeInTheDocument();
    expect(callsOf('patient_header')).toEqual([{ patientId: 'p1' }]);
  });

  it('shows the allergies in red, the severe ones first and marked', async () => {
    setup({
      allergies: [
        { substance: 'Penicillin', severity: 'severe' },
        { substance: 'Peanuts', severity: 'severe' },
        { substance: 'Latex', severity: 'mild' },
      ],
    });
    const allergies = await screen.findByTestId('patient-header-allergies');
    expect(allergies).toHaveTextContent('Allergies:');
    const badges = within(allergies).getAllByTestId('patient-header-allergy');
    expect(badges.map((b) => b.textContent)).toEqual(['⚠Penicillin', '⚠Peanuts', 'Latex']);
    expect(badges.map((b) => b.getAttribute('data-severity'))).toEqual(['severe', 'severe', 'mild']);
    expect(badges[0]).toHaveAccessibleName('Penicillin (severe)');
    expect(badges[0]).toHaveAttribute('data-variant', 'filled');
    expect(badges[2]).toHaveAttribute('data-variant', 'light');
    expect(badges[2]).not.toHaveAttribute('title');
    expect(screen.queryByTestId('patient-header-no-allergies')).not.toBeInTheDocument();
  });

  it('says no allergies are recorded (not that there are none) when the list is empty', async () => {
    setup({ allergies: [] });
    expect(await screen.findByTestId('patient-header-no-allergies')).toHaveTextContent('No allergies recorded');
    expect(screen.queryByTestId('patient-header-allergies')).not.toBeInTheDocument();
  });

  it('shows the balance due in the clinic’s currency', async () => {
    setup({ balanceDueMinor: 123456 });
    const balance = await screen.findByTestId('patient-header-balance');
    expect(balance).toHaveTextContent('Balance due: $1,234.56');
    expect(balance).toHaveAttribute('data-due', 'true');
  });

  it('uses the currency’s own decimals', async () => {
    setup({ balanceDueMinor: 1250, currency: 'JPY' });
    expect(await screen.findByTestId('patient-header-balance')).toHaveTextContent('Balance due: ¥1,250');
  });

  it('says nothing is due at zero', async () => {
    setup({ balanceDueMinor: 0 });
    const balance = await screen.findByTestId('patient-header-balance');
    expect(balance).toHaveTextContent('Nothing due');
    expect(balance).toHaveAttribute('data-due', 'false');
  });

  it('says nothing about money to users who may not see billing', async () => {
    setup({ balanceDueMinor: null });
    const header = await screen.findByTestId('patient-header');
    expect(within(header).queryByTestId('patient-header-balance')).not.toBeInTheDocument();
    expect(header).not.toHaveTextContent(/due|\$/i);
  });

  it('shows the next appointment at the clinic’s time, with the provider', async () => {
    // 15:00 UTC is 09:00 in Chicago (the clinic's zone), whatever this computer's zone.
    setup();
    const next = await screen.findByTestId('patient-header-next');
    expect(next).toHaveTextContent('Next: Tue, Mar 4, 2025 09:00 · Dr. Grace Chen');
    expect(next).toHaveAttribute('data-appointment-id', 'a1');
  });

  it('takes the time zone from the caller when given, without asking for the overview', async () => {
    setup({}, {}, { timeZone: 'Asia/Tokyo' });
    expect(await screen.findByTestId('patient-header-next')).toHaveTextContent('Next: Wed, Mar 5, 2025 00:00 · Dr. Grace Chen');
    expect(callsOf('clinic_overview')).toEqual([]);
  });

  it('says when there is no upcoming appointment', async () => {
    setup({ nextAppointment: null });
    expect(await screen.findByTestId('patient-header-next')).toHaveTextContent('No upcoming appointment');
  });

  it('marks an archived record', async () => {
    setup({ archived: true });
    expect(await screen.findByTestId('patient-header-archived')).toHaveTextContent('Archived');
  });

  it('names the record shown: the one a merged record was merged into', async () => {
    setup({ id: 'p7', mrn: 'MRN-000777' });
    const header = await screen.findByTestId('patient-header');
    expect(header).toHaveAttribute('data-patient-id', 'p7');
    expect(header).toHaveTextContent('MRN-000777');
    expect(callsOf('patient_header')).toEqual([{ patientId: 'p1' }]);
  });

  it('has a compact variant with the same facts', async () => {
    setup({}, {}, { compact: true });
    const header = await screen.findByTestId('patient-header');
    expect(within(header).getByRole('heading', { level: 3 })).toHaveTextContent('Maria Lopez');
    expect(header).toHaveTextContent('46 y · Female');
    expect(header).toHaveTextContent('Penicillin');
    expect(header).toHaveTextContent('Balance due: $12.50');
    expect(header).toHaveTextContent('Next: Tue, Mar 4, 2025 09:00 · Dr. Grace Chen');
  });

  it('shows a skeleton while loading', async () => {
    setup({}, { patient_header: () => new Promise<Header>(() => undefined) });
    expect(await screen.findByTestId('patient-header-loading')).toBeInTheDocument();
    expect(screen.queryByTestId('patient-header')).not.toBeInTheDocument();
  });

  it('shows the error when the header cannot be read', async () => {
    setup(
      {},
      {
        patient_header: () => {
          throw new IpcRejection('not_found', 'the patient does not exist');
        },
      },
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('the patient does not exist');
    expect(screen.queryByTestId('patient-header')).not.toBeInTheDocument();
  });

  it('is read again after the patient is edited or an appointment changes', async () => {
    let lastName = 'Lopez';
    mockCommands({
      clinic_overview: () => overview(),
      patient_header: () => patientHeader({ lastName }),
      update_patient: () => {
        lastName = 'Lopez García';
        return { ...patientRows(1)[0]!, lastName };
      },
      set_appointment_status: () => null,
    });
    function Harness() {
      const update = useUpdatePatient();
      const setStatus = useSetAppointmentStatus();
      return (
        <>
          <PatientHeader patientId="p1" />
          <Button
            onClick={() => {
              update.mutate({
                patientId: 'p1',
                patient: {
                  firstName: 'Maria',
                  lastName: 'Lopez García',
                  dateOfBirth: '1978-06-15',
                  sex: 'female',
                  phone: null,
                  email: null,
                  city: null,
                  insurancePayer: null,
                  insuranceMemberId: null,
                  allowDuplicates: false,
                },
              });
            }}
          >
            edit
          </Button>
          <Button
            onClick={() => {
              setStatus.mutate({ appointmentId: 'a1', status: 'cancelled', cancellationReason: 'ill' });
            }}
          >
            cancel
          </Button>
        </>
      );
    }
    const { user } = renderWithProviders(<Harness />);
    expect(await screen.findByTestId('patient-header-name')).toHaveTextContent('Maria Lopez');
    await user.click(screen.getByRole('button', { name: 'edit' }));
    await waitFor(() => {
      expect(screen.getByTestId('patient-header-name')).toHaveTextContent('Maria Lopez García');
    });
    expect(callsOf('patient_header')).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'cancel' }));
    await waitFor(() => {
      expect(callsOf('patient_header')).toHaveLength(3);
    });
  });
});
