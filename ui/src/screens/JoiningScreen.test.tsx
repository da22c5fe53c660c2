import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppStatus, JoinView, ServerArgs } from '../api/types';
import { App } from '../app/App';
import { readyStatus } from '../test/fixtures';
import { callsOf, IpcRejection, mockCommands, problem } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i + 0x10).toString(16).toUpperCase()).join(':');
const KEY = 'K7Q2-9XHM-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-C4F7';
const setupStatus: AppStatus = { ...readyStatus, phase: 'setup', clinicName: null, user: null, allowed: [] };
const joiningStatus: AppStatus = { ...setupStatus, phase: 'joining' };
const signInStatus: AppStatus = { ...setupStatus, phase: 'sign_in', clinicName: 'Riverside Family Practice' };

function view(overrides: Partial<JoinView> = {}): JoinView {
  return {
    running: true,
    pulled: false,
    progress: { appliedThrough: 250, latest: 1000 },
    error: null,
    recoveryKey: KEY,
    ...overrides,
  };
}

describe('joining a clinic on first run', () => {
  it('shows the server certificate to compare before it joins, then the clinic arriving with the recovery key', async () => {
    let status = setupStatus;
    let join = view();
    mockCommands({
      app_status: () => status,
      list_time_zones: () => ['Europe/Copenhagen'],
      server_fingerprint: ({ server }) => {
        if (!server.startsWith('https://')) {
          throw new IpcRejection('validation', 'bad address', 'server', problem('server_address'));
        }
        return FINGERPRINT;
      },
      join_clinic: (args: ServerArgs) => {
        if (args.code !== 'ABCDE-FGHJK') throw new IpcRejection('server_refused', 'the pairing code is not valid');
        status = joiningStatus;
        return status;
      },
      join_progress: () => join,
      join_sheet_path: () => '/home/ida/Documents/Recovery sheet - Riverside Family Practice.pdf',
      finish_joining: () => {
        status = signInStatus;
        return status;
      },
    });
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('setup-choose-join'));
    await user.type(screen.getByTestId('join-server'), 'clinic-server:8443');
    await user.type(screen.getByTestId('join-code'), 'WRONG');
    await user.click(screen.getByTestId('join-connect'));
    expect(await screen.findByText(/https:\/\/name-or-address:port/)).toBeInTheDocument();

    await user.clear(screen.getByTestId('join-server'));
    await user.type(screen.getByTestId('join-server'), 'https://clinic-server:8443');
    await user.click(screen.getByTestId('join-connect'));
    // Four lines of eight pairs, to compare with what the server printed.
    expect(await screen.findByTestId('join-fingerprint')).toHaveTextContent('10:11:12:13:14:15:16:17');
    await user.click(screen.getByTestId('join-submit'));
    expect(await screen.findByTestId('join-error')).toBeInTheDocument();

    await user.click(screen.getByTestId('join-back'));
    await user.clear(screen.getByTestId('join-code'));
    await user.type(screen.getByTestId('join-code'), 'ABCDE-FGHJK');
    await user.click(screen.getByTestId('join-connect'));
    await user.click(await screen.findByTestId('join-submit'));
    expect(callsOf('join_clinic').at(-1)).toEqual({
      server: 'https://clinic-server:8443',
      code: 'ABCDE-FGHJK',
      fingerprint: FINGERPRINT,
    });

    expect(await screen.findByTestId('joining-title')).toBeInTheDocument();
    expect(screen.getByTestId('join-progress-text')).toHaveTextContent('250 of 1,000 changes here (25%)');
    expect(screen.getByTestId('recovery-key')).toHaveTextContent('K7Q2-9XHM');
    // Until the whole clinic is here, no sheet (it names the clinic) and no sign-in.
    expect(screen.getByTestId('recovery-sheet-save')).toBeDisabled();
    expect(screen.getByTestId('recovery-key-later')).toBeDisabled();
    await user.click(screen.getByTestId('recovery-key-confirm'));
    expect(screen.getByTestId('recovery-key-done')).toBeDisabled();

    join = view({ running: false, pulled: true, progress: { appliedThrough: 1000, latest: 1000 } });
    expect(await screen.findByText('The whole clinic is here.', {}, { timeout: 3000 })).toBeInTheDocument();
    expect(await screen.findByDisplayValue(/Recovery sheet - Riverside Family Practice.pdf/)).toBeInTheDocument();
    await user.click(screen.getByTestId('recovery-key-done'));
    expect(await screen.findByTestId('login-username')).toBeInTheDocument();
    expect(callsOf('finish_joining')).toHaveLength(1);
  });

  it('says why the clinic stopped arriving, and goes on when asked', async () => {
    let join = view({
      running: false,
      error: { code: 'server_refused', message: 'this device has been revoked', field: null, problem: null },
    });
    mockCommands({
      app_status: () => joiningStatus,
      join_progress: () => join,
      retry_join: () => {
        join = view();
        return join;
      },
    });
    const { user } = renderWithProviders(<App />);
    expect(await screen.findByTestId('join-error')).toHaveTextContent('this device has been revoked');
    await act(async () => {
      await user.click(screen.getByTestId('join-retry'));
    });
    expect(callsOf('retry_join')).toHaveLength(1);
    expect(await screen.findByTestId('join-progress-text')).toHaveTextContent('25%');
    expect(screen.queryByTestId('join-error')).not.toBeInTheDocument();
  });

  it('goes on to sign-in after a restart, when the key was shown before it', async () => {
    let status = joiningStatus;
    mockCommands({
      app_status: () => status,
      join_progress: () => view({ running: false, pulled: true, recoveryKey: null }),
      join_sheet_path: () => '/home/ida/Documents/Recovery sheet.pdf',
      finish_joining: () => {
        status = signInStatus;
        return status;
      },
    });
    const { user } = renderWithProviders(<App />);
    expect(await screen.findByText('The whole clinic is here.')).toBeInTheDocument();
    expect(screen.queryByTestId('recovery-key')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('join-continue'));
    expect(await screen.findByTestId('login-username')).toBeInTheDocument();
  });
});
