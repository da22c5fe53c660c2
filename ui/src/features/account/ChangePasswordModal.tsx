import { Button, Modal } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { ChangePasswordForm } from './ChangePasswordForm';

/** The signed-in user changes their own password. Content is unmounted while closed. */
export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('account.changePasswordTitle')}>
      <ChangePasswordForm
        onChanged={() => {
          notifications.show({ color: 'teal', message: t('account.changed') });
          onClose();
        }}
        secondaryAction={
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
        }
      />
    </Modal>
  );
}
