import { Badge, Button, Group, Popover, Stack, Text, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { describeError, type DescribedError } from '../../api/errors';
import { useRefetchAfterSync, useSyncNow, useSyncOverview } from '../../api/syncQueries';
import type { SyncOverview } from '../../api/types';
import { sinceLabel, syncState, type SyncState } from './syncState';

const COLORS: Record<SyncState, string> = {
  syncing: 'blue',
  synced: 'teal',
  waiting: 'blue',
  offline: 'gray',
  checking: 'gray',
  needsAction: 'red',
};

/**
 * The header's sync status, always in sight on a computer paired with a clinic server: online or
 * offline, when it last synced, how many changes wait to be sent, and a failure someone must act on.
 * Opens to the details and Sync now. Shows nothing on a computer that does not sync.
 */
export function SyncIndicator() {
  const overview = useSyncOverview();
  useRefetchAfterSync();
  if (!overview.data?.status.paired) return null;
  // "Now" is when the status was read (every few seconds), which keeps rendering pure.
  return <Indicator overview={overview.data} now={overview.dataUpdatedAt} />;
}

/** A failed round's reason: what it means, and the server's own words where it gave them. */
export function FailureText({ failure }: { failure: DescribedError }) {
  return (
    <Text size="sm" c="red" data-testid="sync-failure">
      {failure.message}
      {failure.detail !== null && ` ${failure.detail}`}
    </Text>
  );
}

function Indicator({ overview, now }: { overview: SyncOverview; now: number }) {
  const { t } = useTranslation();
  const syncNow = useSyncNow();
  const state = syncState(overview);
  const { status } = overview;
  const last = status.lastSyncAt === null ? t('sync.never') : sinceLabel(t, status.lastSyncAt, now);
  return (
    <Popover position="bottom-end" shadow="md" width={340}>
      <Popover.Target>
        <UnstyledButton data-testid="sync-indicator" data-state={state} aria-label={t('sync.indicatorLabel')}>
          <Group gap={6} wrap="nowrap">
            <Badge color={COLORS[state]} variant="light" data-testid="sync-state">
              {t(`sync.state.${state}`)}
            </Badge>
            {status.changesWaiting > 0 && (
              <Badge color="blue" variant="outline" data-testid="sync-waiting">
                {t('sync.waitingCount', { count: status.changesWaiting })}
              </Badge>
            )}
          </Group>
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" data-testid="sync-details">
          <Text size="sm">{t('sync.lastSync', { when: last })}</Text>
          <Text size="sm">{t('sync.waiting', { count: status.changesWaiting })}</Text>
          {overview.online === false && overview.failingSince !== null && (
            <Text size="sm" c="dimmed">
              {t('sync.offlineSince', { when: sinceLabel(t, overview.failingSince, now) })}
            </Text>
          )}
          {overview.needsAction && overview.lastFailure !== null && (
            <FailureText failure={describeError(t, overview.lastFailure)} />
          )}
          {status.needsAttention > 0 && (
            <Text size="sm" c="orange">
              {t('sync.attention', { count: status.needsAttention })}
            </Text>
          )}
          <Button
            size="xs"
            loading={syncNow.isPending || overview.syncing}
            onClick={() => {
              syncNow.mutate(undefined, {
                onError: (error) => {
                  const described = describeError(t, error);
                  notifications.show({
                    color: 'red',
                    title: t('sync.failed'),
                    message: described.detail ?? described.message,
                  });
                },
              });
            }}
            data-testid="sync-now"
          >
            {t('sync.now')}
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
