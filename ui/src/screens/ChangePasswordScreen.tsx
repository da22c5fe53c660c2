import { Button, Divider } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../api/types';
import { CenteredCard } from '../components/CenteredCard';
import { ChangePasswordForm } from '../features/account/ChangePasswordForm';
import { useSignOutAction } from '../features/account/useSignOutAction';

/**
 * Phase `change_password`: the signed-in user must choose a new password (after an
 * administrator created the account or reset its password). Rust refuses everything else until
 * then; on success `change_password` returns the `ready` status and the shell opens.
 */
export function ChangePasswordScreen({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const { signOut, isPending } = useSignOutAction();
  return (
    <CenteredCard
      title={t('changePassword.title')}
      titleTestId="change-password-title"
      subtitle={t('changePassword.intro', { name: user.displayName })}
    >
      <ChangePasswordForm />
      <Divider />
      <Button
        variant="subtle"
        color="gray"
        onClick={signOut}
        loading={isPending}
        data-testid="change-password-sign-out"
      >
        {t('shell.signOut')}
      </Button>
    </CenteredCard>
  );
}
