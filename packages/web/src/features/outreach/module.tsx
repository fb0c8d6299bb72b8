import { SendOutlined, SettingOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const CampaignsPage = lazyPage(() => import('./CampaignsPage'), 'CampaignsPage');
const CampaignDetailPage = lazyPage(() => import('./CampaignDetailPage'), 'CampaignDetailPage');
const OutreachSettingsPage = lazyPage(() => import('./SettingsPage'), 'OutreachSettingsPage');

export const outreachModule: FeatureModule = {
  key: 'outreach',
  groups: [
    {
      key: 'outreach',
      labelKey: 'outreach.nav.group',
      order: 385,
      items: [
        { key: 'outreach', path: '/outreach', permission: 'customers.read', icon: <SendOutlined />, labelKey: 'outreach.nav.campaigns' },
        {
          key: 'outreach-settings',
          path: '/outreach/settings',
          permission: 'customers.read',
          icon: <SettingOutlined />,
          labelKey: 'outreach.nav.settings',
        },
      ],
    },
  ],
  routes: [
    { path: 'outreach', permission: 'customers.read', element: <CampaignsPage /> },
    { path: 'outreach/settings', permission: 'customers.read', element: <OutreachSettingsPage /> },
    { path: 'outreach/:id', permission: 'customers.read', element: <CampaignDetailPage /> },
  ],
};
