import { createTheme, Drawer, Modal, Notification, Pagination, type MantineColorsTuple } from '@mantine/core';
import type { TFunction } from 'i18next';

// A calm teal-blue. Shade 6 (the light-scheme primary) keeps white text above WCAG AA contrast.
const clinic: MantineColorsTuple = [
  '#e6f6f8',
  '#cdeef2',
  '#9ddde6',
  '#67cbd9',
  '#3bb8cc',
  '#1a9fb5',
  '#0e7f94',
  '#0b6a7c',
  '#085766',
  '#064552',
];

const PAGER_LABELS = {
  first: 'common.pages.first',
  previous: 'common.pages.previous',
  next: 'common.pages.next',
  last: 'common.pages.last',
} as const;

/**
 * The app's theme, in the user's language: it names the buttons that show only an icon (the close
 * buttons of every dialog, drawer and notification; the pager's arrows).
 */
export const createClinicTheme = (t: TFunction) =>
  createTheme({
    primaryColor: 'clinic',
    primaryShade: { light: 6, dark: 5 },
    colors: { clinic },
    autoContrast: true,
    defaultRadius: 'md',
    fontFamily:
      'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
    headings: { fontWeight: '600' },
    components: {
      Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
      Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
      Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
      Pagination: Pagination.extend({
        defaultProps: { getControlProps: (control) => ({ 'aria-label': t(PAGER_LABELS[control]) }) },
      }),
    },
  });
