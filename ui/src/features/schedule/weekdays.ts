import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** ISO weekdays, 1 = Monday … 7 = Sunday, as the waitlist stores them. */
export const ISO_WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Short weekday names in the current language ("Mon"), by ISO weekday. */
export function useWeekdayNames(): (weekday: number) => string {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? i18n.language;
  return useMemo(() => {
    const format = new Intl.DateTimeFormat(language, { weekday: 'short', timeZone: 'UTC' });
    // 1 January 2024 was a Monday, so day n of that month is ISO weekday n.
    return (weekday: number) => format.format(new Date(Date.UTC(2024, 0, weekday)));
  }, [language]);
}
