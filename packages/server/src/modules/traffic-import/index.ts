/** What other modules may call. */
export { importTrafficFile, previewTrafficFile, listImports, MAX_REPORTED_ERRORS } from './trafficImport.service.js';
export type { TrafficImportOptions, TrafficImportLogItem } from './trafficImport.service.js';
export type { TrafficImportSummary, TrafficImportError } from '@yunying/core';
export { trafficImportRoutes } from './trafficImport.routes.js';
