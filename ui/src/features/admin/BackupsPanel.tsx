import { Alert, Button, Group, Loader, Modal, NumberInput, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  useBackUpNow,
  useBackupStatus,
  usePreviewBackup,
  useRestoreBackup,
  useSetBackupSettings,
} from '../../api/administration';
import { splitFieldError } from '../../api/formErrors';
import { toIpcFailure } from '../../api/ipc';
import type { BackupStatus, BackupSummary } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PathField } from '../../components/PathField';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';

/** The tables a preview lists, in the clinic's words; the rest are counted in the total. */
const SHOWN_TABLES = ['patients', 'appointments', 'encounters', 'prescriptions', 'invoices', 'payments', 'users'] as const;

/** Administration > Backups: where this computer's daily backups go, backing up now, restoring. */
export function BackupsPanel() {
  return (
    <Stack gap="lg">
      <BackupSettingsCard />
      <RestoreCard />
    </Stack>
  );
}

function BackupSettingsCard() {
  const { t } = useTranslation();
  const status = useBackupStatus();
  return (
    <Paper withBorder p="lg" data-testid="backup-settings">
      <Title order={2} size="h4" mb="md">
        {t('admin.backups.title')}
      </Title>
      {status.isError && <QueryErrorAlert error={status.error} />}
      {status.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
      {status.data && <BackupSettingsForm status={status.data} />}
    </Paper>
  );
}

function BackupSettingsForm({ status: s }: { status: BackupStatus }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const save = useSetBackupSettings();
  const now = useBackUpNow();
  const [folder, setFolder] = useState(s.folder ?? '');
  const [keep, setKeep] = useState<number | string>(s.keep);
  const folderError = splitFieldError(t, save.error, 'folder');
  const keepError = splitFieldError(t, save.error, 'keep');

  return (
    <>
      <Stack gap="sm" maw={720}>
        <Text size="sm">{t('admin.backups.intro')}</Text>
        <PathField
          label={t('admin.backups.folder')}
          description={t('admin.backups.folderHint')}
          value={folder}
          onChange={setFolder}
          pick="folder"
          testId="backup-folder"
          error={folderError.fieldError}
        />
        <NumberInput
          label={t('admin.backups.keep')}
          min={1}
          max={365}
          allowDecimal={false}
          value={keep}
          onChange={setKeep}
          error={keepError.fieldError}
          maw={200}
          data-testid="backup-keep"
        />
        <FormErrorAlert error={keepError.fieldError ? null : folderError.otherError} testId="backup-settings-error" />
        <Group>
          <Button
            loading={save.isPending}
            onClick={() => {
              save.mutate(
                { folder: folder.trim() === '' ? null : folder, keep: Number(keep) },
                { onSuccess: () => notifications.show({ color: 'teal', message: t('admin.backups.saved') }) },
              );
            }}
            data-testid="backup-settings-save"
          >
            {t('admin.backups.save')}
          </Button>
          <Button
            variant="light"
            disabled={!s.folder}
            loading={now.isPending}
            onClick={() => {
              now.mutate(undefined, {
                onSuccess: (made) =>
                  notifications.show({ color: 'teal', message: t('admin.backups.done', { file: made.file }) }),
              });
            }}
            data-testid="backup-now"
          >
            {t('admin.backups.now')}
          </Button>
        </Group>
        {now.isError && <QueryErrorAlert error={now.error} />}
        <Stack gap={4} data-testid="backup-status">
            <Text size="sm">
              {s.lastBackupAt
                ? t('admin.backups.last', { date: format.dateTime(s.lastBackupAt), file: s.lastBackupFile ?? '' })
                : t('admin.backups.never')}
            </Text>
            {s.nextDueAt && (
              <Text size="sm" c="dimmed">
                {t('admin.backups.next', { date: format.dateTime(s.nextDueAt) })}
              </Text>
            )}
            {s.lastError && s.lastErrorAt && (
              <Alert color="red" variant="light" title={t('admin.backups.failedTitle', { date: format.dateTime(s.lastErrorAt) })} data-testid="backup-last-error">
                {s.lastError}
              </Alert>
            )}
          </Stack>
      </Stack>
    </>
  );
}

function RestoreCard() {
  const { t } = useTranslation();
  const [file, setFile] = useState('');
  const [recoveryKey, setRecoveryKey] = useState('');
  const [askKey, setAskKey] = useState(false);
  const [opened, modal] = useDisclosure(false);
  const preview = usePreviewBackup();
  const restore = useRestoreBackup();
  const previewError = splitFieldError(t, preview.error, 'recoveryKey');
  const restoreError = splitFieldError(t, restore.error, 'recoveryKey');
  const args = () => ({ file, recoveryKey: askKey && recoveryKey.trim() ? recoveryKey : null });

  return (
    <Paper withBorder p="lg" data-testid="backup-restore">
      <Title order={2} size="h4" mb="md">
        {t('admin.backups.restoreTitle')}
      </Title>
      <Stack gap="sm" maw={720}>
        <Text size="sm">{t('admin.backups.restoreIntro')}</Text>
        <PathField
          label={t('admin.backups.file')}
          value={file}
          onChange={(path) => {
            setFile(path);
            preview.reset();
          }}
          pick="open-file"
          extension="clinicbackup"
          testId="restore-file"
        />
        {askKey && (
          <TextInput
            label={t('admin.backups.recoveryKey')}
            description={t('admin.backups.recoveryKeyHint')}
            value={recoveryKey}
            onChange={(event) => {
              setRecoveryKey(event.currentTarget.value);
            }}
            error={previewError.fieldError ?? restoreError.fieldError}
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-testid="restore-recovery-key"
          />
        )}
        <FormErrorAlert error={previewError.otherError ?? restoreError.otherError} testId="restore-error" />
        <Group>
          <Button
            variant="light"
            disabled={file.trim() === ''}
            loading={preview.isPending}
            onClick={() => {
              preview.mutate(args(), {
                // A backup this clinic cannot open by itself: ask for its sheet's recovery key.
                onError: (error) => {
                  if (toIpcFailure(error).field === 'recoveryKey') setAskKey(true);
                },
              });
            }}
            data-testid="restore-check"
          >
            {t('admin.backups.check')}
          </Button>
        </Group>
        {preview.data && (
          <BackupPreviewCard summary={preview.data} onRestore={modal.open} />
        )}
      </Stack>
      <Modal opened={opened} onClose={modal.close} title={t('admin.backups.restoreConfirmTitle')}>
        <Stack>
          <Text size="sm">{t('admin.backups.restoreConfirm')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={modal.close}>
              {t('common.cancel')}
            </Button>
            <Button
              color="red"
              loading={restore.isPending}
              onClick={() => {
                restore.mutate(args(), {
                  onSuccess: (outcome) => {
                    notifications.show({
                      color: 'teal',
                      autoClose: false,
                      message: t('admin.backups.restored', { path: outcome.previousData }),
                    });
                  },
                  onError: modal.close,
                });
              }}
              data-testid="restore-confirm"
            >
              {t('admin.backups.restore')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

function BackupPreviewCard({ summary, onRestore }: { summary: BackupSummary; onRestore: () => void }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const count = (table: string) => summary.counts.find((c) => c.table === table)?.rows ?? 0;
  return (
    <Paper withBorder p="md" data-testid="restore-preview">
      <Stack gap="xs">
        <Text fw={600}>{t('admin.backups.previewOf', { name: summary.clinicName })}</Text>
        <Text size="sm">{t('admin.backups.previewMade', { date: format.dateTime(summary.createdAt), device: summary.device })}</Text>
        {summary.sameClinic === false && (
          <Alert color="orange" variant="light" data-testid="restore-other-clinic">
            {t('admin.backups.otherClinic')}
          </Alert>
        )}
        <Table withRowBorders={false} maw={360} data-testid="restore-counts">
          <Table.Tbody>
            {SHOWN_TABLES.map((table) => (
              <Table.Tr key={table}>
                <Table.Td>{t(`admin.backups.tables.${table}`)}</Table.Td>
                <Table.Td ta="right">{format.number(count(table))}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group>
          <Button color="red" variant="light" onClick={onRestore} data-testid="restore-open">
            {t('admin.backups.restore')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
