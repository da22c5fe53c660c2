import { invoke } from '@tauri-apps/api/core';
import { vi } from 'vitest';
import type { Commands, IpcError, Message, MessageParam } from '../api/types';

type Handler<K extends keyof Commands> = (
  args: Commands[K]['args'],
) => Commands[K]['result'] | Promise<Commands[K]['result']>;

export type CommandHandlers = { [K in keyof Commands]?: Handler<K> };

/**
 * A problem as Rust reports it: `problem('too_long', { max: 80 })`; a date is `{ date: 'YYYY-MM-DD' }`.
 */
export function problem(key: string, params: Record<string, string | number | { date: string }> = {}): Message {
  const typed = (value: string | number | { date: string }): MessageParam =>
    typeof value === 'string'
      ? { kind: 'text', value }
      : typeof value === 'number'
        ? { kind: 'number', value }
        : { kind: 'date', value: value.date };
  return { key, params: Object.fromEntries(Object.entries(params).map(([name, value]) => [name, typed(value)])) };
}

/**
 * Thrown inside a handler to make the mocked command reject the way Tauri does: with the
 * plain serialised `IpcError` object (not an Error instance). `message` is Rust's English; `problem`
 * what the UI translates.
 */
export class IpcRejection extends Error {
  readonly payload: IpcError;

  constructor(code: IpcError['code'], message: string, field: string | null = null, problem: Message | null = null) {
    super(message);
    this.payload = { code, message, field, problem };
  }
}

export const invokeMock = vi.mocked(invoke);

/**
 * Routes mocked `invoke(cmd, { args })` calls to per-command handlers. A handler that throws
 * makes the command reject (an `IpcRejection` as its plain IpcError payload).
 */
export function mockCommands(handlers: CommandHandlers) {
  invokeMock.mockImplementation((cmd: string, payload?: unknown) => {
    const handler = (handlers as Record<string, ((args: unknown) => unknown) | undefined>)[cmd];
    if (!handler) return Promise.reject(new Error(`command ${cmd} not mocked`));
    const args = (payload as { args?: unknown } | undefined)?.args ?? null;
    try {
      return Promise.resolve(handler(args));
    } catch (error) {
      // Tauri rejects with the serialised error object, not an Error instance.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error instanceof IpcRejection ? error.payload : error);
    }
  });
}

/** Every `args` the given command was called with, in order. */
export function callsOf<K extends keyof Commands>(cmd: K): Commands[K]['args'][] {
  return invokeMock.mock.calls
    .filter(([name]) => name === cmd)
    .map(([, payload]) => ((payload as { args?: unknown } | undefined)?.args ?? null) as Commands[K]['args']);
}
