import type { TFunction } from 'i18next';
import type { SyncOverview } from '../../api/types';

/** What the header shows of syncing, most pressing first. */
export const SYNC_STATES = ['needsAction', 'syncing', 'offline', 'checking', 'waiting', 'synced'] as const;
export type SyncState = (typeof SYNC_STATES)[number];

export function syncState(overview: SyncOverview): SyncState {
  if (overview.needsAction) return 'needsAction';
  if (overview.syncing) return 'syncing';
  if (overview.online === false) return 'offline';
  // No round since the app started: not known yet whether the server can be reached.
  if (overview.online === null) return 'checking';
  if (overview.status.changesWaiting > 0) return 'waiting';
  return 'synced';
}

/** "just now", "5 min ago", "3 h ago", "2 days ago": how long ago an instant (RFC 3339) was. */
export function sinceLabel(t: TFunction, iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds) || seconds < 60) return t('sync.ago.justNow');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('sync.ago.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('sync.ago.hours', { count: hours });
  return t('sync.ago.days', { count: Math.floor(hours / 24) });
}
