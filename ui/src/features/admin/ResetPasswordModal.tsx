import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { matchesField, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import { useResetPassword } from '../../api/queries';
import type { ResetPasswordArgs, UserSummary } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { NewPasswordFields } from '../../components/NewPasswordFields';

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
      confirmPassword: matchesField('newPassword', t('admin.resetPassword.validation.passwordMismatch')),
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
        <NewPasswordFields
          form={form}
          field="newPassword"
          confirmField="confirmPassword"
          label={t('admin.resetPassword.newPassword')}
          confirmLabel={t('admin.resetPassword.confirmPassword')}
          data-testid="reset-password-new"
          confirm-data-testid="reset-password-confirm"
          dataAutofocus
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
