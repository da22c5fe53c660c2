import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../app/App';
import type { AppStatus } from '../api/types';
import { readyStatus, overview } from '../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';

const signInStatus: AppStatus = {
  phase: 'sign_in',
  clinicName: 'Sunny Demo Clinic',
  demo: true,
  demoCredentials: { username: 'demo', password: 'demo-password-123' },
  user: null,
  idleLockMinutes: null,
  allowed: [],
  readingOnly: null,
};

describe('sign-in', () => {
  it('shows the demo credentials box in a demo clinic', async () => {
    mockCommands({ app_status: () => signInStatus });
    renderWithProviders(<App />);
    const box = await screen.findByTestId('demo-credentials');
    expect(box).toHaveTextContent('Demo clinic — sign in as demo / demo-password-123');
    expect(screen.getByTestId('signin-clinic-name')).toHaveTextContent('Sunny Demo Clinic');
  });

  it('has no demo box in a real clinic', async () => {
    mockCommands({ app_status: () => ({ ...signInStatus, demo: false, demoCredentials: null }) });
    renderWithProviders(<App />);
    await screen.findByTestId('login-username');
    expect(screen.queryByTestId('demo-credentials')).not.toBeInTheDocument();
  });

  it('shows wrong credentials as a form-level message', async () => {
    mockCommands({
      app_status: () => signInStatus,
      sign_in: () => {
        throw new IpcRejection('invalid_credentials', 'invalid username or password', 'password');
      },
    });
    const { user } = renderWithProviders(<App />);
    await user.type(await screen.findByTestId('login-username'), 'demo');
    await user.type(screen.getByTestId('login-password'), 'nope');
    await user.click(screen.getByTestId('login-submit'));

    expect(await screen.findByTestId('login-error')).toHaveTextContent(
      'The username or password is incorrect.',
    );
    expect(screen.getByTestId('login-password')).not.toHaveAttribute('aria-invalid', 'true');
  });

  it('signs in with the demo credentials and opens the dashboard', async () => {
    let status = signInStatus;
    mockCommands({
      app_status: () => status,
      sign_in: () => {
        status = { ...readyStatus, clinicName: 'Sunny Demo Clinic', demo: true };
        return status;
      },
      clinic_overview: () => overview(),
    });
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByRole('button', { name: 'Fill in demo credentials' }));
    await user.click(screen.getByTestId('login-submit'));

    expect(await screen.findByTestId('shell-clinic-name')).toHaveTextContent('Sunny Demo Clinic');
    expect(callsOf('sign_in')).toEqual([{ username: 'demo', password: 'demo-password-123' }]);
  });
});
