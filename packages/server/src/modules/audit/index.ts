export { record, search } from './audit.service.js';
export type { AuditInput, AuditFilter } from './audit.service.js';
