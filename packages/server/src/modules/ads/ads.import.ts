/**
 * Import of the ad tools' daily reports (docs/import-formats.md, 推广报表) and of 淘宝客 commission
 * orders.
 *
 * - The file is streamed (`openRows` of the order import: CSV in UTF-8/GBK, or XLSX); title rows
 *   above the header are skipped: the header is the first row naming the plan and a figure column.
 * - The level of a file is the set of dimension columns it has (plan only, unit, keyword, creative
 *   or a combination); figures are read per plan-day from the coarsest level stored (ads.figures.ts).
 * - Idempotent: for every day in the file, the shop's rows of that tool, day and level are replaced
 *   by the file's good rows, in one transaction. Importing the same file again changes nothing.
 * - An hourly file (分时报表: an hour column 小时/时段, 0–23) replaces the tool's hours of its days
 *   (ad_hourly, summed per plan and hour) and stores its plan-day sums at level 'h' of ad_daily:
 *   the figures read a plan-day from a plan-level daily report when there is one, else from these
 *   sums, never both. The hours feed budget pacing (ads.pacing.ts).
 * - Plans are found by (shop, tool, name) and created when new (status active, no budget); a new
 *   plan's units whose text is a product's title or code link that product (break-even ROI).
 * - 淘宝客 orders are keyed by (shop, order no): a later file replaces the order's row.
 */
