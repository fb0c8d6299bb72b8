import { AimOutlined, ExperimentOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const TargetBoardPage = lazyPage(() => import('./TargetBoardPage'), 'TargetBoardPage');
const WhatIfPage = lazyPage(() => import('./WhatIfPage'), 'WhatIfPage');

export const targetsModule: FeatureModule = {
  key: 'targets',
  groups: [
    {
      key: 'targets',
      labelKey: 'targets.nav.group',
      order: 70,
      items: [
        { key: 'targets', path: '/targets', permission: 'analytics.read', icon: <AimOutlined />, labelKey: 'targets.nav.board' },
        { key: 'whatif', path: '/whatif', permission: 'analytics.read', icon: <ExperimentOutlined />, labelKey: 'targets.nav.whatif' },
      ],
    },
  ],
  routes: [
    { path: 'targets', permission: 'analytics.read', element: <TargetBoardPage /> },
    { path: 'whatif', permission: 'analytics.read', element: <WhatIfPage /> },
  ],
};
