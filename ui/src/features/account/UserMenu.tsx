import { Badge, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useLockSession } from '../../api/queries';
import type { SessionUser } from '../../api/types';
import { ChangePasswordModal } from './ChangePasswordModal';

/** The signed-in user (name, role) in the header; opens a menu with account actions. */
export function UserMenu({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const [changeOpened, changeModal] = useDisclosure(false);
  const lock = useLockSession();
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <UnstyledButton
            data-testid="user-menu"
            px="xs"
            py={4}
            style={{ borderRadius: 'var(--mantine-radius-sm)' }}
          >
            <Group gap="xs" wrap="nowrap" data-testid="shell-user">
              <Text fw={500} size="sm" data-testid="shell-user-name">
                {user.displayName}
              </Text>
              <Badge variant="outline" data-testid="shell-user-role">
                {t(`role.${user.role}`)}
              </Badge>
              <Text size="xs" c="dimmed" aria-hidden>
                ▾
              </Text>
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{user.username}</Menu.Label>
          <Menu.Item onClick={changeModal.open} data-testid="change-password-open">
            {t('account.changePassword')}
          </Menu.Item>
          <Menu.Item onClick={() => lock.mutate()} data-testid="lock-now">
            {t('lock.lockNow')}
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <ChangePasswordModal opened={changeOpened} onClose={changeModal.close} />
    </>
  );
}
