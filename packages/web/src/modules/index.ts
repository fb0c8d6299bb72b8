import { adsModule } from '../features/ads/module';
import { aftersalesModule } from '../features/aftersales/module';
import { analyticsModule } from '../features/analytics/module';
import { trafficModule } from '../features/traffic/module';
import { trafficImportModule } from '../features/traffic-import/module';
import { catalogModule } from '../features/catalog/module';
import { customersModule } from '../features/customers/module';
import { outreachModule } from '../features/outreach/module';
import { marketingModule } from '../features/marketing/module';
import { diagnosisModule } from '../features/diagnosis/module';
import { importsModule } from '../features/imports/module';
import { inventoryModule } from '../features/inventory/module';
import { ordersModule } from '../features/orders/module';
import { purchasingModule } from '../features/purchasing/module';
import { reportsModule } from '../features/reports/module';
import { reviewsModule } from '../features/reviews/module';
import { serviceModule } from '../features/service/module';
import { teamModule } from '../features/tasks/module';
import { targetsModule } from '../features/targets/module';
import { settingsModule } from './settings';
import type { FeatureModule, NavGroup } from './types';

/** Every feature module of the console. Add a feature here (one import, one entry). */
export const MODULES: readonly FeatureModule[] = [
  catalogModule,
  inventoryModule,
  purchasingModule,
  ordersModule,
  importsModule,
  aftersalesModule,
  customersModule,
  outreachModule,
  marketingModule,
  diagnosisModule,
  adsModule,
  analyticsModule,
  trafficModule,
  trafficImportModule,
  reportsModule,
  reviewsModule,
  serviceModule,
  teamModule,
  targetsModule,
  settingsModule,
];

export function navGroups(): NavGroup[] {
  return MODULES.flatMap((m) => m.groups).sort((a, b) => a.order - b.order);
}

export type { FeatureModule, FeatureTexts, NavGroup, NavItem, ModuleRoute } from './types';
