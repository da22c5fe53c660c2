import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { overview } from '../../test/fixtures';
import { IpcRejection, mockCommands } from '../../test/ipcMock';
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
});
