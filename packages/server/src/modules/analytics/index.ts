/** What other modules may call. */
export {
  markDirty,
  markOrderDaysDirty,
  recomputeDays,
  recomputeDirty,
  refreshForRead,
  startRollupTimer,
  buildDay,
  TODAY_MAX_AGE_MS,
} from './rollup.service.js';
export {
  dashboard,
  trafficReport,
  products,
  productDetail,
  trade,
  resolveScope,
  dailySeries,
  sumRollups,
  sumsToTotals,
  dayPoint,
  productInfo,
  type Scope,
  type Sums,
} from './analytics.service.js';
export { analyticsRoutes } from './analytics.routes.js';
export * as bulk from './bulk.js';
