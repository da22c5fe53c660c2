import { Button, Table } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { useCheckIn } from '../../api/frontDeskQueries';
import type { AppointmentSummary } from '../../api/types';
import { ProviderName } from '../../components/ProviderName';
import { StatusBadge } from '../../components/StatusBadge';
import { AppointmentPatientCell, AppointmentTimeCell, AppointmentTypeCell } from '../../components/AppointmentCells';

interface TodayAppointmentsTableProps {
  appointments: readonly AppointmentSummary[];
  /** Show the "Check in" action (the user's role may check patients in). */
  checkIn: boolean;
}

/**
 * A day's appointments with a "Check in" action for those Rust says may be checked in now (not yet
 * arrived, and on today's clinic day).
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
              <AppointmentTimeCell appointment={a} />
              <AppointmentPatientCell appointment={a} />
              <Table.Td>
                <ProviderName name={a.providerName} color={a.providerColor} />
              </Table.Td>
              <AppointmentTypeCell appointment={a} />
              <Table.Td>
                <StatusBadge status={a.status} />
              </Table.Td>
              {checkIn && (
                <Table.Td style={{ textAlign: 'right' }}>
                  {a.nextStatuses.includes('checked_in') && <CheckInButton appointment={a} />}
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
