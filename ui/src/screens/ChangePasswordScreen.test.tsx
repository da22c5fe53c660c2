import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../app/App';
import type { AppStatus, ChangePasswordArgs } from '../api/types';
import { changePasswordStatus, overview } from '../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';

const signInStatus: AppStatus = { ...changePasswordStatus, phase: 'sign_in', user: null };

function mockChangePassword(changePassword: (args: ChangePasswordArgs) => AppStatus) {
  let status = changePasswordStatus;
  mockCommands({
    app_status: () => status,
    change_password: (args) => {
      status = changePassword(args);
      return status;
    },
    sign_out: () => {
      status = signInStatus;
      return status;
    },
    clinic_overview: () => overview(),
  });
}

/** The Mantine input wrapper (label + input + error) around an input. */
function fieldWrapper(input: HTMLElement): HTMLElement {
  const wrapper = input.closest('.mantine-InputWrapper-root');
  if (!(wrapper instanceof HTMLElement)) throw new Error('no input wrapper');
  return wrapper;
}

async function fillForm(
  user: ReturnType<typeof renderWithProviders>['user'],
  {
    current = 'old password 1',
    next = 'a brand new password',
    confirm,
  }: { current?: string; next?: string; confirm?: string } = {},
) {
  await user.type(await screen.findByTestId('change-current-password'), current);
  await user.type(screen.getByTestId('change-new-password'), next);
  await user.type(screen.getByTestId('change-confirm-password'), confirm ?? next);
}

describe('forced password change', () => {
  it('shows a wrong current password next to that field', async () => {
    mockChangePassword(() => {
      throw new IpcRejection('validation', 'the current password is wrong', 'currentPassword');
    });
    const { user } = renderWithProviders(<App />);
    expect(
      await screen.findByText('Sam Reception, you need to choose a new password before you continue.'),
    ).toBeInTheDocument();
    await fillForm(user);
    await user.click(screen.getByTestId('change-password-submit'));

    const current = screen.getByTestId('change-current-password');
    expect(await within(fieldWrapper(current)).findByText('the current password is wrong')).toBeInTheDocument();
    expect(current).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('change-new-password')).not.toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('change-password-error')).not.toBeInTheDocument();
  });

  it('shows a password rule from Rust next to the new password', async () => {
    mockChangePassword(() => {
      throw new IpcRejection('validation', 'must be at least 10 characters', 'newPassword');
    });
    const { user } = renderWithProviders(<App />);
    await fillForm(user, { next: 'short' });
    // Enter in the last field submits the form.
    await user.type(screen.getByTestId('change-confirm-password'), '{Enter}');

    const next = screen.getByTestId('change-new-password');
    expect(await within(fieldWrapper(next)).findByText('must be at least 10 characters')).toBeInTheDocument();
    expect(next).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('change-current-password')).not.toHaveAttribute('aria-invalid', 'true');
    expect(callsOf('change_password')).toEqual([{ currentPassword: 'old password 1', newPassword: 'short' }]);
  });

  it('checks the confirmation before calling Rust', async () => {
    mockChangePassword(() => changePasswordStatus);
    const { user } = renderWithProviders(<App />);
    await fillForm(user, { confirm: 'something else entirely' });
    await user.click(screen.getByTestId('change-password-submit'));

    const confirm = screen.getByTestId('change-confirm-password');
    expect(await within(fieldWrapper(confirm)).findByText('The passwords do not match')).toBeInTheDocument();
    expect(callsOf('change_password')).toEqual([]);
  });

  it('calls change_password with the two passwords and opens the app', async () => {
    mockChangePassword(() => ({
      ...changePasswordStatus,
      phase: 'ready',
      user: { ...changePasswordStatus.user!, mustChangePassword: false },
    }));
    const { user } = renderWithProviders(<App />);
    await fillForm(user);
    await user.click(screen.getByTestId('change-password-submit'));

    expect(await screen.findByTestId('shell-user-name')).toHaveTextContent('Sam Reception');
    expect(screen.queryByTestId('change-password-form')).not.toBeInTheDocument();
    expect(callsOf('change_password')).toEqual([
      { currentPassword: 'old password 1', newPassword: 'a brand new password' },
    ]);
  });

  it('can sign out instead', async () => {
    mockChangePassword(() => changePasswordStatus);
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('change-password-sign-out'));
    expect(await screen.findByTestId('login-username')).toBeInTheDocument();
    expect(callsOf('sign_out')).toEqual([null]);
  });
});
