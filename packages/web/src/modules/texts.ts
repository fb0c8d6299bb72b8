import { adsTexts } from '../features/ads/i18n';
import { aftersalesTexts } from '../features/aftersales/i18n';
import { analyticsTexts } from '../features/analytics/i18n';
import { trafficTexts } from '../features/traffic/i18n';
import { trafficImportTexts } from '../features/traffic-import/i18n';
import { catalogTexts } from '../features/catalog/i18n';
import { customersTexts } from '../features/customers/i18n';
import { outreachTexts } from '../features/outreach/i18n';
import { marketingTexts } from '../features/marketing/i18n';
import { diagnosisTexts } from '../features/diagnosis/i18n';
import { importsTexts } from '../features/imports/i18n';
import { inventoryTexts } from '../features/inventory/i18n';
import { ordersTexts } from '../features/orders/i18n';
import { purchasingTexts } from '../features/purchasing/i18n';
import { reportsTexts } from '../features/reports/i18n';
import { reviewsTexts } from '../features/reviews/i18n';
import { serviceTexts } from '../features/service/i18n';
import { teamTexts } from '../features/tasks/i18n';
import { targetsTexts } from '../features/targets/i18n';
import { notifyMailTexts } from '../features/account/i18n';
import type { FeatureTexts } from './types';

/** The UI text of every feature module (each feature's `i18n.ts`). Add one import and one entry per feature. */
export const MODULE_TEXTS: readonly FeatureTexts[] = [
  catalogTexts,
  inventoryTexts,
  purchasingTexts,
  ordersTexts,
  importsTexts,
  aftersalesTexts,
  customersTexts,
  outreachTexts,
  marketingTexts,
  diagnosisTexts,
  adsTexts,
  analyticsTexts,
  trafficTexts,
  trafficImportTexts,
  reportsTexts,
  reviewsTexts,
  serviceTexts,
  teamTexts,
  targetsTexts,
  notifyMailTexts,
];
