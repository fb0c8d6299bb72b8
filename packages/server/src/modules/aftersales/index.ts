/** What other modules may call. */
export { checkOverdue, getCase, listCases, createCase, ensureReasons } from './aftersales.service.js';
export { AFTERSALE_TRANSITIONS, SLA_HOURS, slaDueAt } from './aftersales.transitions.js';
