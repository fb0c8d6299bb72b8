import { BarChartOutlined, CommentOutlined } from '@ant-design/icons';
import type { FeatureModule } from '../../modules/types';
import { lazyPage } from '../../modules/lazyPage';

const ReviewsPage = lazyPage(() => import('./ReviewsPage'), 'ReviewsPage');
const ReviewDetailPage = lazyPage(() => import('./ReviewDetailPage'), 'ReviewDetailPage');
const ReviewInsightsPage = lazyPage(() => import('./ReviewInsightsPage'), 'ReviewInsightsPage');

/** 评价管理 group: the review list with follow-up, and the insights (DSR, repeated complaints, tag dictionary). */
export const reviewsModule: FeatureModule = {
  key: 'reviews',
  groups: [
    {
      key: 'reviews',
      labelKey: 'reviews.nav.group',
      order: 390,
      items: [
        { key: 'reviews', path: '/reviews', permission: 'reviews.read', icon: <CommentOutlined />, labelKey: 'reviews.nav.list' },
        {
          key: 'reviews-insights',
          path: '/reviews/insights',
          permission: 'reviews.read',
          icon: <BarChartOutlined />,
          labelKey: 'reviews.nav.insights',
        },
      ],
    },
  ],
  routes: [
    { path: 'reviews', permission: 'reviews.read', element: <ReviewsPage /> },
    { path: 'reviews/insights', permission: 'reviews.read', element: <ReviewInsightsPage /> },
    { path: 'reviews/:id', permission: 'reviews.read', element: <ReviewDetailPage /> },
  ],
};
