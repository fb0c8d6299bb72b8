/** What other modules may call. */
export { checkOverdue, getCase, listCases } from './aftersales.queries.js';
export { createCase } from './aftersales.service.js';
export { ensureReasons } from './aftersales.reasons.js';
export { AFTERSALE_TRANSITIONS, SLA_HOURS, slaDueAt } from './aftersales.transitions.js';
export * as bulk from './bulk.js';
