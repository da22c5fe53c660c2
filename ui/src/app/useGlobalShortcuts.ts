import { useEffect, useState } from 'react';

/** The Patients screen's search input (its data-testid). */
const PATIENT_SEARCH_SELECTOR = '[data-testid="patients-search"]';

/** Ctrl+K (⌘K on a Mac) or F2. */
export function isPatientSearchShortcut(event: KeyboardEvent): boolean {
  if (event.key === 'F2') return !event.ctrlKey && !event.metaKey && !event.altKey;
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}

/**
 * App-wide keyboard shortcuts of the signed-in shell: Ctrl+K or F2 opens the Patients screen and
 * puts the cursor in its search. `openPatients` shows the screen; the input is focused once it has
 * rendered. Off while `enabled` is false (e.g. the screen is locked).
 */
export function useGlobalShortcuts({ openPatients, enabled }: { openPatients: () => void; enabled: boolean }) {
  const [searchRequests, setSearchRequests] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (!isPatientSearchShortcut(event)) return;
      event.preventDefault();
      openPatients();
      setSearchRequests((n) => n + 1);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
    };
  }, [enabled, openPatients]);

  // Runs after the render that showed the Patients screen.
  useEffect(() => {
    if (searchRequests === 0) return;
    const input = document.querySelector<HTMLInputElement>(PATIENT_SEARCH_SELECTOR);
    input?.focus();
    input?.select();
  }, [searchRequests]);
}
