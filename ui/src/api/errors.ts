import type { TFunction } from 'i18next';
import type { ErrorCode } from './types';
import { toIpcFailure } from './ipc';

/** The en.json key holding the generic, translated message for an error code. */
export function errorMessageKey(code: ErrorCode) {
  return `errors.${code}` as const;
}

/**
 * A user-facing message for any failure: the translated `errors.<code>` text when the
 * translation exists, otherwise the message the Rust side sent.
 */
export function errorMessage(t: TFunction, error: unknown): string {
  const failure = toIpcFailure(error);
  const translated = t(errorMessageKey(failure.code), { defaultValue: '' });
  return translated.length > 0 ? translated : failure.message;
}

/** Codes whose Rust message is specific to the request (which rule, which record) and worth showing. */
const DETAILED_CODES: ReadonlySet<ErrorCode> = new Set(['validation', 'conflict', 'not_found']);

/** A translated headline plus, where useful, the Rust side's specific message. */
export interface DescribedError {
  code: ErrorCode;
  message: string;
  detail: string | null;
}

export function describeError(t: TFunction, error: unknown): DescribedError {
  const failure = toIpcFailure(error);
  const message = errorMessage(t, failure);
  const detail =
    DETAILED_CODES.has(failure.code) && failure.message.length > 0 && failure.message !== message
      ? failure.message
      : null;
  return { code: failure.code, message, detail };
}

/**
 * The message to show next to a form field: the Rust message carries the specific rule
 * ("must be at least 12 characters"), so it is preferred; the translated code text is the fallback.
 */
export function fieldErrorMessage(t: TFunction, error: unknown): string {
  const failure = toIpcFailure(error);
  return failure.message.length > 0 ? failure.message : errorMessage(t, failure);
}
