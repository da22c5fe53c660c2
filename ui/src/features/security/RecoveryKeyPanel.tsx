import { Alert, Button, Checkbox, Code, Group, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSaveRecoverySheet } from '../../api/administration';
import { splitFieldError } from '../../api/formErrors';
import type { RecoveryKeyHandover } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PathField } from '../../components/PathField';

interface RecoveryKeyPanelProps {
  handover: RecoveryKeyHandover;
  /** Ends the handover; `confirmed` when the user put the sheet away. */
  onDone: (confirmed: boolean) => void;
  finishing: boolean;
  /** The command that saves the sheet: an administrator's new key's by default, or a joining computer's. */
  useSaveSheet?: typeof useSaveRecoverySheet;
  /** Why the sheet cannot be saved, nor the handover ended, yet (shown instead); null when they can. */
  notYet?: string | null;
}

/**
 * Hands a new recovery key over: shown once, saved as a printable sheet, and confirmed as put away.
 * "Later" is allowed (no printer at hand), and leaves a warning for administrators until a new
 * key's sheet is confirmed.
 */
export function RecoveryKeyPanel({
  handover,
  onDone,
  finishing,
  useSaveSheet = useSaveRecoverySheet,
  notYet = null,
}: RecoveryKeyPanelProps) {
  const { t } = useTranslation();
  // Null until the user edits it: the suggestion may arrive later (a joining computer's, with the clinic).
  const [editedPath, setPath] = useState<string | null>(null);
  const path = editedPath ?? handover.suggestedSheetPath;
  const [confirmed, setConfirmed] = useState(false);
  const save = useSaveSheet();
  const groups = handover.recoveryKey.split('-');
  const { fieldError, otherError } = splitFieldError(t, save.error, 'path');

  return (
    <Stack gap="md" data-testid="recovery-key-panel">
      <Text size="sm">{t('recoveryKey.intro')}</Text>
      <Paper withBorder p="md" bg="var(--mantine-color-gray-light)">
        <Code block fz={24} ta="center" bg="transparent" style={{ letterSpacing: '0.06em' }} data-testid="recovery-key">
          {/* Two lines, as on the printed sheet. */}
          {groups.slice(0, 5).join('-')}-
          <br />
          {groups.slice(5).join('-')}
        </Code>
      </Paper>
      <Alert color="orange" variant="light" title={t('recoveryKey.onlyNowTitle')}>
        {t('recoveryKey.onlyNow')}
      </Alert>
      <Stack gap="xs">
        <PathField
          label={t('recoveryKey.sheetPath')}
          value={path}
          onChange={setPath}
          pick="save-file"
          extension="pdf"
          testId="recovery-sheet-path"
          error={fieldError}
        />
        <Group>
          <Button
            variant="light"
            loading={save.isPending}
            disabled={notYet !== null}
            onClick={() => {
              save.mutate({ path });
            }}
            data-testid="recovery-sheet-save"
          >
            {t('recoveryKey.saveSheet')}
          </Button>
        </Group>
        {save.data !== undefined && (
          <Alert color="teal" variant="light" data-testid="recovery-sheet-saved">
            {t('recoveryKey.sheetSaved', { path: save.data })}
          </Alert>
        )}
        <FormErrorAlert error={otherError} testId="recovery-sheet-error" />
      </Stack>
      <Checkbox
        checked={confirmed}
        onChange={(event) => {
          setConfirmed(event.currentTarget.checked);
        }}
        label={t('recoveryKey.confirm')}
        data-testid="recovery-key-confirm"
      />
      {notYet !== null && (
        <Text size="sm" c="dimmed" data-testid="recovery-key-not-yet">
          {notYet}
        </Text>
      )}
      <Group justify="flex-end">
        <Button
          variant="default"
          onClick={() => {
            onDone(false);
          }}
          disabled={finishing || notYet !== null}
          data-testid="recovery-key-later"
        >
          {t('recoveryKey.later')}
        </Button>
        <Button
          disabled={!confirmed || notYet !== null}
          loading={finishing}
          onClick={() => {
            onDone(true);
          }}
          data-testid="recovery-key-done"
        >
          {t('recoveryKey.done')}
        </Button>
      </Group>
    </Stack>
  );
}
