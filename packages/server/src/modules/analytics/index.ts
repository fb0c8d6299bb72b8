/** What other modules may call. */
export {
  markDirty,
  markDirtyInsert,
  markOrderDaysDirty,
  recomputeDays,
  recomputeDirty,
  refreshForRead,
  startRollupTimer,
  TODAY_MAX_AGE_MS,
} from './rollup.service.js';
export { buildDay } from './rollup-build.js';
export { trafficReport, trade } from './analytics.service.js';
export { slicePayConversion } from './traffic-report.js';
export { dashboard } from './dashboard.service.js';
export { products, productDetail } from './products.service.js';
export { resolveScope, dailySeries, sumRollups, sumsToTotals, dayPoint, productInfo, type Scope, type Sums } from './rollup-read.js';
export { analyticsRoutes } from './analytics.routes.js';
export * as bulk from './bulk.js';
