/** What other modules may call. */
export { importTrafficFile, previewTrafficFile, listImports, MAX_REPORTED_ERRORS } from './trafficImport.service.js';
export type { TrafficImportOptions } from './trafficImport.service.js';
export type { TrafficImportSummary, TrafficImportError, TrafficImportLogItem } from '@yunying/core';
export { trafficImportRoutes } from './trafficImport.routes.js';
export * as bulk from './bulk.js';
