import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { lockedStatus, overview, readyStatus } from '../test/fixtures';
import { mockCommands } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';
import { App } from './App';

function mockShell(status = readyStatus) {
  mockCommands({
    app_status: () => status,
    clinic_overview: () => overview(),
    list_patients: () => ({ total: 0, tooMany: false, rows: [] }),
    waiting_room: () => [],
  });
}

describe('global shortcuts', () => {
  it('Ctrl+K opens Patients with the cursor in the search', async () => {
    mockShell();
    const { user } = renderWithProviders(<App />);
    await screen.findByTestId('nav-today');

    await user.keyboard('{Control>}k{/Control}');
    expect(await screen.findByRole('heading', { name: 'Patients' })).toBeInTheDocument();
    expect(screen.getByTestId('nav-patients')).toHaveAttribute('aria-current', 'page');
    await waitFor(() => {
      expect(screen.getByTestId('patients-search')).toHaveFocus();
    });
    expect(screen.getByText('Ctrl+K or F2 from anywhere')).toBeInTheDocument();
  });

  it('F2 does the same from another screen, even while typing elsewhere', async () => {
    mockShell();
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('nav-waiting'));
    expect(await screen.findByRole('heading', { name: 'Waiting room' })).toBeInTheDocument();

    fireEvent.keyDown(window, { key: 'F2' });
    await waitFor(() => {
      expect(screen.getByTestId('patients-search')).toHaveFocus();
    });

    // Already on Patients: focus comes back to the search.
    screen.getByTestId('nav-patients').focus();
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    await waitFor(() => {
      expect(screen.getByTestId('patients-search')).toHaveFocus();
    });
  });

  it('does nothing while the screen is locked', async () => {
    mockShell(lockedStatus);
    renderWithProviders(<App />);
    await screen.findByTestId('nav-today');
    fireEvent.keyDown(window, { key: 'F2' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByTestId('nav-today')).toHaveAttribute('aria-current', 'page');
  });
});
