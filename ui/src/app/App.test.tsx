import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { callsOf, invokeMock, IpcRejection, mockCommands } from '../test/ipcMock';
import { changePasswordStatus, overview, readyStatus, users } from '../test/fixtures';
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
  it('shows clinic, user and navigation', async () => {
    mockCommands({ app_status: () => readyStatus, clinic_overview: () => overview() });
    renderWithProviders(<App />);

    expect(await screen.findByTestId('shell-clinic-name')).toHaveTextContent('Riverside Family Clinic');
    expect(screen.getByTestId('shell-user')).toHaveTextContent('Alex Admin');
    expect(screen.getByTestId('shell-user')).toHaveTextContent('Administrator');
    expect(screen.getByTestId('nav-today')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('nav-billing')).toHaveTextContent('Billing');
    expect(screen.queryByTestId('reading-only')).not.toBeInTheDocument();
  });

  it('says so on every screen while the clinic is open for reading only', async () => {
    mockCommands({ app_status: () => ({ ...readyStatus, readingOnly: 'disk_full' }), clinic_overview: () => overview() });
    renderWithProviders(<App />);
    const banner = await screen.findByTestId('reading-only');
    expect(banner).toHaveTextContent('Open for reading only');
    expect(banner).toHaveTextContent("The disk holding the clinic's data is full.");
  });

  it('shows Administration to an administrator, and opens the users screen', async () => {
    mockCommands({ app_status: () => readyStatus, clinic_overview: () => overview(), list_users: () => users() });
    const { user } = renderWithProviders(<App />);

    const admin = await screen.findByTestId('nav-admin');
    expect(admin).toHaveTextContent('Administration');
    expect(admin).not.toHaveAttribute('aria-disabled');
    await user.click(admin);
    expect(await screen.findByRole('heading', { name: 'Users' })).toBeInTheDocument();
    expect(await screen.findAllByTestId('user-row')).toHaveLength(3);
    expect(admin).toHaveAttribute('aria-current', 'page');
  });

  it('has no Administration item for a receptionist', async () => {
    mockCommands({
      app_status: () => ({
        ...readyStatus,
        user: { id: 'u3', username: 'sam', displayName: 'Sam Reception', role: 'receptionist', mustChangePassword: false },
        allowed: ['view_demographics', 'edit_demographics', 'view_schedule', 'edit_schedule', 'check_in'],
      }),
      clinic_overview: () => overview(),
    });
    renderWithProviders(<App />);

    expect(await screen.findByTestId('shell-user')).toHaveTextContent('Receptionist');
    expect(screen.getByTestId('nav-patients')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-admin')).not.toBeInTheDocument();
    expect(screen.queryByText('Administration')).not.toBeInTheDocument();
  });

  it('offers what Rust allows the user, whatever their role is called', async () => {
    // An administrator by name, whom Rust (its matrix changed) allows only to read records.
    mockCommands({
      app_status: () => ({ ...readyStatus, allowed: ['view_demographics', 'view_schedule', 'view_clinical'] }),
      clinic_overview: () => overview(),
    });
    renderWithProviders(<App />);

    expect(await screen.findByTestId('nav-visits')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-admin')).not.toBeInTheDocument();
    expect(screen.queryByTestId('nav-providers')).not.toBeInTheDocument();
    await screen.findAllByTestId('appointment-row');
    expect(screen.queryByTestId('check-in')).not.toBeInTheDocument();
  });

  it('leaves a screen the user may no longer open when Rust takes the permission away', async () => {
    let status = readyStatus;
    mockCommands({
      app_status: () => status,
      clinic_overview: () => overview(),
      list_users: () => users(),
      set_user_role: ({ role }) => {
        status = { ...readyStatus, allowed: ['view_demographics', 'view_schedule'] };
        return users().map((u) => (u.id === 'u1' ? { ...u, role } : u));
      },
    });
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('nav-admin'));
    const own = (await screen.findAllByTestId('user-row'))[0]!;

    // The administrator makes themselves a doctor: app_status is read again.
    await user.click(within(own).getByTestId('user-role'));
    await user.click(await screen.findByRole('option', { name: 'Doctor' }));
    await waitFor(() => expect(screen.queryByTestId('nav-admin')).not.toBeInTheDocument());
    expect(screen.getByTestId('nav-today')).toHaveAttribute('aria-current', 'page');
  });

  it('shows the change-password screen, and nothing else, when the password must be changed', async () => {
    mockCommands({ app_status: () => changePasswordStatus });
    renderWithProviders(<App />);

    expect(await screen.findByTestId('change-password-form')).toBeInTheDocument();
    expect(screen.getByTestId('change-password-title')).toHaveTextContent('Choose a new password');
    expect(screen.queryByTestId('shell-user')).not.toBeInTheDocument();
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
    expect(invokeMock.mock.calls.map(([cmd]) => cmd)).toEqual(['app_status']);
  });

  it('lets any signed-in user change their password from the user menu', async () => {
    const receptionist = {
      ...readyStatus,
      user: { id: 'u3', username: 'sam', displayName: 'Sam Reception', role: 'receptionist' as const, mustChangePassword: false },
    };
    mockCommands({
      app_status: () => receptionist,
      clinic_overview: () => overview(),
      change_password: (args) => {
        if (args.newPassword === 'sam') {
          throw new IpcRejection('validation', 'must not be your username', 'newPassword');
        }
        return receptionist;
      },
    });
    const { user } = renderWithProviders(<App />);

    await user.click(await screen.findByTestId('user-menu'));
    await user.click(await screen.findByTestId('change-password-open'));
    const dialog = await screen.findByRole('dialog', { name: 'Change your password' });

    await user.type(within(dialog).getByTestId('change-current-password'), 'current password 1');
    await user.type(within(dialog).getByTestId('change-new-password'), 'sam');
    await user.type(within(dialog).getByTestId('change-confirm-password'), 'sam{Enter}');
    expect(await within(dialog).findByText('must not be your username')).toBeInTheDocument();

    await user.clear(within(dialog).getByTestId('change-new-password'));
    await user.type(within(dialog).getByTestId('change-new-password'), 'a much better password');
    await user.clear(within(dialog).getByTestId('change-confirm-password'));
    await user.type(within(dialog).getByTestId('change-confirm-password'), 'a much better password');
    await user.click(within(dialog).getByTestId('change-password-submit'));

    expect(await screen.findByText('Your password has been changed.')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.queryByRole('dialog', { name: 'Change your password' })).not.toBeInTheDocument();
    });
    expect(callsOf('change_password')).toEqual([
      { currentPassword: 'current password 1', newPassword: 'sam' },
      { currentPassword: 'current password 1', newPassword: 'a much better password' },
    ]);
    expect(screen.getByTestId('shell-user-name')).toHaveTextContent('Sam Reception');
  });

  it('moves to the change-password screen when a command is refused because the password must change', async () => {
    let mustChange = false;
    mockCommands({
      // The same user, now required to change their password.
      app_status: () =>
        mustChange
          ? { ...changePasswordStatus, user: { ...readyStatus.user!, mustChangePassword: true } }
          : readyStatus,
      clinic_overview: () => {
        mustChange = true;
        throw new IpcRejection('forbidden', 'the password must be changed first');
      },
    });
    renderWithProviders(<App />);
    expect(await screen.findByTestId('change-password-form')).toBeInTheDocument();
    expect(callsOf('app_status')).toHaveLength(2);
  });

  it('navigates between screens', async () => {
    mockCommands({
      app_status: () => readyStatus,
      clinic_overview: () => overview(),
      list_patients: () => ({ total: 0, tooMany: false, rows: [] }),
      list_appointments: () => [],
      list_invoices: () => ({ rows: [], more: false }),
    });
    const { user } = renderWithProviders(<App />);

    await user.click(await screen.findByTestId('nav-patients'));
    expect(await screen.findByRole('heading', { name: 'Patients' })).toBeInTheDocument();
    expect(screen.getByTestId('nav-patients')).toHaveAttribute('aria-current', 'page');

    await user.click(screen.getByTestId('nav-schedule'));
    expect(await screen.findByRole('heading', { name: 'Schedule' })).toBeInTheDocument();

    await user.click(screen.getByTestId('nav-billing'));
    expect(await screen.findByRole('heading', { name: 'Billing' })).toBeInTheDocument();
    expect(screen.getByTestId('nav-billing')).toHaveAttribute('aria-current', 'page');
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
