/** What other modules (analytics, reports, diagnosis, the demo, the CLI) may call of paid promotion. */
export { adSummary, overview, plansWithFigures, planDetail, shopAdTotals } from './ads.service.js';
export { importAdFile, importTaokeFile, type AdImportSummary, type TaokeImportSummary } from './ads.import.js';
export { refreshAdvice, adviceDay } from './ads.advice.js';
export { adSummaryWorkbook, AD_SUMMARY_SHEET } from './ads.export.js';
export { adsRoutes } from './ads.routes.js';
export { adsReport, formatAdsReportText, importAdsSummaryText, importAdsCommand, reportAdsCommand } from './ads.cli.js';
export * as bulk from './bulk.js';
/** Each plan's daily spend and ad sales (the what-if fits the ad sales' response to spend on them). */
export { planDays, type PlanDays } from './ads.figures.js';
export { pacing, enterSpendNow } from './ads.pacing.js';
