import { screen, waitFor } from '@testing-library/react';
import { save } from '@tauri-apps/plugin-dialog';
import { describe, expect, it, vi } from 'vitest';
import type { AppStatus, SaveRecoverySheetArgs } from '../api/types';
import { App } from '../app/App';
import { overview, readyStatus } from '../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../test/ipcMock';
import { renderWithProviders } from '../test/render';

const KEY = 'K7Q2-9XHM-ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-C4F7';

function mockHandover() {
  let status: AppStatus = { ...readyStatus, phase: 'recovery_key' };
  mockCommands({
    app_status: () => status,
    clinic_overview: () => overview(),
    recovery_key_handover: () => ({ recoveryKey: KEY, suggestedSheetPath: '/home/grace/Documents/Recovery sheet.pdf' }),
    save_recovery_sheet: ({ path }: SaveRecoverySheetArgs) => {
      if (!path.startsWith('/')) throw new IpcRejection('validation', 'enter the full path of the file', 'path');
      return path;
    },
    finish_recovery_key_handover: () => {
      status = readyStatus;
      return status;
    },
  });
}

describe('recovery key after setup', () => {
  it('shows the key once, saves the sheet where asked, and continues once it is put away', async () => {
    mockHandover();
    const { user } = renderWithProviders(<App />);
    expect(await screen.findByTestId('recovery-key')).toHaveTextContent('K7Q2-9XHM');
    const path = screen.getByTestId('recovery-sheet-path');
    expect(path).toHaveValue('/home/grace/Documents/Recovery sheet.pdf');

    await user.clear(path);
    await user.type(path, 'sheet.pdf');
    await user.click(screen.getByTestId('recovery-sheet-save'));
    expect(await screen.findByText('enter the full path of the file')).toBeInTheDocument();

    // The Browse button fills the path from the system's save dialog.
    vi.mocked(save).mockResolvedValueOnce('/media/usb/Recovery sheet.pdf');
    await user.click(screen.getByTestId('recovery-sheet-path-browse'));
    await waitFor(() => expect(path).toHaveValue('/media/usb/Recovery sheet.pdf'));
    await user.click(screen.getByTestId('recovery-sheet-save'));
    expect(await screen.findByTestId('recovery-sheet-saved')).toHaveTextContent('/media/usb/Recovery sheet.pdf');

    const done = screen.getByTestId('recovery-key-done');
    expect(done).toBeDisabled();
    await user.click(screen.getByTestId('recovery-key-confirm'));
    await user.click(done);
    expect(await screen.findByTestId('stat-patients')).toBeInTheDocument();
    expect(callsOf('finish_recovery_key_handover')).toEqual([{ confirmed: true }]);
  });

  it('can be put off, which records no confirmation', async () => {
    mockHandover();
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('recovery-key-later'));
    expect(await screen.findByTestId('stat-patients')).toBeInTheDocument();
    expect(callsOf('finish_recovery_key_handover')).toEqual([{ confirmed: false }]);
  });
});
