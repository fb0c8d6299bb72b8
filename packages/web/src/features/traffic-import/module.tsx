import { CloudUploadOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const TrafficImportPage = lazyPage(() => import('./TrafficImportPage'), 'TrafficImportPage');

export const trafficImportModule: FeatureModule = {
  key: 'traffic-import',
  groups: [
    {
      key: 'traffic-import',
      labelKey: 'navTrafficImport.group',
      order: 901,
      items: [
        {
          key: 'traffic-import',
          path: '/traffic/import',
          permission: 'traffic.manage',
          icon: <CloudUploadOutlined />,
          labelKey: 'navTrafficImport.import',
        },
      ],
    },
  ],
  routes: [{ path: 'traffic/import', permission: 'traffic.manage', element: <TrafficImportPage /> }],
};