import {
  AppError,
  AD_PRESETS,
  businessDay,
  compileAdRowParser,
  controlCharCell,
  isBlankRow,
  looksLikeAdHeader,
  matchAdHeaders,
  adMissingColumnsMessage,
  matchTaokeHeaders,
  newId,
  parseTaokeRow,
  TAOKE_HEADERS,
  toolOfFormat,
  type AdCellError,
  type AdField,
  type AdFormat,
  type AdHeaderMatch,
  type AdRow,
  type AdTool,
  type TaokeField,
  type TaokeRow,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import { inChunks, insertBatched } from '../../db/kit.js';
import type { AdDailyTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { EXCEL_MAX_ROWS, SHEET_LIMITS, type SheetLimits } from '../../lib/xlsx-read.js';
import * as audit from '../audit/index.js';
import { openRows } from '../orders/import/index.js';
import * as shops from '../shops/index.js';

export const MAX_REPORTED_ERRORS = 1000;
const HEADER_SCAN_ROWS = 30;
const LIMITS: SheetLimits = { ...SHEET_LIMITS, maxRows: EXCEL_MAX_ROWS };
const SEP = '\u0000';

export interface AdImportOptions {
  shopId: string;
  format: AdFormat;
  /** The tool of a generic file (default 其他推广). */
  tool?: AdTool | null | undefined;
  file: string;
  fileName: string;
  /** The day of a file without a date column. */
  day?: string | null | undefined;
  /** Parse and check only (the console's preview before importing): nothing is written. */
  dryRun?: boolean | undefined;
  now?: number;
}

export interface AdImportError extends AdCellError {
  rowNo: number;
}

export interface AdImportSummary {
  shopId: string;
  tool: AdTool;
  format: AdFormat;
  fileName: string;
  encoding: string;
  headerRow: number;
  level: string;
  columns: Partial<Record<AdField, string>>;
  days: string[];
  rows: number;
  imported: number;
  skipped: number;
  plansCreated: number;
  errorCount: number;
  errors: AdImportError[];
  /** true when nothing was written (a preview). */
  dryRun: boolean;
  /** The first and last day of the good rows (null without any). */
  from: string | null;
  to: string | null;
  /** The first good rows, as they will be stored (figures in fen). */
  preview: AdRow[];
}

/** Good rows returned in a summary's preview. */
export const PREVIEW_ROWS = 20;

async function findHeader(
  it: AsyncIterator<{ rowNo: number; cells: string[] }>,
  test: (cells: string[]) => boolean,
  onMissing: (first: string[]) => never,
): Promise<{ rowNo: number; cells: string[] }> {
  let first: string[] | null = null;
  for (let seen = 0; seen < HEADER_SCAN_ROWS;) {
    const r = await it.next();
    if (r.done) break;
    if (isBlankRow(r.value.cells)) continue;
    seen++;
    first ??= r.value.cells;
    if (test(r.value.cells)) return r.value;
  }
  if (!first) throw new AppError('validation_failed', '文件是空的：没有表头和数据行');
  return onMissing(first);
}

/** Import one ad report file for one shop. File-level problems throw (nothing written). */
export async function importAdFile(db: Kysely<DB>, actor: Actor, opts: AdImportOptions): Promise<AdImportSummary> {
  if (!(opts.format in AD_PRESETS)) throw new AppError('validation_failed', `未知的报表格式「${opts.format}」`);
  const shop = await shops.getVisible(db, actor, opts.shopId);
  const tool = toolOfFormat(opts.format, opts.tool ?? null);
  const now = opts.now ?? Date.now();
  const today = businessDay(now, shop.timezone);
  const dayGiven = !!opts.day;
  const src = openRows(opts.file, undefined, { name: opts.fileName, limits: LIMITS });
  const it = src.rows[Symbol.asyncIterator]();
  const errors: AdImportError[] = [];
  let errorCount = 0;
  const report = (rowNo: number, es: readonly AdCellError[]) => {
    for (const e of es) {
      errorCount++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ rowNo, ...e });
    }
  };
  const good = new Map<string, { rowNo: number; row: AdRow }>();
  let match: AdHeaderMatch;
  let headerRow: number;
  let rows = 0;
  let skipped = 0;
  try {
    const header = await findHeader(
      it,
      (cells) => looksLikeAdHeader(cells, opts.format, dayGiven),
      (first) => {
        const missing = matchAdHeaders(first, opts.format, dayGiven).missing;
        throw new AppError('validation_failed', adMissingColumnsMessage(missing, opts.format), {
          missing,
          headers: first.map((h) => h.replace(/^\uFEFF/, '').trim()).filter(Boolean),
        });
      },
    );
    headerRow = header.rowNo;
    match = matchAdHeaders(header.cells, opts.format, dayGiven);
    const parse = compileAdRowParser(match, { day: opts.day ?? null });
    const dayLabel = match.headers.day ?? '日期';
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const { rowNo, cells } = r.value;
      if (isBlankRow(cells)) continue;
      rows++;
      // PostgreSQL cannot store U+0000 and the other controls are invisible: reported on the row.
      const control = controlCharCell(cells, match.columns, (f) => match.headers[f as AdField] ?? f);
      if (control) {
        report(rowNo, [control]);
        continue;
      }
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
        report(rowNo, [{ column: dayLabel, value: row.day, reason: `日期在未来（店铺所在时区今天是 ${today}）：请检查日期列` }]);
        continue;
      }
      const key = [row.day, row.hour ?? '', row.plan, row.unit, row.keyword, row.creative].join(SEP);
      const first = good.get(key);
      if (first) {
        report(rowNo, [
          {
            column: match.headers.plan ?? '计划名称',
            value: row.plan,
            reason: `与第 ${first.rowNo} 行重复（同一天${row.hour === undefined ? '' : '、同一小时'}、同一计划${match.level ? '、同一单元/关键词/创意' : ''}）：请删除重复的行，或导出按日的明细报表`,
          },
        ]);
        continue;
      }
      good.set(key, { rowNo, row });
    }
  } finally {
    await it.return?.();
  }

  const list = [...good.values()].map((g) => g.row);
  // An hourly file (分时报表, with an hour column) is stored by hour (ad_hourly) and as its plan-day
  // sums at level 'h' of ad_daily, which the figures read only without a plan-level daily row.
  const hourly = match!.columns.hour !== undefined;
  const level = hourly ? 'h' : match!.level;
  const days = [...new Set(list.map((r) => r.day))].sort();
  const names = [...new Set(list.map((r) => r.plan))];
  let plansCreated = 0;
  if (opts.dryRun && days.length) {
    // The plans the import would create: those of the file not yet known in the shop for this tool.
    const known = await inChunks(names, (chunk) =>
      db.selectFrom('ad_plans').select('name').where('shop_id', '=', shop.id).where('tool', '=', tool).where('name', 'in', chunk).execute(),
    );
    plansCreated = names.length - new Set(known.map((k) => k.name)).size;
  }
  if (days.length && !opts.dryRun) {
    await db.transaction().execute(async (trx) => {
      const existing = await inChunks(names, (chunk) =>
        trx
          .selectFrom('ad_plans')
          .select(['id', 'name'])
          .where('shop_id', '=', shop.id)
          .where('tool', '=', tool)
          .where('name', 'in', chunk)
          .execute(),
      );
      const ids = new Map(existing.map((p) => [p.name, p.id]));
      const fresh = names.filter((n) => !ids.has(n));
      for (const name of fresh) ids.set(name, newId('adp'));
      if (fresh.length) {
        await insertBatched(
          trx,
          'ad_plans',
          fresh.map((name) => ({
            id: ids.get(name)!,
            org_id: actor.orgId,
            shop_id: shop.id,
            tool,
            name,
            daily_budget_fen: null,
            bid_fen: null,
            status: 'active',
            created_at: now,
            updated_at: now,
          })),
        );
        plansCreated = fresh.length;
        await linkUnits(
          trx,
          actor.orgId,
          fresh.map((n) => ids.get(n)!),
          list,
          ids,
        );
      }
      await inChunks(days, async (chunk) => {
        await trx
          .deleteFrom('ad_daily')
          .where('shop_id', '=', shop.id)
          .where('tool', '=', tool)
          .where('level', '=', level)
          .where('day', 'in', chunk)
          .execute();
        if (hourly)
          await trx.deleteFrom('ad_hourly').where('shop_id', '=', shop.id).where('tool', '=', tool).where('day', 'in', chunk).execute();
        return [];
      });
      const daily = hourly ? sumRows(list, (r) => [r.day, r.plan]) : list;
      const values: AdDailyTable[] = daily.map((r) => ({
        id: newId('adr'),
        shop_id: shop.id,
        plan_id: ids.get(r.plan)!,
        tool,
        day: r.day,
        level,
        unit: hourly ? '' : r.unit,
        keyword: hourly ? '' : r.keyword,
        creative: hourly ? '' : r.creative,
        impressions: r.impressions,
        clicks: r.clicks,
        spend_fen: r.spendFen,
        orders: r.orders,
        sales_fen: r.salesFen,
        favs: r.favs,
        carts: r.carts,
        imported_at: now,
      }));
      await insertBatched(trx, 'ad_daily', values);
      if (hourly)
        await insertBatched(
          trx,
          'ad_hourly',
          sumRows(list, (r) => [r.day, r.plan, String(r.hour)]).map((r) => ({
            id: newId('adh'),
            shop_id: shop.id,
            plan_id: ids.get(r.plan)!,
            tool,
            day: r.day,
            hour: r.hour!,
            impressions: r.impressions,
            clicks: r.clicks,
            spend_fen: r.spendFen,
            orders: r.orders,
            sales_fen: r.salesFen,
            imported_at: now,
          })),
        );
      await audit.record(trx, actor, 'ads.import', {
        entityType: 'ad_daily',
        entityId: shop.id,
        shopId: shop.id,
        after: {
          fileName: opts.fileName,
          tool,
          format: opts.format,
          level,
          days,
          rows,
          imported: list.length,
          errorCount,
          plansCreated,
        },
      });
    });
  }
  return {
    shopId: shop.id,
    tool,
    format: opts.format,
    fileName: opts.fileName,
    encoding: src.encoding,
    headerRow: headerRow!,
    level,
    columns: match!.headers,
    days,
    rows,
    imported: list.length,
    skipped,
    plansCreated,
    errorCount,
    errors,
    dryRun: !!opts.dryRun,
    from: days[0] ?? null,
    to: days[days.length - 1] ?? null,
    preview: list.slice(0, PREVIEW_ROWS),
  };
}

