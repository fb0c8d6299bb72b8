import { CheckSquareOutlined, ProjectOutlined, UnorderedListOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const TasksPage = lazyPage(() => import('./TasksPage'), 'TasksPage');
const ChecklistPage = lazyPage(() => import('./ChecklistPage'), 'ChecklistPage');
const PlansPage = lazyPage(() => import('./PlansPage'), 'PlansPage');
const PlanDetailPage = lazyPage(() => import('./PlanDetailPage'), 'PlanDetailPage');

export const teamModule: FeatureModule = {
  key: 'team',
  groups: [
    {
      key: 'team',
      labelKey: 'team.nav.group',
      order: 57,
      items: [
        { key: 'checks', path: '/checks', permission: 'tasks.read', icon: <CheckSquareOutlined />, labelKey: 'team.nav.checks' },
        { key: 'tasks', path: '/tasks', permission: 'tasks.read', icon: <UnorderedListOutlined />, labelKey: 'team.nav.tasks' },
        { key: 'plans', path: '/plans', permission: 'tasks.read', icon: <ProjectOutlined />, labelKey: 'team.nav.plans' },
      ],
    },
  ],
  routes: [
    { path: 'tasks', permission: 'tasks.read', element: <TasksPage /> },
    { path: 'checks', permission: 'tasks.read', element: <ChecklistPage /> },
    { path: 'plans', permission: 'tasks.read', element: <PlansPage /> },
    { path: 'plans/:id', permission: 'tasks.read', element: <PlanDetailPage /> },
  ],
};
