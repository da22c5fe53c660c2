import { screen, waitFor, within } from '@testing-library/react';
import { open } from '@tauri-apps/plugin-dialog';
import { describe, expect, it, vi } from 'vitest';
import type { BackupFileArgs, BackupSettingsInput, BackupStatus, BackupSummary } from '../../api/types';
import { readyStatus } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { BackupsPanel } from './BackupsPanel';

const status: BackupStatus = {
  folder: '/media/usb/backups',
  keep: 14,
  lastBackupAt: '2026-11-30T22:00:00Z',
  lastBackupFile: '/media/usb/backups/clinic-A-20261130-220000.clinicbackup',
  lastError: 'the drive is not there',
  lastErrorAt: '2026-12-01T08:00:00Z',
  nextDueAt: '2026-12-01T09:00:00Z',
};

const summary = (overrides: Partial<BackupSummary> = {}): BackupSummary => ({
  file: '/media/usb/backups/clinic-A-20261130-220000.clinicbackup',
  clinicName: 'Riverside Family Clinic',
  createdAt: '2026-11-30T22:00:00Z',
  device: 'A',
  sameClinic: true,
  counts: [
    { table: 'patients', rows: 200 },
    { table: 'appointments', rows: 512 },
  ],
  ...overrides,
});

describe('Backups', () => {
  it('shows how backups go, saves the settings, and names a bad folder next to the field', async () => {
    mockCommands({
      backup_status: () => status,
      set_backup_settings: ({ folder, keep }: BackupSettingsInput) => {
        if (!folder?.startsWith('/')) {
          throw new IpcRejection('validation', 'enter the full path of the folder', 'folder');
        }
        return { ...status, folder, keep };
      },
      back_up_now: () => summary(),
    });
    const { user } = renderWithProviders(<BackupsPanel />);
    const folder = await screen.findByTestId('backup-folder');
    expect(folder).toHaveValue('/media/usb/backups');
    expect(screen.getByTestId('backup-last-error')).toHaveTextContent('the drive is not there');

    await user.clear(folder);
    await user.type(folder, 'backups');
    await user.click(screen.getByTestId('backup-settings-save'));
    expect(await screen.findByText('enter the full path of the folder')).toBeInTheDocument();

    vi.mocked(open).mockResolvedValueOnce('/mnt/share/clinic');
    await user.click(screen.getByTestId('backup-folder-browse'));
    await waitFor(() => expect(folder).toHaveValue('/mnt/share/clinic'));
    await user.clear(screen.getByTestId('backup-keep'));
    await user.type(screen.getByTestId('backup-keep'), '30');
    await user.click(screen.getByTestId('backup-settings-save'));
    await waitFor(() => expect(callsOf('set_backup_settings').at(-1)).toEqual({ folder: '/mnt/share/clinic', keep: 30 }));

    await user.click(screen.getByTestId('backup-now'));
    await waitFor(() => expect(callsOf('back_up_now')).toHaveLength(1));
  });

  it('checks a backup, asks for the recovery key of a foreign one, and restores after confirmation', async () => {
    mockCommands({
      backup_status: () => status,
      preview_backup: ({ recoveryKey }: BackupFileArgs) => {
        if (recoveryKey === null) {
          throw new IpcRejection('validation', 'this backup was made by another clinic', 'recoveryKey');
        }
        return summary({ clinicName: 'Harbour Dental', sameClinic: false });
      },
      restore_backup: () => ({
        restored: summary(),
        previousData: '/data/before-restore-20261201T100000Z',
        status: { ...readyStatus, phase: 'sign_in', user: null },
      }),
    });
    const { user } = renderWithProviders(<BackupsPanel />);
    await user.type(await screen.findByTestId('restore-file'), '/media/usb/other.clinicbackup');
    await user.click(screen.getByTestId('restore-check'));
    const key = await screen.findByTestId('restore-recovery-key');
    expect(await screen.findByText('this backup was made by another clinic')).toBeInTheDocument();
    await user.type(key, 'K7Q2-9XHM');
    await user.click(screen.getByTestId('restore-check'));

    const preview = await screen.findByTestId('restore-preview');
    expect(preview).toHaveTextContent('Harbour Dental');
    expect(within(preview).getByTestId('restore-other-clinic')).toBeInTheDocument();
    expect(within(preview).getByTestId('restore-counts')).toHaveTextContent('Patients200');

    await user.click(screen.getByTestId('restore-open'));
    await user.click(await screen.findByTestId('restore-confirm'));
    await waitFor(() =>
      expect(callsOf('restore_backup')).toEqual([{ file: '/media/usb/other.clinicbackup', recoveryKey: 'K7Q2-9XHM' }]),
    );
  });
});
