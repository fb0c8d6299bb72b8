import { CalculatorOutlined, CalendarOutlined, GiftOutlined, TagsOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const PromotionsPage = lazyPage(() => import('./PromotionsPage'), 'PromotionsPage');
const CouponsPage = lazyPage(() => import('./CouponsPage'), 'CouponsPage');
const CartSimulatorPage = lazyPage(() => import('./CartSimulatorPage'), 'CartSimulatorPage');
const CalendarPage = lazyPage(() => import('./CalendarPage'), 'CalendarPage');

export const marketingModule: FeatureModule = {
  key: 'marketing',
  groups: [
    {
      key: 'marketing',
      labelKey: 'marketing.nav.group',
      order: 385,
      items: [
        {
          key: 'marketing-promotions',
          path: '/marketing/promotions',
          permission: 'marketing.read',
          icon: <TagsOutlined />,
          labelKey: 'marketing.nav.promotions',
        },
        {
          key: 'marketing-coupons',
          path: '/marketing/coupons',
          permission: 'marketing.read',
          icon: <GiftOutlined />,
          labelKey: 'marketing.nav.coupons',
        },
        {
          key: 'marketing-simulator',
          path: '/marketing/simulator',
          permission: 'marketing.read',
          icon: <CalculatorOutlined />,
          labelKey: 'marketing.nav.simulator',
        },
        {
          key: 'marketing-calendar',
          path: '/marketing/calendar',
          permission: 'marketing.read',
          icon: <CalendarOutlined />,
          labelKey: 'marketing.nav.calendar',
        },
      ],
    },
  ],
  routes: [
    { path: 'marketing/promotions', permission: 'marketing.read', element: <PromotionsPage /> },
    { path: 'marketing/coupons', permission: 'marketing.read', element: <CouponsPage /> },
    { path: 'marketing/simulator', permission: 'marketing.read', element: <CartSimulatorPage /> },
    { path: 'marketing/calendar', permission: 'marketing.read', element: <CalendarPage /> },
  ],
};
