import { Tabs } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AuditPanel } from './AuditPanel';
import { BackupsPanel } from './BackupsPanel';
import { SchedulingPanel } from './SchedulingPanel';
import { SecurityPanel } from './SecurityPanel';
import { UsersScreen } from './UsersScreen';

type AdminTab = 'users' | 'security' | 'scheduling' | 'backups' | 'audit';

/** Administration (administrators only; Rust refuses every command here to anyone else). */
export function AdministrationScreen({ currentUserId }: { currentUserId: string }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<AdminTab>('users');
  return (
    <Tabs
      value={tab}
      onChange={(value) => {
        if (
          value === 'users' ||
          value === 'security' ||
          value === 'scheduling' ||
          value === 'backups' ||
          value === 'audit'
        )
          setTab(value);
      }}
      keepMounted={false}
    >
      <Tabs.List mb="lg">
        <Tabs.Tab value="users" data-testid="admin-tab-users">
          {t('admin.tabs.users')}
        </Tabs.Tab>
        <Tabs.Tab value="security" data-testid="admin-tab-security">
          {t('admin.tabs.security')}
        </Tabs.Tab>
        <Tabs.Tab value="scheduling" data-testid="admin-tab-scheduling">
          {t('admin.tabs.scheduling')}
        </Tabs.Tab>
        <Tabs.Tab value="backups" data-testid="admin-tab-backups">
          {t('admin.tabs.backups')}
        </Tabs.Tab>
        <Tabs.Tab value="audit" data-testid="admin-tab-audit">
          {t('admin.tabs.audit')}
        </Tabs.Tab>
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
      <Tabs.Panel value="backups">
        <BackupsPanel />
      </Tabs.Panel>
      <Tabs.Panel value="audit">
        <AuditPanel />
      </Tabs.Panel>
    </Tabs>
  );
}
