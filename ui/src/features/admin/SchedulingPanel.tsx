import { Button, Group, Loader, Modal, NativeSelect, NumberInput, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../../api/errors';
import { applyIpcError, splitFieldError } from '../../api/formErrors';
import { useAppointmentTypes } from '../../api/scheduleQueries';
import {
  useArchiveAppointmentType,
  useOpeningHours,
  useSaveAppointmentType,
  useSetOpeningHours,
  useSetSlotMinutes,
  useSlotMinutes,
} from '../../api/settingsQueries';
import type { AppointmentType } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { SettingsSection } from '../providers/SettingsSection';
import { WeekHoursEditor } from '../providers/WeekHoursEditor';

/** Administration > Scheduling: the clinic's opening hours, appointment types and slot length. */
export function SchedulingPanel() {
  return (
    <Stack gap="lg">
      <OpeningHours />
      <AppointmentTypes />
      <SlotLength />
    </Stack>
  );
}

function OpeningHours() {
  const { t } = useTranslation();
  const hours = useOpeningHours();
  const setHours = useSetOpeningHours();
  return (
    <SettingsSection title={t('admin.scheduling.openingTitle')} testId="scheduling-opening">
      <Text size="sm" c="dimmed" mb="sm">
        {t('admin.scheduling.openingHint')}
      </Text>
      {hours.isError && <QueryErrorAlert error={hours.error} />}
      {hours.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
      {hours.data && (
        <WeekHoursEditor
          week={hours.data}
          saveDay={(weekday, blocks) => setHours.mutateAsync({ weekday, blocks })}
          emptyDayLabel={t('admin.scheduling.closed')}
          saveLabel={t('admin.scheduling.saveOpening')}
          testId="opening-hours"
        />
      )}
    </SettingsSection>
  );
}

function AppointmentTypes() {
  const { t } = useTranslation();
  const types = useAppointmentTypes();
  const [editing, setEditing] = useState<AppointmentType | 'new' | null>(null);
  const [archiving, setArchiving] = useState<AppointmentType | null>(null);
  const close = () => {
    setEditing(null);
  };
  return (
    <SettingsSection
      title={t('admin.scheduling.typesTitle')}
      testId="scheduling-types"
      actions={
        <Button
          variant="light"
          onClick={() => {
            setEditing('new');
          }}
          data-testid="type-add"
        >
          {t('admin.scheduling.addType')}
        </Button>
      }
    >
      {types.isError && <QueryErrorAlert error={types.error} />}
      {types.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
      {types.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('admin.scheduling.noTypes')}
        </Text>
      )}
      {types.data && types.data.length > 0 && (
        <Table verticalSpacing="xs" data-testid="types-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.scheduling.typeName')}</Table.Th>
              <Table.Th>{t('admin.scheduling.typeDuration')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {types.data.map((type) => (
              <Table.Tr key={type.id} data-testid="type-row">
                <Table.Td>{type.name}</Table.Td>
                <Table.Td>{t('admin.scheduling.minutes', { minutes: type.durationMinutes })}</Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      aria-label={t('admin.scheduling.editTypeLabel', { name: type.name })}
                      onClick={() => {
                        setEditing(type);
                      }}
                    >
                      {t('admin.scheduling.editType')}
                    </Button>
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      aria-label={t('admin.scheduling.archiveTypeLabel', { name: type.name })}
                      onClick={() => {
                        setArchiving(type);
                      }}
                    >
                      {t('admin.scheduling.archiveType')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        opened={editing !== null}
        onClose={close}
        title={
          editing === 'new'
            ? t('admin.scheduling.typeAddTitle')
            : t('admin.scheduling.typeEditTitle', { name: editing?.name })
        }
      >
        {editing !== null && <AppointmentTypeForm type={editing === 'new' ? null : editing} onClose={close} />}
      </Modal>
      <ArchiveTypeModal
        type={archiving}
        onClose={() => {
          setArchiving(null);
        }}
      />
    </SettingsSection>
  );
}

interface AppointmentTypeValues {
  name: string;
  durationMinutes: number | string;
}

function AppointmentTypeForm({ type, onClose }: { type: AppointmentType | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useSaveAppointmentType();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<AppointmentTypeValues>({
    mode: 'controlled',
    initialValues: { name: type?.name ?? '', durationMinutes: type?.durationMinutes ?? 15 },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    const name = values.name.trim();
    save.mutate(
      // An emptied minutes field is sent as 0, for Rust to say what it accepts.
      { typeId: type?.id ?? null, name, durationMinutes: Number(values.durationMinutes) || 0 },
      {
        onSuccess: () => {
          notifications.show({ color: 'teal', message: t('admin.scheduling.typeSaved', { name }) });
          onClose();
        },
        onError: (error) => {
          setFormError(applyIpcError(form, error, t));
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate data-testid="type-form">
      <Stack gap="sm">
        <FormErrorAlert error={formError} testId="type-form-error" />
        <TextInput
          label={t('admin.scheduling.typeName')}
          required
          data-autofocus
          autoComplete="off"
          data-testid="type-name"
          {...form.getInputProps('name')}
        />
        <NumberInput
          label={t('admin.scheduling.durationMinutes')}
          required
          min={5}
          max={480}
          step={5}
          allowDecimal={false}
          data-testid="type-duration"
          {...form.getInputProps('durationMinutes')}
        />
        <Group justify="flex-end" mt="sm" gap="sm">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="type-save">
            {t('admin.scheduling.saveType')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Retiring a type cannot be undone here, so it is confirmed first. */
function ArchiveTypeModal({ type, onClose }: { type: AppointmentType | null; onClose: () => void }) {
  const { t } = useTranslation();
  const archive = useArchiveAppointmentType();
  const close = () => {
    archive.reset();
    onClose();
  };
  return (
    <Modal opened={type !== null} onClose={close} title={t('admin.scheduling.archiveTitle', { name: type?.name })}>
      <Stack>
        <Text size="sm">{t('admin.scheduling.archiveWarning')}</Text>
        {archive.isError && <QueryErrorAlert error={archive.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button
            color="red"
            loading={archive.isPending}
            onClick={() => {
              if (type) archive.mutate({ typeId: type.id }, { onSuccess: close });
            }}
            data-testid="type-archive-confirm"
          >
            {t('admin.scheduling.archiveConfirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The lengths Rust accepts: a divisor or a multiple of an hour. */
const SLOT_MINUTES = [5, 10, 15, 20, 30, 60, 120];

function SlotLength() {
  const { t } = useTranslation();
  const slotMinutes = useSlotMinutes();
  const save = useSetSlotMinutes();
  const [chosen, setChosen] = useState<string | null>(null);
  const stored = slotMinutes.data;
  const value = chosen ?? (stored === undefined ? '' : String(stored));
  const { fieldError, otherError } = splitFieldError(t, save.error, 'slotMinutes');

  return (
    <SettingsSection title={t('admin.scheduling.slotTitle')} testId="scheduling-slot">
      {slotMinutes.isError && <QueryErrorAlert error={slotMinutes.error} />}
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(
            { minutes: Number(value) },
            {
              onSuccess: () => {
                setChosen(null);
                notifications.show({ color: 'teal', message: t('admin.scheduling.slotSaved') });
              },
            },
          );
        }}
      >
        <Stack gap="sm" maw={360}>
          <FormErrorAlert error={otherError} testId="slot-error" />
          <NativeSelect
            label={t('admin.scheduling.slotMinutes')}
            description={t('admin.scheduling.slotHint')}
            value={value}
            onChange={(event) => {
              save.reset();
              setChosen(event.currentTarget.value);
            }}
            data={SLOT_MINUTES.map((m) => ({ value: String(m), label: t('admin.scheduling.minutes', { minutes: m }) }))}
            disabled={stored === undefined}
            error={fieldError}
            data-testid="slot-minutes"
          />
          <Group>
            <Button type="submit" loading={save.isPending} disabled={stored === undefined} data-testid="slot-save">
              {t('admin.scheduling.saveSlot')}
            </Button>
          </Group>
        </Stack>
      </form>
    </SettingsSection>
  );
}
