/**
 * Import of a marketplace's daily traffic statistics (生意参谋-style exports: per product and/or
 * per 流量来源, or the whole shop) into traffic_stats, which the rollup uses instead of tracker
 * events for uv / pv / cart / fav (analytics/rollup.service.ts).
 *
 * Rules (docs/import-formats.md, 流量数据):
 * - The file is streamed (`openRows` of the order import: CSV in UTF-8/GBK, or XLSX). Title rows
 *   above the header are skipped: the header is the first row naming a date and a visitors column.
 * - Levels: a file with 商品ID (or 商家编码) holds product rows, otherwise whole-shop rows
 *   (product_id ''); with 流量来源 per-source rows, otherwise all sources (source_code ''); a
 *   source cell 汇总/全部 is the all-sources row of that day. Rows 合计/汇总 in the date or product
 *   column are the platform's sums and skipped. Finer levels are never summed into coarser ones
 *   (visitors are distinct per slice: a sum would count a visitor twice).
 * - Idempotent: for every day in the file, the shop's rows of the levels the file holds for that
 *   day are replaced by the file's good rows (one transaction). Importing the same file again
 *   changes nothing; a later file for one day replaces only that day; a shop-level file and a
 *   product-level file of the same day do not replace each other.
 * - Unknown 流量来源 names are row errors (never guessed into 其他): the user adds the name to the
 *   source tree or to the mapping's `sources`, and imports again. Unknown 商品ID are row errors
 *   naming the id (matched via listings.channel_item_id of the shop, then of any shop, then the
 *   product code / SKU merchant code).
 * - Several rows landing on the same (day, product, source) — two platform names for one of our
 *   sources, two item ids of one product — are added up; the very same row twice is an error.
 * - Afterwards the imported days are marked dirty and recomputed (only those days).
 */
