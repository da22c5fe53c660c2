import { Group, Loader, Paper, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCallList } from '../../api/frontDeskQueries';
import { useClinicOverview } from '../../api/queries';
import { ProviderName } from '../../components/ProviderName';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { StatusBadge } from '../../components/StatusBadge';
import { useFormatters } from '../../i18n/format';
import { nextDay } from './frontDesk';
import { AppointmentPatientCell, AppointmentTimeCell } from '../../components/AppointmentCells';

/** Tomorrow's (clinic-local) appointments with the patients' phone numbers, to call and remind them. */
export function CallListScreen() {
  const { t } = useTranslation();
  const format = useFormatters();
  const overview = useClinicOverview();
  const day = overview.data ? nextDay(overview.data.today) : null;
  const callList = useCallList(day);

  if (overview.isError) return <QueryErrorAlert error={overview.error} />;
  if (callList.isError) return <QueryErrorAlert error={callList.error} />;
  if (day === null || callList.isPending) {
    return (
      <Group justify="center" p="xl">
        <Loader aria-label={t('app.loading')} />
      </Group>
    );
  }

  return (
    <>
      <Text c="dimmed" mb="sm" data-testid="call-list-day">
        {t('waiting.callList.subtitle', { date: format.longDate(day) })}
      </Text>
      {callList.data.length === 0 ? (
        <Paper withBorder p="lg">
          <Text c="dimmed" data-testid="call-list-empty">
            {t('waiting.callList.empty')}
          </Text>
        </Paper>
      ) : (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={640}>
            <Table striped verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('appointments.time')}</Table.Th>
                  <Table.Th>{t('appointments.patient')}</Table.Th>
                  <Table.Th>{t('waiting.callList.phone')}</Table.Th>
                  <Table.Th>{t('appointments.provider')}</Table.Th>
                  <Table.Th>{t('appointments.status')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {callList.data.map(({ appointment: a, phone }) => (
                  <Table.Tr key={a.id} data-testid="call-list-row">
                    <AppointmentTimeCell appointment={a} />
                    <AppointmentPatientCell appointment={a} />
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {phone ?? (
                        <Text size="sm" c="dimmed" span>
                          {t('waiting.callList.noPhone')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <ProviderName name={a.providerName} color={a.providerColor} />
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={a.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </>
  );
}
