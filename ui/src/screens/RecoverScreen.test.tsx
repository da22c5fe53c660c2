import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppStatus, RecoverArgs } from '../api/types';
import { App } from '../app/App';
import { readyStatus } from '../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';

describe('recovering a clinic whose key is lost', () => {
  it('opens it with the recovery key, showing Rust’s reason next to the field', async () => {
    let status: AppStatus = { ...readyStatus, phase: 'recover', user: null, clinicName: null, idleLockMinutes: null };
    mockCommands({
      app_status: () => status,
      recover_clinic: ({ recoveryKey }: RecoverArgs) => {
        if (!recoveryKey.startsWith('K7Q2')) {
          throw new IpcRejection('validation', 'the recovery key has a typo: check each group against the sheet', 'recoveryKey');
        }
        status = { ...readyStatus, phase: 'sign_in', user: null, idleLockMinutes: null };
        return status;
      },
    });
    const { user } = renderWithProviders(<App />);
    await user.type(await screen.findByTestId('recover-key'), 'AAAA-BBBB');
    await user.click(screen.getByTestId('recover-submit'));
    expect(await screen.findByText(/has a typo/)).toBeInTheDocument();
    expect(screen.getByTestId('recover-key')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(screen.getByTestId('recover-key'));
    await user.type(screen.getByTestId('recover-key'), 'K7Q2-9XHM');
    await user.click(screen.getByTestId('recover-submit'));
    expect(await screen.findByTestId('login-username')).toBeInTheDocument();
    expect(callsOf('recover_clinic').map((a) => a.recoveryKey)).toEqual(['AAAA-BBBB', 'K7Q2-9XHM']);
  });
});
