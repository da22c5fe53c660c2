import { Button, Group, Stack } from '@mantine/core';
import { matchesField, useForm } from '@mantine/form';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import { useChangePassword } from '../../api/queries';
import type { AppStatus, ChangePasswordArgs } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { PasswordField } from '../../components/PasswordField';

/** Form values: the command args plus the client-only confirmation. */
type ChangePasswordValues = ChangePasswordArgs & { confirmPassword: string };

interface ChangePasswordFormProps {
  /** Called with the new app status once Rust has accepted the new password. */
  onChanged?: (status: AppStatus) => void;
  /** Extra buttons beside the submit button (e.g. Cancel in a modal). */
  secondaryAction?: ReactNode;
}

/**
 * The signed-in user's own password change (`change_password`): used by the forced
 * change-password screen and by the "Change password" dialog of the user menu.
 * The password rules live in Rust and come back as field errors.
 */
export function ChangePasswordForm({ onChanged, secondaryAction }: ChangePasswordFormProps) {
  const { t } = useTranslation();
  const changePassword = useChangePassword();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<ChangePasswordValues>({
    mode: 'uncontrolled',
    initialValues: { currentPassword: '', newPassword: '', confirmPassword: '' },
    validate: {
      currentPassword: (v) => (v ? null : t('account.validation.currentRequired')),
      newPassword: (v) => (v ? null : t('account.validation.newRequired')),
      confirmPassword: matchesField('newPassword', t('account.validation.mismatch')),
    },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    changePassword.mutate(
      { currentPassword: values.currentPassword, newPassword: values.newPassword },
      {
        onSuccess: (status) => onChanged?.(status),
        onError: (error) => {
          setFormError(applyIpcError(form, error, t));
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate data-testid="change-password-form">
      <Stack gap="sm">
        <FormErrorAlert error={formError} testId="change-password-error" />
        <PasswordField
          label={t('account.currentPassword')}
          required
          data-autofocus
          autoFocus
          autoComplete="current-password"
          data-testid="change-current-password"
          key={form.key('currentPassword')}
          {...form.getInputProps('currentPassword')}
        />
        <NewPasswordFields
          form={form}
          field="newPassword"
          confirmField="confirmPassword"
          label={t('account.newPassword')}
          description={t('account.passwordRules')}
          confirmLabel={t('account.confirmPassword')}
          data-testid="change-new-password"
          confirm-data-testid="change-confirm-password"
        />
        <Group justify="flex-end" mt="sm" gap="sm">
          {secondaryAction}
          <Button type="submit" loading={changePassword.isPending} data-testid="change-password-submit">
            {t('account.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
