import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { RecoveryKeyStatus, SecuritySettings } from '../../api/types';
import { readyStatus } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { SecurityPanel } from './SecurityPanel';

const recovery: RecoveryKeyStatus = {
  hasRecoveryKey: true,
  createdAt: '2026-11-01T09:00:00Z',
  createdBy: 'Alex Admin',
  confirmedAt: null,
  keySource: 'keyring',
};

function mockSecurity() {
  mockCommands({
    app_status: () => readyStatus,
    security_settings: () => ({ lockoutThreshold: 5, lockoutMinutes: 15, idleLockMinutes: 5 }),
    set_security_settings: (settings: SecuritySettings) => {
      // Rust has the last word on what is allowed, whatever the inputs' own bounds.
      if (settings.idleLockMinutes > 60) {
        throw new IpcRejection('validation', 'at most 60 minutes here', 'idleLockMinutes');
      }
      return settings;
    },
    recovery_key_status: () => recovery,
    new_recovery_key: () => ({ recoveryKey: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH-JJJJ', suggestedSheetPath: '/tmp/sheet.pdf' }),
    finish_recovery_key_handover: () => readyStatus,
    change_database_key: () => recovery,
  });
}

describe('Security', () => {
  it('saves the sign-in rules, with Rust’s reason next to a bad value', async () => {
    mockSecurity();
    const { user } = renderWithProviders(<SecurityPanel />);
    const idle = await screen.findByTestId('security-idle-minutes');
    await waitFor(() => expect(idle).toHaveValue('5'));
    await user.clear(idle);
    await user.type(idle, '90');
    await user.click(screen.getByTestId('security-save'));
    expect(await screen.findByText('at most 60 minutes here')).toBeInTheDocument();
    await user.clear(idle);
    await user.type(idle, '10');
    await user.click(screen.getByTestId('security-save'));
    await waitFor(() =>
      expect(callsOf('set_security_settings').at(-1)).toEqual({ lockoutThreshold: 5, lockoutMinutes: 15, idleLockMinutes: 10 }),
    );
  });

  it('warns while the sheet is not put away, and hands a new key over', async () => {
    mockSecurity();
    const { user } = renderWithProviders(<SecurityPanel />);
    expect(await screen.findByTestId('recovery-status')).toHaveTextContent('Nobody has confirmed');
    await user.click(screen.getByTestId('recovery-new'));
    await user.click(await screen.findByTestId('recovery-new-confirm'));
    expect(await screen.findByTestId('recovery-key')).toHaveTextContent('AAAA-BBBB');
    await user.click(screen.getByTestId('recovery-key-confirm'));
    await user.click(screen.getByTestId('recovery-key-done'));
    await waitFor(() => expect(screen.queryByTestId('recovery-key')).not.toBeInTheDocument());
    expect(callsOf('finish_recovery_key_handover')).toEqual([{ confirmed: true }]);
  });

  it('changes the database key after a confirmation', async () => {
    mockSecurity();
    const { user } = renderWithProviders(<SecurityPanel />);
    expect(await screen.findByTestId('database-key-source')).toHaveTextContent('keyring');
    await user.click(screen.getByTestId('database-key-change'));
    await user.click(await screen.findByTestId('database-key-change-confirm'));
    await waitFor(() => expect(callsOf('change_database_key')).toHaveLength(1));
  });
});
