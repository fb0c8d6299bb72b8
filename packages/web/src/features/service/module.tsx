import { AuditOutlined, CustomerServiceOutlined, ScheduleOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const ServiceFiguresPage = lazyPage(() => import('./ServiceFiguresPage'), 'ServiceFiguresPage');
const QaPage = lazyPage(() => import('./QaPage'), 'QaPage');
const StaffingPage = lazyPage(() => import('./StaffingPage'), 'StaffingPage');

/** 客服 group: figures per agent (with the chat import), QA sampling, the Erlang C staffing plan. */
export const serviceModule: FeatureModule = {
  key: 'service',
  groups: [
    {
      key: 'service',
      labelKey: 'service.nav.group',
      order: 395,
      items: [
        {
          key: 'service',
          path: '/service',
          permission: 'service.read',
          icon: <CustomerServiceOutlined />,
          labelKey: 'service.nav.figures',
        },
        { key: 'service-qa', path: '/service/qa', permission: 'service.read', icon: <AuditOutlined />, labelKey: 'service.nav.qa' },
        {
          key: 'service-staffing',
          path: '/service/staffing',
          permission: 'service.read',
          icon: <ScheduleOutlined />,
          labelKey: 'service.nav.staffing',
        },
      ],
    },
  ],
  routes: [
    { path: 'service', permission: 'service.read', element: <ServiceFiguresPage /> },
    { path: 'service/qa', permission: 'service.read', element: <QaPage /> },
    { path: 'service/staffing', permission: 'service.read', element: <StaffingPage /> },
  ],
};
