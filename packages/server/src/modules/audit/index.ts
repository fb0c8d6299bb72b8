export { record, recordInsert, search } from './audit.service.js';
export type { AuditInput } from './audit.service.js';
