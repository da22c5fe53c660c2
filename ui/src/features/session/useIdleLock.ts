import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { call, toIpcFailure } from '../../api/ipc';
import { queryKeys, useLockSession } from '../../api/queries';

/** What counts as the user being at the computer. */
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;
/** Activity is reported to Rust at most this often; Rust refuses commands once it has heard none for the idle minutes. */
export const REPORT_ACTIVITY_EVERY_MS = 15_000;
const CHECK_EVERY_MS = 1_000;

/**
 * Locks the screen after `idleMinutes` without keyboard or pointer activity (null: not now), and
 * reports activity to Rust so that its own idle deadline keeps moving while the user works.
 */
export function useIdleLock(idleMinutes: number | null) {
  const queryClient = useQueryClient();
  const { mutate: lockNow } = useLockSession();

  useEffect(() => {
    if (idleMinutes === null) return;
    const idleMs = idleMinutes * 60_000;
    let lastActivity = Date.now();
    let lastReport = lastActivity;
    let locking = false;

    const onActivity = () => {
      lastActivity = Date.now();
      if (lastActivity - lastReport < REPORT_ACTIVITY_EVERY_MS) return;
      lastReport = lastActivity;
      call('touch_session').catch((error: unknown) => {
        // Rust locked (or ended) the session first: show the right screen.
        if (toIpcFailure(error).code !== 'internal') {
          void queryClient.invalidateQueries({ queryKey: queryKeys.appStatus });
        }
      });
    };
    const timer = window.setInterval(() => {
      if (!locking && Date.now() - lastActivity >= idleMs) {
        locking = true;
        lockNow();
      }
    }, CHECK_EVERY_MS);
    for (const event of ACTIVITY_EVENTS) {
      window.addEventListener(event, onActivity, { capture: true, passive: true });
    }
    return () => {
      window.clearInterval(timer);
      for (const event of ACTIVITY_EVENTS) {
        window.removeEventListener(event, onActivity, { capture: true });
      }
    };
  }, [idleMinutes, queryClient, lockNow]);
}
