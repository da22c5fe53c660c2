import { Button, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { useCheckIn } from '../../api/frontDeskQueries';
import type { AppointmentSummary } from '../../api/types';
import { ProviderName } from '../../components/ProviderName';
import { StatusBadge } from '../../components/StatusBadge';
import { awaitsCheckIn } from '../waiting/frontDesk';

interface TodayAppointmentsTableProps {
  appointments: readonly AppointmentSummary[];
  /** Show the "Check in" action (the user's role may check patients in). */
  checkIn: boolean;
}

/**
 * Today's appointments (as the shared AppointmentsTable shows them) with a "Check in" action for
 * those not yet arrived. Times are the clinic-local `localStart`/`localEnd` from Rust, shown as-is.
 */
export function TodayAppointmentsTable({ appointments, checkIn }: TodayAppointmentsTableProps) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('appointments.time')}</Table.Th>
            <Table.Th>{t('appointments.patient')}</Table.Th>
            <Table.Th>{t('appointments.provider')}</Table.Th>
            <Table.Th>{t('appointments.type')}</Table.Th>
            <Table.Th>{t('appointments.status')}</Table.Th>
            {checkIn && <Table.Th aria-label={t('waiting.actions')} />}
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
              <Table.Td>
                <ProviderName name={a.providerName} color={a.providerColor} />
              </Table.Td>
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
              {checkIn && (
                <Table.Td style={{ textAlign: 'right' }}>
                  {awaitsCheckIn(a.status) && <CheckInButton appointment={a} />}
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function CheckInButton({ appointment }: { appointment: AppointmentSummary }) {
  const { t } = useTranslation();
  const checkIn = useCheckIn();
  return (
    <Button
      size="xs"
      variant="light"
      loading={checkIn.isPending}
      onClick={() => {
        checkIn.mutate(appointment.id, {
          onSuccess: () =>
            notifications.show({ color: 'teal', message: t('waiting.checkedIn', { name: appointment.patientName }) }),
          onError: (error) =>
            notifications.show({ color: 'red', title: t('waiting.checkInFailed'), message: errorMessage(t, error) }),
        });
      }}
      data-testid="check-in"
    >
      {t('waiting.checkIn')}
    </Button>
  );
}
