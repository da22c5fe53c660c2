import type { TFunction } from 'i18next';
import i18n from '../i18n';
import type en from '../i18n/en.json';
import { createFormatters, type Formatters } from '../i18n/format';
import type { ErrorCode, Message, MessageParam } from './types';
import { toIpcFailure, type IpcFailure } from './ipc';

/** The en.json key holding the generic, translated message for an error code. */
export function errorMessageKey(code: ErrorCode) {
  return `errors.${code}` as const;
}

type ProblemKey = keyof (typeof en)['problems'];

/** The en.json key of a problem Rust reported (a test in Rust keeps en.json's `problems` in step). */
export function problemMessageKey(problem: Message) {
  return `problems.${problem.key as ProblemKey}` as const;
}

// Dates in problems are written as the dialogs write them; they need the language, not the clinic's zone.
let formatters: { language: string; format: Formatters } | null = null;

function currentFormatters(): Formatters {
  const language = i18n.resolvedLanguage ?? i18n.language;
  if (formatters?.language !== language) formatters = { language, format: createFormatters(language, null) };
  return formatters.format;
}

function formatParam(format: Formatters, param: MessageParam): string {
  switch (param.kind) {
    case 'date':
      return format.dayLabel(param.value);
    case 'number':
      return format.number(param.value);
    case 'text':
      return param.value;
  }
}

/**
 * The translated text of a problem Rust reported, its parameters written by kind (dates as the dialogs
 * write them, numbers in the language's digits). Without a translation: `english`, Rust's own text where
 * it came with the problem (errors do), else the key.
 */
export function problemMessage(t: TFunction, problem: Message, english: string = problem.key): string {
  const format = currentFormatters();
  const values = Object.fromEntries(
    Object.entries(problem.params).map(([name, param]) => [name, formatParam(format, param)]),
  );
  return t(problemMessageKey(problem), { ...values, defaultValue: english });
}

/** The problem's translation, else the code's, else Rust's English. */
function translated(t: TFunction, failure: IpcFailure): string {
  if (failure.problem !== null) return problemMessage(t, failure.problem, failure.message);
  const text = t(errorMessageKey(failure.code), { defaultValue: '' });
  return text.length > 0 ? text : failure.message;
}

/**
 * A user-facing message for any failure: the translated problem when Rust named one, else the
 * translated `errors.<code>` text when the translation exists, else the message the Rust side sent.
 */
export function errorMessage(t: TFunction, error: unknown): string {
  return translated(t, toIpcFailure(error));
}

/** Codes whose Rust message is specific to the request (which rule, which record) and worth showing. */
const DETAILED_CODES: ReadonlySet<ErrorCode> = new Set([
  'validation',
  'conflict',
  'not_found',
  'patient_already_booked',
  'outside_working_hours',
  // The clinic server's own reason (a pairing code used up, a revoked computer), or why it is unreachable.
  'server_refused',
  'server_unreachable',
]);

/** A translated headline plus, where useful, the Rust side's specific message. */
export interface DescribedError {
  code: ErrorCode;
  message: string;
  detail: string | null;
}

/**
 * A problem Rust named is its own headline (it says what is wrong, and with what); other failures get
 * the code's headline, with Rust's message as the detail where it is specific.
 */
export function describeError(t: TFunction, error: unknown): DescribedError {
  const failure = toIpcFailure(error);
  const message = translated(t, failure);
  const detail =
    failure.problem === null &&
    DETAILED_CODES.has(failure.code) &&
    failure.message.length > 0 &&
    failure.message !== message
      ? failure.message
      : null;
  return { code: failure.code, message, detail };
}

/**
 * The message to show next to a form field: the specific rule ("Use at least 10 characters."), from the
 * problem's translation; Rust's message, then the code's text, where there is no problem.
 */
export function fieldErrorMessage(t: TFunction, error: unknown): string {
  const failure = toIpcFailure(error);
  if (failure.problem !== null) return problemMessage(t, failure.problem, failure.message);
  return failure.message.length > 0 ? failure.message : translated(t, failure);
}
