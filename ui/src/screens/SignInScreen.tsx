import { Alert, Button, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../api/errors';
import { applyIpcError } from '../api/formErrors';
import { useSignIn } from '../api/queries';
import type { AppStatus, SignInArgs } from '../api/types';
import { CenteredCard } from '../components/CenteredCard';
import { CredentialFields } from '../components/CredentialFields';
import { FormErrorAlert } from '../components/FormErrorAlert';

export function SignInScreen({ status }: { status: AppStatus }) {
  const { t } = useTranslation();
  const signIn = useSignIn();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<SignInArgs>({
    mode: 'uncontrolled',
    initialValues: { username: '', password: '' },
    validate: {
      username: (v) => (v.trim() ? null : t('signIn.validation.usernameRequired')),
      password: (v) => (v ? null : t('signIn.validation.passwordRequired')),
    },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    signIn.mutate(
      { username: values.username.trim(), password: values.password },
      {
        onError: (error) => {
          setFormError(applyIpcError(form, error, t));
        },
      },
    );
  });

  const demo = status.demo ? status.demoCredentials : null;

  return (
    <CenteredCard
      title={status.clinicName ?? t('app.name')}
      titleTestId="signin-clinic-name"
      subtitle={t('signIn.subtitle')}
    >
      {demo && (
        <Alert color="blue" variant="light" title={t('signIn.demoTitle')} data-testid="demo-credentials">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">
              {t('signIn.demo', { username: demo.username, password: demo.password })}
            </Text>
            <Button
              size="xs"
              variant="light"
              onClick={() => {
                form.setValues({ username: demo.username, password: demo.password });
              }}
            >
              {t('signIn.useDemo')}
            </Button>
          </Stack>
        </Alert>
      )}
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <FormErrorAlert error={formError} testId="login-error" />
          <CredentialFields form={form} testIdPrefix="login" withUsername />
          <Button type="submit" mt="sm" loading={signIn.isPending} data-testid="login-submit">
            {t('signIn.submit')}
          </Button>
        </Stack>
      </form>
    </CenteredCard>
  );
}
