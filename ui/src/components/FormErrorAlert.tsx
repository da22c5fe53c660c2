import { Alert, Text } from '@mantine/core';
import type { DescribedError } from '../api/errors';

/** Form-level error (one that names no field of the form). */
export function FormErrorAlert({ error, testId }: { error: DescribedError | null; testId: string }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" role="alert" data-testid={testId} data-error-code={error.code}>
      <Text size="sm" fw={500}>
        {error.message}
      </Text>
      {error.detail && <Text size="sm">{error.detail}</Text>}
    </Alert>
  );
}
