import { ExclamationCircleOutlined, ShoppingCartOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { OrderCreatePage } from './OrderCreatePage';
import { OrderDetailPage } from './OrderDetailPage';
import { OrdersPage } from './OrdersPage';

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
