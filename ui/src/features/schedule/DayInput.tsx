import { DatePickerInput } from '@mantine/dates';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../i18n/format';

interface DayInputProps {
  label: string;
  /** A clinic-local date, "YYYY-MM-DD". */
  value: string;
  onChange: (day: string) => void;
  minDate?: string;
  testId: string;
}

/** A clinic day, chosen on a calendar and shown as the schedule names days. */
export function DayInput({ label, value, onChange, minDate, testId }: DayInputProps) {
  const { t } = useTranslation();
  const format = useFormatters();
  return (
    <DatePickerInput
      label={label}
      value={value}
      minDate={minDate}
      onChange={(picked) => {
        if (picked) onChange(picked.slice(0, 10));
      }}
      valueFormatter={({ date }) => (typeof date === 'string' ? format.dayLabel(date) : '')}
      ariaLabels={{
        previousMonth: t('calendar.previousMonth'),
        nextMonth: t('calendar.nextMonth'),
        previousYear: t('calendar.previousYear'),
        nextYear: t('calendar.nextYear'),
        previousDecade: t('calendar.previousDecade'),
        nextDecade: t('calendar.nextDecade'),
        monthLevelControl: t('calendar.chooseMonth'),
        yearLevelControl: t('calendar.chooseYear'),
      }}
      w={200}
      data-testid={testId}
    />
  );
}
