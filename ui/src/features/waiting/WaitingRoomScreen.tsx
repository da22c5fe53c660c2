import { Badge, Button, Group, Loader, Paper, Table, Tabs, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { useOpenWaitingRoomDisplay, useWaitingRoom } from '../../api/frontDeskQueries';
import { useCan } from '../../api/permissions';
import type { QueueEntry } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { ProviderName } from '../../components/ProviderName';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { CallInButton } from './CallInButton';
import { CallListScreen } from './CallListScreen';
import { roomName } from './frontDesk';
import { WalkInModal } from './WalkInModal';
import { AppointmentPatientCell, AppointmentTypeCell } from '../../components/AppointmentCells';

/** The waiting room: who is waiting (by arrival) and who is with a doctor; tomorrow's call list. */
export function WaitingRoomScreen() {
  const { t } = useTranslation();
  const can = useCan();
  const [walkInOpened, walkIn] = useDisclosure(false);
  const openDisplay = useOpenWaitingRoomDisplay();

  return (
    <>
      <PageHeader
        title={t('waiting.title')}
        actions={
          <Group gap="sm">
            <Button
              variant="default"
              loading={openDisplay.isPending}
              onClick={() => {
                openDisplay.mutate(undefined, {
                  onError: (error) =>
                    notifications.show({
                      color: 'red',
                      title: t('waiting.displayFailed'),
                      message: errorMessage(t, error),
                    }),
                });
              }}
              data-testid="open-display"
            >
              {t('waiting.openDisplay')}
            </Button>
            {/* A walk-in is a booking. */}
            {can('edit_schedule') && (
              <Button onClick={walkIn.open} data-testid="walk-in-open">
                {t('waiting.walkIn.open')}
              </Button>
            )}
          </Group>
        }
      />
      <Tabs defaultValue="queue" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="queue" data-testid="tab-queue">
            {t('waiting.tabs.queue')}
          </Tabs.Tab>
          <Tabs.Tab value="calls" data-testid="tab-call-list">
            {t('waiting.tabs.callList')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="queue">
          <Queue />
        </Tabs.Panel>
        <Tabs.Panel value="calls">
          <CallListScreen />
        </Tabs.Panel>
      </Tabs>
      <WalkInModal opened={walkInOpened} onClose={walkIn.close} />
    </>
  );
}

function Queue() {
  const { t } = useTranslation();
  const can = useCan();
  const queue = useWaitingRoom();

  if (queue.isPending) {
    return (
      <Group justify="center" p="xl">
        <Loader aria-label={t('app.loading')} />
      </Group>
    );
  }
  if (queue.isError) return <QueryErrorAlert error={queue.error} />;
  if (queue.data.length === 0) {
    return (
      <Paper withBorder p="lg">
        <Text c="dimmed" data-testid="queue-empty">
          {t('waiting.empty')}
        </Text>
      </Paper>
    );
  }

  const callsIn = can('start_visit');
  return (
    <Paper withBorder data-testid="queue">
      <Table.ScrollContainer minWidth={720}>
        <Table striped verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('waiting.arrived')}</Table.Th>
              <Table.Th>{t('waiting.appointment')}</Table.Th>
              <Table.Th>{t('waiting.waiting')}</Table.Th>
              <Table.Th>{t('appointments.patient')}</Table.Th>
              <Table.Th>{t('appointments.provider')}</Table.Th>
              <Table.Th>{t('appointments.type')}</Table.Th>
              <Table.Th>{t('waiting.room')}</Table.Th>
              {callsIn && <Table.Th aria-label={t('waiting.actions')} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {queue.data.map((entry) => (
              <QueueRow key={entry.appointment.id} entry={entry} callsIn={callsIn} />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}

function QueueRow({ entry, callsIn }: { entry: QueueEntry; callsIn: boolean }) {
  const { t } = useTranslation();
  const a = entry.appointment;
  const inProgress = a.status === 'in_progress';
  return (
    <Table.Tr data-testid="queue-row" data-appointment-id={a.id} data-status={a.status}>
      <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="queue-arrived">
        {entry.arrivedAt}
      </Table.Td>
      {/* Beside the arrival: a patient hours early or late shows as such. */}
      <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="queue-appointment">
        {a.walkIn ? (
          <Badge size="sm" color="orange" variant="light" data-testid="walk-in-badge">
            {t('waiting.walkInBadge')}
          </Badge>
        ) : (
          a.localStart
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="queue-minutes">
        {inProgress ? (
          <Badge color="violet" variant="light">
            {t('waiting.withDoctor', { count: entry.waitingMinutes })}
          </Badge>
        ) : (
          <Text size="sm" fw={entry.waitingMinutes >= 30 ? 700 : 400} c={entry.waitingMinutes >= 30 ? 'red' : undefined}>
            {t('waiting.minutes', { count: entry.waitingMinutes })}
          </Text>
        )}
      </Table.Td>
      <AppointmentPatientCell appointment={a} />
      <Table.Td>
        <ProviderName name={a.providerName} color={a.providerColor} />
      </Table.Td>
      <AppointmentTypeCell appointment={a} />
      <Table.Td data-testid="queue-room">{entry.room ? roomName(t, entry.room) : t('waiting.noRoom')}</Table.Td>
      {callsIn && (
        <Table.Td style={{ textAlign: 'right' }}>
          <CallInButton appointmentId={a.id} patientName={a.patientName} room={entry.room} again={inProgress} />
        </Table.Td>
      )}
    </Table.Tr>
  );
}
