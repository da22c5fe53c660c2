import { Button, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRecoverClinic } from '../api/administration';
import type { DescribedError } from '../api/errors';
import { applyIpcError } from '../api/formErrors';
import { CenteredCard } from '../components/CenteredCard';
import { FormErrorAlert } from '../components/FormErrorAlert';

/**
 * This computer's keyring no longer has the clinic's database key (a new OS account, a reinstalled
 * system): the recovery key from the clinic's sheet opens the data and gives it a new key here.
 */
export function RecoverScreen() {
  const { t } = useTranslation();
  const recover = useRecoverClinic();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm({
    mode: 'uncontrolled',
    initialValues: { recoveryKey: '' },
    validate: { recoveryKey: (v) => (v.trim() ? null : t('recover.required')) },
  });
  const submit = form.onSubmit(({ recoveryKey }) => {
    setFormError(null);
    recover.mutate(recoveryKey, { onError: (error) => setFormError(applyIpcError(form, error, t)) });
  });
  return (
    <CenteredCard title={t('recover.title')} titleTestId="recover-title" subtitle={t('recover.subtitle')} size="sm">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text size="sm">{t('recover.intro')}</Text>
          <FormErrorAlert error={formError} testId="recover-error" />
          <TextInput
            label={t('recover.recoveryKey')}
            placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
            required
            autoFocus
            autoComplete="off"
            spellCheck={false}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            data-testid="recover-key"
            key={form.key('recoveryKey')}
            {...form.getInputProps('recoveryKey')}
          />
          <Button type="submit" mt="sm" loading={recover.isPending} data-testid="recover-submit">
            {t('recover.submit')}
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}
