import { Alert, Badge, Button, Drawer, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { usePatient, useSetPatientArchived, useUpdatePatient } from '../../api/queries';
import type { PatientDetails } from '../../api/types';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { PatientForm } from './PatientForm';
import { toNewPatient, type PatientValues } from './patientValues';

/** One patient's record: their details to edit, and archiving (or bringing back) the record. */
export function PatientDrawer({ patientId, onClose }: { patientId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Drawer opened={patientId !== null} onClose={onClose} position="right" size="xl" title={t('patients.record')}>
      {patientId && <PatientRecord patientId={patientId} />}
    </Drawer>
  );
}

function PatientRecord({ patientId }: { patientId: string }) {
  const { t } = useTranslation();
  const patient = usePatient(patientId);
  if (patient.isError) return <QueryErrorAlert error={patient.error} />;
  if (patient.isPending) return <Loader aria-label={t('app.loading')} />;
  // Keyed by the record's content, so a saved change starts the form from the saved values.
  return <EditPatient key={JSON.stringify(patient.data)} patient={patient.data} />;
}

function valuesOf(p: PatientDetails): PatientValues {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    dateOfBirth: p.dateOfBirth,
    sex: p.sex,
    phone: p.phone ?? '',
    email: p.email ?? '',
    city: p.city ?? '',
    insurancePayer: p.insurancePayer ?? '',
    insuranceMemberId: p.insuranceMemberId ?? '',
  };
}

function EditPatient({ patient }: { patient: PatientDetails }) {
  const { t } = useTranslation();
  const update = useUpdatePatient();
  const archive = useSetPatientArchived();
  return (
    <Stack gap="lg" data-testid="patient-record">
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2} size="h3">
            {patient.firstName} {patient.lastName}
          </Title>
          <Text c="dimmed" data-testid="patient-record-mrn">
            {patient.mrn}
          </Text>
        </Stack>
        {patient.archived && (
          <Badge color="gray" data-testid="patient-archived">
            {t('patients.archived')}
          </Badge>
        )}
      </Group>
      <PatientForm
        initial={valuesOf(patient)}
        submitLabel={t('patients.save')}
        saving={update.isPending}
        testId="edit-patient-form"
        onSave={async (values) => {
          await update.mutateAsync({ patientId: patient.id, patient: toNewPatient(values) });
          notifications.show({ color: 'teal', message: t('patients.saved') });
        }}
      />
      {archive.isError && (
        <Alert color="red" variant="light" role="alert">
          {describeError(t, archive.error).detail ?? describeError(t, archive.error).message}
        </Alert>
      )}
      <Group>
        <Button
          variant="default"
          color={patient.archived ? undefined : 'red'}
          loading={archive.isPending}
          onClick={() => {
            archive.mutate({ patientId: patient.id, archived: !patient.archived });
          }}
          data-testid="patient-archive-toggle"
        >
          {patient.archived ? t('patients.restore') : t('patients.archive')}
        </Button>
      </Group>
    </Stack>
  );
}
