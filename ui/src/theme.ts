import { createTheme, type MantineColorsTuple } from '@mantine/core';

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

export const theme = createTheme({
  primaryColor: 'clinic',
  primaryShade: { light: 6, dark: 5 },
  colors: { clinic },
  autoContrast: true,
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  headings: { fontWeight: '600' },
});
