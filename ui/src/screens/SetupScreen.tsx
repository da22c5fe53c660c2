import {
  Alert,
  Button,
  Fieldset,
  Loader,
  Group,
  Select,
  Stack,
  TextInput,
} from '@mantine/core';
import { matchesField, useForm } from '@mantine/form';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../api/errors';
import { errorMessage } from '../api/errors';
import { applyIpcError } from '../api/formErrors';
import { useSetupClinic, useTimeZones } from '../api/queries';
import { useJoinClinic } from '../api/syncQueries';
import type { SetupClinicArgs } from '../api/types';
import { CenteredCard } from '../components/CenteredCard';
import { FormErrorAlert } from '../components/FormErrorAlert';
import { NewPasswordFields } from '../components/NewPasswordFields';
import { ServerForm } from '../features/sync/ServerForm';
import { COUNTRIES, CURRENCIES, DEFAULT_CURRENCY, defaultCountry } from '../domain';
import { useFormatters } from '../i18n/format';
import { defaultTimeZone } from './timeZones';

/** Form values: the command args plus the client-only confirmation. */
type SetupValues = SetupClinicArgs & { adminPasswordConfirm: string };

/**
 * First run: set up a new clinic on this computer, or join one a clinic server serves (a second
 * computer of the same clinic).
 */
export function SetupScreen() {
  const { t } = useTranslation();
  const [joining, setJoining] = useState(false);
  return (
    <CenteredCard
      title={joining ? t('join.title') : t('setup.title')}
      subtitle={joining ? t('join.intro') : t('setup.intro')}
      size="sm"
    >
      <Group grow gap="xs">
        <Button
          variant={joining ? 'default' : 'filled'}
          onClick={() => {
            setJoining(false);
          }}
          data-testid="setup-choose-new"
        >
          {t('setup.chooseNew')}
        </Button>
        <Button
          variant={joining ? 'filled' : 'default'}
          onClick={() => {
            setJoining(true);
          }}
          data-testid="setup-choose-join"
        >
          {t('setup.chooseJoin')}
        </Button>
      </Group>
      {joining ? <JoinForm /> : <NewClinic />}
    </CenteredCard>
  );
}

function JoinForm() {
  const { t } = useTranslation();
  const join = useJoinClinic();
  return (
    <ServerForm
      testId="join"
      submitLabel={t('join.submit')}
      submitting={join.isPending}
      error={join.error}
      onSubmit={(args) => {
        join.mutate(args);
      }}
    />
  );
}

function NewClinic() {
  const { t } = useTranslation();
  const timeZones = useTimeZones();

  let body;
  if (timeZones.isPending) {
    body = (
      <Group justify="center" p="lg">
        <Loader aria-label={t('app.loading')} />
      </Group>
    );
  } else if (timeZones.isError) {
    body = (
      <Alert color="red" variant="light" role="alert" title={t('errors.loadFailed')}>
        {errorMessage(t, timeZones.error)}
      </Alert>
    );
  } else {
    body = <SetupForm timeZones={timeZones.data} />;
  }
  return body;
}