import fs from 'node:fs';
import {
  AppError,
  businessDay,
  compileSourceResolver,
  compileTrafficRowParser,
  isBlankRow,
  looksLikeTrafficHeader,
  matchTrafficHeaders,
  normalizeSourceName,
  trafficFieldSpec,
  trafficMissingColumnsMessage,
  TRAFFIC_FIELDS,
  type CellError,
  type Page,
  type TrafficHeaderMatch,
  type TrafficImportError,
  type TrafficImportField,
  type TrafficImportListInput,
  type TrafficImportLogItem,
  type TrafficImportSummary,
  type TrafficMapping,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB, TrafficStatsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as analytics from '../analytics/index.js';
import * as audit from '../audit/index.js';
import { EXCEL_MAX_ROWS, SHEET_LIMITS, type SheetLimits } from '../../lib/xlsx-read.js';
import { openRows } from '../orders/import/index.js';
import * as shops from '../shops/index.js';
import * as traffic from '../traffic/index.js';

/** Errors returned in one summary (the count goes on). */
export const MAX_REPORTED_ERRORS = 1000;
/** Non-blank rows looked at for the header before giving up. */
const HEADER_SCAN_ROWS = 30;
const INSERT_CHUNK = 500;
/** Statistics files are read streamed, aggregated in memory: a sheet up to Excel's own row limit. */
const TRAFFIC_FILE_LIMITS: SheetLimits = { ...SHEET_LIMITS, maxRows: EXCEL_MAX_ROWS };

export interface TrafficImportOptions {
  shopId: string;
  file: string;
  fileName: string;
  mapping?: TrafficMapping | null | undefined;
  /** The day of a file without a date column (a one-day shop export). */
  day?: string | null | undefined;
  now?: number;
}

type Agg = { uv: number; pv: number; cart: number; fav: number; buyers: number; paid: number };
const SEP = '\u0000';
const levelOf = (productId: string, sourceCode: string) => `${productId ? 'p' : ''}${sourceCode ? 's' : ''}`;

/** Find the header row: the first non-blank row (of the first 30) that names every required field. */
async function readHeader(
  rows: AsyncIterator<{ rowNo: number; cells: string[] }>,
  mapping: TrafficMapping | null | undefined,
  dayGiven: boolean,
): Promise<{ rowNo: number; match: TrafficHeaderMatch }> {
  let first: string[] | null = null;
  for (let seen = 0; seen < HEADER_SCAN_ROWS;) {
    const r = await rows.next();
    if (r.done) break;
    if (isBlankRow(r.value.cells)) continue;
    seen++;
    first ??= r.value.cells;
    if (looksLikeTrafficHeader(r.value.cells, mapping?.columns, dayGiven)) {
      return { rowNo: r.value.rowNo, match: matchTrafficHeaders(r.value.cells, mapping?.columns, { dayGiven }) };
    }
  }
  if (!first) throw new AppError('validation_failed', '文件是空的：没有表头和数据行');
  const missing = matchTrafficHeaders(first, mapping?.columns, { dayGiven }).missing;
  throw new AppError('validation_failed', trafficMissingColumnsMessage(missing), {
    missing: missing.map((m) => m.field),
    headers: first.map((h) => h.replace(/^\uFEFF/, '').trim()).filter((h) => h),
  });
}

/** Product lookup by platform item id or merchant code, cached per file. */
function productResolver(db: Kysely<DB>, orgId: string, shopId: string) {
  const cache = new Map<string, string | null>();
  const byItemId = async (id: string): Promise<string | null> => {
    const own = await db
      .selectFrom('listings')
      .select('product_id')
      .where('org_id', '=', orgId)
      .where('shop_id', '=', shopId)
      .where('channel_item_id', '=', id)
      .executeTakeFirst();
    if (own) return own.product_id;
    const any = await db
      .selectFrom('listings')
      .select('product_id')
      .where('org_id', '=', orgId)
      .where('channel_item_id', '=', id)
      .executeTakeFirst();
    return any?.product_id ?? null;
  };
  const byCode = async (code: string): Promise<string | null> => {
    const p = await db.selectFrom('products').select('id').where('org_id', '=', orgId).where('code', '=', code).executeTakeFirst();
    if (p) return p.id;
    const s = await db.selectFrom('skus').select('product_id').where('org_id', '=', orgId).where('code', '=', code).executeTakeFirst();
    return s?.product_id ?? null;
  };
  return async (itemId: string, merchantCode: string): Promise<string | null> => {
    const key = `${itemId}${SEP}${merchantCode}`;
    if (cache.has(key)) return cache.get(key)!;
    let id: string | null = null;
    if (itemId) id = (await byItemId(itemId)) ?? (await byCode(itemId));
    if (!id && merchantCode) id = await byCode(merchantCode);
    cache.set(key, id);
    return id;
  };
}

/** Import one file for one shop. Throws AppError for file-level problems (nothing written). */
export async function importTrafficFile(db: Kysely<DB>, actor: Actor, opts: TrafficImportOptions): Promise<TrafficImportSummary> {
  const shop = await shops.getVisible(db, actor, opts.shopId);
  const now = opts.now ?? Date.now();
  const today = businessDay(now, shop.timezone);
  if (opts.day && opts.day > today)
    throw new AppError('validation_failed', `日期 ${opts.day} 在未来`, {}, [{ path: 'day', message: '日期在未来' }]);

  const sources = await traffic.listSources(db, actor.orgId);
  const codes = new Set(sources.map((s) => s.code));
  for (const [name, code] of Object.entries(opts.mapping?.sources ?? {})) {
    if (!codes.has(code))
      throw new AppError('validation_failed', `列对应方案把「${name}」对应到来源代码「${code}」，但来源树里没有这个代码`, { name, code }, [
        { path: 'mapping', message: `没有来源代码 ${code}` },
      ]);
  }
  const resolveSource = compileSourceResolver({ sources, overrides: opts.mapping?.sources ?? null });
  const resolveProduct = productResolver(db, actor.orgId, shop.id);

  const src = openRows(opts.file, undefined, { name: opts.fileName, limits: TRAFFIC_FILE_LIMITS });
  const it = src.rows[Symbol.asyncIterator]();
  const header = await readHeader(it, opts.mapping, !!opts.day);
  const match = header.match;
  const parse = compileTrafficRowParser(match, resolveSource, { day: opts.day });
  const label = (f: TrafficImportField) => match.headers[f] ?? trafficFieldSpec(f).label;

  const errors: TrafficImportError[] = [];
  let errorCount = 0;
  const report = (rowNo: number, es: readonly CellError[]) => {
    for (const e of es) {
      errorCount++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ rowNo, ...e });
    }
  };

  const aggs = new Map<string, Agg>();
  const seen = new Map<string, number>(); // the file's own key (raw ids and source text) → first row
  const levels = new Map<string, Set<string>>(); // day → levels present
  let rows = 0;
  let imported = 0;
  let skipped = 0;
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const { rowNo, cells } = r.value;
      if (isBlankRow(cells)) continue;
      rows++;
      const res = parse(cells);
      if (!res.ok) {
        report(rowNo, res.errors);
        continue;
      }
      if (!res.row) {
        skipped++;
        continue;
      }
      const row = res.row;
      if (row.day > today) {
        report(rowNo, [{ column: label('day'), value: row.day, reason: `日期在未来（店铺所在时区今天是 ${today}）` }]);
        continue;
      }
      let productId = '';
      if (match.perProduct) {
        const id = await resolveProduct(row.channelItemId, row.merchantCode);
        if (!id) {
          const byItem = !!row.channelItemId;
          const what = byItem ? row.channelItemId : row.merchantCode;
          report(rowNo, [
            {
              column: label(byItem ? 'channelItemId' : 'merchantCode'),
              value: what,
              reason: `${byItem ? '商品ID' : '商家编码'}「${what}」${row.title ? `（${row.title}）` : ''}没有对应的商品：请在 商品 → 商品详情 → 渠道商品 中登记这个平台商品ID（或填写相同的商家编码）后重新导入`,
            },
          ]);
          continue;
        }
        productId = id;
      }
      const own = [row.day, row.channelItemId, row.merchantCode, normalizeSourceName(row.sourceText)].join(SEP);
      const first = seen.get(own);
      if (first !== undefined) {
        report(rowNo, [
          {
            column: label(match.perSource ? (match.columns.source !== undefined ? 'source' : 'sourceGroup') : 'day'),
            value: row.sourceText || row.day,
            reason: `与第 ${first} 行重复（同一天、同一商品、同一来源）：请删除重复的行`,
          },
        ]);
        continue;
      }
      seen.set(own, rowNo);
      const key = [row.day, productId, row.sourceCode].join(SEP);
      const a = aggs.get(key) ?? { uv: 0, pv: 0, cart: 0, fav: 0, buyers: 0, paid: 0 };
      a.uv += row.uv;
      a.pv += row.pv;
      a.cart += row.cartUv;
      a.fav += row.favUv;
      a.buyers += row.payingBuyers;
      a.paid += row.paidFen;
      aggs.set(key, a);
      let l = levels.get(row.day);
      if (!l) levels.set(row.day, (l = new Set()));
      l.add(levelOf(productId, row.sourceCode));
      imported++;
    }
  } finally {
    await it.return?.();
  }

  const days = [...levels.keys()].sort();
  const values: TrafficStatsTable[] = [...aggs].map(([k, a]) => {
    const [day, product_id, source_code] = k.split(SEP) as [string, string, string];
    return {
      shop_id: shop.id,
      day,
      product_id,
      source_code,
      uv: a.uv,
      pv: a.pv,
      cart_uv: a.cart,
      fav_uv: a.fav,
      paying_buyers: a.buyers,
      paid_fen: a.paid,
      imported_at: now,
    };
  });

  const warnings: string[] = [];
  const absent = (['pv', 'cartUv', 'favUv'] as const)
    .filter((f) => match.columns[f] === undefined)
    .map((f) => `「${trafficFieldSpec(f).label}」`);
  if (absent.length) warnings.push(`文件没有 ${absent.join('、')} 列：导入的这些天按 0 记，会替代埋点数据`);
  if (
    days.length &&
    [...levels.values()].every((l) => l.has('p') || l.has('ps')) &&
    ![...levels.values()].some((l) => l.has('') || l.has('s'))
  ) {
    warnings.push(
      '只导入了商品级数据：店铺整体和来源分析的访客数不会由商品数据相加得出（同一访客会被重复计算），请同时导入店铺级的流量文件',
    );
  }
  if (days.some((d) => levels.get(d)!.has('s') && !levels.get(d)!.has(''))) {
    warnings.push(
      '文件只有分来源的数据、没有「汇总」行：全店访客数不由各来源相加得出（一个访客可能来自多个来源），请另导入不分来源的店铺文件',
    );
  }

  const summary: TrafficImportSummary = {
    shopId: shop.id,
    fileName: opts.fileName,
    encoding: src.encoding,
    days,
    rows,
    imported,
    stored: values.length,
    skipped,
    perProduct: match.perProduct,
    perSource: match.perSource,
    headerRow: header.rowNo,
    columns: Object.fromEntries(TRAFFIC_FIELDS.filter((f) => match.headers[f.field]).map((f) => [f.field, match.headers[f.field]])),
    errorCount,
    errors,
    warnings,
  };

  if (days.length) {
    await db.transaction().execute(async (trx) => {
      for (const day of days) {
        for (const level of levels.get(day)!) {
          let q = trx.deleteFrom('traffic_stats').where('shop_id', '=', shop.id).where('day', '=', day);
          q = level.includes('p') ? q.where('product_id', '<>', '') : q.where('product_id', '=', '');
          q = level.includes('s') ? q.where('source_code', '<>', '') : q.where('source_code', '=', '');
          await q.execute();
        }
      }
      for (let i = 0; i < values.length; i += INSERT_CHUNK)
        await trx
          .insertInto('traffic_stats')
          .values(values.slice(i, i + INSERT_CHUNK))
          .execute();
      await audit.record(trx, actor, 'traffic.import', {
        entityType: 'traffic_stats',
        entityId: shop.id,
        shopId: shop.id,
        after: {
          fileName: summary.fileName,
          days: summary.days,
          rows: summary.rows,
          imported: summary.imported,
          stored: summary.stored,
          skipped: summary.skipped,
          errorCount: summary.errorCount,
          perProduct: summary.perProduct,
          perSource: summary.perSource,
        },
      });
    });
    await analytics.markDirty(db, shop.id, days, { urgent: true });
    await analytics.recomputeDays(db, shop.id, days);
  }
  return summary;
}

