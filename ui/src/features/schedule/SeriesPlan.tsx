import { Badge, Button, Group, Paper, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/errors';
import { splitFieldError } from '../../api/formErrors';
import { useBookRecurring } from '../../api/scheduleQueries';
import type { NewAppointment, PlannedOccurrence } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { useFormatters } from '../../i18n/format';
import { chosenSpans, DEFAULT_CHOICE, type ConflictChoice } from './recurring';

interface SeriesPlanProps {
  /** The first appointment as planned: who, with whom, which type and reason. */
  first: NewAppointment;
  occurrences: PlannedOccurrence[];
  timeZone: string;
  onBack: () => void;
  onClose: () => void;
}

/**
 * A planned series, date by date: free dates are booked as planned; for each taken one the user skips
 * it, moves it to the free time the core suggests, or types another time. Then the series is booked in
 * one step, and the dialog says how many appointments that made.
 */
export function SeriesPlan({ first, occurrences, timeZone, onBack, onClose }: SeriesPlanProps) {
  const { t } = useTranslation();
  const bookRecurring = useBookRecurring();
  const [choices, setChoices] = useState<ReadonlyMap<number, ConflictChoice>>(new Map());
  // Missing times are flagged only once the user tried to book, not while they are choosing.
  const [tried, setTried] = useState(false);
  const [booked, setBooked] = useState<number | null>(null);
  const top = useRef<HTMLDivElement>(null);
  // The form that held the focus is gone: the keyboard starts again at the top of the list.
  useEffect(() => {
    top.current?.focus();
  }, []);
  const { spans, missing } = chosenSpans(occurrences, choices, timeZone);
  // Rust names `occurrences` when the chosen times are wrong together (e.g. two overlap).
  const { fieldError, otherError } = splitFieldError(t, bookRecurring.error, 'occurrences');

  if (booked !== null) {
    return (
      <Stack gap="sm">
        <Text data-testid="series-booked">{t('schedule.series.booked', { count: booked })}</Text>
        <Group justify="flex-end">
          {/* The dialog's own autofocus ran when it opened; this last step takes the focus itself. */}
          <Button autoFocus onClick={onClose} data-testid="series-close">
            {t('schedule.appointment.close')}
          </Button>
        </Group>
      </Stack>
    );
  }

  const book = () => {
    setTried(true);
    if (missing.length > 0) return;
    bookRecurring.mutate(
      { first, occurrences: spans },
      {
        onSuccess: (series) => {
          setBooked(series.appointmentIds.length);
        },
      },
    );
  };

  return (
    <Stack gap="sm" ref={top} tabIndex={-1} style={{ outline: 'none' }} data-testid="series-plan">
      <Text size="sm">{t('schedule.series.intro')}</Text>
      <Stack gap="xs">
        {occurrences.map((occurrence, i) => (
          <OccurrenceRow
            key={occurrence.startsAt}
            occurrence={occurrence}
            choice={choices.get(i) ?? DEFAULT_CHOICE}
            timeMissing={tried && missing.includes(i)}
            onChoose={(choice) => {
              setChoices((current) => new Map(current).set(i, choice));
            }}
          />
        ))}
      </Stack>
      {fieldError && (
        <Text size="sm" c="red" role="alert" data-testid="series-occurrences-error">
          {fieldError}
        </Text>
      )}
      <FormErrorAlert error={otherError} testId="series-error" />
      <Group justify="flex-end">
        <Button variant="default" onClick={onBack} data-testid="series-back">
          {t('schedule.appointment.back')}
        </Button>
        <Button
          onClick={book}
          disabled={spans.length + missing.length === 0}
          loading={bookRecurring.isPending}
          data-testid="series-book"
        >
          {t('schedule.series.book', { count: spans.length + missing.length })}
        </Button>
      </Group>
    </Stack>
  );
}

interface OccurrenceRowProps {
  occurrence: PlannedOccurrence;
  choice: ConflictChoice;
  timeMissing: boolean;
  onChoose: (choice: ConflictChoice) => void;
}

/** One date of the series: free, or taken with the reason and what to do instead. */
function OccurrenceRow({ occurrence, choice, timeMissing, onChoose }: OccurrenceRowProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  const when = t('schedule.series.when', {
    date: format.dayLabel(occurrence.localDate),
    start: occurrence.localStart,
    end: occurrence.localEnd,
  });
  const { alternative } = occurrence;

  if (occurrence.conflict === null) {
    return (
      <Paper withBorder p="xs" data-testid="series-occurrence" data-free="true">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm">{when}</Text>
          <Badge color="teal" variant="light">
            {t('schedule.series.free')}
          </Badge>
        </Group>
      </Paper>
    );
  }
  return (
    <Paper withBorder p="xs" data-testid="series-occurrence" data-free="false">
      <Radio.Group
        label={when}
        description={problemMessage(t, occurrence.conflict)}
        value={choice.kind}
        onChange={(kind) => {
          if (kind === 'move') onChoose({ kind: 'move' });
          else if (kind === 'other') onChoose({ kind: 'other', time: '' });
          else onChoose({ kind: 'skip' });
        }}
      >
        <Group gap="md" mt={6}>
          <Radio value="skip" label={t('schedule.series.skip')} data-testid="series-skip" />
          {alternative ? (
            <Radio
              value="move"
              label={t('schedule.series.moveTo', { start: alternative.localStart, end: alternative.localEnd })}
              data-testid="series-move"
            />
          ) : (
            <Text size="sm" c="dimmed">
              {t('schedule.series.noFreeTime')}
            </Text>
          )}
          <Radio value="other" label={t('schedule.series.otherTime')} data-testid="series-other" />
        </Group>
      </Radio.Group>
      {choice.kind === 'other' && (
        <TextInput
          type="time"
          mt="xs"
          w={180}
          label={t('schedule.series.newTime')}
          value={choice.time}
          onChange={(event) => {
            onChoose({ kind: 'other', time: event.currentTarget.value });
          }}
          error={timeMissing ? t('schedule.series.timeRequired') : undefined}
          data-testid="series-other-time"
        />
      )}
    </Paper>
  );
}
