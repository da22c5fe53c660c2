import { Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/permissions';
import { useClinicOverview } from '../../api/queries';
import type { ClinicCounts } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { TodayAppointmentsTable } from './TodayAppointmentsTable';

const STATS = [
  { key: 'patients', testId: 'stat-patients' },
  { key: 'providers', testId: 'stat-providers' },
  { key: 'appointmentsToday', testId: 'stat-appointments-today' },
  { key: 'signedVisits', testId: 'stat-signed-visits' },
  { key: 'openInvoices', testId: 'stat-open-invoices' },
] as const satisfies readonly { key: keyof ClinicCounts; testId: string }[];

/** The clinic's day: counts and today's appointments, with Check in for those who may check in. */
export function TodayScreen() {
  const { t } = useTranslation();
  const format = useFormatters();
  const can = useCan();
  const overview = useClinicOverview();

  if (overview.isPending) {
    return (
      <Group justify="center" p="xl">
        <Loader aria-label={t('app.loading')} />
      </Group>
    );
  }
  if (overview.isError) {
    return (
      <>
        <PageHeader title={t('today.title')} />
        <QueryErrorAlert error={overview.error} />
      </>
    );
  }

  const { counts, todaysAppointments, today, timeZone } = overview.data;

  return (
    <>
      <PageHeader
        title={t('today.title')}
        subtitle={t('today.subtitle', { date: format.longDate(today), timeZone })}
      />
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="md" mb="xl">
        {STATS.map((stat) => (
          <Paper key={stat.key} withBorder p="md">
            <Stack gap={4}>
              <Text size="sm" c="dimmed" id={`${stat.testId}-label`}>
                {t(`today.stats.${stat.key}`)}
              </Text>
              <Text
                fz={28}
                fw={700}
                lh={1.1}
                data-testid={stat.testId}
                aria-describedby={`${stat.testId}-label`}
              >
                {format.number(counts[stat.key])}
              </Text>
            </Stack>
          </Paper>
        ))}
      </SimpleGrid>

      <Title order={2} size="h3" mb="sm">
        {t('today.appointmentsTitle')}
      </Title>
      <div data-testid="todays-appointments">
        {todaysAppointments.length === 0 ? (
          <Paper withBorder p="lg">
            <Text c="dimmed" data-testid="todays-appointments-empty">
              {t('today.noAppointments')}
            </Text>
          </Paper>
        ) : (
          <Paper withBorder>
            <TodayAppointmentsTable
              appointments={todaysAppointments}
              checkIn={can('check_in')}
            />
          </Paper>
        )}
      </div>
    </>
  );
}
