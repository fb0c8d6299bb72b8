import { ClusterOutlined, CrownOutlined, MergeCellsOutlined, PieChartOutlined, TeamOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const CustomersPage = lazyPage(() => import('./CustomersPage'), 'CustomersPage');
const CustomerDetailPage = lazyPage(() => import('./CustomerDetailPage'), 'CustomerDetailPage');
const RfmPage = lazyPage(() => import('./RfmPage'), 'RfmPage');
const MergePage = lazyPage(() => import('./MergePage'), 'MergePage');
const SegmentsPage = lazyPage(() => import('./SegmentsPage'), 'SegmentsPage');
const MembershipPage = lazyPage(() => import('./MembershipPage'), 'MembershipPage');

export const customersModule: FeatureModule = {
  key: 'customers',
  groups: [
    {
      key: 'customers',
      labelKey: 'customers.nav.group',
      order: 380,
      items: [
        { key: 'customers', path: '/customers', permission: 'customers.read', icon: <TeamOutlined />, labelKey: 'customers.nav.list' },
        {
          key: 'customers-rfm',
          path: '/customers/rfm',
          permission: 'customers.read',
          icon: <PieChartOutlined />,
          labelKey: 'customers.nav.rfm',
        },
        {
          key: 'customers-segments',
          path: '/customers/segments',
          permission: 'customers.read',
          icon: <ClusterOutlined />,
          labelKey: 'customers.nav.segments',
        },
        {
          key: 'customers-membership',
          path: '/customers/membership',
          permission: 'customers.read',
          icon: <CrownOutlined />,
          labelKey: 'customers.nav.membership',
        },
        {
          key: 'customers-merge',
          path: '/customers/merge',
          permission: 'customers.write',
          icon: <MergeCellsOutlined />,
          labelKey: 'customers.nav.merge',
        },
      ],
    },
  ],
  routes: [
    { path: 'customers', permission: 'customers.read', element: <CustomersPage /> },
    { path: 'customers/rfm', permission: 'customers.read', element: <RfmPage /> },
    { path: 'customers/merge', permission: 'customers.write', element: <MergePage /> },
    { path: 'customers/segments', permission: 'customers.read', element: <SegmentsPage /> },
    { path: 'customers/membership', permission: 'customers.read', element: <MembershipPage /> },
    { path: 'customers/:id', permission: 'customers.read', element: <CustomerDetailPage /> },
  ],
};
