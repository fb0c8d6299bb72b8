export { raise, resolve, list, markRead } from './notifications.service.js';
export type { RaiseInput } from './notifications.service.js';
export * as bulk from './bulk.js';
