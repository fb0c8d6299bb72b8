/**
 * The order-import API contract (imports routes): pages of jobs, bad rows and unmatched lines,
 * mapping presets, and mapping unmatched lines to a SKU. Upload fields (multipart) are checked
 * with the same format and mapping schemas.
 */
import { z } from 'zod';
import { PageQuery } from '../api.js';
import { IMPORT_FORMATS } from '../import.js';

/** A page of import jobs, bad rows or unmatched lines, optionally of one shop. */
export const ImportPageQuery = PageQuery.extend({ shopId: z.string().optional() });
export type ImportPageInput = z.output<typeof ImportPageQuery>;
export type ImportPageRequest = z.input<typeof ImportPageQuery>;

/** Which column header feeds which import field (`{ 字段: 表头 }`), for the generic format. */
export const ImportMapping = z.record(z.string(), z.string());

export const ImportFormatSchema = z.enum(IMPORT_FORMATS, { message: `格式必须是 ${IMPORT_FORMATS.join(' / ')} 之一` });

/** Save a generic mapping under a name (an existing name is replaced). */
export const ImportPresetBody = z.object({
  name: z.string().trim().min(1, '请填写方案名称').max(60, '方案名称最多 60 个字'),
  mapping: ImportMapping,
});
export type ImportPresetInput = z.output<typeof ImportPresetBody>;
export type ImportPresetRequest = z.input<typeof ImportPresetBody>;

/** Link a shop's unmatched lines (by merchant code and/or platform item id) to a SKU. */
export const MapUnmatchedBody = z.object({
  shopId: z.string().min(1, '请选择店铺'),
  merchantCode: z.string().max(80).optional(),
  channelItemId: z.string().max(80).optional(),
  skuId: z.string().min(1, '请选择 SKU'),
});
export type MapUnmatchedInput = z.output<typeof MapUnmatchedBody>;
export type MapUnmatchedRequest = z.input<typeof MapUnmatchedBody>;

/** What an order import counted (its job result; also what the command line prints). */
export interface ImportCounts {
  rows: number;
  ordersCreated: number;
  ordersUpdated: number;
  ordersUnchanged: number;
  lines: number;
  linesChanged: number;
  unmatchedLines: number;
  ordersWithoutItems: number;
  errors: number;
}
