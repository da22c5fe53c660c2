import { Alert, Badge, Button, Group, Loader, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useContext, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, type DescribedError } from '../../api/errors';
import { useNeedsAttention, useResolveAttention } from '../../api/syncQueries';
import type { AppointmentSummary, Attention, AttentionAction, PatientRow, Resolution } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { ClinicTimeZone, useFormatters } from '../../i18n/format';
import { MergePatientsModal } from '../patients/MergePatientsModal';
import { CancelForm } from '../schedule/AppointmentDialog';
import { addMinutes, durationMinutes, zonedInstant } from '../schedule/calendarLayout';
import { fieldLabel, headline } from './attention';

/**
 * Needs attention: what syncing could not settle by itself, each entry in the clinic's words with who
 * wrote what and when, and only the actions Rust offers the signed-in user. Resolving writes an
 * ordinary change, sent with the next round.
 */
export function NeedsAttentionScreen() {
  const { t } = useTranslation();
  const list = useNeedsAttention();
  return (
    <Stack gap="md" maw={900}>
      <Title order={1} size="h2">
        {t('attention.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('attention.intro')}
      </Text>
      {list.isError && <QueryErrorAlert error={list.error} />}
      {list.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
      {list.data?.length === 0 && (
        <Alert color="teal" variant="light" data-testid="attention-empty">
          {t('attention.empty')}
        </Alert>
      )}
      {list.data?.map((entry) => (
        <AttentionCard key={entry.id} entry={entry} />
      ))}
    </Stack>
  );
}

type Mode = 'actions' | 'move' | 'cancel';

const KIND_COLOURS = { refused: 'red', overwritten: 'orange', duplicate: 'blue' } as const;

function AttentionCard({ entry }: { entry: Attention }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const resolve = useResolveAttention();
  const [mode, setMode] = useState<Mode>('actions');
  const [error, setError] = useState<DescribedError | null>(null);
  const [merging, setMerging] = useState(false);
  // A suggested merge: the record from the other computer, and the one registered here.
  const [pulled, here] = entry.records;
  const offers = (action: AttentionAction) => entry.actions.includes(action);
  const decide = async (resolution: Resolution) => {
    setError(null);
    try {
      await resolve.mutateAsync({ id: entry.id, resolution });
      notifications.show({ color: 'teal', message: t('attention.resolved') });
    } catch (e) {
      setError(describeError(t, e));
    }
  };
  const stamp = (by: string | null, at: string | null) =>
    [by ?? t('attention.someone'), at === null ? null : format.dateTime(at)].filter((s) => s !== null).join(', ');
  const booking = entry.booking !== null && !entry.onServer ? entry.booking : null;

  return (
    <Paper withBorder p="md" data-testid="attention-entry" data-kind={entry.kind} data-code={entry.code ?? ''}>
      <Stack gap="sm">
        <Group gap="xs">
          <Badge color={KIND_COLOURS[entry.kind]} variant="light">
            {t(`attention.kind.${entry.kind}`)}
          </Badge>
          <Text size="xs" c="dimmed">
            {t('attention.detected', { when: format.dateTime(entry.detectedAt) })}
          </Text>
        </Group>
        <Text fw={600} data-testid="attention-headline">
          {headline(t, entry)}
        </Text>
        {/* A suggested merge names both records below. */}
        {entry.patient !== null && entry.kind !== 'duplicate' && (
          <Text size="sm" data-testid="attention-patient">
            {t('attention.patient', { name: entry.patient.name, mrn: entry.patient.mrn })}
          </Text>
        )}

        {booking !== null ? (
          <Table withRowBorders={false} data-testid="attention-bookings">
            <Table.Tbody>
              <BookingRow
                label={t('attention.booking.mine', { who: stamp(entry.mineBy, entry.mineAt) })}
                appointment={booking}
                testId="attention-mine"
              />
              {entry.clashing !== null ? (
                <BookingRow label={t('attention.booking.holding')} appointment={entry.clashing} testId="attention-theirs" />
              ) : (
                entry.code === 'provider_away' && (
                  <Table.Tr>
                    <Table.Td colSpan={2}>
                      <Text size="sm">{t('attention.booking.away', { provider: booking.providerName })}</Text>
                    </Table.Td>
                  </Table.Tr>
                )
              )}
            </Table.Tbody>
          </Table>
        ) : entry.kind === 'duplicate' ? (
          <DuplicateRecords records={entry.records} />
        ) : (
          entry.values.length > 0 && (
          <Table data-testid="attention-values">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('attention.field')}</Table.Th>
                <Table.Th>{t('attention.mine', { who: stamp(entry.mineBy, entry.mineAt) })}</Table.Th>
                <Table.Th>
                  {entry.kind === 'overwritten'
                    ? t('attention.theirs', { who: stamp(entry.theirsBy, entry.theirsAt) })
                    : t('attention.onServer')}
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entry.values.map((value) => (
                <Table.Tr key={value.field}>
                  <Table.Td>{fieldLabel(t, value.field)}</Table.Td>
                  <Table.Td data-testid="attention-value-mine">{value.mine ?? t('attention.blank')}</Table.Td>
                  <Table.Td data-testid="attention-value-theirs">
                    {entry.kind === 'refused' && !entry.onServer ? t('attention.notOnServer') : (value.theirs ?? t('attention.blank'))}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          )
        )}
        {/* A refused booking is explained by the two bookings above; other refusals by the server's words. */}
        {entry.kind === 'refused' && booking === null && entry.reason !== null && (
          <Text size="xs" c="dimmed" data-testid="attention-reason">
            {t('attention.serverSaid', { reason: entry.reason })}
          </Text>
        )}

        <FormErrorAlert error={error} testId="attention-error" />
        {mode === 'actions' && (
          <Group gap="xs">
            {offers('keep_mine') && (
              <Button size="xs" onClick={() => void decide({ action: 'keep_mine' })} loading={resolve.isPending} data-testid="attention-keep-mine">
                {t('attention.action.keepMine')}
              </Button>
            )}
            {offers('keep_theirs') && (
              <Button size="xs" variant="default" onClick={() => void decide({ action: 'keep_theirs' })} loading={resolve.isPending} data-testid="attention-keep-theirs">
                {t('attention.action.keepTheirs')}
              </Button>
            )}
            {offers('move') && (
              <Button size="xs" onClick={() => { setMode('move'); }} data-testid="attention-move">
                {t('attention.action.move')}
              </Button>
            )}
            {offers('overbook') && (
              <Button size="xs" variant="light" color="orange" onClick={() => void decide({ action: 'overbook' })} loading={resolve.isPending} data-testid="attention-overbook">
                {t('attention.action.overbook')}
              </Button>
            )}
            {offers('cancel') && (
              <Button size="xs" variant="light" color="red" onClick={() => { setMode('cancel'); }} data-testid="attention-cancel">
                {t('attention.action.cancel')}
              </Button>
            )}
            {offers('merge') && (
              <Button size="xs" onClick={() => { setMerging(true); }} data-testid="attention-merge">
                {t('attention.action.merge')}
              </Button>
            )}
            {offers('dismiss') && (
              <Button size="xs" variant="default" onClick={() => void decide({ action: 'dismiss' })} loading={resolve.isPending} data-testid="attention-dismiss">
                {entry.kind === 'duplicate' ? t('attention.action.notSamePerson') : t('attention.action.dismiss')}
              </Button>
            )}
          </Group>
        )}
        {mode === 'move' && booking !== null && (
          <MoveForm
            booking={booking}
            pending={resolve.isPending}
            onBack={() => { setMode('actions'); }}
            onMove={(startsAt, endsAt) => void decide({ action: 'move', startsAt, endsAt })}
          />
        )}
        {pulled !== undefined && here !== undefined && (
          <MergePatientsModal
            opened={merging}
            onClose={() => { setMerging(false); }}
            patient={here}
            initialOther={pulled}
          />
        )}
        {mode === 'cancel' && (
          <CancelForm
            pending={resolve.isPending}
            onBack={() => { setMode('actions'); }}
            onCancel={(reason) => decide({ action: 'cancel', cancellationReason: reason })}
          />
        )}
      </Stack>
    </Paper>
  );
}

/** A suggested merge's two records side by side: the one registered on the other computer, then here. */
function DuplicateRecords({ records }: { records: PatientRow[] }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const labels = [t('attention.records.pulled'), t('attention.records.here')];
  return (
    <Table withRowBorders={false} data-testid="attention-records">
      <Table.Tbody>
        {records.map((record, i) => (
          <Table.Tr key={record.id} data-testid="attention-record">
            <Table.Td w="35%">
              <Text size="sm" c="dimmed">
                {labels[i]}
              </Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm">
                {t('attention.records.line', {
                  name: `${record.firstName} ${record.lastName}`,
                  mrn: record.mrn,
                  born: format.date(record.dateOfBirth),
                })}
              </Text>
              <Text size="xs" c="dimmed">
                {[record.phone, record.email].filter((v) => v !== null).join(' · ')}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function BookingRow({ label, appointment, testId }: { label: string; appointment: AppointmentSummary; testId: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  return (
    <Table.Tr data-testid={testId}>
      <Table.Td w="35%">
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          {t('attention.booking.line', {
            patient: appointment.patientName,
            provider: appointment.providerName,
            date: format.date(appointment.localDate),
            start: appointment.localStart,
            end: appointment.localEnd,
          })}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Another time for a refused booking, as long as it was. */
function MoveForm({
  booking,
  pending,
  onBack,
  onMove,
}: {
  booking: AppointmentSummary;
  pending: boolean;
  onBack: () => void;
  onMove: (startsAt: string, endsAt: string) => void;
}) {
  const { t } = useTranslation();
  const timeZone = useContext(ClinicTimeZone) ?? 'UTC';
  const [date, setDate] = useState(booking.localDate);
  const [time, setTime] = useState(booking.localStart);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const startsAt = zonedInstant(date, time, timeZone);
        onMove(startsAt, addMinutes(startsAt, durationMinutes(booking)));
      }}
    >
      <Stack gap="xs">
        <Group grow>
          <TextInput
            type="date"
            label={t('schedule.appointment.newDate')}
            value={date}
            onChange={(event) => { setDate(event.currentTarget.value); }}
            data-testid="attention-move-date"
          />
          <TextInput
            type="time"
            label={t('schedule.appointment.newTime')}
            value={time}
            onChange={(event) => { setTime(event.currentTarget.value); }}
            data-testid="attention-move-time"
          />
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onBack}>
            {t('schedule.appointment.back')}
          </Button>
          <Button type="submit" loading={pending} data-testid="attention-move-submit">
            {t('attention.action.moveSubmit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
