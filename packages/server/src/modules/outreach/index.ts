/** What other modules (reviews alerts, the morning digest, the jobs registry, the server) may call. */
export {
  sendEmail,
  sendOneEmail,
  emailConfigured,
  makeOutreachHandler,
  resumeDue,
  OUTREACH_JOB_TYPE,
  outreachTuning,
  quietUntil,
  startOutreachTimer,
} from './outreach.service.js';
export type { SendOneResult } from './outreach.service.js';
export { outreachRoutes } from './outreach.routes.js';
