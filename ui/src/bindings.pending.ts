// TEMPORARY: the IPC contract the Rust side is implementing, in the shape ts-rs generates.
// Only `src/api/types.ts` imports this file. Once `scripts/gen-bindings.sh` has written these
// types into bindings.ts, delete this file and the marked line in `src/api/types.ts`.
import type { Commands as GeneratedCommands, DemoCredentials, Role, SessionUser } from './bindings';

export type AppPhase = "setup" | "sign_in" | "change_password" | "ready";
export type AppStatus = { phase: AppPhase, clinicName: string | null, demo: boolean, 
/**
 * Shown on the sign-in screen of the demo clinic only.
 */
demoCredentials: DemoCredentials | null, user: SessionUser | null, };
export type ChangePasswordArgs = { currentPassword: string, newPassword: string, };
export type NewUser = { username: string, displayName: string, password: string, role: Role, };
export type ResetPasswordArgs = { userId: string, newPassword: string, };
export type SetUserActiveArgs = { userId: string, active: boolean, };
export type SetUserRoleArgs = { userId: string, role: Role, };
export type UserSummary = { id: string, username: string, displayName: string, role: Role, active: boolean, mustChangePassword: boolean, 
/**
 * When the account is locked after failed sign-ins, until when.
 */
lockedUntil: string | null, };

export interface PendingCommands {
  change_password: { args: ChangePasswordArgs; result: AppStatus };
  list_users: { args: null; result: Array<UserSummary> };
  add_user: { args: NewUser; result: UserSummary };
  set_user_role: { args: SetUserRoleArgs; result: Array<UserSummary> };
  set_user_active: { args: SetUserActiveArgs; result: Array<UserSummary> };
  reset_password: { args: ResetPasswordArgs; result: Array<UserSummary> };
}

/** A generated command result, with the generated AppStatus replaced by the one above (new phase). */
type WithPendingStatus<T> = T extends { phase: string, demo: boolean } ? AppStatus : T;

/**
 * The generated commands (AppStatus results upgraded to the new phase) merged with the pending
 * ones. An intersection, so it also compiles against bindings.ts once they are generated there.
 */
export type Commands = {
  [K in keyof GeneratedCommands]: {
    args: GeneratedCommands[K]['args'];
    result: WithPendingStatus<GeneratedCommands[K]['result']>;
  };
} & PendingCommands;
