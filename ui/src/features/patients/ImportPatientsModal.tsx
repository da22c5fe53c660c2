import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Progress,
  ScrollArea,
  Select,
  Stack,
  Stepper,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useId, useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, fieldErrorMessage, problemMessage } from '../../api/errors';
import { toIpcFailure } from '../../api/ipc';
import { useCheckPatientImport, useImportPatients, useImportProgress } from '../../api/patientQueries';
import type { DateOrder, DuplicateRow, ImportField, ImportReport, PatientImport } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PathField } from '../../components/PathField';
import { useFormatters } from '../../i18n/format';
import { DATE_ORDERS, IMPORT_FIELDS, isDateOrder, isImportField } from './patientTools';

/** Rejected rows and duplicates listed at most (a big file may have thousands). */
export const REPORT_ROWS_SHOWN = 100;

/** The Select value of a column left out of the import. */
const LEAVE_OUT = 'leave_out';

type Step = 'file' | 'columns' | 'check' | 'done';
const STEPS: readonly Step[] = ['file', 'columns', 'check', 'done'];

/** The fields Rust names in an import failure; any other failure is shown above the step. */
type ImportErrorField = 'path' | 'file' | 'mapping';

interface ImportPatientsModalProps {
  opened: boolean;
  onClose: () => void;
}

/**
 * Imports patients from a CSV file, in steps: choose the file; check which patient field each column
 * fills (guessed from the headings, correctable); see what the file holds (rejected rows, probable
 * duplicates) and choose what to import; then the count registered.
 */
export function ImportPatientsModal({ opened, onClose }: ImportPatientsModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('patients.import.title')} size="xl">
      {/* Mounted while open only: each opening starts again from the file. */}
      {opened && <ImportSteps onClose={onClose} />}
    </Modal>
  );
}