/** Rows summed by a key (an hourly file's plan-days, or plan-day-hours). */
function sumRows(rows: readonly AdRow[], keyOf: (r: AdRow) => string[]): AdRow[] {
  const out = new Map<string, AdRow>();
  for (const r of rows) {
    const k = keyOf(r).join(SEP);
    const e = out.get(k);
    if (!e) out.set(k, { ...r, unit: '', keyword: '', creative: '' });
    else {
      e.impressions += r.impressions;
      e.clicks += r.clicks;
      e.spendFen += r.spendFen;
      e.orders += r.orders;
      e.salesFen += r.salesFen;
      e.favs += r.favs;
      e.carts += r.carts;
    }
  }
  return [...out.values()];
}

/** New plans promote the products their units name (exact title or product code). */
async function linkUnits(db: Kysely<DB>, orgId: string, planIds: readonly string[], rows: readonly AdRow[], ids: Map<string, string>) {
  const wanted = new Set(planIds);
  const unitsOf = new Map<string, Set<string>>();
  for (const r of rows) {
    const id = ids.get(r.plan)!;
    if (!wanted.has(id) || !r.unit) continue;
    (unitsOf.get(id) ?? unitsOf.set(id, new Set()).get(id)!).add(r.unit);
  }
  const units = [...new Set([...unitsOf.values()].flatMap((s) => [...s]))];
  if (!units.length) return;
  const found = await inChunks(units, (chunk) =>
    db
      .selectFrom('products')
      .select(['id', 'title', 'code'])
      .where('org_id', '=', orgId)
      .where((eb) => eb.or([eb('title', 'in', chunk), eb('code', 'in', chunk)]))
      .execute(),
  );
  const byText = new Map<string, string>();
  for (const p of found) {
    byText.set(p.title, p.id);
    if (p.code) byText.set(p.code, p.id);
  }
  const links: { plan_id: string; product_id: string }[] = [];
  for (const [planId, set] of unitsOf) {
    const products = new Set([...set].map((u) => byText.get(u)).filter((x): x is string => !!x));
    for (const product_id of products) links.push({ plan_id: planId, product_id });
  }
  if (links.length) await insertBatched(db, 'ad_plan_products', links);
}

