import { createContext, useCallback, useContext } from 'react';
import type { Action } from './types';

/**
 * What the signed-in user may do now (`AppStatus.allowed`, from Rust's permission matrix). The UI offers
 * only these, Rust refusing the rest anyway, and never reads the user's role for it. Nothing outside the
 * signed-in shell.
 */
export const Allowed = createContext<ReadonlySet<Action>>(new Set());

/** `can(action)`: whether the signed-in user may do `action`. */
export function useCan(): (action: Action) => boolean {
  const allowed = useContext(Allowed);
  return useCallback((action: Action) => allowed.has(action), [allowed]);
}
