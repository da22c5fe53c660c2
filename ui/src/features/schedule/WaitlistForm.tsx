import { Button, Checkbox, Group, NativeSelect, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type SyntheticEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, fieldErrorMessage, type DescribedError } from '../../api/errors';
import { toIpcFailure } from '../../api/ipc';
import { useAddToWaitlist, useAppointmentTypes, useProviders } from '../../api/scheduleQueries';
import type { PatientRow } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PatientPicker } from './PatientPicker';
import { parseWants, wantsProvider } from './wants';
import { WantsSelect } from './WantsSelect';
import { ISO_WEEKDAYS, useWeekdayNames } from './weekdays';

/** How the waitlist form starts when the booking dialog sends someone there. */
export interface WaitlistStart {
  patient: PatientRow | null;
  providerId: string;
}

type Field = 'patientId' | 'wants' | 'appointmentTypeId' | 'weekdays' | 'earliestTime' | 'latestTime' | 'note';

/** The form's field for each args field Rust may name: provider and specialty are one choice here. */
const FIELD_OF: Readonly<Record<string, Field>> = {
  patientId: 'patientId',
  providerId: 'wants',
  specialty: 'wants',
  appointmentTypeId: 'appointmentTypeId',
  weekdays: 'weekdays',
  earliestTime: 'earliestTime',
  latestTime: 'latestTime',
  note: 'note',
};

// The one "provider or specialty" select carries which of the two in its value.

const optional = (text: string) => (text.trim() === '' ? null : text.trim());

/** Puts a patient on the waitlist: with whom (a provider, or any of a specialty), which days and times suit. */
export function WaitlistForm({ start, onDone }: { start: WaitlistStart | null; onDone: () => void }) {
  const { t } = useTranslation();
  const weekdayName = useWeekdayNames();
  const providers = useProviders();
  const types = useAppointmentTypes();
  const add = useAddToWaitlist();
  const [patient, setPatient] = useState<PatientRow | null>(start?.patient ?? null);
  const [wants, setWants] = useState(start ? wantsProvider(start.providerId) : '');
  const [typeId, setTypeId] = useState('');
  const [weekdays, setWeekdays] = useState<string[]>([]);
  const [earliest, setEarliest] = useState('');
  const [latest, setLatest] = useState('');
  const [note, setNote] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<Field, string>>>({});
  const [formError, setFormError] = useState<DescribedError | null>(null);


  const submit = (event: SyntheticEvent) => {
    event.preventDefault();
    setFormError(null);
    const missing: Partial<Record<Field, string>> = {};
    if (!patient) missing.patientId = t('schedule.booking.choosePatient');
    if (wants === '') missing.wants = t('schedule.waitlist.chooseWants');
    setFieldErrors(missing);
    if (!patient || wants === '') return;
    add.mutate(
      {
        patientId: patient.id,
        ...parseWants(wants),
        appointmentTypeId: typeId === '' ? null : typeId,
        weekdays: weekdays.map(Number).sort((a, b) => a - b),
        earliestTime: optional(earliest),
        latestTime: optional(latest),
        note: optional(note),
      },
      {
        onSuccess: () => {
          notifications.show({
            color: 'teal',
            message: t('schedule.waitlist.added', { name: `${patient.firstName} ${patient.lastName}` }),
          });
          onDone();
        },
        onError: (error) => {
          const failure = toIpcFailure(error);
          const field = failure.field === null ? undefined : FIELD_OF[failure.field];
          if (field) setFieldErrors({ [field]: fieldErrorMessage(t, failure) });
          else setFormError(describeError(t, failure));
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate data-testid="waitlist-form">
      <Stack gap="sm">
        <PatientPicker
          autoFocus
          value={patient}
          onChange={(p) => {
            setPatient(p);
            setFieldErrors((e) => ({ ...e, patientId: undefined }));
          }}
          error={fieldErrors.patientId}
          testId="waitlist-patient"
        />
        <Group grow align="flex-start">
          <WantsSelect
            value={wants}
            onChange={setWants}
            providers={providers.data ?? []}
            error={fieldErrors.wants}
            testId="waitlist-wants"
          />
          <NativeSelect
            label={t('schedule.booking.type')}
            value={typeId}
            onChange={(event) => {
              setTypeId(event.currentTarget.value);
            }}
            data={[
              { value: '', label: t('schedule.waitlist.anyType') },
              ...(types.data ?? []).map((x) => ({
                value: x.id,
                label: t('schedule.booking.typeOption', { name: x.name, minutes: x.durationMinutes }),
              })),
            ]}
            error={fieldErrors.appointmentTypeId}
            data-testid="waitlist-type"
          />
        </Group>
        <Checkbox.Group
          label={t('schedule.waitlist.days')}
          description={t('schedule.waitlist.daysHint')}
          value={weekdays}
          onChange={setWeekdays}
          error={fieldErrors.weekdays}
        >
          <Group gap="sm" mt={4}>
            {ISO_WEEKDAYS.map((day) => (
              <Checkbox key={day} value={String(day)} label={weekdayName(day)} data-testid="waitlist-weekday" />
            ))}
          </Group>
        </Checkbox.Group>
        <Group grow align="flex-start">
          <TextInput
            type="time"
            label={t('schedule.waitlist.earliest')}
            value={earliest}
            onChange={(event) => {
              setEarliest(event.currentTarget.value);
            }}
            error={fieldErrors.earliestTime}
            data-testid="waitlist-earliest"
          />
          <TextInput
            type="time"
            label={t('schedule.waitlist.latest')}
            value={latest}
            onChange={(event) => {
              setLatest(event.currentTarget.value);
            }}
            error={fieldErrors.latestTime}
            data-testid="waitlist-latest"
          />
        </Group>
        <TextInput
          label={t('schedule.waitlist.note')}
          maxLength={200}
          value={note}
          onChange={(event) => {
            setNote(event.currentTarget.value);
          }}
          error={fieldErrors.note}
          data-testid="waitlist-note"
        />
        <FormErrorAlert error={formError} testId="waitlist-form-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={add.isPending} data-testid="waitlist-submit">
            {t('schedule.waitlist.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
