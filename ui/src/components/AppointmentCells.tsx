import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AppointmentSummary } from '../api/types';

/**
 * Table cells every appointment list shows alike (Today, the waiting room, the call list). Times are the
 * clinic-local `localStart`/`localEnd` from Rust, shown as they are.
 */
export function AppointmentTimeCell({ appointment: a }: { appointment: AppointmentSummary }) {
  const { t } = useTranslation();
  return (
    <Table.Td style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
      {t('appointments.timeRange', { start: a.localStart, end: a.localEnd })}
    </Table.Td>
  );
}

/** The patient's name and MRN. */
export function AppointmentPatientCell({ appointment: a }: { appointment: AppointmentSummary }) {
  const { t } = useTranslation();
  return (
    <Table.Td>
      <Text size="sm" fw={500}>
        {a.patientName}
      </Text>
      <Text size="xs" c="dimmed">
        {t('appointments.mrn', { mrn: a.patientMrn })}
      </Text>
    </Table.Td>
  );
}

/** The appointment type and, below it, the reason for the visit. */
export function AppointmentTypeCell({ appointment: a }: { appointment: AppointmentSummary }) {
  const { t } = useTranslation();
  return (
    <Table.Td>
      <Text size="sm">{a.appointmentType ?? t('appointments.noType')}</Text>
      {a.reason && (
        <Text size="xs" c="dimmed" lineClamp={1} title={a.reason}>
          {a.reason}
        </Text>
      )}
    </Table.Td>
  );
}
