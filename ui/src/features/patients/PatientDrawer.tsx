import { Alert, Button, Drawer, Fieldset, Group, Loader, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { useCan } from '../../api/permissions';
import { usePatient, useSetPatientArchived, useUpdatePatient } from '../../api/queries';
import type { PatientDetails } from '../../api/types';
import { PatientHeader } from '../../components/PatientHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { FindSlotDialog } from '../schedule/FindSlotDialog';
import { PatientForm } from './PatientForm';
import { PatientMergeSection } from './PatientMergeSection';
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
  const can = useCan();
  const update = useUpdatePatient();
  const archive = useSetPatientArchived();
  const [booking, setBooking] = useState(false);
  const mayBook = can('edit_schedule');
  const mayEdit = can('edit_demographics');
  return (
    <Stack gap="lg" data-testid="patient-record">
      <PatientHeader patientId={patient.id} />
      {mayBook && (
        <Group gap="sm">
          <Button
            disabled={patient.archived}
            onClick={() => {
              setBooking(true);
            }}
            data-testid="patient-book"
          >
            {t('patients.book')}
          </Button>
          {patient.archived && (
            <Text size="sm" c="dimmed" data-testid="patient-book-archived">
              {t('patients.bookArchived')}
            </Text>
          )}
        </Group>
      )}
      {booking && (
        <FindSlotDialog
          patient={patient}
          onClose={() => {
            setBooking(false);
          }}
        />
      )}
      {/* Who may not edit demographics reads the same fields, disabled. */}
      <Fieldset variant="unstyled" disabled={!mayEdit} data-testid="patient-details">
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
      </Fieldset>
      {archive.isError && (
        <Alert color="red" variant="light" role="alert">
          {describeError(t, archive.error).detail ?? describeError(t, archive.error).message}
        </Alert>
      )}
      {mayEdit && (
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
      )}
      <PatientMergeSection patient={patient} />
    </Stack>
  );
}
