import { invoke } from '@tauri-apps/api/core';
import { vi } from 'vitest';
import type { Commands, IpcError } from '../api/types';

type Handler<K extends keyof Commands> = (
  args: Commands[K]['args'],
) => Commands[K]['result'] | Promise<Commands[K]['result']>;

export type CommandHandlers = { [K in keyof Commands]?: Handler<K> };

/**
 * Thrown inside a handler to make the mocked command reject the way Tauri does: with the
 * plain serialised `IpcError` object (not an Error instance).
 */
export class IpcRejection extends Error {
  readonly payload: IpcError;

  constructor(code: IpcError['code'], message: string, field: string | null = null) {
    super(message);
    this.payload = { code, message, field };
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
