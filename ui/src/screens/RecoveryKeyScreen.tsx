import { Group, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFinishRecoveryKeyHandover, useRecoveryKeyHandover } from '../api/administration';
import { CenteredCard } from '../components/CenteredCard';
import { QueryErrorAlert } from '../components/QueryErrorAlert';
import { RecoveryKeyPanel } from '../features/security/RecoveryKeyPanel';

/** Right after setup: the clinic's first recovery key, before anything else. */
export function RecoveryKeyScreen() {
  const { t } = useTranslation();
  const handover = useRecoveryKeyHandover(true);
  const finish = useFinishRecoveryKeyHandover();
  return (
    <CenteredCard title={t('recoveryKey.title')} titleTestId="recovery-key-title" size="sm">
      {handover.isPending && (
        <Group justify="center">
          <Loader aria-label={t('app.loading')} />
        </Group>
      )}
      {handover.isError && <QueryErrorAlert error={handover.error} />}
      {finish.isError && <QueryErrorAlert error={finish.error} />}
      {handover.data && (
        <RecoveryKeyPanel
          handover={handover.data}
          finishing={finish.isPending}
          onDone={(confirmed) => {
            finish.mutate({ confirmed });
          }}
        />
      )}
    </CenteredCard>
  );
}
