import { Group, Loader, Pagination, Paper, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePatients } from '../../api/queries';
import { PageHeader } from '../../components/PageHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';

export const PATIENT_PAGE_SIZE = 25;
export const PATIENT_SEARCH_DEBOUNCE_MS = 200;

export function PatientsScreen() {
  const { t } = useTranslation();
  const format = useFormatters();
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), PATIENT_SEARCH_DEBOUNCE_MS);
  // The page belongs to the query it was chosen for: a new search starts at page 1.
  const [paging, setPaging] = useState({ query: '', page: 1 });
  const page = paging.query === debouncedSearch ? paging.page : 1;

  const patients = usePatients({
    query: debouncedSearch === '' ? null : debouncedSearch,
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
              {t('patients.total', { count: total, formattedCount: format.number(total) })}
            </span>
          ) : undefined
        }
        actions={
          <TextInput
            type="search"
            w={{ base: '100%', sm: 320 }}
            label={t('patients.search')}
            placeholder={t('patients.searchPlaceholder')}
            value={search}
            onChange={(event) => {
              setSearch(event.currentTarget.value);
            }}
            rightSection={patients.isFetching ? <Loader size="xs" /> : null}
            data-testid="patients-search"
          />
        }
      />

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
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((p) => (
                    <Table.Tr key={p.id} data-testid="patient-row">
                      <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{p.mrn}</Table.Td>
                      <Table.Td>{p.lastName}</Table.Td>
                      <Table.Td>{p.firstName}</Table.Td>
                      <Table.Td>{format.date(p.dateOfBirth)}</Table.Td>
                      <Table.Td>{t(`sex.${p.sex}`)}</Table.Td>
                      <Table.Td>{p.phone ?? t('patients.noPhone')}</Table.Td>
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
    </>
  );
}
