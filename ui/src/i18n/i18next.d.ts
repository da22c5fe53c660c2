import 'i18next';
import type en from './en.json';

// Typed keys: `t('some.key')` fails to compile if the key is missing from en.json.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
