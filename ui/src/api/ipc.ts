import { invoke } from '@tauri-apps/api/core';
import type { Commands, ErrorCode, IpcError } from './types';
import { ERROR_CODES } from '../domain';

export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K]['args'];
export type CommandResult<K extends CommandName> = Commands[K]['result'];
/** Commands whose args are `null` take no argument; the rest take exactly their args object. */
export type CallArgs<K extends CommandName> = CommandArgs<K> extends null ? [] : [args: CommandArgs<K>];

/** A rejected command call. Carries the Rust `IpcError` fields. */
export class IpcFailure extends Error implements IpcError {
  readonly code: ErrorCode;
  readonly field: string | null;

  constructor(error: IpcError, options?: { cause?: unknown }) {
    super(error.message, options);
    this.name = 'IpcFailure';
    this.code = error.code;
    this.field = error.field;
  }

  toIpcError(): IpcError {
    return { code: this.code, message: this.message, field: this.field };
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** True when `value` has the exact shape the Rust side serialises for an `IpcError`. */
export function isIpcError(value: unknown): value is IpcError {
  if (!isRecord(value)) return false;
  const { code, message, field } = value;
  return (
    typeof code === 'string' &&
    KNOWN_CODES.has(code) &&
    typeof message === 'string' &&
    (field === null || field === undefined || typeof field === 'string')
  );
}

function describeUnknown(value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  if (value instanceof Error && value.message.length > 0) return value.message;
  if (isRecord(value) && typeof value.message === 'string' && value.message.length > 0) {
    return value.message;
  }
  return 'Unexpected error';
}

/** Normalises anything a command can reject with into an `IpcFailure`. */
export function toIpcFailure(reason: unknown): IpcFailure {
  if (reason instanceof IpcFailure) return reason;
  if (isIpcError(reason)) {
    return new IpcFailure(
      { code: reason.code, message: reason.message, field: reason.field ?? null },
      { cause: reason },
    );
  }
  return new IpcFailure(
    { code: 'internal', message: describeUnknown(reason), field: null },
    { cause: reason },
  );
}

/**
 * Calls a Rust command. The only place in the UI that talks to `invoke`.
 * Args are passed as a single `args` parameter (`#[tauri::command] fn x(args: XArgs)`).
 * Rejections are always thrown as `IpcFailure`.
 */
export async function call<K extends CommandName>(
  cmd: K,
  ...rest: CallArgs<K>
): Promise<CommandResult<K>> {
  try {
    if (rest.length === 0) {
      return await invoke<CommandResult<K>>(cmd);
    }
    return await invoke<CommandResult<K>>(cmd, { args: rest[0] });
  } catch (reason) {
    throw toIpcFailure(reason);
  }
}
