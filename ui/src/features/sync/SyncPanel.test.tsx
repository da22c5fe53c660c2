import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ClinicDevice, ServerArgs } from '../../api/types';
import { FINGERPRINT, overviewOf, readyStatus } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { SyncIndicator } from './SyncIndicator';
import { SyncPanel } from './SyncPanel';
import { syncState } from './syncState';

const devices: ClinicDevice[] = [
  {
    id: 'dev-a',
    name: 'FRONT-DESK',
    prefix: 'A',
    pairedAt: '2026-11-30T08:00:00Z',
    lastSeenAt: '2026-12-07T09:00:00Z',
    revokedAt: null,
    thisDevice: false,
  },
  {
    id: 'dev-b',
    name: 'DR-LAPTOP',
    prefix: 'B',
    pairedAt: '2026-12-01T08:00:00Z',
    lastSeenAt: '2026-12-07T09:00:00Z',
    revokedAt: null,
    thisDevice: true,
  },
  {
    id: 'dev-c',
    name: 'OLD-PC',
    prefix: 'C',
    pairedAt: '2026-12-01T08:00:00Z',
    lastSeenAt: null,
    revokedAt: '2026-12-03T12:00:00Z',
    thisDevice: false,
  },
];

describe('the header’s sync status', () => {
  it('puts what needs someone first, then a round running, offline, changes to send, synced', () => {
    const failure = { code: 'server_refused' as const, message: 'revoked', field: null, problem: null };
    expect(syncState(overviewOf({ needsAction: true, lastFailure: failure, syncing: true }))).toBe('needsAction');
    expect(syncState(overviewOf({ syncing: true, online: false }))).toBe('syncing');
    expect(syncState(overviewOf({ online: false }, { changesWaiting: 3 }))).toBe('offline');
    expect(syncState(overviewOf({ online: null }, { changesWaiting: 3 }))).toBe('checking');
    expect(syncState(overviewOf({}, { changesWaiting: 3 }))).toBe('waiting');
    expect(syncState(overviewOf())).toBe('synced');
  });

  it('shows nothing on a computer that does not sync', async () => {
    mockCommands({ sync_overview: () => overviewOf({}, { paired: false }) });
    renderWithProviders(<SyncIndicator />);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.queryByTestId('sync-indicator')).not.toBeInTheDocument();
  });

  it('shows changes waiting and a refusal someone must act on, and syncs on request', async () => {
    mockCommands({
      sync_overview: () =>
        overviewOf(
          {
            online: true,
            failures: 2,
            needsAction: true,
            lastFailure: {
              code: 'server_refused',
              message: 'this device has been revoked',
              field: null,
              problem: null,
            },
          },
          { changesWaiting: 4, needsAttention: 1 },
        ),
      sync_now: () => {
        throw new IpcRejection('server_refused', 'this device has been revoked');
      },
    });
    const { user } = renderWithProviders(<SyncIndicator />);
    const indicator = await screen.findByTestId('sync-indicator');
    expect(indicator).toHaveAttribute('data-state', 'needsAction');
    expect(screen.getByTestId('sync-waiting')).toHaveTextContent('4 to send');
    await user.click(indicator);
    expect(await screen.findByTestId('sync-failure')).toHaveTextContent('this device has been revoked');
    // What needs attention has its own button in the header; the details still say it.
    expect(screen.getByText(/1 edit met another computer/)).toBeInTheDocument();
    await user.click(screen.getByTestId('sync-now'));
    expect(callsOf('sync_now')).toHaveLength(1);
  });
});

describe('Administration > Sync', () => {
  it('pairs this computer after the user compared the fingerprint', async () => {
    let paired = false;
    mockCommands({
      app_status: () => readyStatus,
      sync_overview: () => overviewOf({ online: null }, { paired, lastSyncAt: null }),
      server_fingerprint: () => FINGERPRINT,
      pair_with_server: (args: ServerArgs) => {
        if (args.code !== 'ABCDE-FGHJK') throw new IpcRejection('server_refused', 'the pairing code was used already');
        paired = true;
        return overviewOf({ online: null }, { paired, lastSyncAt: null });
      },
      clinic_devices: () => devices,
    });
    const { user } = renderWithProviders(<SyncPanel />);
    await user.type(await screen.findByTestId('pair-server'), 'https://clinic-server:8443');
    await user.type(screen.getByTestId('pair-code'), 'USED1-USED2');
    await user.click(screen.getByTestId('pair-connect'));
    expect(await screen.findByTestId('pair-fingerprint')).toHaveTextContent('AB:AB:AB:AB:AB:AB:AB:AB');
    await user.click(screen.getByTestId('pair-submit'));
    expect(await screen.findByTestId('pair-error')).toHaveTextContent('the pairing code was used already');

    await user.click(screen.getByTestId('pair-back'));
    await user.clear(screen.getByTestId('pair-code'));
    await user.type(screen.getByTestId('pair-code'), 'ABCDE-FGHJK');
    await user.click(screen.getByTestId('pair-connect'));
    await user.click(await screen.findByTestId('pair-submit'));
    expect(await screen.findByTestId('sync-status')).toBeInTheDocument();
    expect(screen.getByTestId('sync-prefix')).toHaveTextContent('B');
    expect(screen.getByTestId('sync-last')).toHaveTextContent('never');
  });

  it('lists the clinic’s computers, this one and revoked ones marked', async () => {
    mockCommands({ sync_overview: () => overviewOf(), clinic_devices: () => devices, sync_now: () => ({ pushed: 2, refused: 0, resent: 0, pulled: 5, conflicts: 0 }) });
    const { user } = renderWithProviders(<SyncPanel />);
    const rows = await screen.findAllByTestId('sync-device-row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]!).getByText('this computer')).toBeInTheDocument();
    expect(rows[2]).toHaveTextContent(/Revoked/);
    await user.click(screen.getByTestId('sync-panel-now'));
    expect(await screen.findByText('Sent 2, fetched 5.')).toBeInTheDocument();
  });
});
