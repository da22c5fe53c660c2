import { describe, expect, it } from 'vitest';
import {
  APPOINTMENT_STATUSES,
  AUDIT_ACTIONS,
  ERROR_CODES,
  INVOICE_FILTERS,
  INVOICE_STATUSES,
  PAYMENT_KINDS,
  PAYMENT_METHODS,
  READING_ONLY_REASONS,
  ROLES,
  SEXES,
} from '../domain';
import { DATE_ORDERS, IMPORT_FIELDS, IMPORT_STAGES, MERGE_FILLABLE } from '../features/patients/patientTools';
import { SYNC_STATES } from '../features/sync/syncState';
import en from './en.json';
import { detectLanguage, resources } from './index';

interface Tree {
  [key: string]: string | Tree;
}

function leafKeys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : leafKeys(value, `${prefix}${key}.`),
  );
}

const PLURAL_SUFFIXES = ['_zero', '_one', '_two', '_few', '_many', '_other'];
const enKeys = new Set(leafKeys(en));
/** A key as used in code: plural forms are looked up by their base key. */
const baseKey = (key: string) => {
  const suffix = PLURAL_SUFFIXES.find((s) => key.endsWith(s));
  return suffix ? key.slice(0, -suffix.length) : key;
};
const enBaseKeys = new Set([...enKeys].map(baseKey));

/**
 * Keys built at run time from a value of a closed set: `t(\`prefix.${value}\`)`.
 * Each prefix used in code must be listed here with every value it can take.
 */
const DYNAMIC_KEYS: Record<string, readonly string[]> = {
  'attention.kind.': ['overwritten', 'refused', 'duplicate'],
  'errors.': ERROR_CODES,
  'appointmentStatus.': APPOINTMENT_STATUSES,
  'sex.': SEXES,
  'shell.readingOnly.': READING_ONLY_REASONS,
  'role.': ROLES,
  'fatal.hint.': ['key_unavailable', 'wrong_key', 'newer_schema'],
  'today.stats.': ['patients', 'providers', 'appointmentsToday', 'signedVisits', 'openInvoices'],
  'audit.actions.': AUDIT_ACTIONS,
  'patients.sort.': ['name', 'mrn', 'date_of_birth', 'recent'],
  'patients.import.fields.': IMPORT_FIELDS,
  'patients.import.dateOrders.': DATE_ORDERS,
  'patients.import.progress.': IMPORT_STAGES,
  'patients.merge.fields.': MERGE_FILLABLE,
  'sync.state.': SYNC_STATES,
  'billing.show.': INVOICE_FILTERS,
  'billing.empty.': INVOICE_FILTERS,
  'billing.status.': INVOICE_STATUSES,
  'billing.kind.': PAYMENT_KINDS,
  'billing.method.': PAYMENT_METHODS,
  'admin.backups.tables.': ['patients', 'appointments', 'encounters', 'prescriptions', 'invoices', 'payments', 'users'],
  // The problems Rust reports: a Rust test keeps them the same set as its own English table.
  'problems.': Object.keys(en.problems),
};

// All application source (not tests), as text.
const sources = Object.entries(
  import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}', '!../test/**'], {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
);
const topLevel = Object.keys(en).join('|');
// Any string literal that looks like a translation key (`ns.key`), e.g. in t('ns.key') or labelKey: 'ns.key'.
const STATIC_KEY = new RegExp(String.raw`['"\`]((?:${topLevel})(?:\.[A-Za-z0-9_]+)+)['"\`]`, 'g');
// Template-literal keys: `ns.key.${…}`.
const DYNAMIC_KEY = new RegExp(String.raw`\`((?:${topLevel})(?:\.[A-Za-z0-9_]+)*\.)\$\{`, 'g');

function collect(pattern: RegExp): { key: string; file: string }[] {
  return sources.flatMap(([file, text]) => [...text.matchAll(pattern)].map((m) => ({ key: m[1]!, file })));
}

describe('translations', () => {
  it('scans the application source', () => {
    expect(sources.length).toBeGreaterThan(10);
    expect(collect(STATIC_KEY).length).toBeGreaterThan(50);
  });

  it('has every statically used key in en.json', () => {
    const missing = collect(STATIC_KEY).filter(({ key }) => !enBaseKeys.has(key));
    expect(missing).toEqual([]);
  });

  it('knows every dynamic key prefix used in code, and has each of its keys', () => {
    const unknownPrefixes = collect(DYNAMIC_KEY).filter(({ key }) => !(key in DYNAMIC_KEYS));
    expect(unknownPrefixes).toEqual([]);
    const missing = Object.entries(DYNAMIC_KEYS).flatMap(([prefix, values]) =>
      values.map((v) => `${prefix}${v}`).filter((key) => !enKeys.has(key)),
    );
    expect(missing).toEqual([]);
  });

  it('has no unused keys in en.json', () => {
    const used = new Set(collect(STATIC_KEY).map(({ key }) => key));
    const unused = [...enKeys].filter(
      (key) =>
        !used.has(baseKey(key)) &&
        !Object.entries(DYNAMIC_KEYS).some(([prefix, values]) =>
          values.some((v) => key === `${prefix}${v}`),
        ),
    );
    expect(unused).toEqual([]);
  });

  it('other locales only translate keys that exist in English, with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();
    const enTree = en as Tree;
    const lookup = (tree: Tree, key: string) =>
      key.split('.').reduce<string | Tree | undefined>((node, part) => (typeof node === 'object' ? node[part] : undefined), tree);
    for (const [language, bundle] of Object.entries(resources)) {
      const tree = (bundle as { translation: Tree }).translation;
      for (const key of leafKeys(tree)) {
        expect(enBaseKeys.has(baseKey(key)), `${language}: ${key} is not an English key`).toBe(true);
        const text = lookup(tree, key);
        const source = lookup(enTree, key) ?? lookup(enTree, `${baseKey(key)}_other`);
        if (typeof text === 'string' && typeof source === 'string') {
          expect(placeholders(text), `${language}: ${key}`).toEqual(placeholders(source));
        }
      }
    }
  });

  it('picks a shipped language from the user’s preferences, else English', () => {
    expect(detectLanguage(['en-GB'])).toBe('en');
    expect(detectLanguage(['xx-YY'])).toBe('en');
    expect(detectLanguage([])).toBe('en');
  });
});
