import { createContext, useContext, useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * The clinic's time zone (IANA name), which every instant a person reads is shown in: the signed-in
 * shell provides it; null where it is not known (before sign-in).
 */
export const ClinicTimeZone = createContext<string | null>(null);

function parseIsoDate(ymd: string): Date | null {
  // Also accepts "YYYY-MM-DD HH:mm:ss" (Mantine's date-string values); the time is ignored.
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|[ T])/.exec(ymd);
  if (!match) return null;
  const [, y, m, d] = match;
  return new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
}

export interface Formatters {
  /** Locale-formatted integer/decimal. */
  number: (value: number) => string;
  /** A clinic-local calendar date ("YYYY-MM-DD"), e.g. "Mar 4, 1987". */
  date: (ymd: string) => string;
  /** A clinic-local calendar date with a short weekday, e.g. "Tue, Mar 4, 2025". */
  dayLabel: (ymd: string) => string;
  /** A clinic-local calendar date with weekday, e.g. "Tuesday, March 4, 2025". */
  longDate: (ymd: string) => string;
  /**
   * An instant (RFC 3339) as a date and time on the clinic's clock, e.g. "Mar 4, 2025, 2:30 PM" (never
   * the computer's: it may be set to another zone). Throws without the clinic's time zone.
   */
  dateTime: (iso: string) => string;
  /** Display name of an ISO 4217 currency, or the code itself if unknown. */
  currencyName: (code: string) => string;
  /**
   * An amount in minor units (cents…) of an ISO 4217 currency, e.g. 1250 USD → "$12.50" (the
   * currency's own decimals: 1250 JPY → "¥1,250"). An unknown code shows after the number.
   */
  money: (minor: number, currency: string) => string;
  /** Display name of an ISO 3166 country, or the code itself if unknown. */
  countryName: (code: string) => string;
}

/**
 * Builds Intl formatters for a language. Dates are calendar dates, so they are formatted in UTC;
 * instants in `timeZone`, the clinic's.
 */
export function createFormatters(language: string, timeZone: string | null): Formatters {
  const numberFormat = new Intl.NumberFormat(language);
  const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
  const dayLabelFormat = new Intl.DateTimeFormat(language, {
    weekday: 'short',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  const longDateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'full', timeZone: 'UTC' });
  const dateTimeFormat =
    timeZone === null ? null : new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  let currencyNames: Intl.DisplayNames | null = null;
  let countryNames: Intl.DisplayNames | null = null;
  try {
    currencyNames = new Intl.DisplayNames([language], { type: 'currency' });
    countryNames = new Intl.DisplayNames([language], { type: 'region' });
  } catch {
    currencyNames = null;
  }
  const moneyFormats = new Map<string, Intl.NumberFormat | null>();
  const moneyFormat = (currency: string) => {
    if (!moneyFormats.has(currency)) {
      try {
        moneyFormats.set(currency, new Intl.NumberFormat(language, { style: 'currency', currency }));
      } catch {
        moneyFormats.set(currency, null); // not an ISO 4217 code
      }
    }
    return moneyFormats.get(currency) ?? null;
  };
  return {
    number: (value) => numberFormat.format(value),
    date: (ymd) => {
      const date = parseIsoDate(ymd);
      return date ? dateFormat.format(date) : ymd;
    },
    dayLabel: (ymd) => {
      const date = parseIsoDate(ymd);
      return date ? dayLabelFormat.format(date) : ymd;
    },
    longDate: (ymd) => {
      const date = parseIsoDate(ymd);
      return date ? longDateFormat.format(date) : ymd;
    },
    dateTime: (iso) => {
      if (dateTimeFormat === null) throw new Error(`${iso} formatted without the clinic's time zone`);
      const date = new Date(iso);
      return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
    },
    currencyName: (code) => currencyNames?.of(code) ?? code,
    money: (minor, currency) => {
      const format = moneyFormat(currency);
      if (!format) return `${numberFormat.format(minor / 100)} ${currency}`;
      const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
      return format.format(minor / 10 ** decimals);
    },
    countryName: (code) => countryNames?.of(code) ?? code,
  };
}

/** Intl formatters for the current i18n language and the clinic's time zone. */
export function useFormatters(): Formatters {
  const { i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const timeZone = useContext(ClinicTimeZone);
  return useMemo(() => createFormatters(language, timeZone), [language, timeZone]);
}
