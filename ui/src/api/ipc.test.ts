import { describe, expect, it } from 'vitest';
import { invokeMock } from '../test/ipcMock';
import { call, IpcFailure, isIpcError, toIpcFailure } from './ipc';

describe('call', () => {
  it('invokes commands with null args without a payload', async () => {
    invokeMock.mockResolvedValueOnce(['UTC', 'Europe/Paris']);
    await expect(call('list_time_zones')).resolves.toEqual(['UTC', 'Europe/Paris']);
    expect(invokeMock).toHaveBeenCalledWith('list_time_zones');
    expect(invokeMock.mock.calls[0]).toHaveLength(1);
  });

  it('passes args as the single `args` parameter', async () => {
    invokeMock.mockResolvedValueOnce({ total: 0, rows: [] });
    await call('list_patients', { text: 'lo', sort: 'name', includeArchived: false, offset: 25, limit: 25 });
    expect(invokeMock).toHaveBeenCalledWith('list_patients', {
      args: { text: 'lo', sort: 'name', includeArchived: false, offset: 25, limit: 25 },
    });
  });

  it('turns an IpcError rejection into an IpcFailure carrying code, message and field', async () => {
    invokeMock.mockRejectedValueOnce({
      code: 'validation',
      message: 'Password must be at least 12 characters',
      field: 'adminPassword',
    });
    const failure = await call('setup_clinic', {
      clinicName: 'C',
      adminUsername: 'a',
      adminDisplayName: 'A',
      adminPassword: 'short',
      timeZone: 'UTC',
      country: 'US',
      currency: 'USD',
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(IpcFailure);
    expect(failure).toBeInstanceOf(Error);
    const f = failure as IpcFailure;
    expect(f.code).toBe('validation');
    expect(f.message).toBe('Password must be at least 12 characters');
    expect(f.field).toBe('adminPassword');
    expect(f.toIpcError()).toEqual({
      code: 'validation',
      message: 'Password must be at least 12 characters',
      field: 'adminPassword',
      problem: null,
    });
  });

  it('maps a rejection without the IpcError shape to code "internal"', async () => {
    invokeMock.mockRejectedValueOnce('command sign_in not found');
    const failure = (await call('sign_out').catch((e: unknown) => e)) as IpcFailure;
    expect(failure).toBeInstanceOf(IpcFailure);
    expect(failure.code).toBe('internal');
    expect(failure.message).toBe('command sign_in not found');
    expect(failure.field).toBeNull();
  });
});

describe('toIpcFailure', () => {
  it.each([
    ['undefined', undefined, 'Unexpected error'],
    ['null', null, 'Unexpected error'],
    ['a number', 42, 'Unexpected error'],
    ['an object without code', { foo: 1 }, 'Unexpected error'],
    ['an unknown code', { code: 'exploded', message: 'boom', field: null }, 'boom'],
    ['a non-string message', { code: 'conflict', message: 5, field: null }, 'Unexpected error'],
    ['a JS Error', new TypeError('window.__TAURI_INTERNALS__ is undefined'), 'window.__TAURI_INTERNALS__ is undefined'],
  ])('treats %s as internal', (_label, reason, message) => {
    const failure = toIpcFailure(reason);
    expect(failure.code).toBe('internal');
    expect(failure.message).toBe(message);
    expect(failure.field).toBeNull();
    expect(failure.cause).toBe(reason);
  });

  it('accepts an IpcError whose field is omitted', () => {
    const failure = toIpcFailure({ code: 'not_found', message: 'No such patient' });
    expect(failure.code).toBe('not_found');
    expect(failure.field).toBeNull();
  });

  it('returns an existing IpcFailure unchanged', () => {
    const original = new IpcFailure({ code: 'forbidden', message: 'no', field: null });
    expect(toIpcFailure(original)).toBe(original);
  });

  it('recognises the IpcError shape', () => {
    expect(isIpcError({ code: 'storage', message: 'disk', field: null })).toBe(true);
    expect(isIpcError({ code: 'storage', message: 'disk', field: 3 })).toBe(false);
    expect(isIpcError('storage')).toBe(false);
    const problem = { key: 'too_long', params: { max: { kind: 'number', value: 80 } } };
    expect(isIpcError({ code: 'validation', message: 'Use at most 80 characters.', field: 'name', problem })).toBe(true);
    const odd = { key: 'too_long', params: { max: { kind: 'number', value: '80' } } };
    expect(isIpcError({ code: 'validation', message: 'x', field: 'name', problem: odd })).toBe(false);
  });

  it('keeps the problem Rust named', () => {
    const problem = { key: 'time_passed', params: {} };
    const failure = toIpcFailure({ code: 'validation', message: 'This time has passed.', field: 'startsAt', problem });
    expect(failure.problem).toEqual(problem);
    expect(toIpcFailure({ code: 'storage', message: 'disk', field: null }).problem).toBeNull();
  });
});
