/** What other modules may call. */
export { importTrafficFile, previewTrafficFile, listImports, MAX_REPORTED_ERRORS } from './trafficImport.service.js';
export type { TrafficImportSummary, TrafficImportError, TrafficImportOptions, TrafficImportLogItem } from './trafficImport.service.js';
export { trafficImportRoutes } from './trafficImport.routes.js';
