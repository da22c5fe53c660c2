import { Button, CloseButton, Group, Stack, Table, Text } from '@mantine/core';
import { TimeInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError, fieldErrorMessage, type DescribedError } from '../../api/errors';
import { toIpcFailure } from '../../api/ipc';
import type { TimeBlock, WeekdayHours } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { fromMinutes, toMinutes } from '../schedule/calendarLayout';
import { ISO_WEEKDAYS, useWeekdayNames } from '../schedule/weekdays';

interface WeekValues {
  /** The blocks of each weekday, Monday at index 0. */
  days: TimeBlock[][];
}

interface WeekHoursEditorProps {
  /** The week as stored. */
  week: readonly WeekdayHours[];
  /** Saves one weekday's blocks; resolves with the whole week as stored. */
  saveDay: (weekday: number, blocks: TimeBlock[]) => Promise<WeekdayHours[]>;
  /** What a day without blocks is: a provider's day off, or a day the clinic is closed. */
  emptyDayLabel: string;
  saveLabel: string;
  testId: string;
}

/**
 * A week of hours, one row per weekday with zero or more blocks (the gaps between them are breaks).
 * Saving sends only the weekdays that changed, one by one; Rust checks the blocks, and its error
 * appears next to the block it refused.
 */
export function WeekHoursEditor({ week, saveDay, emptyDayLabel, saveLabel, testId }: WeekHoursEditorProps) {
  const { t } = useTranslation();
  const dayName = useWeekdayNames();
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const form = useForm<WeekValues>({ mode: 'controlled', initialValues: { days: daysOf(week) } });

  const save = form.onSubmit(async ({ days }) => {
    setFormError(null);
    const before = daysOf(week);
    let stored = week;
    for (const [i, blocks] of days.entries()) {
      if (sameBlocks(blocks, before[i] ?? [])) continue;
      try {
        stored = await saveDay(i + 1, blocks);
      } catch (error) {
        const field = toIpcFailure(error).field;
        if (field === 'startsAt' || field === 'endsAt') {
          form.setFieldError(`days.${i}.${blockAtFault(blocks, field)}.${field}`, fieldErrorMessage(t, error));
        } else {
          setFormError(describeError(t, error));
        }
        return;
      }
    }
    if (stored === week) return;
    // Rust keeps each day's blocks in time order.
    form.setValues({ days: daysOf(stored) });
    notifications.show({ color: 'teal', message: t('weekHours.saved') });
  });

  return (
    <form onSubmit={save} noValidate data-testid={testId}>
      <Stack gap="sm">
        <FormErrorAlert error={formError} testId={`${testId}-error`} />
        <Table verticalSpacing="xs" layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={90}>{t('weekHours.weekday')}</Table.Th>
              <Table.Th>{t('weekHours.hours')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ISO_WEEKDAYS.map((weekday, i) => {
              const day = dayName(weekday);
              const blocks = form.values.days[i] ?? [];
              return (
                <Table.Tr key={weekday} data-testid={`${testId}-day`} data-weekday={weekday}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {day}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="md" align="flex-start">
                      {blocks.length === 0 && (
                        <Text size="sm" c="dimmed" py={6}>
                          {emptyDayLabel}
                        </Text>
                      )}
                      {blocks.map((_, b) => {
                        const n = b + 1;
                        return (
                          <Group key={b} gap={4} wrap="nowrap" align="flex-start">
                            <TimeInput
                              size="xs"
                              aria-label={t('weekHours.start', { day, n })}
                              {...form.getInputProps(`days.${i}.${b}.startsAt`)}
                            />
                            <Text size="sm" py={4} aria-hidden>
                              –
                            </Text>
                            <TimeInput
                              size="xs"
                              aria-label={t('weekHours.end', { day, n })}
                              {...form.getInputProps(`days.${i}.${b}.endsAt`)}
                            />
                            <CloseButton
                              size="sm"
                              mt={4}
                              aria-label={t('weekHours.remove', { day, n })}
                              onClick={() => {
                                form.removeListItem(`days.${i}`, b);
                              }}
                            />
                          </Group>
                        );
                      })}
                      <Button
                        size="xs"
                        variant="subtle"
                        aria-label={t('weekHours.addLabel', { day })}
                        onClick={() => {
                          form.insertListItem(`days.${i}`, nextBlock(blocks));
                        }}
                      >
                        {t('weekHours.add')}
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
        <Group>
          <Button type="submit" loading={form.submitting} data-testid={`${testId}-save`}>
            {saveLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function daysOf(week: readonly WeekdayHours[]): TimeBlock[][] {
  return ISO_WEEKDAYS.map((weekday) =>
    (week.find((d) => d.weekday === weekday)?.blocks ?? []).map(({ startsAt, endsAt }) => ({ startsAt, endsAt })),
  );
}

function sameBlocks(a: readonly TimeBlock[], b: readonly TimeBlock[]): boolean {
  const key = (blocks: readonly TimeBlock[]) => blocks.map((x) => `${x.startsAt}-${x.endsAt}`).join(',');
  return key(a) === key(b);
}

const HH_MM = /^\d\d:\d\d$/;
const FIRST_BLOCK: TimeBlock = { startsAt: '09:00', endsAt: '17:00' };

/** A new block an hour after the day's last one (a break), four hours long, within the day. */
function nextBlock(blocks: readonly TimeBlock[]): TimeBlock {
  const last = blocks.at(-1);
  if (!last || !HH_MM.test(last.endsAt)) return FIRST_BLOCK;
  const start = Math.min(toMinutes(last.endsAt) + 60, 23 * 60);
  return { startsAt: fromMinutes(start), endsAt: fromMinutes(Math.min(start + 4 * 60, 23 * 60 + 59)) };
}

/**
 * Rust names the field it refused but not the block: the first block whose end is not after its
 * start (`endsAt`), or the first whose start is not a time or falls inside another block (`startsAt`).
 */
function blockAtFault(blocks: readonly TimeBlock[], field: 'startsAt' | 'endsAt'): number {
  const at =
    field === 'endsAt'
      ? blocks.findIndex((b) => !HH_MM.test(b.endsAt) || b.endsAt <= b.startsAt)
      : blocks.findIndex(
          (b, i) =>
            !HH_MM.test(b.startsAt) ||
            blocks.some((o, j) => j !== i && o.startsAt <= b.startsAt && b.startsAt < o.endsAt),
        );
  return Math.max(at, 0);
}
