import { Badge, Button, Group, Loader, Pagination, Paper, Select, Switch, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/permissions';
import { usePatients } from '../../api/queries';
import type { PatientSort } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { ExportPatientsModal } from './ExportPatientsModal';
import { ImportPatientsModal } from './ImportPatientsModal';
import { PatientDrawer } from './PatientDrawer';
import { RegisterPatientModal } from './RegisterPatientModal';

export const PATIENT_PAGE_SIZE = 25;
export const PATIENT_SEARCH_DEBOUNCE_MS = 200;

const SORTS: readonly PatientSort[] = ['name', 'mrn', 'date_of_birth', 'recent'];

function isSort(value: string | null): value is PatientSort {
  return (SORTS as readonly (string | null)[]).includes(value);
}

/**
 * Patients: search as you type (any part of the names in any order, MRN, phone, email, date of
 * birth), sort, page; register a patient; open one to edit, archive or merge it; import patients
 * from a CSV file and export the list (each offered to those who may).
 */
export function PatientsScreen() {
  const { t } = useTranslation();
  const format = useFormatters();
  const can = useCan();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<PatientSort>('name');
  const [includeArchived, setIncludeArchived] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const [registerOpened, registerModal] = useDisclosure(false);
  const [importOpened, importModal] = useDisclosure(false);
  const [exportOpened, exportModal] = useDisclosure(false);
  const [debouncedSearch] = useDebouncedValue(search.trim(), PATIENT_SEARCH_DEBOUNCE_MS);
  // The page belongs to the query it was chosen for: a new search starts at page 1.
  const [paging, setPaging] = useState({ query: '', page: 1 });
  const page = paging.query === debouncedSearch ? paging.page : 1;

  const patients = usePatients({
    text: debouncedSearch === '' ? null : debouncedSearch,
    sort,
    includeArchived,
    offset: (page - 1) * PATIENT_PAGE_SIZE,
    limit: PATIENT_PAGE_SIZE,
  });

  const total = patients.data?.total ?? 0;
  const rows = patients.data?.rows ?? [];
  const pageCount = Math.max(1, Math.ceil(total / PATIENT_PAGE_SIZE));

  return (
    <>
      <PageHeader
        title={t('patients.title')}
        subtitle={
          patients.data ? (
            <span data-testid="patients-total">
              {patients.data.tooMany
                ? t('patients.tooMany', { count: total, formattedCount: format.number(total) })
                : t('patients.total', { count: total, formattedCount: format.number(total) })}
            </span>
          ) : undefined
        }
        actions={
          <Group gap="sm">
            {can('export_data') && (
              <Button variant="default" onClick={exportModal.open} data-testid="patients-export-open">
                {t('patients.export.open')}
              </Button>
            )}
            {can('edit_demographics') && (
              <>
                <Button variant="default" onClick={importModal.open} data-testid="patients-import-open">
                  {t('patients.import.open')}
                </Button>
                <Button onClick={registerModal.open} data-testid="patient-register-open">
                  {t('patients.register')}
                </Button>
              </>
            )}
          </Group>
        }
      />
      <Group mb="md" align="flex-end" wrap="wrap">
        <TextInput
          type="search"
          w={{ base: '100%', sm: 360 }}
          label={t('patients.search')}
          placeholder={t('patients.searchPlaceholder')}
          description={t('patients.searchShortcut')}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
          }}
          rightSection={patients.isFetching ? <Loader size="xs" /> : null}
          data-testid="patients-search"
        />
        <Select
          label={t('patients.sortBy')}
          w={200}
          allowDeselect={false}
          data={SORTS.map((value) => ({ value, label: t(`patients.sort.${value}`) }))}
          value={sort}
          onChange={(value) => {
            if (isSort(value)) setSort(value);
          }}
          data-testid="patients-sort"
        />
        <Switch
          label={t('patients.includeArchived')}
          checked={includeArchived}
          onChange={(event) => {
            setIncludeArchived(event.currentTarget.checked);
          }}
          mb={8}
          data-testid="patients-include-archived"
        />
      </Group>

      {patients.isError && <QueryErrorAlert error={patients.error} />}
      {patients.isPending && (
        <Group justify="center" p="xl">
          <Loader aria-label={t('app.loading')} />
        </Group>
      )}

      {patients.data && (
        <>
          <Paper withBorder data-testid="patients-table">
            <Table.ScrollContainer minWidth={720}>
              <Table striped highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('patients.mrn')}</Table.Th>
                    <Table.Th>{t('patients.lastName')}</Table.Th>
                    <Table.Th>{t('patients.firstName')}</Table.Th>
                    <Table.Th>{t('patients.dateOfBirth')}</Table.Th>
                    <Table.Th>{t('patients.sex')}</Table.Th>
                    <Table.Th>{t('patients.phone')}</Table.Th>
                    <Table.Th>{t('patients.email')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((p) => (
                    <Table.Tr
                      key={p.id}
                      data-testid="patient-row"
                      style={{ cursor: 'pointer' }}
                      onClick={() => {
                        setOpenId(p.id);
                      }}
                    >
                      <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{p.mrn}</Table.Td>
                      <Table.Td>
                        <Button
                          variant="subtle"
                          px={0}
                          onClick={(event) => {
                            event.stopPropagation();
                            setOpenId(p.id);
                          }}
                          data-testid="patient-open"
                        >
                          {p.lastName}
                        </Button>
                        {p.archived && (
                          <Badge ml="xs" size="xs" color="gray">
                            {t('patients.archived')}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{p.firstName}</Table.Td>
                      <Table.Td>{format.date(p.dateOfBirth)}</Table.Td>
                      <Table.Td>{t(`sex.${p.sex}`)}</Table.Td>
                      <Table.Td>{p.phone ?? t('patients.noPhone')}</Table.Td>
                      <Table.Td>{p.email ?? ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {rows.length === 0 && (
              <Text c="dimmed" p="lg" data-testid="patients-empty">
                {debouncedSearch === ''
                  ? t('patients.empty')
                  : t('patients.noMatches', { query: debouncedSearch })}
              </Text>
            )}
          </Paper>
          {pageCount > 1 && (
            <Group justify="center" mt="md">
              <Pagination
                total={pageCount}
                value={page}
                onChange={(next) => {
                  setPaging({ query: debouncedSearch, page: next });
                }}
                aria-label={t('patients.pagination')}
                data-testid="patients-pagination"
              />
            </Group>
          )}
        </>
      )}
      <RegisterPatientModal
        opened={registerOpened}
        onClose={registerModal.close}
        onOpen={setOpenId}
        onRegistered={(patient) => {
          setOpenId(patient.id);
        }}
      />
      <ImportPatientsModal opened={importOpened} onClose={importModal.close} />
      <ExportPatientsModal opened={exportOpened} onClose={exportModal.close} />
      <PatientDrawer
        patientId={openId}
        onClose={() => {
          setOpenId(null);
        }}
      />
    </>
  );
}
