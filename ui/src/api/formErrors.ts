import type { TFunction } from 'i18next';
import { describeError, fieldErrorMessage, type DescribedError } from './errors';
import { toIpcFailure } from './ipc';

/** The part of a Mantine `useForm` return value this helper needs. */
export interface FieldErrorTarget {
  getValues: () => object;
  setFieldError: (path: never, error: string) => void;
}

/**
 * Routes a command failure to the right place in a form.
 *
 * - If the error names a `field` that is one of the form's values (the Rust side uses the
 *   camelCase name of the args field, e.g. "adminPassword"), the message is set on that field
 *   (Mantine `setFieldError`) and `null` is returned.
 * - Otherwise the form-level error is returned, for the caller to show in a `FormErrorAlert`.
 *
 * `invalid_credentials` is always form-level, so the form never hints which of username or
 * password was wrong.
 */
export function applyIpcError(
  form: FieldErrorTarget,
  error: unknown,
  t: TFunction,
): DescribedError | null {
  const failure = toIpcFailure(error);
  const field = failure.field;
  if (
    field !== null &&
    failure.code !== 'invalid_credentials' &&
    Object.prototype.hasOwnProperty.call(form.getValues(), field)
  ) {
    const setFieldError = form.setFieldError as (path: string, error: string) => void;
    setFieldError(field, fieldErrorMessage(t, failure));
    return null;
  }
  return describeError(t, failure);
}

/**
 * For inputs outside a Mantine form: the message to show next to `field` when a failed command
 * names it (else undefined), and the error to show above, when it names no such field.
 */
export function splitFieldError(
  t: TFunction,
  error: unknown,
  field: string,
): { fieldError: string | undefined; otherError: DescribedError | null } {
  if (error === null || error === undefined) return { fieldError: undefined, otherError: null };
  const failure = toIpcFailure(error);
  if (failure.field === field) return { fieldError: fieldErrorMessage(t, failure), otherError: null };
  return { fieldError: undefined, otherError: describeError(t, failure) };
}
