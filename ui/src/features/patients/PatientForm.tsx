import { Button, Group, SimpleGrid, Select, Stack, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { SEXES } from '../../domain';
import type { PatientValues } from './patientValues';

interface PatientFormProps {
  initial: PatientValues;
  submitLabel: string;
  /** Saves; a rejection naming a field shows next to it, any other above the form. */
  onSave: (values: PatientValues) => Promise<unknown>;
  saving: boolean;
  testId: string;
}

/**
 * A patient's details. Rust checks every field (names, date of birth, email, phone) and its
 * messages appear next to the field; the form itself only asks for what is required.
 */
export function PatientForm({ initial, submitLabel, onSave, saving, testId }: PatientFormProps) {
  const { t } = useTranslation();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<PatientValues>({
    mode: 'uncontrolled',
    initialValues: initial,
    validate: {
      firstName: (v) => (v.trim() ? null : t('patients.form.required')),
      lastName: (v) => (v.trim() ? null : t('patients.form.required')),
      dateOfBirth: (v) => (v ? null : t('patients.form.required')),
    },
  });
  const submit = form.onSubmit((values) => {
    setFormError(null);
    onSave(values).catch((error: unknown) => {
      setFormError(applyIpcError(form, error, t));
    });
  });
  const sexOptions = SEXES.map((sex) => ({ value: sex, label: t(`sex.${sex}`) }));

  return (
    <form onSubmit={submit} noValidate data-testid={testId}>
      <Stack gap="sm">
        <FormErrorAlert error={formError} testId={`${testId}-error`} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('patients.firstName')}
            required
            // The dialog's initial focus (its focus trap's), and the drawer's once the record loaded.
            data-autofocus
            autoFocus
            data-testid="patient-first-name"
            key={form.key('firstName')}
            {...form.getInputProps('firstName')}
          />
          <TextInput
            label={t('patients.lastName')}
            required
            data-testid="patient-last-name"
            key={form.key('lastName')}
            {...form.getInputProps('lastName')}
          />
          <DateInput
            label={t('patients.dateOfBirth')}
            required
            valueFormat="YYYY-MM-DD"
            placeholder="YYYY-MM-DD"
            allowDeselect={false}
            data-testid="patient-date-of-birth"
            key={form.key('dateOfBirth')}
            {...form.getInputProps('dateOfBirth')}
          />
          <Select
            label={t('patients.sex')}
            data={sexOptions}
            allowDeselect={false}
            data-testid="patient-sex"
            key={form.key('sex')}
            {...form.getInputProps('sex')}
          />
          <TextInput
            label={t('patients.phone')}
            type="tel"
            data-testid="patient-phone"
            key={form.key('phone')}
            {...form.getInputProps('phone')}
          />
          <TextInput
            label={t('patients.email')}
            type="email"
            data-testid="patient-email"
            key={form.key('email')}
            {...form.getInputProps('email')}
          />
          <TextInput
            label={t('patients.city')}
            data-testid="patient-city"
            key={form.key('city')}
            {...form.getInputProps('city')}
          />
          <TextInput
            label={t('patients.insurancePayer')}
            data-testid="patient-insurance-payer"
            key={form.key('insurancePayer')}
            {...form.getInputProps('insurancePayer')}
          />
          <TextInput
            label={t('patients.insuranceMemberId')}
            data-testid="patient-insurance-member"
            key={form.key('insuranceMemberId')}
            {...form.getInputProps('insuranceMemberId')}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button type="submit" loading={saving} data-testid={`${testId}-submit`}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
