export { raise, raiseOnce, resolve, list, markRead, raisedOnce } from './notifications.service.js';
export { makeNotificationEmailHandler, NOTIFICATION_EMAIL_JOB_TYPE, notificationEmailTuning } from './emails.js';
export type { RaiseInput } from './notifications.service.js';
export * as bulk from './bulk.js';
