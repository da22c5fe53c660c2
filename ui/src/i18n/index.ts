import i18n, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

/** English is the source language: every key exists in en.json; other locales may be partial. */
export const DEFAULT_LANGUAGE = 'en';

// Every `<lang>.json` beside this file is a locale. Adding `es.json` is all it takes to add Spanish.
const localeFiles = import.meta.glob<Record<string, unknown>>('./*.json', {
  eager: true,
  import: 'default',
});

export const resources: Resource = Object.fromEntries(
  Object.entries(localeFiles).map(([path, translation]) => [
    path.replace(/^\.\/(.+)\.json$/, '$1'),
    { translation },
  ]),
);

export const supportedLanguages = Object.keys(resources).sort();

/** First of the user's preferred languages (or its base, e.g. `es` for `es-MX`) that we ship. */
export function detectLanguage(preferred: readonly string[] = navigatorLanguages()): string {
  for (const tag of preferred) {
    if (supportedLanguages.includes(tag)) return tag;
    const base = tag.split('-')[0];
    if (base !== undefined && supportedLanguages.includes(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

function navigatorLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

void i18n.use(initReactI18next).init({
  resources,
  lng: detectLanguage(),
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: supportedLanguages,
  interpolation: { escapeValue: false }, // React escapes.
  returnNull: false,
  initAsync: false,
});

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});
document.documentElement.lang = i18n.language;

export default i18n;
