import { Badge, Button, Drawer, Group, Loader, Paper, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRecentVisits, useVisit } from '../../api/queries';
import type { VisitRecord, VisitSummary } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { PatientHeader } from '../../components/PatientHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { Section } from '../../components/Section';
import { useFormatters } from '../../i18n/format';

const RECENT = 50;

/** Visits: the most recent ones; one opens whole in a side panel (clinical roles only, checked in Rust). */
export function VisitsScreen() {
  const { t } = useTranslation();
  const format = useFormatters();
  const visits = useRecentVisits(RECENT);
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <>
      <PageHeader title={t('visits.title')} subtitle={t('visits.subtitle')} />
      {visits.isError && <QueryErrorAlert error={visits.error} />}
      {visits.isPending && (
        <Group justify="center" p="xl">
          <Loader aria-label={t('app.loading')} />
        </Group>
      )}
      {visits.data && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={760}>
            <Table striped highlightOnHover data-testid="visits-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('visits.when')}</Table.Th>
                  <Table.Th>{t('visits.patient')}</Table.Th>
                  <Table.Th>{t('visits.provider')}</Table.Th>
                  <Table.Th>{t('visits.diagnoses')}</Table.Th>
                  <Table.Th>{t('visits.note')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {visits.data.map((visit) => (
                  <Table.Tr key={visit.id} data-testid="visit-row" data-visit-id={visit.id}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(visit.startedAt)}</Table.Td>
                    <Table.Td>
                      {visit.patientName}{' '}
                      <Text span c="dimmed" size="sm">
                        {visit.patientMrn}
                      </Text>
                    </Table.Td>
                    <Table.Td>{visit.providerName}</Table.Td>
                    <Table.Td>{visit.diagnoses.join(', ')}</Table.Td>
                    <Table.Td>
                      <NoteBadge visit={visit} />
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() => {
                          setOpenId(visit.id);
                        }}
                        data-testid="visit-open"
                      >
                        {t('visits.open')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {visits.data.length === 0 && (
            <Text c="dimmed" p="lg">
              {t('visits.empty')}
            </Text>
          )}
        </Paper>
      )}
      <Drawer
        opened={openId !== null}
        onClose={() => {
          setOpenId(null);
        }}
        position="right"
        size="xl"
        title={t('visits.visit')}
      >
        {openId && <VisitDetail id={openId} />}
      </Drawer>
    </>
  );
}

function NoteBadge({ visit }: { visit: VisitSummary }) {
  const { t } = useTranslation();
  if (visit.noteStatus === 'signed') return <Badge color="teal" variant="light">{t('visits.signed')}</Badge>;
  if (visit.noteStatus === 'draft') return <Badge color="yellow" variant="light">{t('visits.draft')}</Badge>;
  return <Text c="dimmed" size="sm">{t('visits.noNote')}</Text>;
}

function VisitDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const visit = useVisit(id);
  if (visit.isError) return <QueryErrorAlert error={visit.error} />;
  if (visit.isPending) return <Loader aria-label={t('app.loading')} />;
  return <VisitBody record={visit.data} />;
}

function VisitBody({ record }: { record: VisitRecord }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const { summary } = record;
  return (
    <Stack gap="lg" data-testid="visit-detail">
      <Stack gap="xs">
        <PatientHeader patientId={summary.patientId} />
        <Text c="dimmed" data-testid="visit-when">
          {format.dateTime(summary.startedAt)} · {summary.providerName}
        </Text>
      </Stack>
      <Section title={t('visits.notes')}>
        {record.notes.length === 0 && <Text c="dimmed">{t('visits.noNote')}</Text>}
        {record.notes.map((note) => (
          <Paper key={note.id} withBorder p="sm" data-testid="visit-note">
            <Group justify="space-between" mb="xs">
              <Text size="sm" fw={500}>
                {note.kind === 'amendment' ? t('visits.amendment') : t('visits.noteTitle')}
              </Text>
              {note.status === 'signed' && note.signedAt ? (
                <Badge color="teal" variant="light">
                  {t('visits.signedBy', { name: note.signedBy ?? '', date: format.dateTime(note.signedAt) })}
                </Badge>
              ) : (
                <Badge color="yellow" variant="light">
                  {t('visits.draft')}
                </Badge>
              )}
            </Group>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {note.body}
            </Text>
          </Paper>
        ))}
      </Section>
      {record.vitals.length > 0 && (
        <Section title={t('visits.vitals')}>
          {record.vitals.map((v) => (
            <Text key={v.takenAt} size="sm" data-testid="visit-vitals">
              {[
                v.systolicMmhg !== null && v.diastolicMmhg !== null
                  ? t('visits.bloodPressure', { systolic: v.systolicMmhg, diastolic: v.diastolicMmhg })
                  : null,
                v.heartRateBpm !== null ? t('visits.heartRate', { value: v.heartRateBpm }) : null,
                v.temperatureC !== null ? t('visits.temperature', { value: format.number(v.temperatureC) }) : null,
                v.spo2Percent !== null ? t('visits.spo2', { value: v.spo2Percent }) : null,
                v.weightKg !== null ? t('visits.weight', { value: format.number(v.weightKg) }) : null,
              ]
                .filter((part) => part !== null)
                .join(' · ')}
            </Text>
          ))}
        </Section>
      )}
      {record.diagnoses.length > 0 && (
        <Section title={t('visits.diagnoses')}>
          {record.diagnoses.map((d) => (
            <Text key={d.icd10Code} size="sm">
              <Text span ff="monospace">
                {d.icd10Code}
              </Text>{' '}
              {d.description}
              {d.primary && ` (${t('visits.primary')})`}
            </Text>
          ))}
        </Section>
      )}
      {record.prescriptions.length > 0 && (
        <Section title={t('visits.prescriptions')}>
          {record.prescriptions.map((rx, i) => (
            <Text key={`${rx.drug}-${String(i)}`} size="sm">
              <Text span fw={500}>
                {[rx.drug, rx.strength].filter(Boolean).join(' ')}
              </Text>{' '}
              {[rx.dose, rx.frequency, rx.duration].filter(Boolean).join(', ')}
              {rx.instructions && ` — ${rx.instructions}`}
            </Text>
          ))}
        </Section>
      )}
    </Stack>
  );
}
