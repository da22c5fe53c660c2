import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppStatus, SessionUser } from '../api/types';
import { UserMenu } from '../features/account/UserMenu';
import { useSignOutAction } from '../features/account/useSignOutAction';
import { AdministrationScreen } from '../features/admin/AdministrationScreen';
import { PatientsScreen } from '../features/patients/PatientsScreen';
import { ProvidersScreen } from '../features/providers/ProvidersScreen';
import { ScheduleScreen } from '../features/schedule/ScheduleScreen';
import { TodayScreen } from '../features/today/TodayScreen';
import { VisitsScreen } from '../features/visits/VisitsScreen';
import { WaitingRoomScreen } from '../features/waiting/WaitingRoomScreen';
import { canOpen, navItemsFor, type RouteId } from './routes';
import { useGlobalShortcuts } from './useGlobalShortcuts';

interface AppLayoutProps {
  status: AppStatus;
  user: SessionUser;
}

export function AppLayout({ status, user }: AppLayoutProps) {
  const { t } = useTranslation();
  const [selectedRoute, setRoute] = useState<RouteId>('today');
  const [navOpened, nav] = useDisclosure(false);
  const { signOut, isPending: signingOut } = useSignOutAction();
  // If the user's role changes (e.g. an administrator demotes themselves), a route they may no
  // longer open falls back to Today.
  const route: RouteId = canOpen(selectedRoute, user.role) ? selectedRoute : 'today';
  // Ctrl+K / F2: the Patients screen with the cursor in its search (not while the screen is locked).
  const openPatients = useCallback(() => {
    setRoute('patients');
  }, []);
  useGlobalShortcuts({ openPatients, enabled: status.phase !== 'locked' });

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 240, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navOpened}
              onClick={nav.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('shell.toggleNavigation')}
            />
            <Title order={2} size="h4" data-testid="shell-clinic-name" lineClamp={1}>
              {status.clinicName ?? t('app.name')}
            </Title>
            {status.demo && (
              <Badge variant="light" color="orange">
                {t('shell.demoBadge')}
              </Badge>
            )}
          </Group>
          <Group gap="md" wrap="nowrap">
            <UserMenu user={user} />
            <Button
              variant="default"
              size="xs"
              onClick={signOut}
              loading={signingOut}
              data-testid="sign-out"
            >
              {t('shell.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" aria-label={t('shell.mainNavigation')}>
        <Stack gap={2}>
          {navItemsFor(user.role).map((item) =>
            item.kind === 'route' ? (
              <NavLink
                key={item.testId}
                component="button"
                type="button"
                label={t(item.labelKey)}
                active={route === item.route}
                aria-current={route === item.route ? 'page' : undefined}
                data-testid={item.testId}
                onClick={() => {
                  setRoute(item.route);
                  nav.close();
                }}
              />
            ) : (
              <NavLink
                key={item.testId}
                component="button"
                type="button"
                label={t(item.labelKey)}
                description={t('shell.comingSoon')}
                // NavLink's `disabled` only styles; aria-disabled keeps the item discoverable
                // (focusable, announced as unavailable) while it does nothing.
                disabled
                aria-disabled="true"
                data-testid={item.testId}
              />
            ),
          )}
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main>
        {route === 'today' && <TodayScreen role={user.role} />}
        {route === 'waiting' && <WaitingRoomScreen role={user.role} />}
        {route === 'patients' && <PatientsScreen role={user.role} />}
        {route === 'schedule' && <ScheduleScreen />}
        {route === 'providers' && <ProvidersScreen role={user.role} />}
        {route === 'visits' && <VisitsScreen />}
        {route === 'admin' && <AdministrationScreen currentUserId={user.id} />}
      </AppShell.Main>
    </AppShell>
  );
}
