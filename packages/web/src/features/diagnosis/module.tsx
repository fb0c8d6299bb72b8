import { MedicineBoxOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const DiagnosisPage = lazyPage(() => import('./DiagnosisPage'), 'DiagnosisPage');

export const diagnosisModule: FeatureModule = {
  key: 'diagnosis',
  groups: [
    {
      key: 'diagnosis',
      labelKey: 'diagnosis.nav.group',
      order: 55,
      items: [
        {
          key: 'diagnosis',
          path: '/diagnosis',
          permission: 'analytics.read',
          icon: <MedicineBoxOutlined />,
          labelKey: 'diagnosis.nav.list',
        },
      ],
    },
  ],
  routes: [{ path: 'diagnosis', permission: 'analytics.read', element: <DiagnosisPage /> }],
};
