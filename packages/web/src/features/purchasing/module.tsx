import { ShopOutlined, ShoppingCartOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const PurchaseOrdersPage = lazyPage(() => import('./PurchaseOrdersPage'), 'PurchaseOrdersPage');
const SuppliersPage = lazyPage(() => import('./SuppliersPage'), 'SuppliersPage');

export const purchasingModule: FeatureModule = {
  key: 'purchasing',
  groups: [
    {
      key: 'purchasing',
      labelKey: 'navPurchasing.purchasing',
      order: 250,
      items: [
        {
          key: 'purchase-orders',
          path: '/purchasing/orders',
          permission: 'purchasing.write',
          icon: <ShoppingCartOutlined />,
          labelKey: 'navPurchasing.orders',
        },
        {
          key: 'suppliers',
          path: '/purchasing/suppliers',
          permission: 'purchasing.write',
          icon: <ShopOutlined />,
          labelKey: 'navPurchasing.suppliers',
        },
      ],
    },
  ],
  routes: [
    { path: 'purchasing/orders', permission: 'purchasing.write', element: <PurchaseOrdersPage /> },
    { path: 'purchasing/suppliers', permission: 'purchasing.write', element: <SuppliersPage /> },
  ],
};
