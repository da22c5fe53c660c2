import { Alert, Button, Code, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { splitFieldError } from '../../api/formErrors';
import { useServerFingerprint } from '../../api/syncQueries';
import type { ServerArgs } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';

interface ServerFormProps {
  /** Pairs (or joins) with what the user typed and the fingerprint they compared. */
  onSubmit: (args: ServerArgs) => void;
  submitting: boolean;
  /** The failure of `onSubmit`'s command, shown next to its field or above. */
  error: unknown;
  submitLabel: string;
  testId: string;
}

/**
 * What `clinic-server pair` printed: the server's address and the one-time code, then the fingerprint
 * of the certificate the server shows, for the user to compare with the printed one before this
 * computer trusts that server.
 */
export function ServerForm({ onSubmit, submitting, error, submitLabel, testId }: ServerFormProps) {
  const { t } = useTranslation();
  const [server, setServer] = useState('');
  const [code, setCode] = useState('');
  const [codeMissing, setCodeMissing] = useState(false);
  const probe = useServerFingerprint();
  const fingerprint = probe.data;
  const probeErrors = splitFieldError(t, probe.error, 'server');
  // Shown on the comparing step, where the command runs: a wrong code means going back to retype it.
  const submitError = error === null || error === undefined ? null : describeError(t, error);

  if (fingerprint === undefined) {
    return (
      <form
        noValidate
        data-testid={testId}
        onSubmit={(event) => {
          event.preventDefault();
          setCodeMissing(code.trim() === '');
          if (code.trim() !== '') probe.mutate({ server: server.trim() });
        }}
      >
        <Stack gap="sm">
          <Text size="sm">{t('sync.form.intro')}</Text>
          <TextInput
            label={t('sync.form.server')}
            placeholder="https://clinic-server:8443"
            required
            autoFocus
            spellCheck={false}
            autoCapitalize="none"
            value={server}
            onChange={(event) => {
              setServer(event.currentTarget.value);
            }}
            error={probeErrors.fieldError}
            data-testid={`${testId}-server`}
          />
          <TextInput
            label={t('sync.form.code')}
            required
            spellCheck={false}
            autoCapitalize="characters"
            value={code}
            onChange={(event) => {
              setCode(event.currentTarget.value);
              setCodeMissing(false);
            }}
            error={codeMissing ? t('problems.required') : undefined}
            data-testid={`${testId}-code`}
          />
          <FormErrorAlert error={probeErrors.otherError} testId={`${testId}-error`} />
          <Group justify="flex-end">
            <Button type="submit" loading={probe.isPending} data-testid={`${testId}-connect`}>
              {t('sync.form.connect')}
            </Button>
          </Group>
        </Stack>
      </form>
    );
  }

  return (
    <Stack gap="sm" data-testid={`${testId}-compare`}>
      <Text size="sm">{t('sync.form.compare')}</Text>
      <Paper withBorder p="md" bg="var(--mantine-color-gray-light)">
        <Code block fz="lg" ta="center" bg="transparent" data-testid={`${testId}-fingerprint`}>
          {/* Four lines of eight pairs, easier to compare than one long line. */}
          {groupsOf(fingerprint.split(':'), 8).map((line) => (
            <div key={line.join(':')}>{line.join(':')}</div>
          ))}
        </Code>
      </Paper>
      <Alert color="orange" variant="light">
        {t('sync.form.mismatch')}
      </Alert>
      <FormErrorAlert error={submitError} testId={`${testId}-error`} />
      <Group justify="space-between">
        <Button
          variant="default"
          disabled={submitting}
          onClick={() => {
            probe.reset();
          }}
          data-testid={`${testId}-back`}
        >
          {t('sync.form.back')}
        </Button>
        <Button
          loading={submitting}
          onClick={() => {
            onSubmit({ server: server.trim(), code: code.trim(), fingerprint });
          }}
          data-testid={`${testId}-submit`}
        >
          {submitLabel}
        </Button>
      </Group>
    </Stack>
  );
}

function groupsOf<T>(items: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}
