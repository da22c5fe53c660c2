import type { TFunction } from 'i18next';
import { describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { describeError, errorMessage, errorMessageKey } from './errors';
import { applyIpcError } from './formErrors';
import { IpcFailure } from './ipc';

const t = i18n.t.bind(i18n) as TFunction;
/** A `t` for a language with no translations at all. */
const untranslated = ((_key: string, options?: { defaultValue?: string }) =>
  options?.defaultValue ?? '') as unknown as TFunction;

function form(values: object) {
  return { getValues: () => values, setFieldError: vi.fn() };
}

describe('error messages', () => {
  it('maps codes to errors.<code> keys', () => {
    expect(errorMessageKey('wrong_key')).toBe('errors.wrong_key');
  });

  it('uses the translation for the code', () => {
    const error = { code: 'invalid_credentials', message: 'bad creds (rust)', field: null };
    expect(errorMessage(t, error)).toBe('The username or password is incorrect.');
  });

  it('falls back to the Rust message when there is no translation', () => {
    const error = { code: 'storage', message: 'disk I/O error', field: null };
    expect(errorMessage(untranslated, error)).toBe('disk I/O error');
  });

  it('keeps the Rust detail for validation errors', () => {
    const described = describeError(t, { code: 'validation', message: 'Currency XYZ is not supported', field: null });
    expect(described).toEqual({
      code: 'validation',
      message: 'Some of the information is not valid.',
      detail: 'Currency XYZ is not supported',
    });
  });
});

describe('applyIpcError', () => {
  it('sets the error on the named field and returns null', () => {
    const target = form({ adminPassword: '', adminUsername: '' });
    const result = applyIpcError(
      target,
      new IpcFailure({ code: 'validation', message: 'Too short', field: 'adminPassword' }),
      t,
    );
    expect(result).toBeNull();
    expect(target.setFieldError).toHaveBeenCalledWith('adminPassword', 'Too short');
  });

  it('returns a form-level error when the field is not in the form', () => {
    const target = form({ username: '' });
    const result = applyIpcError(target, { code: 'conflict', message: 'Taken', field: 'email' }, t);
    expect(target.setFieldError).not.toHaveBeenCalled();
    expect(result?.code).toBe('conflict');
    expect(result?.detail).toBe('Taken');
  });

  it('never attaches invalid_credentials to a field', () => {
    const target = form({ username: '', password: '' });
    const result = applyIpcError(target, { code: 'invalid_credentials', message: 'x', field: 'password' }, t);
    expect(target.setFieldError).not.toHaveBeenCalled();
    expect(result?.message).toBe('The username or password is incorrect.');
  });
});
