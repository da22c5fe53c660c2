import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import { useResetPassword } from '../../api/queries';
import type { ResetPasswordArgs, UserSummary } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PasswordField } from '../../components/PasswordField';

type ResetPasswordValues = Pick<ResetPasswordArgs, 'newPassword'> & { confirmPassword: string };

interface ResetPasswordModalProps {
  /** The user whose password is reset; kept while the dialog closes. */
  user: UserSummary | null;
  opened: boolean;
  onClose: () => void;
}

/** An administrator sets a user's password (to be changed at next sign-in); this also unlocks them. */
export function ResetPasswordModal({ user, opened, onClose }: ResetPasswordModalProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened && user !== null}
      onClose={onClose}
      title={user ? t('admin.resetPassword.title', { name: user.displayName }) : undefined}
    >
      {user && <ResetPasswordForm user={user} onClose={onClose} />}
    </Modal>
  );
}

function ResetPasswordForm({ user, onClose }: { user: UserSummary; onClose: () => void }) {
  const { t } = useTranslation();
  const resetPassword = useResetPassword();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<ResetPasswordValues>({
    mode: 'uncontrolled',
    initialValues: { newPassword: '', confirmPassword: '' },
    validate: {
      newPassword: (v) => (v ? null : t('admin.resetPassword.validation.passwordRequired')),
      confirmPassword: (v, values) =>
        v === values.newPassword ? null : t('admin.resetPassword.validation.passwordMismatch'),
    },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    resetPassword.mutate(
      { userId: user.id, newPassword: values.newPassword },
      {
        onSuccess: () => {
          notifications.show({
            color: 'teal',
            message: t('admin.resetPassword.done', { name: user.displayName }),
          });
          onClose();
        },
        onError: (error) => {
          setFormError(applyIpcError(form, error, t));
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate data-testid="reset-password-form">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {t('admin.resetPassword.intro', { name: user.displayName })}
        </Text>
        <FormErrorAlert error={formError} testId="reset-password-error" />
        <PasswordField
          label={t('admin.resetPassword.newPassword')}
          required
          data-autofocus
          autoComplete="new-password"
          data-testid="reset-password-new"
          key={form.key('newPassword')}
          {...form.getInputProps('newPassword')}
        />
        <PasswordField
          label={t('admin.resetPassword.confirmPassword')}
          required
          autoComplete="new-password"
          data-testid="reset-password-confirm"
          key={form.key('confirmPassword')}
          {...form.getInputProps('confirmPassword')}
        />
        <Group justify="flex-end" mt="sm" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={resetPassword.isPending} data-testid="reset-password-submit">
            {t('admin.resetPassword.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
