import { Alert, Button, Group, Loader, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { describeError } from '../api/errors';
import {
  useFinishJoining,
  useJoinProgress,
  useJoinSheetPath,
  useRetryJoin,
  useSaveJoinRecoverySheet,
} from '../api/syncQueries';
import type { JoinView } from '../api/types';
import { CenteredCard } from '../components/CenteredCard';
import { QueryErrorAlert } from '../components/QueryErrorAlert';
import { RecoveryKeyPanel } from '../features/security/RecoveryKeyPanel';
import { useFormatters } from '../i18n/format';

/**
 * A new computer joining the clinic: the clinic arrives from the server (a progress bar; a join cut
 * short goes on where it stopped), while this computer's recovery key is shown to be put away. Then
 * the sign-in screen, where the clinic's staff sign in with their own passwords.
 */
export function JoiningScreen() {
  const { t } = useTranslation();
  const progress = useJoinProgress();
  const finish = useFinishJoining();
  const view = progress.data;
  const sheetPath = useJoinSheetPath(view?.pulled === true);
  return (
    <CenteredCard title={t('join.arrivingTitle')} titleTestId="joining-title" size="sm">
      {progress.isPending && (
        <Group justify="center">
          <Loader aria-label={t('app.loading')} />
        </Group>
      )}
      {progress.isError && <QueryErrorAlert error={progress.error} />}
      {view && <Arriving view={view} />}
      {finish.isError && <QueryErrorAlert error={finish.error} />}
      {view?.recoveryKey != null && (
        <RecoveryKeyPanel
          handover={{ recoveryKey: view.recoveryKey, suggestedSheetPath: sheetPath.data ?? '' }}
          useSaveSheet={useSaveJoinRecoverySheet}
          notYet={view.pulled ? null : t('join.keyWhileArriving')}
          finishing={finish.isPending}
          onDone={() => {
            finish.mutate();
          }}
        />
      )}
      {view && view.pulled && view.recoveryKey === null && (
        // Restarted after the key was shown: nothing more to hand over.
        <Stack gap="md">
          <Text size="sm" data-testid="join-key-shown-before">
            {t('join.keyShownBefore')}
          </Text>
          <Group justify="flex-end">
          <Button
            loading={finish.isPending}
            onClick={() => {
              finish.mutate();
            }}
            data-testid="join-continue"
          >
            {t('join.continue')}
          </Button>
          </Group>
        </Stack>
      )}
    </CenteredCard>
  );
}

/** The progress bar, with rows and percentage, and why it waits when it does. */
function Arriving({ view }: { view: JoinView }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const retry = useRetryJoin();
  const { appliedThrough, latest } = view.progress ?? { appliedThrough: 0, latest: 0 };
  const failure = view.error === null ? null : describeError(t, view.error);
  const percent = view.pulled ? 100 : latest > 0 ? Math.min(100, Math.floor((appliedThrough * 100) / latest)) : 0;
  return (
    <Stack gap="xs" data-testid="join-progress" data-percent={percent}>
      <Progress value={percent} size="lg" animated={!view.pulled} aria-label={t('join.progressLabel')} />
      <Text size="sm" data-testid="join-progress-text">
        {view.pulled
          ? t('join.arrived')
          : t('join.progress', {
              applied: format.number(appliedThrough),
              latest: format.number(latest),
              percent,
            })}
      </Text>
      {view.error !== null && (
        <Alert color={view.running ? 'orange' : 'red'} variant="light" role="alert" data-testid="join-error">
          <Text size="sm" fw={500}>
            {failure?.message}
          </Text>
          {failure?.detail != null && <Text size="sm">{failure.detail}</Text>}
          <Text size="sm">{view.running ? t('join.retrying') : t('join.stopped')}</Text>
          {!view.running && (
            <Button
              mt="xs"
              size="xs"
              loading={retry.isPending}
              onClick={() => {
                retry.mutate();
              }}
              data-testid="join-retry"
            >
              {t('join.retry')}
            </Button>
          )}
        </Alert>
      )}
    </Stack>
  );
}
