import { TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { useTranslation } from 'react-i18next';
import type { SignInArgs } from '../api/types';
import { PasswordField } from './PasswordField';

interface CredentialFieldsProps {
  form: UseFormReturnType<SignInArgs>;
  /** Test ids are `<prefix>-username` and `<prefix>-password`. */
  testIdPrefix: string;
  /** False when the user is already known (unlocking): only the password is asked. */
  withUsername: boolean;
}

/** Username and password, as the sign-in and lock screens ask for them; the first field has focus. */
export function CredentialFields({ form, testIdPrefix, withUsername }: CredentialFieldsProps) {
  const { t } = useTranslation();
  return (
    <>
      {withUsername && (
        <TextInput
          label={t('signIn.username')}
          required
          autoFocus
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          data-testid={`${testIdPrefix}-username`}
          key={form.key('username')}
          {...form.getInputProps('username')}
        />
      )}
      <PasswordField
        label={t('signIn.password')}
        required
        autoFocus={!withUsername}
        autoComplete="current-password"
        data-testid={`${testIdPrefix}-password`}
        key={form.key('password')}
        {...form.getInputProps('password')}
      />
    </>
  );
}
