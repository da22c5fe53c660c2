import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import type { BookingWarning, BookingWarningCode } from './bookingWarnings';

const TEST_IDS: Record<BookingWarningCode, string> = {
  patient_already_booked: 'overlap',
  outside_working_hours: 'outside-hours',
};

/** What stands in the way, and the one button that books (or moves) anyway. */
export function BookAnywayAlert({
  warning,
  confirmLabel,
  pending,
  onConfirm,
  testIdPrefix,
}: {
  warning: BookingWarning;
  confirmLabel: string;
  pending: boolean;
  onConfirm: () => void;
  testIdPrefix: string;
}) {
  const { t } = useTranslation();
  const described = describeError(t, warning.failure);
  return (
    <Alert
      color="yellow"
      variant="light"
      role="alert"
      data-testid={`${testIdPrefix}-${TEST_IDS[warning.code]}`}
      data-warning-code={warning.code}
    >
      <Stack gap="xs">
        <Text size="sm">{described.detail ?? described.message}</Text>
        <Group>
          <Button color="yellow" size="xs" loading={pending} onClick={onConfirm} data-testid={`${testIdPrefix}-anyway`}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
