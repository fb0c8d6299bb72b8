/** What other modules may call. */
export {
  ensureSeeded,
  listSources,
  sourceTree,
  loadRules,
  listKeys,
  createKey,
  revokeKey,
  type SourceDto,
  type CollectKeyDto,
} from './traffic.service.js';
export { ingestEvents, isBot, collect, MAX_BATCH, type IngestShop } from './collect.service.js';
export { classifySource, orderRules, STARTER_RULES, FALLBACK_SOURCE, type SourceRule, type ClassifyInput } from './classify.js';
export { TRACKER_JS } from './tracker.js';
export { trafficRoutes, trackerRoutes } from './traffic.routes.js';
export * as bulk from './bulk.js';
export { rezoneEvents } from './zone.js';
export { paidVisitorsByHour } from './hourly.js';
