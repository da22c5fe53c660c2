import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { callsOf, invokeMock, IpcRejection, mockCommands } from '../test/ipcMock';
import { overview, readyStatus } from '../test/fixtures';
import { renderWithProviders } from '../test/render';
import { App } from './App';

describe('boot', () => {
  it('shows a full-screen fatal error when app_status fails, without retrying', async () => {
    mockCommands({
      app_status: () => {
        throw new IpcRejection('key_unavailable', 'Secret Service: no keyring found');
      },
    });
    renderWithProviders(<App />);

    const page = await screen.findByTestId('fatal-error');
    expect(within(page).getByTestId('fatal-error-code')).toHaveTextContent('key_unavailable');
    expect(within(page).getByTestId('fatal-error-message')).toHaveTextContent(
      'Secret Service: no keyring found',
    );
    expect(page).toHaveTextContent('system keychain');
    // Give any retry a chance to happen; there must be none.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(callsOf('app_status')).toHaveLength(1);
  });

  it('explains a database from a newer version', async () => {
    mockCommands({
      app_status: () => {
        throw new IpcRejection('newer_schema', 'schema 9 > supported 3');
      },
    });
    renderWithProviders(<App />);
    const page = await screen.findByTestId('fatal-error');
    expect(page).toHaveTextContent('newer version of Clinic');
    expect(page).toHaveTextContent('newer_schema');
  });
});

describe('shell', () => {
  it('shows clinic, user and navigation, with unbuilt sections disabled', async () => {
    mockCommands({ app_status: () => readyStatus, clinic_overview: () => overview() });
    renderWithProviders(<App />);

    expect(await screen.findByTestId('shell-clinic-name')).toHaveTextContent('Riverside Family Clinic');
    expect(screen.getByTestId('shell-user')).toHaveTextContent('Alex Admin');
    expect(screen.getByTestId('shell-user')).toHaveTextContent('Administrator');
    expect(screen.getByTestId('nav-today')).toHaveAttribute('aria-current', 'page');
    for (const id of ['nav-visits', 'nav-billing', 'nav-administration']) {
      const item = screen.getByTestId(id);
      expect(item).toHaveAttribute('aria-disabled', 'true');
      expect(item).toHaveTextContent('Coming soon');
    }
  });

  it('navigates between screens', async () => {
    mockCommands({
      app_status: () => readyStatus,
      clinic_overview: () => overview(),
      list_patients: () => ({ total: 0, rows: [] }),
      list_appointments: () => [],
    });
    const { user } = renderWithProviders(<App />);

    await user.click(await screen.findByTestId('nav-patients'));
    expect(await screen.findByRole('heading', { name: 'Patients' })).toBeInTheDocument();
    expect(screen.getByTestId('nav-patients')).toHaveAttribute('aria-current', 'page');

    await user.click(screen.getByTestId('nav-schedule'));
    expect(await screen.findByRole('heading', { name: 'Schedule' })).toBeInTheDocument();

    // "Coming soon" items are not links to anything.
    await user.click(screen.getByTestId('nav-billing'));
    expect(screen.getByRole('heading', { name: 'Schedule' })).toBeInTheDocument();
    expect(screen.getByTestId('nav-schedule')).toHaveAttribute('aria-current', 'page');
  });

  it('returns to sign-in when a command reports the session has ended', async () => {
    let signedIn = true;
    mockCommands({
      app_status: () => (signedIn ? readyStatus : { ...readyStatus, phase: 'sign_in', user: null }),
      clinic_overview: () => {
        signedIn = false;
        throw new IpcRejection('not_signed_in', 'session expired');
      },
    });
    renderWithProviders(<App />);
    expect(await screen.findByTestId('login-username')).toBeInTheDocument();
    expect(callsOf('app_status')).toHaveLength(2);
  });

  it('signs out, clears cached clinic data and returns to sign-in', async () => {
    let signedIn = true;
    mockCommands({
      app_status: () => (signedIn ? readyStatus : { ...readyStatus, phase: 'sign_in', user: null }),
      clinic_overview: () => overview(),
      sign_out: () => {
        signedIn = false;
        return { ...readyStatus, phase: 'sign_in', user: null };
      },
    });
    const { user, queryClient } = renderWithProviders(<App />);
    await screen.findByTestId('stat-patients');
    expect(queryClient.getQueryData(['clinic_overview'])).toBeDefined();

    await user.click(screen.getByTestId('sign-out'));

    expect(await screen.findByTestId('login-username')).toBeInTheDocument();
    expect(callsOf('sign_out')).toEqual([null]);
    expect(invokeMock).toHaveBeenCalledWith('sign_out');
    expect(screen.queryByTestId('shell-user')).not.toBeInTheDocument();
    await waitFor(() => {
      expect(queryClient.getQueryData(['clinic_overview'])).toBeUndefined();
    });
    expect(callsOf('clinic_overview')).toHaveLength(1);
  });
});
