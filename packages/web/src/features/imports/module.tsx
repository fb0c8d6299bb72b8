import { CloudUploadOutlined, HistoryOutlined, LinkOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const ImportJobPage = lazyPage(() => import('./ImportJobPage'), 'ImportJobPage');
const ImportJobsPage = lazyPage(() => import('./ImportJobsPage'), 'ImportJobsPage');
const ImportPage = lazyPage(() => import('./ImportPage'), 'ImportPage');
const UnmatchedPage = lazyPage(() => import('./UnmatchedPage'), 'UnmatchedPage');

export const importsModule: FeatureModule = {
  key: 'imports',
  groups: [
    {
      key: 'orders-import',
      labelKey: 'imports.nav.group',
      order: 310,
      items: [
        { key: 'imports', path: '/imports', permission: 'orders.import', icon: <CloudUploadOutlined />, labelKey: 'imports.nav.orders' },
        {
          key: 'imports-jobs',
          path: '/imports/jobs',
          permission: 'orders.import',
          icon: <HistoryOutlined />,
          labelKey: 'imports.nav.jobs',
        },
        {
          key: 'imports-unmatched',
          path: '/imports/unmatched',
          permission: 'orders.import',
          icon: <LinkOutlined />,
          labelKey: 'imports.nav.unmatched',
        },
      ],
    },
  ],
  routes: [
    { path: 'imports', permission: 'orders.import', element: <ImportPage /> },
    { path: 'imports/jobs', permission: 'orders.import', element: <ImportJobsPage /> },
    { path: 'imports/jobs/:id', permission: 'orders.import', element: <ImportJobPage /> },
    { path: 'imports/unmatched', permission: 'orders.import', element: <UnmatchedPage /> },
  ],
};
