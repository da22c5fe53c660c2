import { Button, Group, Loader, Modal, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { useMergePatients, usePatientMergePreview } from '../../api/patientQueries';
import type { MergePatientsArgs, PatientDetails, PatientMerge, PatientRow } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useFormatters } from '../../i18n/format';
import { PatientPicker } from '../schedule/PatientPicker';
import { describeMoves, isMergeFillable } from './patientTools';

interface MergePatientsModalProps {
  opened: boolean;
  onClose: () => void;
  /** The record the drawer shows: the one kept, unless the user swaps. */
  patient: Pick<PatientDetails, 'id'>;
  /** The other record, when it is known already (a merge suggested after a sync). */
  initialOther?: PatientRow;
  onMerged?: (merge: PatientMerge) => void;
}

/**
 * Merges two records of the same person: find the other record, choose which one to keep, see both
 * side by side with what will move and which empty fields will be filled, then confirm.
 */
export function MergePatientsModal({ opened, onClose, patient, initialOther, onMerged }: MergePatientsModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('patients.merge.title')} size="xl">
      {opened && <MergeSteps patient={patient} initialOther={initialOther} onClose={onClose} onMerged={onMerged} />}
    </Modal>
  );
}

function MergeSteps({ patient, initialOther, onClose, onMerged }: Omit<MergePatientsModalProps, 'opened'>) {
  const { t } = useTranslation();
  const format = useFormatters();
  const [other, setOther] = useState<PatientRow | null>(initialOther ?? null);
  const [keepOther, setKeepOther] = useState(false);
  const merge = useMergePatients();
  const same = other !== null && other.id === patient.id;
  const args: MergePatientsArgs | null =
    other === null || same
      ? null
      : keepOther
        ? { keptPatientId: other.id, mergedPatientId: patient.id }
        : { keptPatientId: patient.id, mergedPatientId: other.id };
  const preview = usePatientMergePreview(args);
  const data = preview.data;

  const confirm = () => {
    if (!args) return;
    merge.mutate(args, {
      onSuccess: (done) => {
        notifications.show({ color: 'teal', message: t('patients.merge.merged') });
        onClose();
        onMerged?.(done);
      },
    });
  };

  const fills = data?.fills.map((column) =>
    isMergeFillable(column) ? t(`patients.merge.fields.${column}`) : column.replaceAll('_', ' '),
  );
  const moves = data ? describeMoves(t, format, data.moves) : '';

  return (
    <Stack>
      <Text size="sm">{t('patients.merge.intro')}</Text>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {t('patients.merge.find')}
        </Text>
        <PatientPicker
          value={other}
          onChange={(picked) => {
            setOther(picked);
            merge.reset();
          }}
          error={same ? t('patients.merge.sameRecord') : undefined}
          autoFocus
          testId="merge-find"
        />
      </Stack>

      {preview.isError && <FormErrorAlert error={describeError(t, preview.error)} testId="merge-preview-error" />}
      {args && preview.isPending && (
        <Group justify="center" p="md">
          <Loader size="sm" aria-label={t('app.loading')} />
        </Group>
      )}

      {args && data && (
        <Stack data-testid="merge-preview">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <RecordCard title={t('patients.merge.keep')} record={data.kept} testId="merge-kept" />
            <RecordCard title={t('patients.merge.mergeAway')} record={data.merged} testId="merge-merged" />
          </SimpleGrid>
          <Group>
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                setKeepOther((k) => !k);
                merge.reset();
              }}
              data-testid="merge-swap"
            >
              {t('patients.merge.swap')}
            </Button>
          </Group>
          <Text size="sm" data-testid="merge-moves">
            {moves === '' ? t('patients.merge.nothingMoves') : t('patients.merge.moves', { list: moves })}
          </Text>
          {fills && fills.length > 0 && (
            <Text size="sm" data-testid="merge-fills">
              {t('patients.merge.fills', { list: fills.join(', ') })}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            {t('patients.merge.afterwards')}
          </Text>
        </Stack>
      )}

      {merge.isError && <FormErrorAlert error={describeError(t, merge.error)} testId="merge-error" />}

      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        {args && data && (
          <Button color="orange" loading={merge.isPending} onClick={confirm} data-testid="merge-confirm">
            {t('patients.merge.confirm', { name: `${data.kept.firstName} ${data.kept.lastName}`, mrn: data.kept.mrn })}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

function RecordCard({ title, record, testId }: { title: string; record: PatientRow; testId: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  return (
    <Paper withBorder p="md" data-testid={testId}>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {title}
      </Text>
      <Title order={3} size="h4" mt={4}>
        {record.firstName} {record.lastName}
      </Title>
      <Stack gap={2} mt="xs">
        <Text size="sm">
          {t('patients.mrn')}: {record.mrn}
        </Text>
        <Text size="sm">
          {t('patients.dateOfBirth')}: {format.date(record.dateOfBirth)}
        </Text>
        <Text size="sm">{record.phone ?? t('patients.merge.noPhone')}</Text>
        <Text size="sm">{record.email ?? t('patients.merge.noEmail')}</Text>
      </Stack>
    </Paper>
  );
}