export interface TaokeImportSummary {
  shopId: string;
  fileName: string;
  encoding: string;
  rows: number;
  imported: number;
  days: string[];
  errorCount: number;
  errors: AdImportError[];
}

/** Import 淘宝客 commission orders (淘宝联盟 推广订单明细). */
export async function importTaokeFile(
  db: Kysely<DB>,
  actor: Actor,
  opts: { shopId: string; file: string; fileName: string; now?: number },
): Promise<TaokeImportSummary> {
  const shop = await shops.getVisible(db, actor, opts.shopId);
  const now = opts.now ?? Date.now();
  const today = businessDay(now, shop.timezone);
  const src = openRows(opts.file, undefined, { name: opts.fileName, limits: LIMITS });
  const it = src.rows[Symbol.asyncIterator]();
  const errors: AdImportError[] = [];
  let errorCount = 0;
  const report = (rowNo: number, es: readonly AdCellError[]) => {
    for (const e of es) {
      errorCount++;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ rowNo, ...e });
    }
  };
  const good = new Map<string, TaokeRow & { rowNo: number }>();
  let rows = 0;
  try {
    const header = await findHeader(
      it,
      (cells) => matchTaokeHeaders(cells).missing.length === 0,
      (first) => {
        const missing = matchTaokeHeaders(first).missing;
        throw new AppError(
          'validation_failed',
          `淘宝客订单文件缺少必需的列 ${missing.map((f) => `「${TAOKE_HEADERS[f].zh}」`).join('、')}：请从淘宝联盟导出推广订单明细。可识别的列名：${missing
            .map((f) => `${TAOKE_HEADERS[f].zh}（可写：${TAOKE_HEADERS[f].names.join('/')}）`)
            .join('；')}`,
          { missing },
        );
      },
    );
    const { columns } = matchTaokeHeaders(header.cells);
    for (let r = await it.next(); !r.done; r = await it.next()) {
      const { rowNo, cells } = r.value;
      if (isBlankRow(cells)) continue;
      rows++;
      const control = controlCharCell(cells, columns, (f) => TAOKE_HEADERS[f as TaokeField].zh);
      if (control) {
        report(rowNo, [control]);
        continue;
      }
      const res = parseTaokeRow(cells, columns);
      if (!res.ok) {
        report(rowNo, res.errors);
        continue;
      }
      if (res.row.day > today) {
        report(rowNo, [{ column: TAOKE_HEADERS.day.zh, value: res.row.day, reason: `日期在未来（店铺所在时区今天是 ${today}）` }]);
        continue;
      }
      const dup = good.get(res.row.orderNo);
      if (dup) {
        report(rowNo, [
          { column: TAOKE_HEADERS.orderNo.zh, value: res.row.orderNo, reason: `与第 ${dup.rowNo} 行是同一订单：请删除重复的行` },
        ]);
        continue;
      }
      good.set(res.row.orderNo, { ...res.row, rowNo });
    }
  } finally {
    await it.return?.();
  }
  const list = [...good.values()];
  if (list.length) {
    await db.transaction().execute(async (trx) => {
      await inChunks(
        list.map((r) => r.orderNo),
        async (chunk) => {
          await trx.deleteFrom('ad_taoke_orders').where('shop_id', '=', shop.id).where('order_no', 'in', chunk).execute();
          return [];
        },
      );
      await insertBatched(
        trx,
        'ad_taoke_orders',
        list.map((r) => ({
          id: newId('adt'),
          shop_id: shop.id,
          order_no: r.orderNo,
          day: r.day,
          product: r.product,
          item_id: r.itemId,
          rate_ppm: r.ratePpm,
          commission_fen: r.commissionFen,
          paid_fen: r.paidFen,
          imported_at: now,
        })),
      );
      await audit.record(trx, actor, 'ads.taoke.import', {
        entityType: 'ad_taoke_orders',
        entityId: shop.id,
        shopId: shop.id,
        after: { fileName: opts.fileName, rows, imported: list.length, errorCount },
      });
    });
  }
  return {
    shopId: shop.id,
    fileName: opts.fileName,
    encoding: src.encoding,
    rows,
    imported: list.length,
    days: [...new Set(list.map((r) => r.day))].sort(),
    errorCount,
    errors,
  };
}
