import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { useActiveProviders, useBookWalkIn } from '../../api/frontDeskQueries';
import { usePatients } from '../../api/queries';
import { useAppointmentTypes } from '../../api/scheduleQueries';
import type { AppointmentType } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PatientHeader } from '../../components/PatientHeader';

interface WalkInModalProps {
  opened: boolean;
  onClose: () => void;
}

/**
 * The type a walk-in starts with: one named like a walk-in if the clinic has it, else the first. The
 * type sets how long the walk-in is booked for.
 */
function defaultType(types: readonly AppointmentType[]): string | null {
  return (types.find((x) => /walk[\s-]?in/i.test(x.name)) ?? types[0])?.id ?? null;
}

/** A patient without an appointment: pick the patient, the provider and the type; they join the queue at once. */
export function WalkInModal({ opened, onClose }: WalkInModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('waiting.walkIn.title')} size="md">
      {/* Mounted only while open, so each walk-in starts from an empty form. */}
      {opened && <WalkInForm onDone={onClose} />}
    </Modal>
  );
}

function WalkInForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const [patientId, setPatientId] = useState<string | null>(null);
  const [providerId, setProviderId] = useState<string | null>(null);
  // Until the user picks a type (null), the default one applies.
  const [pickedType, setPickedType] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 250);
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const searching = query.length >= 2;
  const patients = usePatients({
    text: searching ? query : null,
    sort: 'name',
    includeArchived: false,
    offset: 0,
    limit: 20,
  });
  const providers = useActiveProviders();
  const types = useAppointmentTypes();
  const bookWalkIn = useBookWalkIn();
  const typeId = pickedType ?? defaultType(types.data ?? []);

  const found = (searching ? (patients.data?.rows ?? []) : []).map((p) => ({
    value: p.id,
    label: `${p.lastName}, ${p.firstName} · ${p.mrn}`,
  }));
  // Keep the chosen patient's label while the search moves on.
  const patientOptions = chosen && !found.some((o) => o.value === chosen.value) ? [chosen, ...found] : found;
  const providerOptions = (providers.data ?? []).map((p) => ({ value: p.id, label: p.displayName }));

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (!patientId || !providerId) return;
        bookWalkIn.mutate(
          {
            patientId,
            providerId,
            appointmentTypeId: typeId,
            reason: reason.trim() === '' ? null : reason.trim(),
          },
          {
            onSuccess: () => {
              notifications.show({ color: 'teal', message: t('waiting.walkIn.booked') });
              onDone();
            },
          },
        );
      }}
    >
      <Stack>
        <FormErrorAlert
          error={bookWalkIn.isError ? describeError(t, bookWalkIn.error) : null}
          testId="walk-in-error"
        />
        <Select
          label={t('waiting.walkIn.patient')}
          placeholder={t('waiting.walkIn.patientPlaceholder')}
          searchable
          clearable
          required
          data={patientOptions}
          value={patientId}
          searchValue={search}
          onSearchChange={setSearch}
          onChange={(id, option) => {
            setChosen(id && option ? { value: option.value, label: option.label } : null);
            setPatientId(id);
          }}
          nothingFoundMessage={searching ? t('waiting.walkIn.noPatient') : t('waiting.walkIn.typeToSearch')}
          filter={({ options }) => options}
          data-autofocus
          data-testid="walk-in-patient"
        />
        {patientId && <PatientHeader patientId={patientId} compact />}
        <Select
          label={t('waiting.walkIn.provider')}
          required
          data={providerOptions}
          value={providerId}
          onChange={setProviderId}
          data-testid="walk-in-provider"
        />
        {types.data && types.data.length > 0 && (
          <Select
            label={t('waiting.walkIn.type')}
            data={types.data.map((x) => ({
              value: x.id,
              label: t('waiting.walkIn.typeOption', { name: x.name, minutes: x.durationMinutes }),
            }))}
            value={typeId}
            onChange={setPickedType}
            allowDeselect={false}
            data-testid="walk-in-type"
          />
        )}
        <TextInput
          label={t('waiting.walkIn.reason')}
          maxLength={200}
          value={reason}
          onChange={(event) => {
            setReason(event.currentTarget.value);
          }}
          data-testid="walk-in-reason"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button
            type="submit"
            disabled={!patientId || !providerId}
            loading={bookWalkIn.isPending}
            data-testid="walk-in-submit"
          >
            {t('waiting.walkIn.submit')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
