import { ClockCircleOutlined, CustomerServiceOutlined, TagsOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const AftersaleDetailPage = lazyPage(() => import('./AftersaleDetailPage'), 'AftersaleDetailPage');
const AftersalesPage = lazyPage(() => import('./AftersalesPage'), 'AftersalesPage');
const ReasonsPage = lazyPage(() => import('./ReasonsPage'), 'ReasonsPage');

export const aftersalesModule: FeatureModule = {
  key: 'aftersales',
  groups: [
    {
      key: 'aftersales',
      labelKey: 'aftersales.nav.group',
      order: 350,
      items: [
        {
          key: 'aftersales',
          path: '/aftersales',
          permission: 'aftersales.read',
          icon: <CustomerServiceOutlined />,
          labelKey: 'aftersales.nav.list',
        },
        {
          key: 'aftersales-overdue',
          path: '/aftersales/overdue',
          permission: 'aftersales.read',
          icon: <ClockCircleOutlined />,
          labelKey: 'aftersales.nav.overdue',
        },
        {
          key: 'aftersales-reasons',
          path: '/aftersales/reasons',
          permission: 'aftersales.write',
          icon: <TagsOutlined />,
          labelKey: 'aftersales.nav.reasons',
        },
      ],
    },
  ],
  routes: [
    { path: 'aftersales', permission: 'aftersales.read', element: <AftersalesPage key="all" /> },
    { path: 'aftersales/overdue', permission: 'aftersales.read', element: <AftersalesPage key="overdue" mode="overdue" /> },
    { path: 'aftersales/reasons', permission: 'aftersales.write', element: <ReasonsPage /> },
    { path: 'aftersales/:id', permission: 'aftersales.read', element: <AftersaleDetailPage /> },
  ],
};
