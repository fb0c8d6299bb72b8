import { AppstoreOutlined, ApartmentOutlined, SafetyCertificateOutlined, StopOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const BannedWordsPage = lazyPage(() => import('./BannedWordsPage'), 'BannedWordsPage');
const CategoriesPage = lazyPage(() => import('./CategoriesPage'), 'CategoriesPage');
const CheckReportPage = lazyPage(() => import('./CheckReportPage'), 'CheckReportPage');
const ProductEditPage = lazyPage(() => import('./ProductEditPage'), 'ProductEditPage');
const ProductListPage = lazyPage(() => import('./ProductListPage'), 'ProductListPage');

export const catalogModule: FeatureModule = {
  key: 'catalog',
  groups: [
    {
      key: 'products',
      labelKey: 'catalog.nav.group',
      order: 100,
      items: [
        { key: 'products', path: '/products', permission: 'products.read', icon: <AppstoreOutlined />, labelKey: 'catalog.nav.products' },
        {
          key: 'products-check',
          path: '/products/check',
          permission: 'products.read',
          icon: <SafetyCertificateOutlined />,
          labelKey: 'catalog.nav.check',
        },
        {
          key: 'products-words',
          path: '/products/banned-words',
          permission: 'products.write',
          icon: <StopOutlined />,
          labelKey: 'catalog.nav.words',
        },
        {
          key: 'products-categories',
          path: '/products/categories',
          permission: 'products.read',
          icon: <ApartmentOutlined />,
          labelKey: 'catalog.nav.categories',
        },
      ],
    },
  ],
  routes: [
    { path: 'products', permission: 'products.read', element: <ProductListPage /> },
    { path: 'products/new', permission: 'products.write', element: <ProductEditPage /> },
    { path: 'products/check', permission: 'products.read', element: <CheckReportPage /> },
    { path: 'products/banned-words', permission: 'products.write', element: <BannedWordsPage /> },
    { path: 'products/categories', permission: 'products.read', element: <CategoriesPage /> },
    { path: 'products/:id', permission: 'products.read', element: <ProductEditPage /> },
  ],
};
