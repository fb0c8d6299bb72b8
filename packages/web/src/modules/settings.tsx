import { SETTINGS_PAGES } from '../components/navigation';
import { AuditPage } from '../features/audit/AuditPage';
import { RolesPage } from '../features/roles/RolesPage';
import { ShopsPage } from '../features/shops/ShopsPage';
import { TokensPage } from '../features/tokens/TokensPage';
import { UsersPage } from '../features/users/UsersPage';
import type { FeatureModule } from './types';

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
