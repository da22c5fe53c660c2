import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { UserSummary } from '../../api/types';
import { userSummary, users } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { UsersScreen } from './UsersScreen';

function row(username: string): HTMLElement {
  const found = screen
    .getAllByTestId('user-row')
    .find((element) => element.getAttribute('data-username') === username);
  if (!found) throw new Error(`no row for ${username}`);
  return found;
}

function renderUsers(handlers: CommandHandlers = {}) {
  mockCommands({ list_users: () => users(), ...handlers });
  return renderWithProviders(<UsersScreen currentUserId="u1" />);
}

describe('Users administration', () => {
  it('lists the users with their role and status', async () => {
    renderUsers();

    const table = await screen.findByTestId('users-table');
    const rows = within(table).getAllByTestId('user-row');
    expect(rows.map((r) => r.getAttribute('data-username'))).toEqual(['admin', 'grace', 'sam']);

    const admin = row('admin');
    expect(admin).toHaveTextContent('Alex Admin');
    expect(admin).toHaveTextContent('You');
    expect(within(admin).getByTestId('user-role')).toHaveValue('Administrator');
    expect(within(admin).getByTestId('user-badge-active')).toHaveTextContent('Active');
    expect(within(admin).queryByTestId('user-badge-locked')).not.toBeInTheDocument();
    expect(within(admin).queryByTestId('user-badge-must-change')).not.toBeInTheDocument();

    const grace = row('grace');
    expect(within(grace).getByTestId('user-role')).toHaveValue('Doctor');
    // On the clinic's clock (Chicago), not this computer's (UTC).
    expect(within(grace).getByTestId('user-badge-locked')).toHaveTextContent('Locked until Mar 4, 2025, 9:30 AM');
    expect(grace).not.toHaveTextContent('You');

    const sam = row('sam');
    expect(within(sam).getByTestId('user-role')).toHaveValue('Receptionist');
    expect(within(sam).getByTestId('user-badge-must-change')).toHaveTextContent('Must change password');
  });

  it('adds a user, showing Rust field errors next to the field', async () => {
    let list = users();
    const { user } = renderUsers({
      list_users: () => list,
      add_user: (args) => {
        if (args.username === 'grace') {
          throw new IpcRejection('conflict', 'the username grace is already taken', 'username');
        }
        const added = userSummary({ ...args, id: 'u4', mustChangePassword: true });
        list = [...list, added];
        return added;
      },
    });
    await screen.findByTestId('users-table');

    await user.click(screen.getByTestId('add-user-open'));
    const form = await screen.findByTestId('add-user-form');
    await user.type(within(form).getByTestId('add-user-name'), 'Nia Nurse');
    await user.type(within(form).getByTestId('add-user-username'), 'grace');
    await user.click(within(form).getByTestId('add-user-role'));
    await user.click(await screen.findByRole('option', { name: 'Nurse' }));
    await user.type(within(form).getByTestId('add-user-password'), 'first password 1');
    await user.type(within(form).getByTestId('add-user-password-confirm'), 'first password 1{Enter}');

    const username = within(form).getByTestId('add-user-username');
    expect(await within(form).findByText('the username grace is already taken')).toBeInTheDocument();
    expect(username).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).queryByTestId('add-user-error')).not.toBeInTheDocument();

    await user.clear(username);
    await user.type(username, 'nia');
    await user.click(within(form).getByTestId('add-user-submit'));

    expect(await screen.findByText('Nia Nurse can now sign in as nia.')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.queryByTestId('add-user-form')).not.toBeInTheDocument();
    });
    const nia = await waitFor(() => row('nia'));
    expect(within(nia).getByTestId('user-role')).toHaveValue('Nurse');
    expect(within(nia).getByTestId('user-badge-must-change')).toBeInTheDocument();
    expect(callsOf('add_user')).toEqual([
      { username: 'grace', displayName: 'Nia Nurse', password: 'first password 1', role: 'nurse' },
      { username: 'nia', displayName: 'Nia Nurse', password: 'first password 1', role: 'nurse' },
    ]);
    expect(callsOf('list_users')).toHaveLength(2);
  });

  it('requires a role and matching passwords before calling Rust', async () => {
    const { user } = renderUsers();
    await user.click(await screen.findByTestId('add-user-open'));
    const form = await screen.findByTestId('add-user-form');
    await user.type(within(form).getByTestId('add-user-name'), 'Nia Nurse');
    await user.type(within(form).getByTestId('add-user-username'), 'nia');
    await user.type(within(form).getByTestId('add-user-password'), 'first password 1');
    await user.type(within(form).getByTestId('add-user-password-confirm'), 'other password 1');
    await user.click(within(form).getByTestId('add-user-submit'));

    expect(await within(form).findByText('Choose a role')).toBeInTheDocument();
    expect(within(form).getByText('The passwords do not match')).toBeInTheDocument();
    expect(callsOf('add_user')).toEqual([]);
  });

  it('shows why deactivating the last administrator is refused', async () => {
    const { user } = renderUsers({
      set_user_active: () => {
        throw new IpcRejection('conflict', 'Alex Admin is the last active administrator');
      },
    });
    await screen.findByTestId('users-table');
    await user.click(within(row('admin')).getByRole('button', { name: 'Deactivate Alex Admin' }));

    const alert = await screen.findByTestId('users-action-error');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(alert).toHaveTextContent('Could not update Alex Admin');
    expect(alert).toHaveTextContent('Alex Admin is the last active administrator');
    expect(callsOf('set_user_active')).toEqual([{ userId: 'u1', active: false }]);
    // Still shown as active.
    expect(within(row('admin')).getByTestId('user-badge-active')).toBeInTheDocument();
  });

  it('deactivates a user and shows the list Rust returns', async () => {
    const { user, queryClient } = renderUsers({
      set_user_active: ({ userId, active }) =>
        users().map((u): UserSummary => (u.id === userId ? { ...u, active } : u)),
    });
    await screen.findByTestId('users-table');
    await user.click(within(row('sam')).getByTestId('user-toggle-active'));

    expect(await within(row('sam')).findByTestId('user-badge-deactivated')).toHaveTextContent('Deactivated');
    expect(within(row('sam')).getByRole('button', { name: 'Activate Sam Reception' })).toBeInTheDocument();
    expect(callsOf('set_user_active')).toEqual([{ userId: 'u3', active: false }]);
    // The returned list went into the cache: no refetch.
    expect(callsOf('list_users')).toHaveLength(1);
    expect(queryClient.getQueryData<UserSummary[]>(['list_users'])?.[2]?.active).toBe(false);
  });

  it('changes a role, and shows a refusal without changing it', async () => {
    const { user } = renderUsers({
      set_user_role: ({ userId, role }) => {
        if (userId === 'u1') throw new IpcRejection('conflict', 'the clinic needs an active administrator');
        return users().map((u): UserSummary => (u.id === userId ? { ...u, role } : u));
      },
    });
    await screen.findByTestId('users-table');

    await user.click(within(row('sam')).getByTestId('user-role'));
    await user.click(await screen.findByRole('option', { name: 'Billing' }));
    await waitFor(() => {
      expect(within(row('sam')).getByTestId('user-role')).toHaveValue('Billing');
    });
    expect(callsOf('set_user_role')).toEqual([{ userId: 'u3', role: 'billing' }]);

    await user.click(within(row('admin')).getByTestId('user-role'));
    await user.click(await screen.findByRole('option', { name: 'Doctor' }));
    expect(await screen.findByTestId('users-action-error')).toHaveTextContent(
      'the clinic needs an active administrator',
    );
    expect(within(row('admin')).getByTestId('user-role')).toHaveValue('Administrator');
  });

  it('resets a password, showing a rule from Rust next to the field', async () => {
    const { user } = renderUsers({
      reset_password: ({ userId, newPassword }) => {
        if (newPassword.length < 10) {
          throw new IpcRejection('validation', 'must be at least 10 characters', 'newPassword');
        }
        return users().map((u): UserSummary =>
          u.id === userId ? { ...u, lockedUntil: null, mustChangePassword: true } : u,
        );
      },
    });
    await screen.findByTestId('users-table');
    await user.click(within(row('grace')).getByRole('button', { name: 'Reset password of Dr. Grace Chen' }));

    const dialog = await screen.findByRole('dialog', { name: 'Reset password for Dr. Grace Chen' });
    await user.type(within(dialog).getByTestId('reset-password-new'), 'short');
    await user.type(within(dialog).getByTestId('reset-password-confirm'), 'short{Enter}');
    expect(await within(dialog).findByText('must be at least 10 characters')).toBeInTheDocument();
    expect(within(dialog).getByTestId('reset-password-new')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(within(dialog).getByTestId('reset-password-new'));
    await user.type(within(dialog).getByTestId('reset-password-new'), 'temporary password 1');
    await user.clear(within(dialog).getByTestId('reset-password-confirm'));
    await user.type(within(dialog).getByTestId('reset-password-confirm'), 'temporary password 1');
    await user.click(within(dialog).getByTestId('reset-password-submit'));

    expect(await screen.findByText('Password reset for Dr. Grace Chen.')).toBeInTheDocument();
    await waitFor(() => {
      expect(within(row('grace')).queryByTestId('user-badge-locked')).not.toBeInTheDocument();
    });
    expect(within(row('grace')).getByTestId('user-badge-must-change')).toBeInTheDocument();
    expect(callsOf('reset_password')).toEqual([
      { userId: 'u2', newPassword: 'short' },
      { userId: 'u2', newPassword: 'temporary password 1' },
    ]);
  });

  it('shows a load error inline', async () => {
    renderUsers({
      list_users: () => {
        throw new IpcRejection('forbidden', 'administrators only');
      },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission to do that.');
  });
});
