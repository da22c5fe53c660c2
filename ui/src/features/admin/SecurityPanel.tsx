import { Alert, Badge, Button, Group, Loader, Modal, NumberInput, Paper, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  useChangeDatabaseKey,
  useFinishRecoveryKeyHandover,
  useNewRecoveryKey,
  useRecoveryKeyStatus,
  useSecuritySettings,
  useSetSecuritySettings,
} from '../../api/administration';
import type { DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import type { RecoveryKeyHandover, SecuritySettings } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { RecoveryKeyPanel } from '../security/RecoveryKeyPanel';

/** Administration > Security: sign-in rules, the recovery key and the database key. */
export function SecurityPanel() {
  return (
    <Stack gap="lg">
      <SignInRules />
      <RecoveryKeyCard />
      <DatabaseKeyCard />
    </Stack>
  );
}

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) {
  return (
    <Paper withBorder p="lg" data-testid={testId}>
      <Title order={2} size="h4" mb="md">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function SignInRules() {
  const { t } = useTranslation();
  const settings = useSecuritySettings();
  const save = useSetSecuritySettings();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<SecuritySettings>({
    mode: 'controlled',
    initialValues: { lockoutThreshold: 5, lockoutMinutes: 15, idleLockMinutes: 5 },
  });
  const { setValues, resetDirty } = form;
  useEffect(() => {
    if (settings.data) {
      setValues(settings.data);
      resetDirty(settings.data);
    }
  }, [settings.data, setValues, resetDirty]);

  const submit = form.onSubmit((values) => {
    setFormError(null);
    save.mutate(values, {
      onSuccess: () => notifications.show({ color: 'teal', message: t('admin.security.saved') }),
      onError: (error) => setFormError(applyIpcError(form, error, t)),
    });
  });

  return (
    <Section title={t('admin.security.signInTitle')} testId="security-sign-in">
      {settings.isError && <QueryErrorAlert error={settings.error} />}
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={520}>
          <FormErrorAlert error={formError} testId="security-error" />
          <NumberInput
            label={t('admin.security.idleLockMinutes')}
            description={t('admin.security.idleLockHint')}
            min={1}
            max={120}
            allowDecimal={false}
            data-testid="security-idle-minutes"
            {...form.getInputProps('idleLockMinutes')}
          />
          <NumberInput
            label={t('admin.security.lockoutThreshold')}
            min={3}
            max={20}
            allowDecimal={false}
            data-testid="security-lockout-threshold"
            {...form.getInputProps('lockoutThreshold')}
          />
          <NumberInput
            label={t('admin.security.lockoutMinutes')}
            min={1}
            max={1440}
            allowDecimal={false}
            data-testid="security-lockout-minutes"
            {...form.getInputProps('lockoutMinutes')}
          />
          <Group>
            <Button type="submit" loading={save.isPending} disabled={!settings.data} data-testid="security-save">
              {t('admin.security.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

function RecoveryKeyCard() {
  const { t } = useTranslation();
  const format = useFormatters();
  const status = useRecoveryKeyStatus();
  const make = useNewRecoveryKey();
  const finish = useFinishRecoveryKeyHandover();
  const [confirmOpened, confirmModal] = useDisclosure(false);
  const [handover, setHandover] = useState<RecoveryKeyHandover | null>(null);

  const s = status.data;
  return (
    <Section title={t('admin.security.recoveryTitle')} testId="security-recovery">
      <Stack gap="sm">
        <Text size="sm">{t('admin.security.recoveryIntro')}</Text>
        {status.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
        {status.isError && <QueryErrorAlert error={status.error} />}
        {s && !s.hasRecoveryKey && (
          <Alert color="red" variant="light" data-testid="recovery-missing">
            {t('admin.security.recoveryMissing')}
          </Alert>
        )}
        {s?.hasRecoveryKey && (
          <Group gap="xs" data-testid="recovery-status">
            <Text size="sm">
              {s.createdBy
                ? t('admin.security.recoveryMade', { date: format.dateTime(s.createdAt ?? ''), name: s.createdBy })
                : t('admin.security.recoveryMadeAtSetup', { date: format.dateTime(s.createdAt ?? '') })}
            </Text>
            {s.confirmedAt ? (
              <Badge color="teal" variant="light">
                {t('admin.security.recoveryConfirmed', { date: format.dateTime(s.confirmedAt) })}
              </Badge>
            ) : (
              <Badge color="orange" variant="light">
                {t('admin.security.recoveryNotConfirmed')}
              </Badge>
            )}
          </Group>
        )}
        {make.isError && <QueryErrorAlert error={make.error} />}
        <Group>
          <Button variant="light" onClick={confirmModal.open} data-testid="recovery-new">
            {t('admin.security.recoveryNew')}
          </Button>
        </Group>
      </Stack>

      <Modal opened={confirmOpened} onClose={confirmModal.close} title={t('admin.security.recoveryNew')}>
        <Stack>
          <Text size="sm">{t('admin.security.recoveryNewWarning')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={confirmModal.close}>
              {t('common.cancel')}
            </Button>
            <Button
              loading={make.isPending}
              onClick={() => {
                make.mutate(undefined, {
                  onSuccess: (made) => {
                    confirmModal.close();
                    setHandover(made);
                  },
                });
              }}
              data-testid="recovery-new-confirm"
            >
              {t('admin.security.recoveryNewConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>

      <Modal
        opened={handover !== null}
        onClose={() => undefined}
        withCloseButton={false}
        closeOnClickOutside={false}
        closeOnEscape={false}
        size="lg"
        title={t('recoveryKey.title')}
      >
        {handover && (
          <RecoveryKeyPanel
            handover={handover}
            finishing={finish.isPending}
            onDone={(confirmed) => {
              finish.mutate({ confirmed }, { onSuccess: () => setHandover(null) });
            }}
          />
        )}
      </Modal>
    </Section>
  );
}

function DatabaseKeyCard() {
  const { t } = useTranslation();
  const status = useRecoveryKeyStatus();
  const change = useChangeDatabaseKey();
  const [opened, modal] = useDisclosure(false);
  const source = status.data?.keySource;
  return (
    <Section title={t('admin.security.databaseKeyTitle')} testId="security-database-key">
      <Stack gap="sm">
        {source && (
          <Text size="sm" data-testid="database-key-source">
            {source === 'keyring' ? t('admin.security.keyInKeyring') : t('admin.security.keyFromPassphrase')}
          </Text>
        )}
        {change.isError && <QueryErrorAlert error={change.error} />}
        <Group>
          <Button variant="light" disabled={source !== 'keyring'} onClick={modal.open} data-testid="database-key-change">
            {t('admin.security.changeKey')}
          </Button>
        </Group>
      </Stack>
      <Modal opened={opened} onClose={modal.close} title={t('admin.security.changeKey')}>
        <Stack>
          <Text size="sm">{t('admin.security.changeKeyWarning')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={modal.close}>
              {t('common.cancel')}
            </Button>
            <Button
              loading={change.isPending}
              onClick={() => {
                change.mutate(undefined, {
                  onSuccess: () => {
                    modal.close();
                    notifications.show({ color: 'teal', message: t('admin.security.keyChanged') });
                  },
                  onError: modal.close,
                });
              }}
              data-testid="database-key-change-confirm"
            >
              {t('admin.security.changeKeyConfirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Section>
  );
}
