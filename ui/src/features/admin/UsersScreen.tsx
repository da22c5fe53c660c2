import { Alert, Badge, Button, Group, Loader, Paper, Select, Table, Text, VisuallyHidden } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { useSetUserActive, useSetUserRole, useUsers } from '../../api/queries';
import type { Role, UserSummary } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { ROLES } from '../../domain';
import { useFormatters } from '../../i18n/format';
import { AddUserModal } from './AddUserModal';
import { ResetPasswordModal } from './ResetPasswordModal';

/** A failed row action (role change, (de)activation), shown above the table. */
interface ActionError {
  name: string;
  message: string;
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Administration → Users (administrators only; Rust refuses the commands to anyone else).
 * Role changes and (de)activation answer with the fresh list, which goes straight into the cache;
 * Rust refuses (code `conflict`) whatever would leave the clinic without an active administrator.
 */
export function UsersScreen({ currentUserId }: { currentUserId: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const users = useUsers();
  const setRole = useSetUserRole();
  const setActive = useSetUserActive();
  const [addOpened, addModal] = useDisclosure(false);
  const [resetOpened, resetModal] = useDisclosure(false);
  const [resetTarget, setResetTarget] = useState<UserSummary | null>(null);
  const [actionError, setActionError] = useState<ActionError | null>(null);

  const roleOptions = useMemo(() => ROLES.map((role) => ({ value: role, label: t(`role.${role}`) })), [t]);

  const failed = (user: UserSummary) => (error: unknown) => {
    const described = describeError(t, error);
    // A conflict's detail is Rust's explanation (e.g. the last active administrator).
    setActionError({ name: user.displayName, message: described.detail ?? described.message });
  };

  const changeRole = (user: UserSummary, value: string | null) => {
    if (value === null || !isRole(value) || value === user.role) return;
    setActionError(null);
    setRole.mutate({ userId: user.id, role: value }, { onError: failed(user) });
  };

  const toggleActive = (user: UserSummary) => {
    setActionError(null);
    setActive.mutate({ userId: user.id, active: !user.active }, { onError: failed(user) });
  };

  const openReset = (user: UserSummary) => {
    setResetTarget(user);
    resetModal.open();
  };

  return (
    <>
      <PageHeader
        title={t('admin.users.title')}
        subtitle={t('admin.users.subtitle')}
        actions={
          <Button onClick={addModal.open} data-testid="add-user-open">
            {t('admin.users.add')}
          </Button>
        }
      />

      {actionError && (
        <Alert
          color="red"
          variant="light"
          role="alert"
          mb="md"
          title={t('admin.users.actionFailed', { name: actionError.name })}
          withCloseButton
          closeButtonLabel={t('common.dismiss')}
          onClose={() => {
            setActionError(null);
          }}
          data-testid="users-action-error"
        >
          {actionError.message}
        </Alert>
      )}

      {users.isError && <QueryErrorAlert error={users.error} />}
      {users.isPending && (
        <Group justify="center" p="xl">
          <Loader aria-label={t('app.loading')} />
        </Group>
      )}

      {users.data && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={820}>
            <Table striped highlightOnHover verticalSpacing="xs" data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('admin.users.name')}</Table.Th>
                  <Table.Th>{t('admin.users.username')}</Table.Th>
                  <Table.Th>{t('admin.users.role')}</Table.Th>
                  <Table.Th>{t('admin.users.status')}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t('admin.users.actions')}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {users.data.map((user) => {
                  const pendingRole =
                    setRole.isPending && setRole.variables.userId === user.id ? setRole.variables.role : null;
                  const togglingActive = setActive.isPending && setActive.variables.userId === user.id;
                  return (
                    <Table.Tr
                      key={user.id}
                      data-testid="user-row"
                      data-username={user.username}
                      data-active={user.active}
                    >
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Text size="sm" fw={500}>
                            {user.displayName}
                          </Text>
                          {user.id === currentUserId && (
                            <Badge size="xs" variant="outline" color="gray" style={{ flexShrink: 0, overflow: 'visible' }}>
                              {t('admin.users.you')}
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {user.username}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Select
                          size="xs"
                          w={170}
                          aria-label={t('admin.users.roleOf', { name: user.displayName })}
                          data={roleOptions}
                          value={pendingRole ?? user.role}
                          allowDeselect={false}
                          disabled={pendingRole !== null}
                          onChange={(value) => {
                            changeRole(user, value);
                          }}
                          data-testid="user-role"
                        />
                      </Table.Td>
                      <Table.Td>
                        <Group gap={6}>
                          {user.active ? (
                            <Badge color="teal" variant="light" data-testid="user-badge-active">
                              {t('admin.users.active')}
                            </Badge>
                          ) : (
                            <Badge color="gray" variant="light" data-testid="user-badge-deactivated">
                              {t('admin.users.deactivated')}
                            </Badge>
                          )}
                          {user.mustChangePassword && (
                            <Badge color="yellow" variant="light" data-testid="user-badge-must-change">
                              {t('admin.users.mustChangePassword')}
                            </Badge>
                          )}
                          {user.lockedUntil !== null && (
                            <Badge color="red" variant="light" data-testid="user-badge-locked">
                              {t('admin.users.lockedUntil', { time: format.dateTime(user.lockedUntil) })}
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <Button
                            size="xs"
                            variant="default"
                            loading={togglingActive}
                            aria-label={
                              user.active
                                ? t('admin.users.deactivateLabel', { name: user.displayName })
                                : t('admin.users.activateLabel', { name: user.displayName })
                            }
                            onClick={() => {
                              toggleActive(user);
                            }}
                            data-testid="user-toggle-active"
                          >
                            {user.active ? t('admin.users.deactivate') : t('admin.users.activate')}
                          </Button>
                          <Button
                            size="xs"
                            variant="default"
                            aria-label={t('admin.users.resetPasswordLabel', { name: user.displayName })}
                            onClick={() => {
                              openReset(user);
                            }}
                            data-testid="user-reset-password"
                          >
                            {t('admin.users.resetPassword')}
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}

      <AddUserModal opened={addOpened} onClose={addModal.close} />
      <ResetPasswordModal user={resetTarget} opened={resetOpened} onClose={resetModal.close} />
    </>
  );
}
