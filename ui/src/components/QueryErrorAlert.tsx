import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/errors';

/** Inline error for a failed data query on a screen. */
export function QueryErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const described = describeError(t, error);
  return (
    <Alert color="red" variant="light" role="alert" title={t('errors.loadFailed')}>
      {described.message}
      {described.detail && ` ${described.detail}`}
    </Alert>
  );
}
