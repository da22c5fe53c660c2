import { MantineProvider } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useMemo, type ReactNode } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import i18n from '../i18n';
import { createClinicTheme } from '../theme';

interface AppProvidersProps {
  queryClient: QueryClient;
  children: ReactNode;
  /** Mantine's `test` env turns off transitions and portals (used by unit tests). */
  env?: 'default' | 'test';
}

export function AppProviders({ queryClient, children, env = 'default' }: AppProvidersProps) {
  return (
    <I18nextProvider i18n={i18n}>
      <QueryClientProvider client={queryClient}>
        <LocalizedMantine env={env}>
          <LocalizedDates>
            {/* Bottom right: over nothing the user needs (the header holds the user menu and Sign out). */}
            <Notifications position="bottom-right" />
            {children}
          </LocalizedDates>
        </LocalizedMantine>
      </QueryClientProvider>
    </I18nextProvider>
  );
}

/** Mantine with the app's theme, its labels in the i18n language. */
function LocalizedMantine({ env, children }: { env: 'default' | 'test'; children: ReactNode }) {
  const { t } = useTranslation();
  const theme = useMemo(() => createClinicTheme(t), [t]);
  return (
    <MantineProvider theme={theme} defaultColorScheme="auto" env={env}>
      {children}
    </MantineProvider>
  );
}

/**
 * Date pickers follow the i18n language. Month/weekday names in the calendar come from dayjs:
 * a language without a loaded `dayjs/locale/<lang>` shows them in English.
 */
function LocalizedDates({ children }: { children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <DatesProvider settings={{ locale: i18n.resolvedLanguage ?? 'en', firstDayOfWeek: 0 }}>
      {children}
    </DatesProvider>
  );
}
