import { useMemo, useState } from 'react';
import { Allowed } from '../api/permissions';
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
  // Rust allows nothing while the screen is locked: the shell under the lock keeps what it offered, so
  // that nothing the user had open closes. Unlocking reads app_status again.
  const [allowed, setAllowed] = useState(status.allowed);
  if (!locked && status.allowed !== allowed) setAllowed(status.allowed);
  const actions = useMemo(() => new Set(allowed), [allowed]);
  return (
    <>
      <Allowed value={actions}>
        <AppLayout key={user.id} status={status} user={user} />
      </Allowed>
      {locked && <LockScreen status={status} user={user} />}
    </>
  );
}
