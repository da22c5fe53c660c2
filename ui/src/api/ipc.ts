import { invoke } from '@tauri-apps/api/core';
import type { Commands, ErrorCode, IpcError, Message } from './types';
import { ERROR_CODES } from '../domain';

export type CommandName = keyof Commands;
export type CommandArgs<K extends CommandName> = Commands[K]['args'];
export type CommandResult<K extends CommandName> = Commands[K]['result'];
/** Commands whose args are `null` take no argument; the rest take exactly their args object. */
export type CallArgs<K extends CommandName> = CommandArgs<K> extends null ? [] : [args: CommandArgs<K>];

/** An `IpcError` as code builds one: the problem may be left out (none). */
export type IpcErrorInput = Omit<IpcError, 'problem'> & { problem?: Message | null };

/** A rejected command call. Carries the Rust `IpcError` fields. */
export class IpcFailure extends Error implements IpcError {
  readonly code: ErrorCode;
  readonly field: string | null;
  /** The problem as a key with parameters, for the UI to translate (see `api/errors.ts`). */
  readonly problem: Message | null;

  constructor(error: IpcErrorInput, options?: { cause?: unknown }) {
    super(error.message, options);
    this.name = 'IpcFailure';
    this.code = error.code;
    this.field = error.field;
    this.problem = error.problem ?? null;
  }

  toIpcError(): IpcError {
    return { code: this.code, message: this.message, field: this.field, problem: this.problem };
  }
}

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** True for a problem as Rust sends it: a key and its parameters, each of a known kind. */
function isMessage(value: unknown): value is Message {
  if (!isRecord(value) || typeof value.key !== 'string' || !isRecord(value.params)) return false;
  return Object.values(value.params).every(
    (param) =>
      isRecord(param) &&
      (((param.kind === 'text' || param.kind === 'date') && typeof param.value === 'string') ||
        (param.kind === 'number' && typeof param.value === 'number')),
  );
}

/**
 * True when `value` has the shape the Rust side serialises for an `IpcError` (`field` and `problem`
 * may be left out).
 */
export function isIpcError(value: unknown): value is IpcErrorInput {
  if (!isRecord(value)) return false;
  const { code, message, field, problem } = value;
  return (
    typeof code === 'string' &&
    KNOWN_CODES.has(code) &&
    typeof message === 'string' &&
    (field === null || field === undefined || typeof field === 'string') &&
    (problem === null || problem === undefined || isMessage(problem))
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
      { code: reason.code, message: reason.message, field: reason.field ?? null, problem: reason.problem ?? null },
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
