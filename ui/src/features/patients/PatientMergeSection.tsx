import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { usePatientMerges, useUndoPatientMerge } from '../../api/patientQueries';
import { useCan } from '../../api/permissions';
import type { PatientDetails, PatientMerge } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { MergePatientsModal } from './MergePatientsModal';
import { describeMoves } from './patientTools';

/**
 * In a patient's record: merge another record of the same person into it, and the records merged so
 * far (merging and undoing offered to those who may).
 */
export function PatientMergeSection({ patient }: { patient: PatientDetails }) {
  const { t } = useTranslation();
  const can = useCan();
  const [opened, modal] = useDisclosure(false);
  const merges = usePatientMerges(patient.id);
  const mayMerge = can('edit_demographics');
  const mayUndo = can('undo_patient_merge');

  return (
    <Stack gap="sm">
      {mayMerge && (
        <Group>
          <Button variant="default" onClick={modal.open} data-testid="patient-merge-open">
            {t('patients.merge.open')}
          </Button>
        </Group>
      )}
      {merges.isError && <QueryErrorAlert error={merges.error} />}
      {merges.data && merges.data.length > 0 && (
        <Stack gap="xs" data-testid="patient-merges">
          <Title order={3} size="h5">
            {t('patients.merge.history')}
          </Title>
          {merges.data.map((merge) => (
            <MergedRecord key={merge.id} merge={merge} mayUndo={mayUndo} />
          ))}
        </Stack>
      )}
      {mayMerge && <MergePatientsModal opened={opened} onClose={modal.close} patient={patient} />}
    </Stack>
  );
}

function MergedRecord({ merge, mayUndo }: { merge: PatientMerge; mayUndo: boolean }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const undo = useUndoPatientMerge();
  const [confirming, setConfirming] = useState(false);
  const when = format.dateTime(merge.mergedAt);
  const moved = describeMoves(t, format, merge.moved);

  return (
    <Paper withBorder p="sm" data-testid="patient-merge-row">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2}>
          <Text fw={500}>
            {merge.mergedMrn} · {merge.mergedName}
          </Text>
          <Text size="sm" c="dimmed">
            {merge.mergedBy
              ? t('patients.merge.mergedBy', { when, who: merge.mergedBy })
              : t('patients.merge.mergedAt', { when })}
          </Text>
          <Text size="sm">{moved === '' ? t('patients.merge.nothingMoved') : moved}</Text>
        </Stack>
        {merge.undoneAt !== null ? (
          <Badge color="gray" variant="light" data-testid="patient-merge-undone">
            {t('patients.merge.undone', { when: format.dateTime(merge.undoneAt) })}
          </Badge>
        ) : (
          mayUndo &&
          merge.undoable &&
          !confirming && (
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                setConfirming(true);
              }}
              data-testid="patient-merge-undo"
            >
              {t('patients.merge.undo')}
            </Button>
          )
        )}
      </Group>
      {confirming && merge.undoneAt === null && (
        <Alert color="orange" variant="light" mt="sm" data-testid="patient-merge-undo-confirm">
          <Text size="sm">{t('patients.merge.undoConfirm', { mrn: merge.mergedMrn })}</Text>
          <Group mt="xs">
            <Button
              color="orange"
              size="xs"
              autoFocus
              loading={undo.isPending}
              onClick={() => {
                undo.mutate(
                  { mergeId: merge.id },
                  {
                    onSuccess: () => {
                      setConfirming(false);
                      notifications.show({ color: 'teal', message: t('patients.merge.undoneNotice') });
                    },
                  },
                );
              }}
              data-testid="patient-merge-undo-yes"
            >
              {t('patients.merge.undoYes')}
            </Button>
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                setConfirming(false);
                undo.reset();
              }}
            >
              {t('patients.merge.undoNo')}
            </Button>
          </Group>
        </Alert>
      )}
      {undo.isError && <FormErrorAlert error={describeError(t, undo.error)} testId="patient-merge-undo-error" />}
    </Paper>
  );
}
