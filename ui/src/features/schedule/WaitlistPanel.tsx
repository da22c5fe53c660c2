import { Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, type DescribedError } from '../../api/errors';
import { useRemoveFromWaitlist, useWaitlist } from '../../api/scheduleQueries';
import type { WaitlistEntry } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { WaitlistForm, type WaitlistStart } from './WaitlistForm';
import { useWeekdayNames } from './weekdays';

/**
 * The waitlist: patients who want an earlier appointment, in the order they joined, and a form to add
 * one. `start` opens the form at once, filled in from the booking dialog.
 */
export function WaitlistPanel({ start }: { start: WaitlistStart | null }) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState(start !== null);
  // Once the form closes, the keyboard carries on from the button that opens it.
  const [formClosed, setFormClosed] = useState(false);
  return (
    <Stack gap="md">
      {adding ? (
        <WaitlistForm
          start={start}
          onDone={() => {
            setAdding(false);
            setFormClosed(true);
          }}
        />
      ) : (
        <Group>
          <Button
            autoFocus={formClosed}
            onClick={() => {
              setAdding(true);
            }}
            data-testid="waitlist-add"
          >
            {t('schedule.waitlist.add')}
          </Button>
        </Group>
      )}
      <WaitlistEntries />
    </Stack>
  );
}

function WaitlistEntries() {
  const { t } = useTranslation();
  const format = useFormatters();
  const weekdayName = useWeekdayNames();
  const waitlist = useWaitlist();
  const remove = useRemoveFromWaitlist();
  const [error, setError] = useState<DescribedError | null>(null);

  if (waitlist.isError) return <QueryErrorAlert error={waitlist.error} />;
  if (waitlist.isPending) {
    return (
      <Group justify="center">
        <Loader aria-label={t('app.loading')} />
      </Group>
    );
  }
  if (waitlist.data.length === 0) {
    return (
      <Text c="dimmed" data-testid="waitlist-panel-empty">
        {t('schedule.waitlist.empty')}
      </Text>
    );
  }

  const wants = (entry: WaitlistEntry) =>
    entry.providerName ?? t('schedule.waitlist.anyOfSpecialty', { specialty: entry.specialty ?? '' });
  const days = (entry: WaitlistEntry) =>
    entry.weekdays.length === 0 ? t('schedule.waitlist.anyDay') : entry.weekdays.map((d) => weekdayName(d)).join(', ');
  const times = ({ earliestTime: from, latestTime: to }: WaitlistEntry) => {
    if (from && to) return t('schedule.waitlist.between', { from, to });
    if (from) return t('schedule.waitlist.from', { time: from });
    if (to) return t('schedule.waitlist.until', { time: to });
    return t('schedule.waitlist.anyTime');
  };

  return (
    <Stack gap="xs">
      <FormErrorAlert error={error} testId="waitlist-remove-error" />
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('schedule.booking.patient')}</Table.Th>
              <Table.Th>{t('schedule.waitlist.wants')}</Table.Th>
              <Table.Th>{t('schedule.waitlist.days')}</Table.Th>
              <Table.Th>{t('schedule.waitlist.times')}</Table.Th>
              <Table.Th>{t('schedule.waitlist.addedAt')}</Table.Th>
              <Table.Th>{t('schedule.waitlist.note')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {waitlist.data.map((entry) => (
              <Table.Tr key={entry.id} data-testid="waitlist-panel-entry">
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {entry.patientName}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {[entry.patientMrn, entry.phone].filter(Boolean).join(' · ')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{wants(entry)}</Text>
                  {entry.appointmentType && (
                    <Text size="xs" c="dimmed">
                      {entry.appointmentType}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{days(entry)}</Table.Td>
                <Table.Td>{times(entry)}</Table.Td>
                <Table.Td>{format.dateTime(entry.addedAt)}</Table.Td>
                <Table.Td>{entry.note ?? ''}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    aria-label={t('schedule.waitlist.removeLabel', { name: entry.patientName })}
                    loading={remove.isPending && remove.variables.entryId === entry.id}
                    onClick={() => {
                      setError(null);
                      remove.mutate(
                        { entryId: entry.id },
                        {
                          onSuccess: () => {
                            notifications.show({
                              color: 'teal',
                              message: t('schedule.waitlist.removed', { name: entry.patientName }),
                            });
                          },
                          onError: (e) => {
                            setError(describeError(t, e));
                          },
                        },
                      );
                    }}
                    data-testid="waitlist-remove"
                  >
                    {t('schedule.waitlist.remove')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