/** Preview for the mapping screen: the header row found, a few data rows, and the matched columns. */
export async function previewTrafficFile(file: string, mapping?: TrafficMapping | null, fileName?: string) {
  const src = openRows(file, undefined, { name: fileName, limits: TRAFFIC_FILE_LIMITS });
  const it = src.rows[Symbol.asyncIterator]();
  const blank = { encoding: src.encoding, headerRow: 0, headers: [] as string[], rows: [] as string[][] };
  try {
    const scanned: { rowNo: number; cells: string[] }[] = [];
    let header: { rowNo: number; cells: string[] } | null = null;
    for (let r = await it.next(); !r.done && scanned.length < HEADER_SCAN_ROWS; r = await it.next()) {
      if (isBlankRow(r.value.cells)) continue;
      scanned.push(r.value);
      if (looksLikeTrafficHeader(r.value.cells, mapping?.columns, true)) {
        header = r.value;
        break;
      }
    }
    header ??= scanned[0] ?? null;
    if (!header) return { ...blank, mapping: {}, missing: ['day', 'uv'], fields: fieldList() };
    const rows: string[][] = [];
    const after = scanned.slice(scanned.indexOf(header) + 1).map((r) => r.cells);
    rows.push(...after);
    for (let r = await it.next(); !r.done && rows.length < 10; r = await it.next())
      if (!isBlankRow(r.value.cells)) rows.push(r.value.cells);
    const m = matchTrafficHeaders(header.cells, mapping?.columns);
    return {
      encoding: src.encoding,
      headerRow: header.rowNo,
      headers: header.cells.map((h) => h.replace(/^\uFEFF/, '').trim()),
      rows: rows.slice(0, 10),
      mapping: m.headers,
      missing: m.missing.map((x) => x.field),
      fields: fieldList(),
    };
  } finally {
    await it.return?.();
  }
}

