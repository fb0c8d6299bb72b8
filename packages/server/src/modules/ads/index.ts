/** What other modules (analytics, reports, diagnosis, the demo, the CLI) may call of paid promotion. */
export { adSummary, overview, plansWithFigures, planDetail } from './ads.service.js';
export { importAdFile, importTaokeFile, type AdImportSummary, type TaokeImportSummary } from './ads.import.js';
export { refreshAdvice, adviceDay } from './ads.advice.js';
export { adSummaryWorkbook, AD_SUMMARY_SHEET } from './ads.export.js';
export { adsRoutes } from './ads.routes.js';
export { adsReport, formatAdsReportText, importAdsSummaryText, importAdsCommand, reportAdsCommand } from './ads.cli.js';
export * as bulk from './bulk.js';
