import type { ReactNode } from 'react';
import { ApiOutlined, AuditOutlined, SafetyOutlined, ShopOutlined, TeamOutlined } from '@ant-design/icons';

/** The settings pages, each with the permission that opens it; menu, home links and routes use this. */
export interface SettingsPage {
  key: 'users' | 'roles' | 'shops' | 'tokens' | 'audit';
  path: string;
  permission: string;
  icon: ReactNode;
}

export const SETTINGS_PAGES: readonly SettingsPage[] = [
  { key: 'users', path: '/settings/users', permission: 'users.read', icon: <TeamOutlined /> },
  { key: 'roles', path: '/settings/roles', permission: 'roles.read', icon: <SafetyOutlined /> },
  { key: 'shops', path: '/settings/shops', permission: 'shops.read', icon: <ShopOutlined /> },
  { key: 'tokens', path: '/settings/tokens', permission: 'tokens.manage', icon: <ApiOutlined /> },
  { key: 'audit', path: '/settings/audit', permission: 'audit.read', icon: <AuditOutlined /> },
];
