import type { Role } from '../api/types';

/** The app's screens. A tiny state router: the shell keeps the current route in React state. */
export type RouteId = 'today' | 'waiting' | 'patients' | 'schedule' | 'providers' | 'visits' | 'admin';

type NavLabelKey =
  | 'nav.today'
  | 'nav.waiting'
  | 'nav.patients'
  | 'nav.schedule'
  | 'nav.providers'
  | 'nav.visits'
  | 'nav.billing'
  | 'nav.administration';

export type NavItem =
  | {
      kind: 'route';
      route: RouteId;
      labelKey: NavLabelKey;
      testId: string;
      /** Only these roles see the item (and may open the route); everyone when absent. */
      roles?: readonly Role[];
    }
  | { kind: 'soon'; labelKey: NavLabelKey; testId: string };

export const NAV_ITEMS: readonly NavItem[] = [
  { kind: 'route', route: 'today', labelKey: 'nav.today', testId: 'nav-today' },
  { kind: 'route', route: 'waiting', labelKey: 'nav.waiting', testId: 'nav-waiting' },
  { kind: 'route', route: 'patients', labelKey: 'nav.patients', testId: 'nav-patients' },
  { kind: 'route', route: 'schedule', labelKey: 'nav.schedule', testId: 'nav-schedule' },
  {
    kind: 'route',
    route: 'providers',
    labelKey: 'nav.providers',
    testId: 'nav-providers',
    // Working hours and time off (`edit_schedule`); the providers themselves are an admin setting.
    roles: ['receptionist', 'admin'],
  },
  {
    kind: 'route',
    route: 'visits',
    labelKey: 'nav.visits',
    testId: 'nav-visits',
    // Clinical content: Rust refuses it to anyone else (receptionists, billing).
    roles: ['doctor', 'nurse', 'admin'],
  },
  { kind: 'soon', labelKey: 'nav.billing', testId: 'nav-billing' },
  {
    kind: 'route',
    route: 'admin',
    labelKey: 'nav.administration',
    testId: 'nav-admin',
    roles: ['admin'],
  },
];

function visibleTo(item: NavItem, role: Role): boolean {
  return item.kind === 'soon' || item.roles === undefined || item.roles.includes(role);
}

/** The navigation items a user with this role sees. */
export function navItemsFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => visibleTo(item, role));
}

/** Whether a user with this role may open the route. */
export function canOpen(route: RouteId, role: Role): boolean {
  return NAV_ITEMS.some((item) => item.kind === 'route' && item.route === route && visibleTo(item, role));
}
