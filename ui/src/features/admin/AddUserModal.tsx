import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { matchesField, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import { useAddUser } from '../../api/queries';
import type { NewUser, Role } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { NewPasswordFields } from '../../components/NewPasswordFields';
import { ROLES } from '../../domain';

/** Form values: the command args (role not chosen yet) plus the client-only confirmation. */
type AddUserValues = Omit<NewUser, 'role'> & { role: Role | null; passwordConfirm: string };

/** "Add user" dialog. Content is unmounted while closed, so it opens with an empty form. */
export function AddUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('admin.addUser.title')}>
      <AddUserForm onClose={onClose} />
    </Modal>
  );
}

function AddUserForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const addUser = useAddUser();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<AddUserValues>({
    mode: 'uncontrolled',
    initialValues: { username: '', displayName: '', role: null, password: '', passwordConfirm: '' },
    validate: {
      username: (v) => (v.trim() ? null : t('admin.addUser.validation.usernameRequired')),
      displayName: (v) => (v.trim() ? null : t('admin.addUser.validation.displayNameRequired')),
      role: (v) => (v ? null : t('admin.addUser.validation.roleRequired')),
      // Length/strength rules live in Rust and come back as a field error.
      password: (v) => (v ? null : t('admin.addUser.validation.passwordRequired')),
      passwordConfirm: matchesField('password', t('admin.addUser.validation.passwordMismatch')),
    },
  });

  const roleOptions = useMemo(() => ROLES.map((role) => ({ value: role, label: t(`role.${role}`) })), [t]);

  const submit = form.onSubmit((values) => {
    if (values.role === null) return;
    setFormError(null);
    const args: NewUser = {
      username: values.username.trim(),
      displayName: values.displayName.trim(),
      password: values.password,
      role: values.role,
    };
    addUser.mutate(args, {
      onSuccess: (added) => {
        notifications.show({
          color: 'teal',
          message: t('admin.addUser.added', { name: added.displayName, username: added.username }),
        });
        onClose();
      },
      onError: (error) => {
        setFormError(applyIpcError(form, error, t));
      },
    });
  });

  return (
    <form onSubmit={submit} noValidate data-testid="add-user-form">
      <Stack gap="sm">
        <FormErrorAlert error={formError} testId="add-user-error" />
        <TextInput
          label={t('admin.addUser.displayName')}
          required
          data-autofocus
          autoComplete="off"
          data-testid="add-user-name"
          key={form.key('displayName')}
          {...form.getInputProps('displayName')}
        />
        <TextInput
          label={t('admin.addUser.username')}
          required
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          data-testid="add-user-username"
          key={form.key('username')}
          {...form.getInputProps('username')}
        />
        <Select
          label={t('admin.addUser.role')}
          placeholder={t('admin.addUser.rolePlaceholder')}
          required
          allowDeselect={false}
          data={roleOptions}
          data-testid="add-user-role"
          key={form.key('role')}
          {...form.getInputProps('role')}
        />
        <NewPasswordFields
          form={form}
          field="password"
          confirmField="passwordConfirm"
          label={t('admin.addUser.password')}
          description={t('admin.addUser.passwordHint')}
          confirmLabel={t('admin.addUser.passwordConfirm')}
          data-testid="add-user-password"
          confirm-data-testid="add-user-password-confirm"
        />
        <Group justify="flex-end" mt="sm" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={addUser.isPending} data-testid="add-user-submit">
            {t('admin.addUser.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
