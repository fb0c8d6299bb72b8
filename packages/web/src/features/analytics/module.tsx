import { AccountBookOutlined, DashboardOutlined, FundOutlined, ShoppingOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const DashboardPage = lazyPage(() => import('./DashboardPage'), 'DashboardPage');
const ProductDetailPage = lazyPage(() => import('./ProductDetailPage'), 'ProductDetailPage');
const ProductsPage = lazyPage(() => import('./ProductsPage'), 'ProductsPage');
const TradePage = lazyPage(() => import('./TradePage'), 'TradePage');
const TrafficPage = lazyPage(() => import('./TrafficPage'), 'TrafficPage');

export const analyticsModule: FeatureModule = {
  key: 'analytics',
  groups: [
    {
      key: 'analytics',
      labelKey: 'navAnalytics.group',
      order: 50,
      items: [
        {
          key: 'dashboard',
          path: '/dashboard',
          permission: 'analytics.read',
          icon: <DashboardOutlined />,
          labelKey: 'navAnalytics.dashboard',
        },
        {
          key: 'analytics-traffic',
          path: '/analytics/traffic',
          permission: 'analytics.read',
          icon: <FundOutlined />,
          labelKey: 'navAnalytics.traffic',
        },
        {
          key: 'analytics-products',
          path: '/analytics/products',
          permission: 'analytics.read',
          icon: <ShoppingOutlined />,
          labelKey: 'navAnalytics.products',
        },
        {
          key: 'analytics-trade',
          path: '/analytics/trade',
          permission: 'analytics.read',
          icon: <AccountBookOutlined />,
          labelKey: 'navAnalytics.trade',
        },
      ],
    },
  ],
  routes: [
    { path: 'dashboard', permission: 'analytics.read', element: <DashboardPage /> },
    { path: 'analytics/traffic', permission: 'analytics.read', element: <TrafficPage /> },
    { path: 'analytics/products', permission: 'analytics.read', element: <ProductsPage /> },
    { path: 'analytics/products/:productId', permission: 'analytics.read', element: <ProductDetailPage /> },
    { path: 'analytics/trade', permission: 'analytics.read', element: <TradePage /> },
  ],
};
