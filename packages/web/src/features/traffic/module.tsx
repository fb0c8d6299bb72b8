import { BranchesOutlined, CodeOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const SourcesPage = lazyPage(() => import('./SourcesPage'), 'SourcesPage');
const TrackingPage = lazyPage(() => import('./TrackingPage'), 'TrackingPage');

export const trafficModule: FeatureModule = {
  key: 'traffic',
  groups: [
    {
      key: 'traffic-settings',
      labelKey: 'navTraffic.group',
      order: 900,
      items: [
        {
          key: 'traffic-sources',
          path: '/traffic/sources',
          permission: 'analytics.read',
          icon: <BranchesOutlined />,
          labelKey: 'navTraffic.sources',
        },
        {
          key: 'traffic-tracking',
          path: '/traffic/tracking',
          permission: 'traffic.manage',
          icon: <CodeOutlined />,
          labelKey: 'navTraffic.tracking',
        },
      ],
    },
  ],
  routes: [
    { path: 'traffic/sources', permission: 'analytics.read', element: <SourcesPage /> },
    { path: 'traffic/tracking', permission: 'traffic.manage', element: <TrackingPage /> },
  ],
};
