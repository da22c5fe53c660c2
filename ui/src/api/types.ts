// The IPC types, for the whole UI: import them from here, never from bindings.ts directly.
// bindings.ts is generated from Rust; bindings.pending.ts holds the part of the contract that is
// not generated yet. Its explicit exports below take precedence over the same names in
// bindings.ts (AppPhase, AppStatus, Commands).
export type * from '../bindings';
// PENDING: delete this line (and src/bindings.pending.ts) once bindings.ts is regenerated.
export type {
  AppPhase,
  AppStatus,
  ChangePasswordArgs,
  Commands,
  NewUser,
  ResetPasswordArgs,
  SetUserActiveArgs,
  SetUserRoleArgs,
  UserSummary,
} from '../bindings.pending';
