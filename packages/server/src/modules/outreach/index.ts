/** What other modules (reviews alerts, the morning digest, the jobs registry, the server) may call. */
export {
  sendEmail,
  makeOutreachHandler,
  resumeDue,
  OUTREACH_JOB_TYPE,
  outreachTuning,
  quietUntil,
  startOutreachTimer,
} from './outreach.service.js';
export { outreachRoutes } from './outreach.routes.js';
