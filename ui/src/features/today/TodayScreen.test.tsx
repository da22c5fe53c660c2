import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appointment, overview } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { TodayScreen } from './TodayScreen';

describe('Today dashboard', () => {
  it('renders the counts and today’s appointments', async () => {
    mockCommands({
      clinic_overview: () =>
        overview({
          counts: { patients: 1284, providers: 4, appointmentsToday: 2, signedVisits: 57, openInvoices: 0 },
        }),
    });
    renderWithProviders(<TodayScreen />);

    expect(await screen.findByTestId('stat-patients')).toHaveTextContent(/^1,284$/);
    expect(screen.getByTestId('stat-providers')).toHaveTextContent(/^4$/);
    expect(screen.getByTestId('stat-appointments-today')).toHaveTextContent(/^2$/);
    expect(screen.getByTestId('stat-signed-visits')).toHaveTextContent(/^57$/);
    expect(screen.getByTestId('stat-open-invoices')).toHaveTextContent(/^0$/);
    expect(screen.getByText('Tuesday, March 4, 2025 · America/Chicago')).toBeInTheDocument();

    const table = screen.getByTestId('todays-appointments');
    const rows = within(table).getAllByTestId('appointment-row');
    expect(rows).toHaveLength(2);

    const [first, second] = rows as [HTMLElement, HTMLElement];
    expect(first).toHaveTextContent('09:00–09:30');
    expect(first).toHaveTextContent('Maria Lopez');
    expect(first).toHaveTextContent('MRN MRN-000123');
    expect(first).toHaveTextContent('Dr. Grace Chen');
    expect(first).toHaveTextContent('Follow-up');
    expect(within(first).getByText('Confirmed').closest('[data-status]')).toHaveAttribute(
      'data-status',
      'confirmed',
    );

    expect(second).toHaveTextContent('10:00–10:45');
    expect(second).toHaveTextContent('Sam Okafor');
    expect(within(second).getByText('Checked in')).toBeInTheDocument();
  });

  it('says so when there are no appointments today', async () => {
    mockCommands({ clinic_overview: () => overview({ todaysAppointments: [] }) });
    renderWithProviders(<TodayScreen />);
    expect(await screen.findByTestId('todays-appointments-empty')).toHaveTextContent(
      'No appointments are scheduled for today.',
    );
    expect(within(screen.getByTestId('todays-appointments')).queryAllByTestId('appointment-row')).toHaveLength(0);
  });

  it('shows a load error inline', async () => {
    mockCommands({
      clinic_overview: () => {
        throw new IpcRejection('forbidden', 'role billing may not view the overview');
      },
    });
    renderWithProviders(<TodayScreen />);
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission to do that.');
  });

  it('lets the front desk check in an appointment that has not arrived yet', async () => {
    let checkedIn = false;
    mockCommands({
      clinic_overview: () =>
        overview({
          todaysAppointments: [
            appointment({ status: checkedIn ? 'checked_in' : 'confirmed' }),
            appointment({ id: 'a2', status: 'scheduled', patientName: 'Sam Okafor' }),
            appointment({ id: 'a3', status: 'in_progress', patientName: 'Ana Silva' }),
          ],
        }),
      set_appointment_status: () => {
        checkedIn = true;
        return null;
      },
    });
    const { user } = renderWithProviders(<TodayScreen />, { allowed: ['view_schedule', 'check_in'] });

    const rows = await screen.findAllByTestId('appointment-row');
    expect(within(rows[1]!).getByTestId('check-in')).toBeInTheDocument();
    expect(within(rows[2]!).queryByTestId('check-in')).not.toBeInTheDocument();

    await user.click(within(rows[0]!).getByTestId('check-in'));
    await waitFor(() => {
      expect(callsOf('set_appointment_status')).toEqual([
        { appointmentId: 'a1', status: 'checked_in', cancellationReason: null },
      ]);
    });
    // The overview is fetched again and shows the arrival.
    await waitFor(() => {
      expect(within(screen.getAllByTestId('appointment-row')[0]!).getByText('Checked in')).toBeInTheDocument();
    });
    expect(within(screen.getAllByTestId('appointment-row')[0]!).queryByTestId('check-in')).not.toBeInTheDocument();
  });

  it('shows no check-in to those who may not check in', async () => {
    mockCommands({ clinic_overview: () => overview() });
    renderWithProviders(<TodayScreen />, { allowed: ['view_schedule', 'start_visit'] });
    await screen.findAllByTestId('appointment-row');
    expect(screen.queryByTestId('check-in')).not.toBeInTheDocument();
  });
});
