import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AppointmentSummary } from '../api/types';
import { ProviderName } from './ProviderName';
import { StatusBadge } from './StatusBadge';

interface AppointmentsTableProps {
  appointments: readonly AppointmentSummary[];
  /** Hide the provider column (e.g. when the table is already grouped by provider). */
  showProvider?: boolean;
  caption?: string;
}

/** Appointment rows. Times are the clinic-local `localStart`/`localEnd` from Rust, shown as-is. */
export function AppointmentsTable({ appointments, showProvider = true, caption }: AppointmentsTableProps) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="xs">
        {caption && <Table.Caption>{caption}</Table.Caption>}
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('appointments.time')}</Table.Th>
            <Table.Th>{t('appointments.patient')}</Table.Th>
            {showProvider && <Table.Th>{t('appointments.provider')}</Table.Th>}
            <Table.Th>{t('appointments.type')}</Table.Th>
            <Table.Th>{t('appointments.status')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {appointments.map((a) => (
            <Table.Tr key={a.id} data-testid="appointment-row" data-appointment-id={a.id}>
              <Table.Td style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                {t('appointments.timeRange', { start: a.localStart, end: a.localEnd })}
              </Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {a.patientName}
                </Text>
                <Text size="xs" c="dimmed">
                  {t('appointments.mrn', { mrn: a.patientMrn })}
                </Text>
              </Table.Td>
              {showProvider && (
                <Table.Td>
                  <ProviderName name={a.providerName} color={a.providerColor} />
                </Table.Td>
              )}
              <Table.Td>
                <Text size="sm">{a.appointmentType ?? t('appointments.noType')}</Text>
                {a.reason && (
                  <Text size="xs" c="dimmed" lineClamp={1} title={a.reason}>
                    {a.reason}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <StatusBadge status={a.status} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
