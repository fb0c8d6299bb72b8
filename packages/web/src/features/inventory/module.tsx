import { AuditOutlined, DatabaseOutlined, HomeOutlined, SwapOutlined, UnorderedListOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const MovementsPage = lazyPage(() => import('./MovementsPage'), 'MovementsPage');
const StockPage = lazyPage(() => import('./StockPage'), 'StockPage');
const StocktakeDetailPage = lazyPage(() => import('./StocktakeDetailPage'), 'StocktakeDetailPage');
const StocktakesPage = lazyPage(() => import('./StocktakesPage'), 'StocktakesPage');
const TransfersPage = lazyPage(() => import('./TransfersPage'), 'TransfersPage');
const WarehousesPage = lazyPage(() => import('./WarehousesPage'), 'WarehousesPage');

export const inventoryModule: FeatureModule = {
  key: 'inventory',
  groups: [
    {
      key: 'inventory',
      labelKey: 'navInventory.inventory',
      order: 200,
      items: [
        { key: 'stock', path: '/inventory', permission: 'inventory.read', icon: <DatabaseOutlined />, labelKey: 'navInventory.stock' },
        {
          key: 'movements',
          path: '/inventory/movements',
          permission: 'inventory.read',
          icon: <UnorderedListOutlined />,
          labelKey: 'navInventory.movements',
        },
        {
          key: 'stocktakes',
          path: '/inventory/stocktakes',
          permission: 'inventory.write',
          icon: <AuditOutlined />,
          labelKey: 'navInventory.stocktakes',
        },
        {
          key: 'transfers',
          path: '/inventory/transfers',
          permission: 'inventory.write',
          icon: <SwapOutlined />,
          labelKey: 'navInventory.transfers',
        },
        {
          key: 'warehouses',
          path: '/inventory/warehouses',
          permission: 'inventory.read',
          icon: <HomeOutlined />,
          labelKey: 'navInventory.warehouses',
        },
      ],
    },
  ],
  routes: [
    { path: 'inventory', permission: 'inventory.read', element: <StockPage /> },
    { path: 'inventory/movements', permission: 'inventory.read', element: <MovementsPage /> },
    { path: 'inventory/stocktakes', permission: 'inventory.write', element: <StocktakesPage /> },
    { path: 'inventory/stocktakes/:id', permission: 'inventory.write', element: <StocktakeDetailPage /> },
    { path: 'inventory/transfers', permission: 'inventory.write', element: <TransfersPage /> },
    { path: 'inventory/warehouses', permission: 'inventory.read', element: <WarehousesPage /> },
  ],
};