function ImportSteps({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const check = useCheckPatientImport();
  const importer = useImportPatients();
  const [step, setStep] = useState<Step>('file');
  const [path, setPath] = useState('');
  // The last successful check, and the choices it is shown with.
  const [report, setReport] = useState<ImportReport | null>(null);
  const [mapping, setMapping] = useState<(ImportField | null)[]>([]);
  const [dateOrder, setDateOrder] = useState<DateOrder | null>(null);
  const [includeDuplicates, setIncludeDuplicates] = useState(false);
  const [skipRejected, setSkipRejected] = useState(false);
  const [imported, setImported] = useState<number | null>(null);
  // The failure of the last check or import (a newer call clears it).
  const [failure, setFailure] = useState<unknown>(null);

  const busy = check.isPending || importer.isPending;
  const failed = failure === null ? null : toIpcFailure(failure);
  const errorOn = (field: ImportErrorField) =>
    failed !== null && failed.field === field ? fieldErrorMessage(t, failed) : undefined;
  const otherError =
    failed === null || (['path', 'file', 'mapping'] as (string | null)[]).includes(failed.field)
      ? null
      : describeError(t, failed);

  const options = (patch: Partial<PatientImport> = {}): PatientImport => ({
    mapping,
    dateOrder,
    includeDuplicates,
    skipRejected,
    ...patch,
  });

  const runCheck = (opts: PatientImport, then?: () => void) => {
    setFailure(null);
    check.mutate(
      { path: path.trim(), options: opts },
      {
        onSuccess: (checked) => {
          setReport(checked);
          setMapping(checked.columns.map((c) => c.field));
          setDateOrder(checked.dateOrder);
          then?.();
        },
        onError: setFailure,
      },
    );
  };

  const checkFile = (event: SubmitEvent) => {
    event.preventDefault();
    // A new file: the columns and the date order are guessed again.
    runCheck(options({ mapping: null, dateOrder: null }), () => {
      setStep('columns');
    });
  };

  const changeField = (column: number, field: ImportField | null) => {
    // A field fills one column: choosing it for this column takes it from the column that had it.
    const next = mapping.map((f, i) => (i === column ? field : field !== null && f === field ? null : f));
    setMapping(next);
    runCheck(options({ mapping: next }));
  };

  const changeDateOrder = (order: DateOrder) => {
    setDateOrder(order);
    runCheck(options({ dateOrder: order }));
  };

  const runImport = () => {
    setFailure(null);
    importer.mutate(
      { path: path.trim(), options: options() },
      {
        onSuccess: (done) => {
          setImported(done.imported);
          setStep('done');
        },
        onError: setFailure,
      },
    );
  };

  const active = STEPS.indexOf(step);
  // The columns and the report belong to the checked file; a check that failed must be fixed first.
  const checked = report !== null && failed === null;

  return (
    <Stack>
      <Stepper
        active={active}
        size="sm"
        allowNextStepsSelect={false}
        onStepClick={(index) => {
          const target = STEPS[index];
          if (step !== 'done' && target && index < active) setStep(target);
        }}
      >
        <Stepper.Step label={t('patients.import.steps.file')} />
        <Stepper.Step label={t('patients.import.steps.columns')} />
        <Stepper.Step label={t('patients.import.steps.check')} />
        <Stepper.Step label={t('patients.import.steps.done')} />
      </Stepper>

      <FormErrorAlert error={otherError} testId="import-error" />

      {step === 'file' && (
        <form onSubmit={checkFile} data-testid="import-file-step">
          <Stack>
            <Text size="sm">{t('patients.import.fileIntro')}</Text>
            <PathField
              label={t('patients.import.path')}
              description={t('patients.import.pathDescription')}
              value={path}
              onChange={(next) => {
                setPath(next);
                setReport(null);
                setFailure(null);
              }}
              pick="open-file"
              extension="csv"
              testId="import-path"
              data-autofocus
              error={errorOn('path') ?? errorOn('file')}
            />
            {check.isPending && <ImportProgressBar />}
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={check.isPending} disabled={path.trim() === ''} data-testid="import-check">
                {t('patients.import.check')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}

      {step === 'columns' && report && (
        <Stack data-testid="import-columns-step">
          <FileLine path={path} error={errorOn('path') ?? errorOn('file')} />
          <Text size="sm">{t('patients.import.columnsIntro')}</Text>
          <Table.ScrollContainer minWidth={560}>
            <Table data-testid="import-mapping">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('patients.import.column')}</Table.Th>
                  <Table.Th>{t('patients.import.example')}</Table.Th>
                  <Table.Th>{t('patients.import.field')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.columns.map((column, i) => (
                  <Table.Tr key={`${String(i)}-${column.header}`} data-testid="import-mapping-row">
                    <Table.Td fw={500}>{column.header}</Table.Td>
                    <Table.Td>
                      {column.example ?? (
                        <Text span c="dimmed" size="sm">
                          {t('patients.import.noExample')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={t('patients.import.fieldFor', { header: column.header })}
                        allowDeselect={false}
                        data={[
                          { value: LEAVE_OUT, label: t('patients.import.leaveOut') },
                          ...IMPORT_FIELDS.map((f) => ({ value: f, label: t(`patients.import.fields.${f}`) })),
                        ]}
                        value={mapping[i] ?? LEAVE_OUT}
                        onChange={(value) => {
                          changeField(i, isImportField(value) ? value : null);
                        }}
                        data-testid={`import-field-${String(i)}`}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {errorOn('mapping') && (
            <Text c="red" size="sm" role="alert" data-testid="import-mapping-error">
              {errorOn('mapping')}
            </Text>
          )}
          {/* Rows are checked only once every field a patient needs has its column. */}
          {report.unmapped.length > 0 && (
            <Text c="red" size="sm" role="alert" data-testid="import-unmapped">
              {t('patients.import.unmapped', {
                fields: report.unmapped.map((f) => t(`patients.import.fields.${f}`)).join(', '),
              })}
            </Text>
          )}
          <Select
            label={t('patients.import.dateOrder')}
            w={320}
            allowDeselect={false}
            data={DATE_ORDERS.map((order) => ({ value: order, label: t(`patients.import.dateOrders.${order}`) }))}
            value={dateOrder}
            onChange={(value) => {
              if (isDateOrder(value)) changeDateOrder(value);
            }}
            data-testid="import-date-order"
          />
          {/* What the file holds with the columns as chosen: a wrong date order shows as rejected rows. */}
          <div aria-live="polite">
            {check.isPending ? (
              <ImportProgressBar />
            ) : (
              checked &&
              report.unmapped.length === 0 && <ReportSummary report={report} testId="import-columns-summary" />
            )}
          </div>
          <Group justify="space-between">
            <Button
              variant="default"
              onClick={() => {
                setStep('file');
              }}
            >
              {t('patients.import.back')}
            </Button>
            <Button
              loading={check.isPending}
              disabled={!checked || report.unmapped.length > 0}
              onClick={() => {
                setStep('check');
              }}
              data-testid="import-next"
            >
              {t('patients.import.next')}
            </Button>
          </Group>
        </Stack>
      )}

      {step === 'check' && report && (
        <ImportReportStep
          report={report}
          path={path}
          includeDuplicates={includeDuplicates}
          onIncludeDuplicates={setIncludeDuplicates}
          skipRejected={skipRejected}
          onSkipRejected={setSkipRejected}
          pathError={errorOn('path')}
          importError={errorOn('file') ?? errorOn('mapping')}
          busy={busy}
          importing={importer.isPending}
          checking={check.isPending}
          onBack={() => {
            setStep('columns');
          }}
          onCheckAgain={() => {
            runCheck(options());
          }}
          onImport={runImport}
        />
      )}

      {step === 'done' && imported !== null && (
        <Stack data-testid="import-done">
          <Title order={3} size="h4" data-testid="import-done-count">
            {t('patients.import.imported', { count: imported, formattedCount: format.number(imported) })}
          </Title>
          <Text size="sm">{t('patients.import.importedIntro')}</Text>
          <Group justify="flex-end">
            <Button onClick={onClose} data-autofocus data-testid="import-close">
              {t('patients.import.close')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}

function FileLine({ path, error }: { path: string; error: string | undefined }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
        {t('patients.import.file', { path: path.trim() })}
      </Text>
      {error && (
        <Text c="red" size="sm" role="alert" data-testid="import-file-error">
          {error}
        </Text>
      )}
    </Stack>
  );
}

interface ImportReportStepProps {
  report: ImportReport;
  path: string;
  includeDuplicates: boolean;
  onIncludeDuplicates: (value: boolean) => void;
  skipRejected: boolean;
  onSkipRejected: (value: boolean) => void;
  pathError: string | undefined;
  importError: string | undefined;
  busy: boolean;
  importing: boolean;
  checking: boolean;
  onBack: () => void;
  onCheckAgain: () => void;
  onImport: () => void;
}

function ImportReportStep(props: ImportReportStepProps) {
  const { report, includeDuplicates, skipRejected } = props;
  const { t } = useTranslation();
  const format = useFormatters();
  const blockedId = useId();
  const rejected = report.rejected.length;
  const duplicates = report.duplicates.length;
  const registered = report.duplicates.filter((d) => d.registered).length;
  // Valid rows include the probable duplicates, which are left out unless asked for, and the rows
  // already registered (an earlier import of the file), which are never imported again.
  const toImport = Math.max(0, report.valid - (includeDuplicates ? registered : duplicates));
  const blocked = rejected > 0 && !skipRejected;
  const count = (n: number) => ({ count: n, formattedCount: format.number(n) });

  return (
    <Stack data-testid="import-check-step">
      <FileLine path={props.path} error={props.pathError} />
      <ReportSummary report={report} testId="import-summary" />

      {rejected > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('patients.import.rejectedTitle')}
          </Title>
          <Text size="sm">{t('patients.import.rejectedIntro')}</Text>
          <ScrollArea.Autosize mah={260} type="auto">
            <Table striped verticalSpacing={4} data-testid="import-rejected">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('patients.import.line')}</Table.Th>
                  <Table.Th>{t('patients.import.name')}</Table.Th>
                  <Table.Th>{t('patients.import.column')}</Table.Th>
                  <Table.Th>{t('patients.import.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.rejected.slice(0, REPORT_ROWS_SHOWN).map((row) => (
                  <Table.Tr key={row.line} data-testid="import-rejected-row">
                    <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{row.line}</Table.Td>
                    <Table.Td>{row.name}</Table.Td>
                    <Table.Td>{row.column ?? ''}</Table.Td>
                    <Table.Td>{problemMessage(t, row.reason)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
          <FirstOnly shown={REPORT_ROWS_SHOWN} total={rejected} />
        </Stack>
      )}

      {duplicates > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h5">
            {t('patients.import.duplicatesTitle')}
          </Title>
          <Text size="sm">{t('patients.import.duplicatesIntro')}</Text>
          <ScrollArea.Autosize mah={260} type="auto">
            <Table striped verticalSpacing={4} data-testid="import-duplicates">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('patients.import.line')}</Table.Th>
                  <Table.Th>{t('patients.import.name')}</Table.Th>
                  <Table.Th>{t('patients.dateOfBirth')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {report.duplicates.slice(0, REPORT_ROWS_SHOWN).map((row) => (
                  <Table.Tr key={row.line} data-testid="import-duplicate-row">
                    <Table.Td style={{ fontVariantNumeric: 'tabular-nums' }}>{row.line}</Table.Td>
                    <Table.Td>{row.name}</Table.Td>
                    <Table.Td>{format.date(row.dateOfBirth)}</Table.Td>
                    <Table.Td>
                      <DuplicateOf row={row} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
          <FirstOnly shown={REPORT_ROWS_SHOWN} total={duplicates} />
        </Stack>
      )}

      <Stack gap="xs">
        {duplicates > 0 && (
          <Checkbox
            label={t('patients.import.includeDuplicates')}
            checked={includeDuplicates}
            onChange={(event) => {
              props.onIncludeDuplicates(event.currentTarget.checked);
            }}
            data-testid="import-include-duplicates"
          />
        )}
        {rejected > 0 && (
          <Checkbox
            label={t('patients.import.skipRejected')}
            checked={skipRejected}
            onChange={(event) => {
              props.onSkipRejected(event.currentTarget.checked);
            }}
            data-testid="import-skip-rejected"
          />
        )}
      </Stack>

      {blocked && (
        <Alert color="orange" variant="light" id={blockedId} data-testid="import-blocked">
          {t('patients.import.rejectedBlock')}
        </Alert>
      )}
      {!blocked && toImport === 0 && (
        <Text size="sm" c="dimmed" data-testid="import-nothing">
          {t('patients.import.nothingToImport')}
        </Text>
      )}
      {(props.importing || props.checking) && <ImportProgressBar />}
      {props.importError && (
        <Text c="red" size="sm" role="alert" data-testid="import-refused">
          {props.importError}
        </Text>
      )}

      <Group justify="space-between">
        <Group gap="xs">
          <Button variant="default" onClick={props.onBack} disabled={props.busy}>
            {t('patients.import.back')}
          </Button>
          <Button
            variant="subtle"
            onClick={props.onCheckAgain}
            loading={props.checking}
            disabled={props.importing}
            data-testid="import-check-again"
          >
            {t('patients.import.checkAgain')}
          </Button>
        </Group>
        <Button
          onClick={props.onImport}
          loading={props.importing}
          disabled={blocked || toImport === 0 || props.checking}
          aria-describedby={blocked ? blockedId : undefined}
          data-testid="import-run"
        >
          {t('patients.import.import', count(toImport))}
        </Button>
      </Group>
    </Stack>
  );
}

/** "5 rows · 3 valid · 1 rejected · 2 probable duplicates". */
function ReportSummary({ report, testId }: { report: ImportReport; testId: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const count = (n: number) => ({ count: n, formattedCount: format.number(n) });
  return (
    <Text fw={500} data-testid={testId}>
      {[
        t('patients.import.rows', count(report.rows)),
        t('patients.import.valid', count(report.valid)),
        t('patients.import.rejected', count(report.rejected.length)),
        t('patients.import.duplicates', count(report.duplicates.length)),
      ].join(' · ')}
    </Text>
  );
}

/** How far the running check or import is: rows checked, then patients registered. */
function ImportProgressBar() {
  const { t } = useTranslation();
  const format = useFormatters();
  const progress = useImportProgress(true).data ?? null;
  if (progress === null || progress.total === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="import-progress">
        {t('patients.import.checking')}
      </Text>
    );
  }
  const label = t(`patients.import.progress.${progress.stage}`, {
    done: format.number(progress.done),
    total: format.number(progress.total),
  });
  return (
    <Stack gap={4} data-testid="import-progress">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Progress value={(100 * progress.done) / progress.total} aria-label={label} animated />
    </Stack>
  );
}

/** Which patient, or which earlier row, a probable duplicate looks like. */
function DuplicateOf({ row }: { row: DuplicateRow }) {
  const { t } = useTranslation();
  if (row.registered) {
    const mrns = row.matches.map((m) => m.mrn).join(', ');
    return <Text size="sm">{t('patients.import.alreadyRegistered', { mrn: mrns })}</Text>;
  }
  const parts = row.matches.map((m) => t('patients.import.matches', { mrn: m.mrn, name: `${m.firstName} ${m.lastName}` }));
  if (row.sameAsLine !== null) parts.push(t('patients.import.sameAsLine', { line: row.sameAsLine }));
  return <Text size="sm">{parts.join('; ')}</Text>;
}

function FirstOnly({ shown, total }: { shown: number; total: number }) {
  const { t } = useTranslation();
  const format = useFormatters();
  if (total <= shown) return null;
  return (
    <Text size="xs" c="dimmed">
      {t('patients.import.firstOnly', { shown: format.number(shown), total: format.number(total) })}
    </Text>
  );
}