function fieldList() {
  return TRAFFIC_FIELDS.map((f) => ({ field: f.field, label: f.label, en: f.en, required: !!f.required }));
}

/** Past imports (the audit log's `traffic.import` entries), newest first, scoped to the shops the actor sees. */
export async function listImports(db: Kysely<DB>, actor: Actor, q: TrafficImportListInput): Promise<Page<TrafficImportLogItem>> {
  if (q.shopId) await shops.getVisible(db, actor, q.shopId);
  const page = await audit.search(db, actor, {
    action: 'traffic.import',
    ...(q.shopId ? { shopId: q.shopId } : {}),
    page: q.page,
    pageSize: q.pageSize,
  });
  const items = page.items.map((e) => {
    const a = (e.after ?? {}) as Partial<TrafficImportLogItem>;
    return {
      id: e.id,
      shopId: e.shopId,
      at: Number(e.at),
      actorName: e.actorName,
      fileName: a.fileName ?? '',
      days: a.days ?? [],
      rows: a.rows ?? 0,
      imported: a.imported ?? 0,
      stored: a.stored ?? 0,
      errorCount: a.errorCount ?? 0,
    };
  });
  return { items, total: page.total, page: q.page, pageSize: q.pageSize };
}

/** Remove an uploaded file (ignoring one already gone). */
export function removeUpload(file: string): void {
  fs.rmSync(file, { force: true });
}
