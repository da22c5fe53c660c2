import { ActionIcon, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppointments, useClinicOverview } from '../../api/queries';
import { AppointmentsTable } from '../../components/AppointmentsTable';
import { PageHeader } from '../../components/PageHeader';
import { ProviderName } from '../../components/ProviderName';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { shiftDay } from './days';
import { groupByProvider } from './groupByProvider';

export function ScheduleScreen() {
  const { t, i18n } = useTranslation();
  const format = useFormatters();
  const overview = useClinicOverview();
  const clinicToday = overview.data?.today ?? null;
  // null = follow the clinic's today (from the overview) until the user picks a day.
  const [picked, setPicked] = useState<string | null>(null);
  const day = picked ?? clinicToday;
  const appointments = useAppointments(day);

  if (overview.isError) {
    return (
      <>
        <PageHeader title={t('schedule.title')} />
        <QueryErrorAlert error={overview.error} />
      </>
    );
  }
  if (day === null) {
    return (
      <Group justify="center" p="xl">
        <Loader aria-label={t('app.loading')} />
      </Group>
    );
  }

  const groups = appointments.data ? groupByProvider(appointments.data, i18n.resolvedLanguage) : [];
  const count = appointments.data?.length ?? 0;

  return (
    <>
      <PageHeader
        title={t('schedule.title')}
        subtitle={
          <span data-testid="schedule-day-label">
            {format.longDate(day)}
            {appointments.data &&
              ` · ${t('schedule.appointmentCount', { count, formattedCount: format.number(count) })}`}
          </span>
        }
        actions={
          <Group gap="xs" align="flex-end" wrap="nowrap">
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={t('schedule.previousDay')}
              title={t('schedule.previousDay')}
              data-testid="schedule-prev"
              onClick={() => {
                setPicked(shiftDay(day, -1));
              }}
            >
              <span aria-hidden>‹</span>
            </ActionIcon>
            <DatePickerInput
              label={t('schedule.day')}
              value={day}
              onChange={(value) => {
                if (value) setPicked(value.slice(0, 10));
              }}
              valueFormatter={({ date }) => (typeof date === 'string' ? format.dayLabel(date) : '')}
              ariaLabels={{
                previousMonth: t('calendar.previousMonth'),
                nextMonth: t('calendar.nextMonth'),
                previousYear: t('calendar.previousYear'),
                nextYear: t('calendar.nextYear'),
                previousDecade: t('calendar.previousDecade'),
                nextDecade: t('calendar.nextDecade'),
                monthLevelControl: t('calendar.chooseMonth'),
                yearLevelControl: t('calendar.chooseYear'),
              }}
              w={200}
              data-testid="schedule-date"
            />
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={t('schedule.nextDay')}
              title={t('schedule.nextDay')}
              data-testid="schedule-next"
              onClick={() => {
                setPicked(shiftDay(day, 1));
              }}
            >
              <span aria-hidden>›</span>
            </ActionIcon>
            <Button
              variant="default"
              disabled={clinicToday === null || day === clinicToday}
              onClick={() => {
                setPicked(null);
              }}
              data-testid="schedule-today"
            >
              {t('schedule.goToday')}
            </Button>
          </Group>
        }
      />

      {appointments.isError && <QueryErrorAlert error={appointments.error} />}
      {appointments.isPending && (
        <Group justify="center" p="xl">
          <Loader aria-label={t('app.loading')} />
        </Group>
      )}
      {appointments.data && groups.length === 0 && (
        <Paper withBorder p="lg">
          <Text c="dimmed" data-testid="schedule-empty">
            {t('schedule.empty', { date: format.longDate(day) })}
          </Text>
        </Paper>
      )}
      <Stack gap="lg" data-testid="schedule-groups">
        {groups.map((group) => (
          <Paper
            withBorder
            key={group.providerName}
            component="section"
            data-testid="schedule-provider-group"
            aria-label={group.providerName}
          >
            <Group justify="space-between" px="md" pt="md" pb="xs">
              <Title order={2} size="h4">
                <ProviderName name={group.providerName} color={group.providerColor} />
              </Title>
              <Text size="sm" c="dimmed">
                {t('schedule.appointmentCount', {
                  count: group.appointments.length,
                  formattedCount: format.number(group.appointments.length),
                })}
              </Text>
            </Group>
            <AppointmentsTable appointments={group.appointments} showProvider={false} />
          </Paper>
        ))}
      </Stack>
    </>
  );
}
