import { PasswordInput, type PasswordInputProps } from '@mantine/core';
import { useId } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';

/**
 * Mantine's PasswordInput with the accessibility wiring it leaves out: `aria-invalid` and
 * `aria-describedby` pointing at the error, and a translated show/hide button label.
 */
export function PasswordField({ id, error, ...props }: PasswordInputProps) {
  const { t } = useTranslation();
  const inputId = useId(id);
  const hasError = error !== undefined && error !== null && error !== false && error !== '';
  return (
    <PasswordInput
      {...props}
      id={inputId}
      error={error}
      aria-invalid={hasError || undefined}
      aria-describedby={hasError ? `${inputId}-error` : undefined}
      visibilityToggleButtonProps={{ 'aria-label': t('common.togglePasswordVisibility') }}
    />
  );
}
