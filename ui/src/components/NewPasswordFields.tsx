import type { UseFormReturnType } from '@mantine/form';
import { PasswordField } from './PasswordField';

interface NewPasswordFieldsProps<Values> {
  form: Pick<UseFormReturnType<Values>, 'key' | 'getInputProps'>;
  /** Form value names: keep the Rust args name for the new password, so field errors land on it. */
  field: Extract<keyof Values, string>;
  confirmField: Extract<keyof Values, string>;
  /** Already translated. */
  label: string;
  confirmLabel: string;
  description?: string;
  /** Named like the DOM attribute, so `grep data-testid` finds the e2e ids at the call sites. */
  'data-testid': string;
  'confirm-data-testid': string;
  /** Sets `data-autofocus` on the new-password field (the Modal's initial focus). */
  dataAutofocus?: boolean;
}

/**
 * The "new password" + "confirm password" pair. Validate the confirmation with Mantine's
 * `matchesField(field, message)`.
 */
export function NewPasswordFields<Values>({
  form,
  field,
  confirmField,
  label,
  confirmLabel,
  description,
  'data-testid': testId,
  'confirm-data-testid': confirmTestId,
  dataAutofocus,
}: NewPasswordFieldsProps<Values>) {
  return (
    <>
      <PasswordField
        label={label}
        description={description}
        required
        data-autofocus={dataAutofocus}
        autoComplete="new-password"
        data-testid={testId}
        key={form.key(field)}
        {...form.getInputProps(field)}
      />
      <PasswordField
        label={confirmLabel}
        required
        autoComplete="new-password"
        data-testid={confirmTestId}
        key={form.key(confirmField)}
        {...form.getInputProps(confirmField)}
      />
    </>
  );
}
