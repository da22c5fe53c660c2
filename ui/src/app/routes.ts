import type { Action } from '../api/types';

/** The app's screens. A tiny state router: the shell keeps the current route in React state. */
export type RouteId =
  | 'today'
  | 'waiting'
  | 'patients'
  | 'schedule'
  | 'providers'
  | 'visits'
  | 'invoices'
  | 'administration'
  | 'attention';

type NavLabelKey =
  | 'nav.today'
  | 'nav.waiting'
  | 'nav.patients'
  | 'nav.schedule'
  | 'nav.providers'
  | 'nav.visits'
  | 'nav.billing'
  | 'nav.administration';

export interface NavItem {
  route: RouteId;
  labelKey: NavLabelKey;
  testId: string;
  /** Users who may do any of these see the item (and may open the route); everyone when absent. */
  opensWith?: readonly Action[];
}

export const NAV_ITEMS: readonly NavItem[] = [
  { route: 'today', labelKey: 'nav.today', testId: 'nav-today' },
  { route: 'waiting', labelKey: 'nav.waiting', testId: 'nav-waiting' },
  { route: 'patients', labelKey: 'nav.patients', testId: 'nav-patients' },
  { route: 'schedule', labelKey: 'nav.schedule', testId: 'nav-schedule' },
  {
    route: 'providers',
    labelKey: 'nav.providers',
    testId: 'nav-providers',
    // Working hours and time off; managing the providers themselves (`manage_settings`) is on the screen.
    opensWith: ['edit_schedule'],
  },
  { route: 'visits', labelKey: 'nav.visits', testId: 'nav-visits', opensWith: ['view_clinical'] },
  { route: 'invoices', labelKey: 'nav.billing', testId: 'nav-billing', opensWith: ['view_billing'] },
  {
    route: 'administration',
    labelKey: 'nav.administration',
    testId: 'nav-admin',
    // One tab for each of these.
    opensWith: ['manage_users', 'manage_settings', 'manage_backups', 'view_audit'],
  },
];

function visibleTo(item: NavItem, can: (action: Action) => boolean): boolean {
  return item.opensWith === undefined || item.opensWith.some(can);
}

/** The navigation items a user sees, by what they may do. */
export function navItemsFor(can: (action: Action) => boolean): NavItem[] {
  return NAV_ITEMS.filter((item) => visibleTo(item, can));
}

/**
 * Screens opened from the header rather than the navigation: Needs attention, which shows each user
 * what Rust offers them to resolve (nothing, for some).
 */
const HEADER_ROUTES: readonly RouteId[] = ['attention'];

/** Whether a user may open the route, by what they may do. */
export function canOpen(route: RouteId, can: (action: Action) => boolean): boolean {
  return (
    HEADER_ROUTES.includes(route) ||
    NAV_ITEMS.some((item) => item.route === route && visibleTo(item, can))
  );
}
