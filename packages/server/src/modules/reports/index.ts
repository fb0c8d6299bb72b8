/** What other modules (and the CLI) may call. */
export { buildReport, reportScope, periodFigures } from './reports.service.js';
export { reportXlsx, reportCsv, reportFileName, contentDisposition } from './reports.export.js';
export { formatReportText } from './reports.text.js';
export { exportEventsFile, EVENT_EXPORT_HEADER } from './events.export.js';
export { reportsRoutes } from './reports.routes.js';
