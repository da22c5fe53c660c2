/** The app's screens. A tiny state router: the shell keeps the current route in React state. */
export type RouteId = 'today' | 'patients' | 'schedule';

export type NavItem =
  | { kind: 'route'; route: RouteId; labelKey: `nav.${RouteId}`; testId: string }
  | { kind: 'soon'; labelKey: 'nav.visits' | 'nav.billing' | 'nav.administration'; testId: string };

export const NAV_ITEMS: readonly NavItem[] = [
  { kind: 'route', route: 'today', labelKey: 'nav.today', testId: 'nav-today' },
  { kind: 'route', route: 'patients', labelKey: 'nav.patients', testId: 'nav-patients' },
  { kind: 'route', route: 'schedule', labelKey: 'nav.schedule', testId: 'nav-schedule' },
  { kind: 'soon', labelKey: 'nav.visits', testId: 'nav-visits' },
  { kind: 'soon', labelKey: 'nav.billing', testId: 'nav-billing' },
  { kind: 'soon', labelKey: 'nav.administration', testId: 'nav-administration' },
];
