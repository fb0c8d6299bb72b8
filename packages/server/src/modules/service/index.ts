/** What other modules may call: the chat import (CLI, demo) and enquiries per buyer (the customers module's 咨询 lifecycle). */
export { importChatsFile, enquiriesByCustomer, figures, staffingPlan } from './service.service.js';
export type { ChatImportSummary } from './service.service.js';
export { staffingFromArgs, formatStaffingText, formatChatImportText } from './service.cli.js';
export * as bulk from './bulk.js';
