import type { TFunction } from 'i18next';
import { describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { problem } from '../test/ipcMock';
import { describeError, errorMessage, errorMessageKey, fieldErrorMessage } from './errors';
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

describe('problems Rust names', () => {
  const doubleBooked = {
    code: 'conflict',
    message: 'Dr. Grace Chen is already booked on Tue 4 Mar 2025, 10:00–10:30, with Sam Okafor (M-7).',
    field: null,
    problem: problem('provider_booked', {
      provider: 'Dr. Grace Chen',
      date: { date: '2025-03-04' },
      start: '10:00',
      end: '10:30',
      patient: 'Sam Okafor',
      mrn: 'M-7',
    }),
  };

  it('are their own headline, with the date as the dialogs write it', () => {
    expect(describeError(t, doubleBooked)).toEqual({
      code: 'conflict',
      message: 'Dr. Grace Chen is already booked on Tue, Mar 4, 2025, 10:00–10:30, with Sam Okafor (M-7).',
      detail: null,
    });
    expect(errorMessage(t, doubleBooked)).not.toContain('This conflicts with existing data.');
  });

  it('show their translation next to the field, numbers in the language’s digits', () => {
    const tooLong = {
      code: 'validation',
      message: 'Use at most 1000 characters.',
      field: 'name',
      problem: problem('too_long', { max: 1000 }),
    };
    expect(fieldErrorMessage(t, tooLong)).toBe('Use at most 1,000 characters.');
    const target = form({ name: '' });
    expect(applyIpcError(target, tooLong, t)).toBeNull();
    expect(target.setFieldError).toHaveBeenCalledWith('name', 'Use at most 1,000 characters.');
  });

  it('fall back to the English Rust sent when there is no translation', () => {
    const newer = {
      code: 'conflict',
      message: 'The ward is closed for cleaning.',
      field: null,
      problem: problem('ward_closed', { ward: 'B' }),
    };
    expect(describeError(t, newer)).toEqual({
      code: 'conflict',
      message: 'The ward is closed for cleaning.',
      detail: null,
    });
    expect(fieldErrorMessage(untranslated, doubleBooked)).toBe(doubleBooked.message);
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
