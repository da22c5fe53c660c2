import { Tabs } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/permissions';
import type { Action } from '../../api/types';
import { AuditPanel } from './AuditPanel';
import { BackupsPanel } from './BackupsPanel';
import { SchedulingPanel } from './SchedulingPanel';
import { SecurityPanel } from './SecurityPanel';
import { UsersScreen } from './UsersScreen';
import { SyncPanel } from '../sync/SyncPanel';

type AdminTab = 'users' | 'security' | 'scheduling' | 'sync' | 'backups' | 'audit';

/** The tabs, each shown to those who may do what it is for. */
const TABS = [
  { tab: 'users', labelKey: 'admin.tabs.users', opensWith: 'manage_users' },
  { tab: 'security', labelKey: 'admin.tabs.security', opensWith: 'manage_settings' },
  { tab: 'scheduling', labelKey: 'admin.tabs.scheduling', opensWith: 'manage_settings' },
  { tab: 'sync', labelKey: 'admin.tabs.sync', opensWith: 'manage_settings' },
  { tab: 'backups', labelKey: 'admin.tabs.backups', opensWith: 'manage_backups' },
  { tab: 'audit', labelKey: 'admin.tabs.audit', opensWith: 'view_audit' },
] as const satisfies readonly { tab: AdminTab; labelKey: string; opensWith: Action }[];

/** Administration: users, security, scheduling settings, the clinic server, backups and the audit log. */
export function AdministrationScreen({ currentUserId }: { currentUserId: string }) {
  const { t } = useTranslation();
  const can = useCan();
  const tabs = TABS.filter(({ opensWith }) => can(opensWith));
  const [chosen, setChosen] = useState<AdminTab | null>(null);
  const shown = tabs.find(({ tab }) => tab === chosen) ?? tabs[0];
  return (
    <Tabs
      value={shown?.tab ?? null}
      onChange={(value) => {
        const next = tabs.find(({ tab }) => tab === value);
        if (next) setChosen(next.tab);
      }}
      keepMounted={false}
    >
      <Tabs.List mb="lg">
        {tabs.map(({ tab, labelKey }) => (
          <Tabs.Tab key={tab} value={tab} data-testid={`admin-tab-${tab}`}>
            {t(labelKey)}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      <Tabs.Panel value="users">
        <UsersScreen currentUserId={currentUserId} />
      </Tabs.Panel>
      <Tabs.Panel value="security">
        <SecurityPanel />
      </Tabs.Panel>
      <Tabs.Panel value="scheduling">
        <SchedulingPanel />
      </Tabs.Panel>
      <Tabs.Panel value="sync">
        <SyncPanel />
      </Tabs.Panel>
      <Tabs.Panel value="backups">
        <BackupsPanel />
      </Tabs.Panel>
      <Tabs.Panel value="audit">
        <AuditPanel />
      </Tabs.Panel>
    </Tabs>
  );
}
