import { BulbOutlined, CloudUploadOutlined, DashboardOutlined, ExperimentOutlined, FundProjectionScreenOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const AdsOverviewPage = lazyPage(() => import('./AdsOverviewPage'), 'AdsOverviewPage');
const AdPlansPage = lazyPage(() => import('./AdPlansPage'), 'AdPlansPage');
const AdPlanDetailPage = lazyPage(() => import('./AdPlanDetailPage'), 'AdPlanDetailPage');
const AdAdvicePage = lazyPage(() => import('./AdAdvicePage'), 'AdAdvicePage');
const AdAbPage = lazyPage(() => import('./AdAbPage'), 'AdAbPage');
const AdImportPage = lazyPage(() => import('./AdImportPage'), 'AdImportPage');

export const adsModule: FeatureModule = {
  key: 'ads',
  groups: [
    {
      key: 'ads',
      labelKey: 'ads.nav.group',
      order: 420,
      items: [
        { key: 'ads-overview', path: '/ads', permission: 'ads.read', icon: <DashboardOutlined />, labelKey: 'ads.nav.overview' },
        { key: 'ads-plans', path: '/ads/plans', permission: 'ads.read', icon: <FundProjectionScreenOutlined />, labelKey: 'ads.nav.plans' },
        { key: 'ads-advice', path: '/ads/advice', permission: 'ads.read', icon: <BulbOutlined />, labelKey: 'ads.nav.advice' },
        { key: 'ads-ab', path: '/ads/ab', permission: 'ads.read', icon: <ExperimentOutlined />, labelKey: 'ads.nav.ab' },
        { key: 'ads-import', path: '/ads/import', permission: 'ads.write', icon: <CloudUploadOutlined />, labelKey: 'ads.nav.import' },
      ],
    },
  ],
  routes: [
    { path: 'ads', permission: 'ads.read', element: <AdsOverviewPage /> },
    { path: 'ads/plans', permission: 'ads.read', element: <AdPlansPage /> },
    { path: 'ads/plans/:id', permission: 'ads.read', element: <AdPlanDetailPage /> },
    { path: 'ads/advice', permission: 'ads.read', element: <AdAdvicePage /> },
    { path: 'ads/ab', permission: 'ads.read', element: <AdAbPage /> },
    { path: 'ads/import', permission: 'ads.write', element: <AdImportPage /> },
  ],
};
