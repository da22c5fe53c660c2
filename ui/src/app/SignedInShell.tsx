import type { AppStatus, SessionUser } from '../api/types';
import { LockScreen } from '../features/session/LockScreen';
import { useIdleLock } from '../features/session/useIdleLock';
import { AppLayout } from './AppLayout';

/**
 * The shell of a signed-in user, covered by the lock screen while the session is locked. The shell
 * stays mounted under the lock, so unsaved input survives the same user unlocking; it is keyed by
 * the user, so another user signing in on the lock screen starts from a fresh shell and never sees
 * the first user's unsaved input.
 */
export function SignedInShell({ status, user }: { status: AppStatus; user: SessionUser }) {
  const locked = status.phase === 'locked';
  useIdleLock(locked ? null : status.idleLockMinutes);
  return (
    <>
      <AppLayout key={user.id} status={status} user={user} />
      {locked && <LockScreen status={status} user={user} />}
    </>
  );
}