function SetupForm({ timeZones }: { timeZones: string[] }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const setup = useSetupClinic();
  const [formError, setFormError] = useState<DescribedError | null>(null);

  const form = useForm<SetupValues>({
    // Uncontrolled: typing does not re-render the whole form.
    mode: 'uncontrolled',
    initialValues: {
      clinicName: '',
      timeZone: defaultTimeZone(timeZones),
      country: defaultCountry(),
      currency: DEFAULT_CURRENCY,
      adminDisplayName: '',
      adminUsername: '',
      adminPassword: '',
      adminPasswordConfirm: '',
    },
    validate: {
      clinicName: (v) => (v.trim() ? null : t('setup.validation.clinicNameRequired')),
      timeZone: (v) => (v ? null : t('setup.validation.timeZoneRequired')),
      currency: (v) => (v ? null : t('setup.validation.currencyRequired')),
      country: (v) => (v ? null : t('setup.validation.countryRequired')),
      adminDisplayName: (v) => (v.trim() ? null : t('setup.validation.displayNameRequired')),
      adminUsername: (v) => (v.trim() ? null : t('setup.validation.usernameRequired')),
      // Length/strength rules live in Rust and come back as a field error.
      adminPassword: (v) => (v ? null : t('setup.validation.passwordRequired')),
      adminPasswordConfirm: matchesField('adminPassword', t('setup.validation.passwordMismatch')),
    },
  });

  const currencyOptions = useMemo(
    () =>
      CURRENCIES.map((code) => ({
        value: code,
        label: t('setup.currencyOption', { code, name: format.currencyName(code) }),
      })),
    [format, t],
  );

  const countryOptions = useMemo(
    () =>
      COUNTRIES.map((code) => ({ value: code, label: format.countryName(code) })).sort((a, b) =>
        a.label.localeCompare(b.label),
      ),
    [format],
  );

  const submit = form.onSubmit((values) => {
    setFormError(null);
    const args: SetupClinicArgs = {
      clinicName: values.clinicName.trim(),
      timeZone: values.timeZone,
      country: values.country,
      currency: values.currency,
      adminDisplayName: values.adminDisplayName.trim(),
      adminUsername: values.adminUsername.trim(),
      adminPassword: values.adminPassword,
    };
    setup.mutate(args, {
      onError: (error) => {
        setFormError(applyIpcError(form, error, t));
      },
    });
  });

  return (
    <form onSubmit={submit} noValidate data-testid="setup-form">
      <Stack gap="lg">
        <FormErrorAlert error={formError} testId="setup-error" />
        <Fieldset legend={t('setup.clinicSection')}>
          <Stack gap="sm">
            <TextInput
              label={t('setup.clinicName')}
              required
              autoFocus
              data-testid="setup-clinic-name"
              key={form.key('clinicName')}
              {...form.getInputProps('clinicName')}
            />
            <Select
              label={t('setup.timeZone')}
              description={t('setup.timeZoneHint')}
              required
              searchable
              allowDeselect={false}
              limit={100}
              nothingFoundMessage={t('setup.noTimeZones')}
              data={timeZones}
              data-testid="setup-time-zone"
              key={form.key('timeZone')}
              {...form.getInputProps('timeZone')}
            />
            <Select
              label={t('setup.country')}
              description={t('setup.countryHint')}
              required
              searchable
              allowDeselect={false}
              data={countryOptions}
              data-testid="setup-country"
              key={form.key('country')}
              {...form.getInputProps('country')}
            />
            <Select
              label={t('setup.currency')}
              required
              searchable
              allowDeselect={false}
              data={currencyOptions}
              data-testid="setup-currency"
              key={form.key('currency')}
              {...form.getInputProps('currency')}
            />
          </Stack>
        </Fieldset>
        <Fieldset legend={t('setup.adminSection')}>
          <Stack gap="sm">
            <TextInput
              label={t('setup.adminDisplayName')}
              required
              autoComplete="name"
              data-testid="setup-admin-name"
              key={form.key('adminDisplayName')}
              {...form.getInputProps('adminDisplayName')}
            />
            <TextInput
              label={t('setup.adminUsername')}
              required
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              data-testid="setup-admin-username"
              key={form.key('adminUsername')}
              {...form.getInputProps('adminUsername')}
            />
            <NewPasswordFields
              form={form}
              field="adminPassword"
              confirmField="adminPasswordConfirm"
              label={t('setup.adminPassword')}
              confirmLabel={t('setup.adminPasswordConfirm')}
              data-testid="setup-password"
              confirm-data-testid="setup-password-confirm"
            />
          </Stack>
        </Fieldset>
        <Button type="submit" loading={setup.isPending} data-testid="setup-submit">
          {t('setup.submit')}
        </Button>
      </Stack>
    </form>
  );
}
