import { AimOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const TargetBoardPage = lazyPage(() => import('./TargetBoardPage'), 'TargetBoardPage');

export const targetsModule: FeatureModule = {
  key: 'targets',
  groups: [
    {
      key: 'targets',
      labelKey: 'targets.nav.group',
      order: 70,
      items: [{ key: 'targets', path: '/targets', permission: 'analytics.read', icon: <AimOutlined />, labelKey: 'targets.nav.board' }],
    },
  ],
  routes: [{ path: 'targets', permission: 'analytics.read', element: <TargetBoardPage /> }],
};
