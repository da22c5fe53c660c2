import { Button, ColorInput, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import { useAddProvider, useUpdateProvider } from '../../api/settingsQueries';
import type { NewProvider, Provider } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';

/** Calendar colours offered as swatches (any other can be typed or picked). */
const CALENDAR_COLOURS = ['#1c7ed6', '#2f9e44', '#e8590c', '#ae3ec9', '#0c8599', '#f08c00', '#e03131', '#5f3dc4'];

type ProviderValues = Omit<NewProvider, 'userId' | 'licenceNumber'> & { licenceNumber: string };

/** Adds a provider (`provider` 'new') or edits one. Content is unmounted while closed. */
export function ProviderFormModal({
  provider,
  onClose,
  onAdded,
}: {
  provider: Provider | 'new' | null;
  onClose: () => void;
  onAdded: (providerId: string) => void;
}) {
  const { t } = useTranslation();
  const title =
    provider === 'new' ? t('providers.form.addTitle') : t('providers.form.editTitle', { name: provider?.displayName });
  return (
    <Modal opened={provider !== null} onClose={onClose} title={title}>
      {provider !== null && <ProviderForm provider={provider} onClose={onClose} onAdded={onAdded} />}
    </Modal>
  );
}

function ProviderForm({
  provider,
  onClose,
  onAdded,
}: {
  provider: Provider | 'new';
  onClose: () => void;
  onAdded: (providerId: string) => void;
}) {
  const { t } = useTranslation();
  const add = useAddProvider();
  const update = useUpdateProvider();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const existing = provider === 'new' ? null : provider;
  const form = useForm<ProviderValues>({
    mode: 'controlled',
    initialValues: {
      displayName: existing?.displayName ?? '',
      specialty: existing?.specialty ?? '',
      licenceNumber: existing?.licenceNumber ?? '',
      colour: existing?.colour ?? CALENDAR_COLOURS[0] ?? '',
    },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    const details: NewProvider = {
      // The link to a user account is not edited here: it stays as it is.
      userId: existing?.userId ?? null,
      displayName: values.displayName.trim(),
      specialty: values.specialty.trim(),
      licenceNumber: values.licenceNumber.trim() || null,
      colour: values.colour,
    };
    const onError = (error: unknown) => {
      setFormError(applyIpcError(form, error, t));
    };
    const saved = () => {
      notifications.show({ color: 'teal', message: t('providers.form.saved', { name: details.displayName }) });
      onClose();
    };
    if (existing) {
      update.mutate({ providerId: existing.id, provider: details }, { onSuccess: saved, onError });
    } else {
      add.mutate(details, {
        onSuccess: (providerId) => {
          saved();
          onAdded(providerId);
        },
        onError,
      });
    }
  });

  return (
    <form onSubmit={submit} noValidate data-testid="provider-form">
      <Stack gap="sm">
        <FormErrorAlert error={formError} testId="provider-form-error" />
        <TextInput
          label={t('providers.form.displayName')}
          required
          data-autofocus
          autoComplete="off"
          data-testid="provider-name"
          {...form.getInputProps('displayName')}
        />
        <TextInput
          label={t('providers.form.specialty')}
          required
          autoComplete="off"
          data-testid="provider-specialty"
          {...form.getInputProps('specialty')}
        />
        <TextInput
          label={t('providers.form.licenceNumber')}
          autoComplete="off"
          data-testid="provider-licence"
          {...form.getInputProps('licenceNumber')}
        />
        <ColorInput
          label={t('providers.form.colour')}
          required
          format="hex"
          swatches={CALENDAR_COLOURS}
          withEyeDropper={false}
          data-testid="provider-colour"
          {...form.getInputProps('colour')}
        />
        <Group justify="flex-end" mt="sm" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={add.isPending || update.isPending} data-testid="provider-save">
            {t('providers.form.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
