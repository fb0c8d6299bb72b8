import { SETTINGS_PAGES } from '../components/navigation';
import type { FeatureModule } from './types';
import { lazyPage } from './lazyPage';

const AuditPage = lazyPage(() => import('../features/audit/AuditPage'), 'AuditPage');
const RolesPage = lazyPage(() => import('../features/roles/RolesPage'), 'RolesPage');
const ShopsPage = lazyPage(() => import('../features/shops/ShopsPage'), 'ShopsPage');
const TokensPage = lazyPage(() => import('../features/tokens/TokensPage'), 'TokensPage');
const UsersPage = lazyPage(() => import('../features/users/UsersPage'), 'UsersPage');

const PAGES = { users: <UsersPage />, roles: <RolesPage />, shops: <ShopsPage />, tokens: <TokensPage />, audit: <AuditPage /> };

export const settingsModule: FeatureModule = {
  key: 'settings',
  groups: [
    {
      key: 'settings',
      labelKey: 'nav.settings',
      order: 1000,
      items: SETTINGS_PAGES.map((p) => ({ key: p.key, path: p.path, permission: p.permission, icon: p.icon, labelKey: `nav.${p.key}` })),
    },
  ],
  routes: SETTINGS_PAGES.map((p) => ({ path: p.path.slice(1), permission: p.permission, element: PAGES[p.key] })),
};
