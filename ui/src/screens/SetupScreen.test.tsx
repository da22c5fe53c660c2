import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../app/App';
import type { AppStatus, SetupClinicArgs } from '../api/types';
import { callsOf, IpcRejection, mockCommands } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';
import { defaultTimeZone } from './timeZones';

const setupStatus: AppStatus = {
  phase: 'setup',
  clinicName: null,
  demo: false,
  demoCredentials: null,
  user: null,
  idleLockMinutes: null,
  allowed: [],
  readingOnly: null,
};

function mockSetup(setupClinic: (args: SetupClinicArgs) => AppStatus) {
  let status = setupStatus;
  mockCommands({
    app_status: () => status,
    list_time_zones: () => ['America/Chicago', 'Europe/Madrid', 'UTC'],
    setup_clinic: (args) => {
      status = setupClinic(args);
      return status;
    },
  });
}

async function fillForm(user: ReturnType<typeof renderWithProviders>['user'], confirm = 'correct horse battery') {
  await user.type(await screen.findByTestId('setup-clinic-name'), 'Riverside Family Clinic');
  await user.type(screen.getByTestId('setup-admin-name'), 'Alex Admin');
  await user.type(screen.getByTestId('setup-admin-username'), 'alex');
  await user.type(screen.getByTestId('setup-password'), 'correct horse battery');
  await user.type(screen.getByTestId('setup-password-confirm'), confirm);
}

/** The Mantine input wrapper (label + input + error) around an input. */
function fieldWrapper(input: HTMLElement): HTMLElement {
  const wrapper = input.closest('.mantine-InputWrapper-root');
  if (!(wrapper instanceof HTMLElement)) throw new Error('no input wrapper');
  return wrapper;
}

describe('first-run setup', () => {
  it('shows a Rust field error next to the password field', async () => {
    mockSetup(() => {
      throw new IpcRejection('validation', 'Password must be at least 12 characters.', 'adminPassword');
    });
    const { user } = renderWithProviders(<App />);
    await fillForm(user);
    await user.click(screen.getByTestId('setup-submit'));

    const password = screen.getByTestId('setup-password');
    const error = await within(fieldWrapper(password)).findByText('Password must be at least 12 characters.');
    expect(error).toBeInTheDocument();
    expect(password).toHaveAttribute('aria-invalid', 'true');
    // Not duplicated as a form-level alert, and not on other fields.
    expect(screen.queryByTestId('setup-error')).not.toBeInTheDocument();
    expect(screen.getByTestId('setup-admin-username')).not.toHaveAttribute('aria-invalid', 'true');

    expect(callsOf('setup_clinic')).toEqual([
      {
        clinicName: 'Riverside Family Clinic',
        timeZone: 'UTC',
        country: 'US',
        currency: 'USD',
        adminDisplayName: 'Alex Admin',
        adminUsername: 'alex',
        adminPassword: 'correct horse battery',
      },
    ]);
  });

  it('shows an error without a field as a form-level alert', async () => {
    mockSetup(() => {
      throw new IpcRejection('already_initialized', 'Clinic already exists');
    });
    const { user } = renderWithProviders(<App />);
    await fillForm(user);
    await user.click(screen.getByTestId('setup-submit'));
    expect(await screen.findByTestId('setup-error')).toHaveTextContent(
      'This clinic has already been set up.',
    );
  });

  it('checks the password confirmation before calling Rust', async () => {
    mockSetup(() => setupStatus);
    const { user } = renderWithProviders(<App />);
    await fillForm(user, 'something else');
    await user.click(screen.getByTestId('setup-submit'));

    const confirm = screen.getByTestId('setup-password-confirm');
    expect(await within(fieldWrapper(confirm)).findByText('The passwords do not match')).toBeInTheDocument();
    expect(callsOf('setup_clinic')).toHaveLength(0);
  });

  it('moves on to sign-in after a successful setup', async () => {
    mockSetup((args) => ({ ...setupStatus, phase: 'sign_in', clinicName: args.clinicName }));
    const { user } = renderWithProviders(<App />);
    await fillForm(user);
    await user.click(screen.getByTestId('setup-submit'));

    expect(await screen.findByTestId('login-username')).toBeInTheDocument();
    expect(screen.getByTestId('signin-clinic-name')).toHaveTextContent('Riverside Family Clinic');
  });
});

describe('defaultTimeZone', () => {
  it('prefers the browser zone when offered, else UTC', () => {
    expect(defaultTimeZone(['UTC', 'Europe/Madrid'], 'Europe/Madrid')).toBe('Europe/Madrid');
    expect(defaultTimeZone(['UTC', 'Europe/Madrid'], 'Mars/Olympus')).toBe('UTC');
    expect(defaultTimeZone(['Europe/Madrid'], null)).toBe('');
  });
});
