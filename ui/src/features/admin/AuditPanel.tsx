import {
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Pagination,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  useAuditFilterOptions,
  useAuditLog,
  useExportAuditCsv,
  usePatientAccessReport,
} from '../../api/administration';
import { useSyncOverview } from '../../api/syncQueries';
import { fieldErrorMessage } from '../../api/errors';
import { splitFieldError } from '../../api/formErrors';
import { toIpcFailure } from '../../api/ipc';
import type { AuditEntry, AuditQuery } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PathField } from '../../components/PathField';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { AUDIT_ACTIONS, type AuditAction } from '../../domain';
import { useFormatters } from '../../i18n/format';
import { PatientPicker } from './PatientPicker';

const PAGE_SIZE = 25;

interface Filters {
  userId: string | null;
  patientId: string | null;
  action: string | null;
  from: string | null;
  to: string | null;
}

const NO_FILTERS: Filters = { userId: null, patientId: null, action: null, from: null, to: null };

function isKnownAction(action: string): action is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(action);
}

/**
 * Administration > Audit log: who did what, filtered, paged and exportable; "who looked at" a patient.
 * On a computer paired with a clinic server, the whole clinic's trail too (every computer's, read from
 * the server).
 */
export function AuditPanel() {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [page, setPage] = useState(1);
  // Pages after the first are pinned to the newest entry the first page saw.
  const [upTo, setUpTo] = useState<number | null>(null);
  const paired = useSyncOverview().data?.status.paired === true;
  const [scope, setScope] = useState<'device' | 'clinic'>('device');
  const wholeClinic = paired && scope === 'clinic';
  const query: AuditQuery = { ...filters, upTo: page === 1 ? null : upTo, offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE };
  const log = useAuditLog(query, wholeClinic);
  const options = useAuditFilterOptions();
  const [exportOpened, exportModal] = useDisclosure(false);
  // Rust checks the dates (a start after the end, a malformed date) and names the field.
  const failure = log.error ? toIpcFailure(log.error) : null;
  const dateField = failure?.field === 'from' || failure?.field === 'to' ? failure.field : null;
  const dateMessage = failure && dateField ? fieldErrorMessage(t, failure) : undefined;

  const update = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setPage(1);
    setUpTo(null);
  };
  const label = (action: string) => (isKnownAction(action) ? t(`audit.actions.${action}`) : action);

  return (
    <Stack gap="lg">
      <Paper withBorder p="lg">
        <Group justify="space-between" mb="md">
          <Title order={2} size="h4">
            {t('admin.audit.title')}
          </Title>
          <Group>
            {paired && (
              <SegmentedControl
                value={scope}
                onChange={(value) => {
                  setScope(value === 'clinic' ? 'clinic' : 'device');
                  setPage(1);
                  setUpTo(null);
                }}
                data={[
                  { value: 'device', label: t('admin.audit.thisComputer') },
                  { value: 'clinic', label: t('admin.audit.wholeClinic') },
                ]}
                data-testid="audit-scope"
              />
            )}
            {!wholeClinic && (
              <Button variant="light" onClick={exportModal.open} data-testid="audit-export-open">
                {t('admin.audit.export')}
              </Button>
            )}
          </Group>
        </Group>
        {wholeClinic && (
          <Text size="sm" c="dimmed" mb="md">
            {t('admin.audit.wholeClinicIntro')}
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} mb="md">
          <Select
            label={t('admin.audit.user')}
            clearable
            searchable
            data={(options.data?.users ?? []).map((u) => ({ value: u.id, label: u.name }))}
            value={filters.userId}
            onChange={(userId) => update({ userId })}
            data-testid="audit-filter-user"
          />
          <PatientPicker
            label={t('admin.audit.patient')}
            value={filters.patientId}
            onChange={(patientId) => update({ patientId })}
            testId="audit-filter-patient"
          />
          <Select
            label={t('admin.audit.action')}
            clearable
            searchable
            data={(options.data?.actions ?? []).map((a) => ({ value: a, label: label(a) }))}
            value={filters.action}
            onChange={(action) => update({ action })}
            data-testid="audit-filter-action"
          />
          <DateInput
            label={t('admin.audit.from')}
            clearable
            valueFormat="YYYY-MM-DD"
            value={filters.from}
            onChange={(from) => update({ from })}
            error={dateField === 'from' ? dateMessage : undefined}
            data-testid="audit-filter-from"
          />
          <DateInput
            label={t('admin.audit.to')}
            clearable
            valueFormat="YYYY-MM-DD"
            value={filters.to}
            onChange={(to) => update({ to })}
            error={dateField === 'to' ? dateMessage : undefined}
            data-testid="audit-filter-to"
          />
        </SimpleGrid>
        {log.isError && !dateField && <QueryErrorAlert error={log.error} />}
        {log.isPending && (
          <Group justify="center" p="lg">
            <Loader aria-label={t('app.loading')} />
          </Group>
        )}
        {log.data && (
          <>
            <Text size="sm" c="dimmed" mb="xs" data-testid="audit-total">
              {t('admin.audit.total', { count: log.data.total })}
            </Text>
            <Table.ScrollContainer minWidth={900}>
              <Table striped verticalSpacing="xs" data-testid="audit-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('admin.audit.when')}</Table.Th>
                    <Table.Th>{t('admin.audit.user')}</Table.Th>
                    <Table.Th>{t('admin.audit.action')}</Table.Th>
                    <Table.Th>{t('admin.audit.record')}</Table.Th>
                    <Table.Th>{t('admin.audit.patient')}</Table.Th>
                    <Table.Th>{t('admin.audit.device')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {log.data.entries.map((entry) => (
                    <AuditRow key={entry.seq} entry={entry} label={label} />
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {log.data.total > PAGE_SIZE && (
              <Group justify="center" mt="md">
                <Pagination
                  total={Math.ceil(log.data.total / PAGE_SIZE)}
                  value={page}
                  onChange={(next) => {
                    if (page === 1) setUpTo(log.data.upTo);
                    setPage(next);
                  }}
                />
              </Group>
            )}
          </>
        )}
      </Paper>
      {filters.patientId && <PatientAccessReport patientId={filters.patientId} wholeClinic={wholeClinic} />}
      <ExportModal opened={exportOpened} onClose={exportModal.close} query={{ ...filters, upTo: null, offset: 0, limit: 0 }} />
    </Stack>
  );
}

function AuditRow({ entry, label }: { entry: AuditEntry; label: (action: string) => string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  return (
    <Table.Tr data-testid="audit-row">
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(entry.at)}</Table.Td>
      <Table.Td>{entry.userName ?? t('admin.audit.system')}</Table.Td>
      <Table.Td>{label(entry.action)}</Table.Td>
      <Table.Td>
        <Text size="sm">{entry.entity.replaceAll('_', ' ')}</Text>
      </Table.Td>
      <Table.Td>
        {entry.patientName ?? (entry.action === 'list_patients' || entry.action === 'list_visits' ? <Badge variant="light">{t('admin.audit.inAList')}</Badge> : '')}
      </Table.Td>
      <Table.Td>{entry.device ?? ''}</Table.Td>
    </Table.Tr>
  );
}

function PatientAccessReport({ patientId, wholeClinic }: { patientId: string; wholeClinic: boolean }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const report = usePatientAccessReport(patientId, wholeClinic);
  return (
    <Paper withBorder p="lg" data-testid="patient-access-report">
      <Title order={2} size="h4" mb="xs">
        {t('admin.audit.whoLooked')}
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        {t(wholeClinic ? 'admin.audit.whoLookedClinicIntro' : 'admin.audit.whoLookedIntro')}
      </Text>
      {report.isError && <QueryErrorAlert error={report.error} />}
      {report.data && (
        <Table data-testid="patient-access-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('admin.audit.user')}</Table.Th>
              <Table.Th>{t('admin.audit.role')}</Table.Th>
              <Table.Th>{t('admin.audit.times')}</Table.Th>
              <Table.Th>{t('admin.audit.lastAt')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.data.map((access) => (
              <Table.Tr key={access.userId ?? 'system'} data-testid="patient-access-row">
                <Table.Td>{access.userName ?? t('admin.audit.system')}</Table.Td>
                <Table.Td>{access.role ?? ''}</Table.Td>
                <Table.Td>{format.number(access.times)}</Table.Td>
                <Table.Td>{format.dateTime(access.lastAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function ExportModal({ opened, onClose, query }: { opened: boolean; onClose: () => void; query: AuditQuery }) {
  const { t } = useTranslation();
  const [path, setPath] = useState('');
  const exporter = useExportAuditCsv();
  const { fieldError, otherError } = splitFieldError(t, exporter.error, 'path');
  return (
    <Modal opened={opened} onClose={onClose} title={t('admin.audit.export')} size="lg">
      <Stack>
        <Text size="sm">{t('admin.audit.exportIntro')}</Text>
        <PathField
          label={t('admin.audit.exportPath')}
          value={path}
          onChange={setPath}
          pick="save-file"
          extension="csv"
          testId="audit-export-path"
          error={fieldError}
          data-autofocus
        />
        <FormErrorAlert error={otherError} testId="audit-export-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button
            loading={exporter.isPending}
            disabled={path.trim() === ''}
            onClick={() => {
              exporter.mutate(
                { query, path },
                {
                  onSuccess: (written) => {
                    onClose();
                    notifications.show({ color: 'teal', message: t('admin.audit.exported', { path: written }) });
                  },
                },
              );
            }}
            data-testid="audit-export-save"
          >
            {t('admin.audit.exportSave')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
