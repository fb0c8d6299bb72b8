/**
 * The reports API contract (运营日报 / 周报 / 月报 and their export), stated once: route
 * validation and OpenAPI, the service's input type and the console's request types.
 */
import { z } from 'zod';
import { REPORT_KINDS } from '../reports.js';
import { BusinessDay } from './analytics.js';

export const ReportParams = z.object({ kind: z.enum(REPORT_KINDS) });

/** The shop (default: every visible shop) and any day of the period (default: yesterday for a daily report, today otherwise). */
export const ReportQuery = z.object({ shopId: z.string().max(64).optional(), date: BusinessDay.optional() });
export type ReportRequest = z.input<typeof ReportParams> & z.input<typeof ReportQuery>;
/** What `buildReport` takes. */
export type ReportInput = z.output<typeof ReportParams> & z.output<typeof ReportQuery>;

export const ReportExportQuery = ReportQuery.extend({ format: z.enum(['xlsx', 'csv']).default('xlsx') });
export type ReportExportRequest = z.input<typeof ReportParams> & z.input<typeof ReportExportQuery>;
