import { Alert, Button, Group, List, Loader, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { DateInput, TimeInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, type DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import { useClinicOverview } from '../../api/queries';
import { useAddTimeOff, useCancelTimeOff, useTimeOff } from '../../api/settingsQueries';
import type { AppointmentSummary, Provider, TimeOff } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters, type Formatters } from '../../i18n/format';
import { fromMinutes, toZoned } from '../schedule/calendarLayout';
import { shiftDay } from '../schedule/days';

/** A provider's time off from today on: the list with cancel, and the form to add some. */
export function TimeOffPanel({ provider }: { provider: Provider }) {
  const { t } = useTranslation();
  const overview = useClinicOverview();
  const timeOff = useTimeOff(provider.id, overview.data?.today ?? null);
  const [clashes, setClashes] = useState<AppointmentSummary[]>([]);
  // A fresh form after each addition (a date input keeps its typed text while it has the focus).
  const [added, setAdded] = useState(0);

  return (
    <Stack gap="md">
      {overview.isError && <QueryErrorAlert error={overview.error} />}
      {timeOff.isError && <QueryErrorAlert error={timeOff.error} />}
      {timeOff.isPending && overview.data && <Loader size="sm" aria-label={t('app.loading')} />}
      {timeOff.data && overview.data && <TimeOffList timeOff={timeOff.data} timeZone={overview.data.timeZone} />}
      <ClashList
        appointments={clashes}
        onDismiss={() => {
          setClashes([]);
        }}
      />
      <AddTimeOffForm
        key={added}
        providerId={provider.id}
        onAdded={(affected) => {
          setClashes(affected);
          setAdded((n) => n + 1);
        }}
      />
    </Stack>
  );
}

function TimeOffList({ timeOff, timeZone }: { timeOff: TimeOff[]; timeZone: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const cancel = useCancelTimeOff();
  const [error, setError] = useState<DescribedError | null>(null);
  if (timeOff.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="time-off-none">
        {t('providers.timeOff.none')}
      </Text>
    );
  }
  return (
    <Stack gap="xs">
      <FormErrorAlert error={error} testId="time-off-cancel-error" />
      <Table verticalSpacing="xs" data-testid="time-off-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('providers.timeOff.when')}</Table.Th>
            <Table.Th>{t('providers.timeOff.reason')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {timeOff.map((off) => {
            const when = describeTimeOff(off, timeZone, format, t);
            return (
              <Table.Tr key={off.id} data-testid="time-off-row">
                <Table.Td>{when}</Table.Td>
                <Table.Td>{off.reason}</Table.Td>
                <Table.Td>
                  <Group justify="flex-end">
                    <Button
                      size="xs"
                      variant="default"
                      loading={cancel.isPending && cancel.variables.timeOffId === off.id}
                      aria-label={t('providers.timeOff.cancelLabel', { when })}
                      onClick={() => {
                        setError(null);
                        cancel.mutate(
                          { timeOffId: off.id },
                          {
                            onSuccess: () => notifications.show({ color: 'teal', message: t('providers.timeOff.cancelled') }),
                            onError: (e) => {
                              setError(describeError(t, e));
                            },
                          },
                        );
                      }}
                    >
                      {t('providers.timeOff.cancel')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Whole days run from one clinic midnight to another; anything else is hours of one day. */
function describeTimeOff(off: TimeOff, timeZone: string, format: Formatters, t: TFunction): string {
  const from = toZoned(off.startsAt, timeZone);
  const to = toZoned(off.endsAt, timeZone);
  if (from.minutes === 0 && to.minutes === 0) {
    const last = shiftDay(to.date, -1);
    return last === from.date
      ? t('providers.timeOff.wholeDay', { date: format.dayLabel(from.date) })
      : t('providers.timeOff.wholeDays', { from: format.dayLabel(from.date), to: format.dayLabel(last) });
  }
  return t('providers.timeOff.hours', {
    date: format.dayLabel(from.date),
    start: fromMinutes(from.minutes),
    end: fromMinutes(to.minutes),
  });
}

/** The bookings new time off falls on. They keep their time: the front desk calls the patients. */
function ClashList({ appointments, onDismiss }: { appointments: AppointmentSummary[]; onDismiss: () => void }) {
  const { t } = useTranslation();
  const format = useFormatters();
  if (appointments.length === 0) return null;
  return (
    <Alert
      color="yellow"
      variant="light"
      role="alert"
      title={t('providers.timeOff.clashTitle', {
        count: appointments.length,
        formattedCount: format.number(appointments.length),
      })}
      withCloseButton
      closeButtonLabel={t('common.dismiss')}
      onClose={onDismiss}
      data-testid="time-off-clashes"
    >
      <Text size="sm" mb="xs">
        {t('providers.timeOff.clashHint')}
      </Text>
      <List size="sm">
        {appointments.map((a) => (
          <List.Item key={a.id} data-testid="time-off-clash">
            {t('providers.timeOff.clash', {
              date: format.dayLabel(a.localDate),
              start: a.localStart,
              end: a.localEnd,
              patient: a.patientName,
              mrn: a.patientMrn,
            })}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

type Kind = 'days' | 'hours';

interface TimeOffValues {
  fromDate: string | null;
  toDate: string | null;
  fromTime: string;
  toTime: string;
  reason: string;
}

function AddTimeOffForm({
  providerId,
  onAdded,
}: {
  providerId: string;
  onAdded: (clashes: AppointmentSummary[]) => void;
}) {
  const { t } = useTranslation();
  const add = useAddTimeOff();
  const [kind, setKind] = useState<Kind>('days');
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<TimeOffValues>({
    mode: 'controlled',
    initialValues: { fromDate: null, toDate: null, fromTime: '', toTime: '', reason: '' },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    const hours = kind === 'hours';
    add.mutate(
      {
        providerId,
        fromDate: values.fromDate ?? '',
        toDate: hours ? null : values.toDate,
        fromTime: hours ? values.fromTime || null : null,
        toTime: hours ? values.toTime || null : null,
        reason: values.reason.trim() || null,
      },
      {
        onSuccess: ({ affected }) => {
          notifications.show({ color: 'teal', message: t('providers.timeOff.added') });
          onAdded(affected);
        },
        onError: (error) => {
          setFormError(applyIpcError(form, error, t));
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate data-testid="time-off-form">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('providers.timeOff.add')}
        </Title>
        <FormErrorAlert error={formError} testId="time-off-error" />
        <SegmentedControl
          aria-label={t('providers.timeOff.kind')}
          value={kind}
          onChange={(value) => {
            setKind(value === 'hours' ? 'hours' : 'days');
          }}
          data={[
            { value: 'days', label: t('providers.timeOff.wholeDaysKind') },
            { value: 'hours', label: t('providers.timeOff.hoursKind') },
          ]}
          data-testid="time-off-kind"
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <DateInput
            label={kind === 'days' ? t('providers.timeOff.fromDate') : t('providers.timeOff.date')}
            required
            valueFormat="YYYY-MM-DD"
            placeholder="YYYY-MM-DD"
            data-testid="time-off-from-date"
            {...form.getInputProps('fromDate')}
          />
          {kind === 'days' ? (
            <DateInput
              label={t('providers.timeOff.toDate')}
              description={t('providers.timeOff.toDateHint')}
              clearable
              valueFormat="YYYY-MM-DD"
              placeholder="YYYY-MM-DD"
              data-testid="time-off-to-date"
              {...form.getInputProps('toDate')}
            />
          ) : (
            <Group grow gap="sm" align="flex-start">
              <TimeInput
                label={t('providers.timeOff.fromTime')}
                required
                data-testid="time-off-from-time"
                {...form.getInputProps('fromTime')}
              />
              <TimeInput
                label={t('providers.timeOff.toTime')}
                required
                data-testid="time-off-to-time"
                {...form.getInputProps('toTime')}
              />
            </Group>
          )}
        </SimpleGrid>
        <TextInput label={t('providers.timeOff.reasonOptional')} data-testid="time-off-reason" {...form.getInputProps('reason')} />
        <Group>
          <Button type="submit" loading={add.isPending} data-testid="time-off-add">
            {t('providers.timeOff.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
