import { Alert, Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { useClinicDevices, usePairWithServer, useSyncNow, useSyncOverview } from '../../api/syncQueries';
import type { ClinicDevice, SyncOverview } from '../../api/types';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { ServerForm } from './ServerForm';
import { FailureText } from './SyncIndicator';

/**
 * Administration > Sync: pairing this computer with the clinic server, how its syncing goes, Sync
 * now, and the clinic's devices as the server knows them.
 */
export function SyncPanel() {
  const { t } = useTranslation();
  const overview = useSyncOverview();
  if (overview.isError) return <QueryErrorAlert error={overview.error} />;
  if (!overview.data) return <Loader size="sm" aria-label={t('app.loading')} />;
  if (!overview.data.status.paired) return <PairCard />;
  return (
    <Stack gap="lg">
      <StatusCard overview={overview.data} />
      <DevicesCard />
    </Stack>
  );
}

function PairCard() {
  const { t } = useTranslation();
  const pair = usePairWithServer();
  return (
    <Paper withBorder p="lg" maw={640} data-testid="sync-pair">
      <Title order={2} size="h4" mb="sm">
        {t('sync.pair.title')}
      </Title>
      <Text size="sm" mb="md">
        {t('sync.pair.intro')}
      </Text>
      <ServerForm
        testId="pair"
        submitLabel={t('sync.pair.submit')}
        submitting={pair.isPending}
        error={pair.error}
        onSubmit={(args) => {
          pair.mutate(args, {
            onSuccess: () => {
              notifications.show({ color: 'teal', message: t('sync.pair.done') });
            },
          });
        }}
      />
    </Paper>
  );
}

function StatusCard({ overview }: { overview: SyncOverview }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const syncNow = useSyncNow();
  const { status } = overview;
  const rows: [string, string, string][] = [
    [t('sync.panel.server'), status.serverUrl ?? '', 'sync-server'],
    [t('sync.panel.fingerprint'), status.fingerprint ?? '', 'sync-fingerprint'],
    [t('sync.panel.device'), status.deviceId, 'sync-device'],
    [t('sync.panel.prefix'), status.devicePrefix, 'sync-prefix'],
    [t('sync.panel.pairedAt'), status.pairedAt === null ? '' : format.dateTime(status.pairedAt), 'sync-paired-at'],
    [
      t('sync.panel.lastSync'),
      status.lastSyncAt === null ? t('sync.never') : format.dateTime(status.lastSyncAt),
      'sync-last',
    ],
    [t('sync.panel.waiting'), format.number(status.changesWaiting), 'sync-panel-waiting'],
    [t('sync.panel.attention'), format.number(status.needsAttention), 'sync-panel-attention'],
  ];
  return (
    <Paper withBorder p="lg" data-testid="sync-status">
      <Title order={2} size="h4" mb="md">
        {t('sync.panel.title')}
      </Title>
      <Table variant="vertical" withTableBorder maw={760} fz="sm">
        <Table.Tbody>
          {rows.map(([label, value, testId]) => (
            <Table.Tr key={testId}>
              <Table.Th w={220}>{label}</Table.Th>
              <Table.Td data-testid={testId} style={{ wordBreak: 'break-all' }}>
                {value}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {overview.lastFailure !== null && (
        <Alert color={overview.needsAction ? 'red' : 'gray'} variant="light" mt="md" maw={760}>
          {overview.needsAction ? (
            <FailureText failure={describeError(t, overview.lastFailure)} />
          ) : (
            <Text size="sm">{t('sync.panel.offline')}</Text>
          )}
        </Alert>
      )}
      <Group mt="md">
        <Button
          loading={syncNow.isPending || overview.syncing}
          onClick={() => {
            syncNow.mutate(undefined, {
              onSuccess: (report) => {
                notifications.show({ color: 'teal', message: t('sync.report', report) });
              },
              onError: (error) => {
                const described = describeError(t, error);
                notifications.show({ color: 'red', title: t('sync.failed'), message: described.detail ?? described.message });
              },
            });
          }}
          data-testid="sync-panel-now"
        >
          {t('sync.now')}
        </Button>
      </Group>
    </Paper>
  );
}

function DevicesCard() {
  const { t } = useTranslation();
  const devices = useClinicDevices(true);
  return (
    <Paper withBorder p="lg" data-testid="sync-devices">
      <Title order={2} size="h4" mb="sm">
        {t('sync.devices.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t('sync.devices.intro')}
      </Text>
      {devices.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
      {devices.isError && <QueryErrorAlert error={devices.error} />}
      {devices.data && <DeviceTable devices={devices.data} />}
    </Paper>
  );
}

function DeviceTable({ devices }: { devices: ClinicDevice[] }) {
  const { t } = useTranslation();
  const format = useFormatters();
  return (
    <Table striped withTableBorder fz="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('sync.devices.name')}</Table.Th>
          <Table.Th>{t('sync.devices.prefix')}</Table.Th>
          <Table.Th>{t('sync.devices.pairedAt')}</Table.Th>
          <Table.Th>{t('sync.devices.lastSeen')}</Table.Th>
          <Table.Th>{t('sync.devices.state')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {devices.map((device) => (
          <Table.Tr key={device.id} data-testid="sync-device-row">
            <Table.Td>
              {device.name}
              {device.thisDevice && (
                <Badge ml="xs" size="xs" variant="light">
                  {t('sync.devices.thisOne')}
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{device.prefix}</Table.Td>
            <Table.Td>{format.dateTime(device.pairedAt)}</Table.Td>
            <Table.Td>{device.lastSeenAt === null ? '' : format.dateTime(device.lastSeenAt)}</Table.Td>
            <Table.Td>
              {device.revokedAt === null ? (
                <Badge color="teal" variant="light">
                  {t('sync.devices.active')}
                </Badge>
              ) : (
                <Badge color="gray" variant="light">
                  {t('sync.devices.revoked', { when: format.dateTime(device.revokedAt) })}
                </Badge>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
