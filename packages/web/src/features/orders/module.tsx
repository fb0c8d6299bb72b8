import { ExclamationCircleOutlined, ShoppingCartOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const OrderCreatePage = lazyPage(() => import('./OrderCreatePage'), 'OrderCreatePage');
const OrderDetailPage = lazyPage(() => import('./OrderDetailPage'), 'OrderDetailPage');
const OrdersPage = lazyPage(() => import('./OrdersPage'), 'OrdersPage');

export const ordersModule: FeatureModule = {
  key: 'orders',
  groups: [
    {
      key: 'orders',
      labelKey: 'orders.nav.group',
      order: 300,
      items: [
        { key: 'orders', path: '/orders', permission: 'orders.read', icon: <ShoppingCartOutlined />, labelKey: 'orders.nav.list' },
        {
          key: 'orders-exceptions',
          path: '/orders/exceptions',
          permission: 'orders.read',
          icon: <ExclamationCircleOutlined />,
          labelKey: 'orders.nav.exceptions',
        },
      ],
    },
  ],
  routes: [
    { path: 'orders', permission: 'orders.read', element: <OrdersPage key="all" /> },
    { path: 'orders/exceptions', permission: 'orders.read', element: <OrdersPage key="exceptions" mode="exceptions" /> },
    { path: 'orders/new', permission: 'orders.write', element: <OrderCreatePage /> },
    { path: 'orders/:id', permission: 'orders.read', element: <OrderDetailPage /> },
  ],
};
