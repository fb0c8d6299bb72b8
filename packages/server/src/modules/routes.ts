import type { AppInstance } from '../http/types.js';
import { adsRoutes } from './ads/ads.routes.js';
import { aftersalesRoutes } from './aftersales/aftersales.routes.js';
import { analyticsRoutes } from './analytics/analytics.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { catalogRoutes } from './catalog/catalog.routes.js';
import { customersRoutes } from './customers/customers.routes.js';
import { outreachRoutes } from './outreach/outreach.routes.js';
import { marketingRoutes } from './marketing/marketing.routes.js';
import { diagnosisRoutes } from './diagnosis/diagnosis.routes.js';
import { tasksRoutes } from './tasks/tasks.routes.js';
import { targetsRoutes } from './targets/targets.routes.js';
import { demoRoutes } from './demo/demo.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { inventoryRoutes } from './inventory/inventory.routes.js';
import { notificationsRoutes } from './notifications/notifications.routes.js';
import { importRoutes } from './orders/import/import.routes.js';
import { ordersRoutes } from './orders/orders.routes.js';
import { purchasingRoutes } from './purchasing/purchasing.routes.js';
import { reviewsRoutes } from './reviews/reviews.routes.js';
import { serviceRoutes } from './service/service.routes.js';
import { reportsRoutes } from './reports/reports.routes.js';
import { rolesRoutes } from './roles/roles.routes.js';
import { shopsRoutes } from './shops/shops.routes.js';
import { tokensRoutes } from './tokens/tokens.routes.js';
import { trafficRoutes } from './traffic/traffic.routes.js';
import { trafficImportRoutes } from './traffic-import/trafficImport.routes.js';
import { usersRoutes } from './users/users.routes.js';

/** Every module's routes, mounted under /api/v1. Add a module here (one import, one entry). */
export const MODULE_ROUTES: readonly ((app: AppInstance) => Promise<void>)[] = [
  authRoutes,
  usersRoutes,
  rolesRoutes,
  shopsRoutes,
  tokensRoutes,
  auditRoutes,
  catalogRoutes,
  inventoryRoutes,
  purchasingRoutes,
  notificationsRoutes,
  ordersRoutes,
  demoRoutes,
  importRoutes,
  aftersalesRoutes,
  trafficRoutes,
  trafficImportRoutes,
  analyticsRoutes,
  reportsRoutes,
  customersRoutes,
  outreachRoutes,
  marketingRoutes,
  diagnosisRoutes,
  tasksRoutes,
  targetsRoutes,
  adsRoutes,
  reviewsRoutes,
  serviceRoutes,
];
