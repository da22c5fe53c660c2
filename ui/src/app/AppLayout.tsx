import { Alert, AppShell, Badge, Burger, Button, Group, Loader, NavLink, Stack, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useCallback, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../api/permissions';
import { useClinicOverview } from '../api/queries';
import type { AppStatus, SessionUser } from '../api/types';
import { QueryErrorAlert } from '../components/QueryErrorAlert';
import { UserMenu } from '../features/account/UserMenu';
import { useSignOutAction } from '../features/account/useSignOutAction';
import { NeedsAttentionButton } from '../features/sync/NeedsAttentionButton';
import { NeedsAttentionScreen } from '../features/sync/NeedsAttentionScreen';
import { SyncIndicator } from '../features/sync/SyncIndicator';
import { AdministrationScreen } from '../features/admin/AdministrationScreen';
import { PatientsScreen } from '../features/patients/PatientsScreen';
import { ProvidersScreen } from '../features/providers/ProvidersScreen';
import { ScheduleScreen } from '../features/schedule/ScheduleScreen';
import { TodayScreen } from '../features/today/TodayScreen';
import { VisitsScreen } from '../features/visits/VisitsScreen';
import { BillingScreen } from '../features/billing/BillingScreen';
import { WaitingRoomScreen } from '../features/waiting/WaitingRoomScreen';
import { ClinicTimeZone } from '../i18n/format';
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
  const can = useCan();
  // When the user may no longer open the route (e.g. an administrator demoted themselves), Today.
  const route: RouteId = canOpen(selectedRoute, can) ? selectedRoute : 'today';
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
            <NeedsAttentionButton
              active={route === 'attention'}
              onOpen={() => {
                setRoute('attention');
              }}
            />
            <SyncIndicator />
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
          {navItemsFor(can).map((item) => (
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
          ))}
        </Stack>
      </AppShell.Navbar>

      <AppShell.Main>
        {status.readingOnly !== null && (
          <Alert color="red" variant="light" mb="md" title={t('shell.readingOnly.title')} data-testid="reading-only">
            {t(`shell.readingOnly.${status.readingOnly}`)}
          </Alert>
        )}
        <InClinicTimeZone>
          {route === 'today' && <TodayScreen />}
          {route === 'waiting' && <WaitingRoomScreen />}
          {route === 'patients' && <PatientsScreen />}
          {route === 'schedule' && <ScheduleScreen />}
          {route === 'providers' && <ProvidersScreen />}
          {route === 'visits' && <VisitsScreen />}
          {route === 'invoices' && <BillingScreen />}
          {route === 'administration' && <AdministrationScreen currentUserId={user.id} />}
          {route === 'attention' && <NeedsAttentionScreen />}
        </InClinicTimeZone>
      </AppShell.Main>
    </AppShell>
  );
}

/**
 * The screens, once the clinic's time zone is known (from the clinic overview): every time they show
 * is on the clinic's clock, whatever zone this computer is set to.
 */
function InClinicTimeZone({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const overview = useClinicOverview();
  // The zone read before stays while a refetch fails (e.g. while the screen is locked).
  const timeZone = overview.data?.timeZone;
  if (timeZone !== undefined) return <ClinicTimeZone value={timeZone}>{children}</ClinicTimeZone>;
  if (overview.isError) return <QueryErrorAlert error={overview.error} />;
  return (
    <Group justify="center" p="xl">
      <Loader aria-label={t('app.loading')} />
    </Group>
  );
}
