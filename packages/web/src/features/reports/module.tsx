import { FileTextOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const ReportsPage = lazyPage(() => import('./ReportsPage'), 'ReportsPage');

export const reportsModule: FeatureModule = {
  key: 'reports',
  groups: [
    {
      key: 'reports',
      labelKey: 'navReports.group',
      order: 60,
      items: [
        { key: 'reports', path: '/reports', permission: 'analytics.read', icon: <FileTextOutlined />, labelKey: 'navReports.reports' },
      ],
    },
  ],
  routes: [{ path: 'reports', permission: 'analytics.read', element: <ReportsPage /> }],
};
