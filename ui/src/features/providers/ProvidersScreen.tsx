import { Alert, Badge, Button, ColorSwatch, Grid, Group, Loader, Paper, Stack, Switch, Table, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { useProviders } from '../../api/scheduleQueries';
import {
  useProvidersWithArchived,
  useSetProviderArchived,
  useSetWorkingHours,
  useWorkingHours,
} from '../../api/settingsQueries';
import { useCan } from '../../api/permissions';
import type { Provider } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { ProviderFormModal } from './ProviderFormModal';
import { SettingsSection } from './SettingsSection';
import { TimeOffPanel } from './TimeOffPanel';
import { WeekHoursEditor } from './WeekHoursEditor';

/**
 * Providers: who sees patients and, for the one selected, their working week and time off. The front
 * desk (`edit_schedule`) keeps hours and time off up to date; those who may change the clinic's settings
 * (`manage_settings`) also add, edit and archive the providers.
 */
export function ProvidersScreen() {
  const { t } = useTranslation();
  const can = useCan();
  const manages = can('manage_settings');
  const [showArchived, setShowArchived] = useState(false);
  const active = useProviders();
  const withArchived = useProvidersWithArchived(showArchived);
  const providers = showArchived ? withArchived : active;
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Provider | 'new' | null>(null);
  // Only active providers have a week to edit; their list stays loaded whatever the switch shows.
  const working = active.data ?? [];
  const selected = working.find((p) => p.id === chosenId) ?? working[0] ?? null;

  return (
    <>
      <PageHeader
        title={t('providers.title')}
        subtitle={t('providers.subtitle')}
        actions={
          manages && (
            <Button
              onClick={() => {
                setEditing('new');
              }}
              data-testid="provider-add"
            >
              {t('providers.add')}
            </Button>
          )
        }
      />
      {providers.isError && <QueryErrorAlert error={providers.error} />}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="md">
            <Switch
              label={t('providers.showArchived')}
              checked={showArchived}
              onChange={(event) => {
                setShowArchived(event.currentTarget.checked);
              }}
              mb="sm"
              data-testid="providers-show-archived"
            />
            {providers.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
            {providers.data && (
              <ProviderList
                providers={providers.data}
                selectedId={selected?.id ?? null}
                manages={manages}
                onSelect={setChosenId}
                onEdit={setEditing}
              />
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          {selected ? (
            <ProviderWeek key={selected.id} provider={selected} />
          ) : (
            active.data && (
              <Text c="dimmed" data-testid="providers-none">
                {t('providers.none')}
              </Text>
            )
          )}
        </Grid.Col>
      </Grid>
      <ProviderFormModal
        provider={editing}
        onClose={() => {
          setEditing(null);
        }}
        onAdded={setChosenId}
      />
    </>
  );
}

function ProviderList({
  providers,
  selectedId,
  manages,
  onSelect,
  onEdit,
}: {
  providers: Provider[];
  selectedId: string | null;
  manages: boolean;
  onSelect: (providerId: string) => void;
  onEdit: (provider: Provider) => void;
}) {
  const { t } = useTranslation();
  const setArchived = useSetProviderArchived();
  const [error, setError] = useState<{ name: string; message: string } | null>(null);

  const toggleArchived = (provider: Provider) => {
    setError(null);
    setArchived.mutate(
      { providerId: provider.id, archived: !provider.archived },
      {
        onError: (e) => {
          const described = describeError(t, e);
          setError({ name: provider.displayName, message: described.detail ?? described.message });
        },
      },
    );
  };

  return (
    <Stack gap="xs">
      {error && (
        <Alert color="red" variant="light" role="alert" title={t('providers.actionFailed', { name: error.name })}>
          {error.message}
        </Alert>
      )}
      <Table verticalSpacing="xs" highlightOnHover data-testid="providers-list">
        <Table.Tbody>
          {providers.map((provider) => (
            <Table.Tr
              key={provider.id}
              data-testid="provider-row"
              data-archived={provider.archived}
              bg={provider.id === selectedId ? 'var(--mantine-primary-color-light)' : undefined}
            >
              <Table.Td>
                <ProviderLabel
                  provider={provider}
                  selected={provider.id === selectedId}
                  onSelect={() => {
                    onSelect(provider.id);
                  }}
                />
              </Table.Td>
              {manages && (
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    {!provider.archived && (
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-label={t('providers.editLabel', { name: provider.displayName })}
                        onClick={() => {
                          onEdit(provider);
                        }}
                        data-testid="provider-edit"
                      >
                        {t('providers.edit')}
                      </Button>
                    )}
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      loading={setArchived.isPending && setArchived.variables.providerId === provider.id}
                      aria-label={
                        provider.archived
                          ? t('providers.restoreLabel', { name: provider.displayName })
                          : t('providers.archiveLabel', { name: provider.displayName })
                      }
                      onClick={() => {
                        toggleArchived(provider);
                      }}
                      data-testid="provider-toggle-archived"
                    >
                      {provider.archived ? t('providers.restore') : t('providers.archive')}
                    </Button>
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

/** Name, specialty and calendar colour; a button that selects the provider unless archived. */
function ProviderLabel({ provider, selected, onSelect }: { provider: Provider; selected: boolean; onSelect: () => void }) {
  const { t } = useTranslation();
  const label = (
    <Group gap="sm" wrap="nowrap">
      <ColorSwatch color={provider.colour} size={14} withShadow={false} aria-hidden />
      <Stack gap={0}>
        <Text size="sm" fw={500}>
          {provider.displayName}
        </Text>
        <Text size="xs" c="dimmed">
          {provider.specialty}
        </Text>
      </Stack>
      {provider.archived && (
        <Badge size="xs" color="gray" variant="light">
          {t('providers.archived')}
        </Badge>
      )}
    </Group>
  );
  if (provider.archived) return label;
  return (
    <UnstyledButton onClick={onSelect} aria-pressed={selected} data-testid="provider-select">
      {label}
    </UnstyledButton>
  );
}

/** The selected provider's working week and time off. */
function ProviderWeek({ provider }: { provider: Provider }) {
  const { t } = useTranslation();
  const hours = useWorkingHours(provider.id);
  const setHours = useSetWorkingHours();
  return (
    <Stack gap="lg" data-testid="provider-week" data-provider-id={provider.id}>
      <SettingsSection title={t('providers.hours.title', { name: provider.displayName })} testId="provider-hours">
        <Text size="sm" c="dimmed" mb="sm">
          {t('providers.hours.hint')}
        </Text>
        {hours.isError && <QueryErrorAlert error={hours.error} />}
        {hours.isPending && <Loader size="sm" aria-label={t('app.loading')} />}
        {hours.data && (
          <WeekHoursEditor
            week={hours.data}
            saveDay={(weekday, blocks) => setHours.mutateAsync({ providerId: provider.id, weekday, blocks })}
            emptyDayLabel={t('providers.hours.dayOff')}
            saveLabel={t('providers.hours.save')}
            testId="working-hours"
          />
        )}
      </SettingsSection>
      <SettingsSection title={t('providers.timeOff.title', { name: provider.displayName })} testId="provider-time-off">
        <TimeOffPanel provider={provider} />
      </SettingsSection>
    </Stack>
  );
}
