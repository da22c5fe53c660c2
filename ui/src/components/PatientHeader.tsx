import { Badge, Group, Paper, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { usePatientHeader } from '../api/queries';
import type { AllergyBadge, NextAppointment, PatientHeader as Header } from '../api/types';
import { fromMinutes, toZoned } from '../features/schedule/calendarLayout';
import { ClinicTimeZone, useFormatters } from '../i18n/format';
import { QueryErrorAlert } from './QueryErrorAlert';

interface PatientHeaderProps {
  patientId: string;
  /** Smaller, for dialogs. */
  compact?: boolean;
  /** The clinic's time zone when the caller has it; else the signed-in shell's. */
  timeZone?: string;
}

/** The skeleton's height, and the header's least height, so that nothing jumps once it loads. */
const HEIGHT = { compact: 60, full: 100 };

/**
 * Who the patient is, shown on top of everything that is about one patient: name (last name
 * emphasised), age and sex, MRN, allergies (severe first), balance due (only to users who may see
 * billing), next appointment in the clinic's time zone, and whether the record is archived.
 */
export function PatientHeader({ patientId, compact = false, timeZone }: PatientHeaderProps) {
  const { t } = useTranslation();
  const header = usePatientHeader(patientId);
  const clinicTimeZone = useContext(ClinicTimeZone);
  const height = compact ? HEIGHT.compact : HEIGHT.full;
  if (header.isError) return <QueryErrorAlert error={header.error} />;
  // The next appointment is never shown on this computer's clock, which may be set to another zone.
  const zone = timeZone ?? clinicTimeZone;
  if (header.isPending || zone === null) {
    return <Skeleton h={height} radius="md" aria-label={t('app.loading')} data-testid="patient-header-loading" />;
  }
  return <HeaderBody header={header.data} compact={compact} timeZone={zone} minHeight={height} />;
}

function HeaderBody({
  header: h,
  compact,
  timeZone,
  minHeight,
}: {
  header: Header;
  compact: boolean;
  timeZone: string;
  minHeight: number;
}) {
  const { t } = useTranslation();
  const format = useFormatters();
  const size = compact ? 'xs' : 'sm';
  return (
    <Paper
      withBorder
      p={compact ? 'xs' : 'sm'}
      mih={minHeight}
      aria-label={t('patientHeader.label', { name: `${h.firstName} ${h.lastName}` })}
      role="group"
      data-testid="patient-header"
      data-patient-id={h.id}
    >
      <Stack gap={compact ? 4 : 6}>
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
          <Group gap={compact ? 'xs' : 'sm'} align="baseline" wrap="wrap">
            <Title order={compact ? 3 : 2} size={compact ? 'h5' : 'h3'} fw={400} data-testid="patient-header-name">
              {h.firstName}{' '}
              <Text span inherit fw={700}>
                {h.lastName}
              </Text>
            </Title>
            <Text size={size} title={t('patientHeader.born', { date: format.date(h.dateOfBirth) })} data-testid="patient-header-age-sex">
              {t('patientHeader.ageSex', { age: format.number(h.ageYears), sex: t(`sex.${h.sex}`) })}
            </Text>
            <Text size={size} c="dimmed" title={t('patientHeader.mrn')} data-testid="patient-header-mrn">
              {h.mrn}
            </Text>
          </Group>
          {h.archived && (
            <Badge color="gray" size={compact ? 'sm' : 'md'} data-testid="patient-header-archived">
              {t('patientHeader.archived')}
            </Badge>
          )}
        </Group>
        <Group gap={compact ? 'xs' : 'md'} wrap="wrap" align="center">
          <Allergies allergies={h.allergies} compact={compact} />
          {h.balanceDueMinor !== null && (
            <Text
              size={size}
              c={h.balanceDueMinor > 0 ? 'orange.8' : 'dimmed'}
              fw={h.balanceDueMinor > 0 ? 600 : undefined}
              data-testid="patient-header-balance"
              data-due={h.balanceDueMinor > 0}
            >
              {h.balanceDueMinor > 0
                ? t('patientHeader.balanceDue', { amount: format.money(h.balanceDueMinor, h.currency) })
                : t('patientHeader.nothingDue')}
            </Text>
          )}
          <Next next={h.nextAppointment} timeZone={timeZone} size={size} />
        </Group>
      </Stack>
    </Paper>
  );
}

/** Red, the severe ones filled and marked; "none recorded" (not "none known") when the list is empty. */
function Allergies({ allergies, compact }: { allergies: AllergyBadge[]; compact: boolean }) {
  const { t } = useTranslation();
  if (allergies.length === 0) {
    return (
      <Text size={compact ? 'xs' : 'sm'} c="dimmed" data-testid="patient-header-no-allergies">
        {t('patientHeader.noAllergies')}
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="wrap" data-testid="patient-header-allergies">
      <Text span size={compact ? 'xs' : 'sm'} fw={700} c="red.8">
        {t('patientHeader.allergies')}
      </Text>
      {allergies.map((a, i) => {
        const severe = a.severity === 'severe';
        return (
          <Badge
            key={`${a.substance}-${String(i)}`}
            color="red"
            variant={severe ? 'filled' : 'light'}
            size={compact ? 'sm' : 'md'}
            tt="none"
            leftSection={severe ? <span aria-hidden>⚠</span> : undefined}
            aria-label={severe ? t('patientHeader.severe', { substance: a.substance }) : undefined}
            title={severe ? t('patientHeader.severe', { substance: a.substance }) : undefined}
            data-testid="patient-header-allergy"
            data-severity={a.severity}
          >
            {a.substance}
          </Badge>
        );
      })}
    </Group>
  );
}

/** The next booked appointment: its clinic-local day and time, and the provider. */
function Next({ next, timeZone, size }: { next: NextAppointment | null; timeZone: string; size: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  if (!next) {
    return (
      <Text size={size} c="dimmed" data-testid="patient-header-next">
        {t('patientHeader.noNext')}
      </Text>
    );
  }
  const zoned = toZoned(next.startsAt, timeZone);
  const when = t('patientHeader.when', { date: format.dayLabel(zoned.date), time: fromMinutes(zoned.minutes) });
  return (
    <Text size={size} data-testid="patient-header-next" data-appointment-id={next.id}>
      {t('patientHeader.next', { when, provider: next.providerName })}
    </Text>
  );
}
