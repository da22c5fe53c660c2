import { Alert, Button, Group, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toIpcFailure } from '../../api/ipc';
import { useFindDuplicatePatients, useRegisterPatient } from '../../api/queries';
import type { PatientRow } from '../../api/types';
import { useFormatters } from '../../i18n/format';
import { PatientForm } from './PatientForm';
import { EMPTY_PATIENT, toNewPatient, type PatientValues } from './patientValues';

interface RegisterPatientModalProps {
  opened: boolean;
  onClose: () => void;
  /** Opens an existing patient (a likely duplicate the user recognised). */
  onOpen: (patientId: string) => void;
  /** A new patient was registered. */
  onRegistered: (patient: PatientRow) => void;
}

/**
 * Registers a patient. When Rust finds likely duplicates (same names and date of birth, phone or
 * email) they are shown first: the user opens one of them, or registers a new patient anyway.
 */
export function RegisterPatientModal({ opened, onClose, onOpen, onRegistered }: RegisterPatientModalProps) {
  const { t } = useTranslation();
  const register = useRegisterPatient();
  const findDuplicates = useFindDuplicatePatients();
  const [pending, setPending] = useState<{ values: PatientValues; matches: PatientRow[] } | null>(null);

  const close = () => {
    setPending(null);
    onClose();
  };

  const save = async (values: PatientValues) => {
    try {
      const patient = await register.mutateAsync(toNewPatient(values));
      close();
      onRegistered(patient);
    } catch (error) {
      if (toIpcFailure(error).code !== 'possible_duplicate') throw error;
      const matches = await findDuplicates.mutateAsync({ patient: toNewPatient(values), exceptId: null });
      setPending({ values, matches });
    }
  };

  const registerAnyway = async () => {
    if (!pending) return;
    const patient = await register.mutateAsync(toNewPatient(pending.values, true));
    close();
    onRegistered(patient);
  };

  return (
    <Modal opened={opened} onClose={close} title={t('patients.register')} size="lg">
      {pending ? (
        <DuplicateMatches
          matches={pending.matches}
          onOpen={(id) => {
            close();
            onOpen(id);
          }}
          onBack={() => {
            setPending(null);
          }}
          onRegisterAnyway={() => {
            void registerAnyway();
          }}
          registering={register.isPending}
        />
      ) : (
        <PatientForm
          initial={EMPTY_PATIENT}
          submitLabel={t('patients.register')}
          onSave={save}
          saving={register.isPending || findDuplicates.isPending}
          testId="register-patient-form"
        />
      )}
    </Modal>
  );
}

interface DuplicateMatchesProps {
  matches: PatientRow[];
  onOpen: (patientId: string) => void;
  onBack: () => void;
  onRegisterAnyway: () => void;
  registering: boolean;
}

function DuplicateMatches({ matches, onOpen, onBack, onRegisterAnyway, registering }: DuplicateMatchesProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  return (
    <Stack data-testid="duplicate-matches">
      <Alert color="orange" variant="light" title={t('patients.duplicates.title')}>
        {t('patients.duplicates.intro')}
      </Alert>
      <Table>
        <Table.Tbody>
          {matches.map((p) => (
            <Table.Tr key={p.id} data-testid="duplicate-row">
              <Table.Td>
                <Text fw={500}>
                  {p.lastName}, {p.firstName}
                </Text>
                <Text size="sm" c="dimmed">
                  {p.mrn} · {format.date(p.dateOfBirth)}
                  {p.phone ? ` · ${p.phone}` : ''}
                  {p.email ? ` · ${p.email}` : ''}
                </Text>
              </Table.Td>
              <Table.Td ta="right">
                <Button
                  size="xs"
                  variant="light"
                  onClick={() => {
                    onOpen(p.id);
                  }}
                  data-testid="duplicate-open"
                >
                  {t('patients.duplicates.open')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          {t('patients.duplicates.back')}
        </Button>
        <Button loading={registering} onClick={onRegisterAnyway} data-testid="duplicate-register-anyway">
          {t('patients.duplicates.registerAnyway')}
        </Button>
      </Group>
    </Stack>
  );
}
