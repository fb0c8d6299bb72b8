/**
 * Order import from the platforms' export files. Streams rows, groups them into orders, and writes
 * 1,000 orders per transaction with multi-row inserts and one lookup per batch for existing
 * orders, lines and SKUs. Idempotent on (shop, order number): the same file again changes nothing;
 * a later export updates status, times, logistics and refunds and notes the change on the order.
 * Bad rows are reported (file, row, column, value, reason) and skipped; good rows are imported.
 *
 * A batch's orders, their lines, their stock moves, its bad-row reports and the job's checkpoint
 * (counts and the last row done) commit in one transaction. So whenever the process stops, every
 * stored order has its lines, the job's counts equal what is stored, and a resumed run reads on
 * after the last committed row: nothing twice, nothing missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  AppError,
  allocate,
  businessDay,
  fileSpec,
  formatFen,
  isBlankRow,
  matchHeaders,
  missingColumnsMessage,
  newId,
  ORDER_STATUS_LABELS,
  ORDER_TRANSITIONS,
  compileRowParser,
  firstControlChar,
  hasControlChar,
  settleStatus,
  showControlChars,
  type CellError,
  type FileSpec,
  type HeaderMatch,
  type ImportField,
  type ImportFileKind,
  type ImportFormat,
  type OrderStatus,
  type ParsedLine,
  type ParsedRow,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, OrderLinesTable, OrdersTable, ShopsTable } from '../../../db/schema.js';
import { canSeeShop } from '../../../db/kit.js';
import type { Actor } from '../../../http/actor.js';
import * as analytics from '../../analytics/index.js';
import * as audit from '../../audit/index.js';
import * as inventory from '../../inventory/index.js';
import { JobInterrupted } from '../../jobs/index.js';
import { openRows, type FileEncoding } from './reader.js';

export const BATCH_ORDERS = 1000;
/** Errors kept per job (the count goes on; the report says how many were left out). */
export const MAX_STORED_ERRORS = 20_000;

export interface ImportOptions {
  jobId: string;
  shopId: string;
  format: ImportFormat;
  file: string;
  itemsFile?: string | null | undefined;
  mapping?: Partial<Record<string, string>> | null | undefined;
  moveStock?: boolean | undefined;
  /** The files' names as the user knows them (messages never show a server path). */
  names?: { orders?: string | undefined; items?: string | undefined } | undefined;
}

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

export interface ImportSummary extends ImportCounts {
  jobId: string;
  shopId: string;
  format: ImportFormat;
  encoding: { orders: FileEncoding; items?: FileEncoding };
  durationMs: number;
  errorsStored: number;
}

export type ProgressFn = (processed: number, total: number, counts: ImportCounts) => void;

/** Where an import stands after a committed batch: stored with the batch, read back to resume. */
export interface ImportCheckpoint {
  counts: ImportCounts;
  /** The file being read and its last row whose effects are committed (`fileDone`: all of it). */
  file: ImportFileKind;
  afterRow: number;
  fileDone: boolean;
  encodings: { orders?: FileEncoding | undefined; items?: FileEncoding | undefined };
  /** When the job's first run started (orders created since then belong to this job). */
  startedAt: number;
  /** The bad-row report as committed: last sequence number and rows stored. */
  errorSeq: number;
  errorsStored: number;
  /** Set by the closing step: the import is complete and this is its result. */
  summary?: ImportSummary | undefined;
}

/** How a run ties into its job: where to go on from, where to record progress, when to stop. */
export interface ImportRun {
  /** The job's last checkpoint: go on after it instead of from the start. */
  resume?: ImportCheckpoint | null | undefined;
  /** Record the checkpoint in the batch's own transaction (throwing rolls the batch back). */
  checkpoint?: ((trx: Transaction<DB>, cp: ImportCheckpoint) => Promise<void>) | undefined;
  /** Once aborted, the run stops after its next committed batch with `JobInterrupted`. */
  signal?: AbortSignal | undefined;
}

type Group = {
  orderNo: string;
  rowNo: number;
  order: ParsedRow['order'];
  lines: ParsedLine[];
  /** The order was already written earlier in this job (rows not consecutive): lines are appended. */
  append: boolean;
};

const FILE_LABEL: Record<ImportFileKind, string> = { orders: '订单文件', items: '宝贝明细文件' };

class ErrorSink {
  count = 0;
  stored = 0;
  seq = 0;
  private buf: DB['import_errors'][] = [];
  constructor(private readonly jobId: string) {}
  /** Go on from a checkpoint. */
  restore(cp: ImportCheckpoint): void {
    this.count = cp.counts.errors;
    this.stored = cp.errorsStored;
    this.seq = cp.errorSeq;
  }
  add(file: ImportFileKind, rowNo: number, e: CellError): void {
    this.count++;
    if (this.stored >= MAX_STORED_ERRORS) return;
    this.stored++;
    // Shown as \u0000: PostgreSQL cannot store the character itself, and nobody could see it.
    this.buf.push({
      job_id: this.jobId,
      seq: ++this.seq,
      file,
      row_no: rowNo,
      column_name: showControlChars(e.column).slice(0, 60),
      value: showControlChars(e.value).slice(0, 400),
      reason: showControlChars(e.reason).slice(0, 400),
    });
  }
  /** Write the buffered reports in the batch's transaction. */
  async flush(trx: Kysely<DB>): Promise<void> {
    while (this.buf.length) {
      const chunk = this.buf.splice(0, 500);
      await trx.insertInto('import_errors').values(chunk).execute();
    }
  }
}

/** Statuses reachable from `from` by the status machine (a later export may skip steps). */
const REACHABLE = new Map<OrderStatus, Set<OrderStatus>>();
function reachable(from: OrderStatus, to: OrderStatus): boolean {
  let set = REACHABLE.get(from);
  if (!set) {
    set = new Set();
    const queue: OrderStatus[] = [from];
    while (queue.length) {
      const s = queue.shift()!;
      for (const n of ORDER_TRANSITIONS[s] as readonly OrderStatus[]) {
        if (!set.has(n)) {
          set.add(n);
          queue.push(n);
        }
      }
    }
    REACHABLE.set(from, set);
  }
  return set.has(to);
}

function chunks<T>(arr: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < arr.length; i += n) out.push(arr.slice(i, i + n));
  return out;
}

interface SkuMatch {
  skuId: string;
  costFen: number;
}

/** One lookup per batch: SKUs by merchant code, listings by platform item (+ SKU) id. */
async function skuMatcher(
  trx: Kysely<DB>,
  orgId: string,
  shopId: string,
  lines: readonly ParsedLine[],
): Promise<(l: ParsedLine) => SkuMatch | null> {
  const codes = new Set<string>();
  const items = new Set<string>();
  for (const l of lines) {
    if (l.merchantCode) codes.add(l.merchantCode);
    if (l.altCode) codes.add(l.altCode);
    if (l.channelItemId) items.add(l.channelItemId);
  }
  const byCode = new Map<string, SkuMatch>();
  for (const c of chunks([...codes], 500)) {
    const rows = await trx
      .selectFrom('skus')
      .select(['id', 'code', 'cost_fen'])
      .where('org_id', '=', orgId)
      .where('code', 'in', c)
      .execute();
    for (const r of rows) byCode.set(r.code, { skuId: r.id, costFen: Number(r.cost_fen) });
  }
  const byListing = new Map<string, SkuMatch>();
  for (const c of chunks([...items], 500)) {
    const rows = await trx
      .selectFrom('listings')
      .innerJoin('skus', 'skus.id', 'listings.sku_id')
      .select(['listings.channel_item_id', 'listings.channel_sku_id', 'skus.id', 'skus.cost_fen'])
      .where('listings.shop_id', '=', shopId)
      .where('listings.channel_item_id', 'in', c)
      .execute();
    for (const r of rows) byListing.set(`${r.channel_item_id}|${r.channel_sku_id}`, { skuId: r.id, costFen: Number(r.cost_fen) });
  }
  return (l) =>
    (l.merchantCode ? byCode.get(l.merchantCode) : undefined) ??
    (l.altCode ? byCode.get(l.altCode) : undefined) ??
    (l.channelItemId
      ? (byListing.get(`${l.channelItemId}|${l.channelSkuId}`) ?? (l.channelSkuId ? byListing.get(`${l.channelItemId}|`) : undefined))
      : undefined) ??
    null;
}

interface LineValues {
  title: string;
  spec_text: string;
  merchant_code: string;
  channel_item_id: string;
  qty: number;
  unit_price_fen: number;
  discount_fen: number;
  paid_fen: number;
}

/** Split the order discount over lines by gross amount so the fen add up. */
function priceLines(lines: readonly ParsedLine[], discountFen: number): LineValues[] {
  const shares = allocate(
    discountFen,
    lines.map((l) => Math.max(0, l.grossFen)),
  );
  return lines.map((l, i) => ({
    title: l.title.slice(0, 300),
    spec_text: l.specText.slice(0, 300),
    merchant_code: l.merchantCode.slice(0, 80),
    channel_item_id: l.channelItemId.slice(0, 80),
    qty: l.qty,
    unit_price_fen: l.unitPriceFen,
    discount_fen: shares[i]!,
    paid_fen: l.grossFen - shares[i]!,
  }));
}

const LINE_KEYS: (keyof LineValues)[] = [
  'title',
  'spec_text',
  'merchant_code',
  'channel_item_id',
  'qty',
  'unit_price_fen',
  'discount_fen',
  'paid_fen',
];

function sameLine(a: OrderLinesTable, b: LineValues): boolean {
  for (const k of LINE_KEYS) if (String(a[k]) !== String(b[k])) return false;
  return true;
}

/** Order columns an import sets (everything but identity, stock and flags). */
type OrderPatch = Pick<
  OrdersTable,
  | 'status'
  | 'buyer_nick'
  | 'receiver_name'
  | 'receiver_phone'
  | 'receiver_address'
  | 'buyer_note'
  | 'seller_memo'
  | 'goods_fen'
  | 'discount_fen'
  | 'shipping_fen'
  | 'paid_fen'
  | 'refund_fen'
  | 'item_count'
  | 'carrier'
  | 'tracking_no'
  | 'ordered_at'
  | 'paid_at'
  | 'shipped_at'
  | 'completed_at'
  | 'order_day'
  | 'paid_day'
>;
const PATCH_KEYS: (keyof OrderPatch)[] = [
  'status',
  'buyer_nick',
  'receiver_name',
  'receiver_phone',
  'receiver_address',
  'buyer_note',
  'seller_memo',
  'goods_fen',
  'discount_fen',
  'shipping_fen',
  'paid_fen',
  'refund_fen',
  'item_count',
  'carrier',
  'tracking_no',
  'ordered_at',
  'paid_at',
  'shipped_at',
  'completed_at',
  'order_day',
  'paid_day',
];

const dayCache = new Map<string, string>();
/** businessDay, cached per hour (formatting dates is the slowest step of a big import otherwise). */
function dayOf(at: number, tz: string): string {
  const key = `${tz}|${Math.floor(at / 3_600_000)}`;
  let d = dayCache.get(key);
  if (d === undefined) {
    if (dayCache.size > 50_000) dayCache.clear();
    d = businessDay(at, tz);
    dayCache.set(key, d);
  }
  return d;
}

function fen(n: number | null | undefined): string {
  return formatFen(Number(n ?? 0));
}

function describeChange(before: OrdersTable, after: OrderPatch): string {
  const parts: string[] = [];
  if (before.status !== after.status) {
    const a = ORDER_STATUS_LABELS[before.status as OrderStatus]?.zh ?? before.status;
    const b = ORDER_STATUS_LABELS[after.status as OrderStatus]?.zh ?? after.status;
    parts.push(`状态 ${a} → ${b}`);
  }
  if ((before.carrier ?? '') !== (after.carrier ?? '') || (before.tracking_no ?? '') !== (after.tracking_no ?? '')) {
    parts.push(`物流 ${after.carrier ?? ''} ${after.tracking_no ?? ''}`.trim());
  }
  if (Number(before.refund_fen) !== after.refund_fen) parts.push(`退款 ${fen(before.refund_fen)} → ${fen(after.refund_fen)}`);
  if (Number(before.paid_fen) !== after.paid_fen) parts.push(`实付 ${fen(before.paid_fen)} → ${fen(after.paid_fen)}`);
  if (before.paid_at !== after.paid_at && after.paid_at !== null) parts.push('付款时间已更新');
  if (before.shipped_at !== after.shipped_at && after.shipped_at !== null) parts.push('发货时间已更新');
  if (before.completed_at !== after.completed_at && after.completed_at !== null) parts.push('完成时间已更新');
  const other = (['receiver_name', 'receiver_phone', 'receiver_address', 'buyer_note', 'seller_memo', 'buyer_nick'] as const).some(
    (k) => before[k] !== after[k],
  );
  if (other) parts.push('收货信息或备注已更新');
  if (!parts.length) parts.push('订单金额或明细已更新');
  return `导入更新：${parts.join('；')}`;
}

interface Ctx {
  db: Kysely<DB>;
  actor: Actor;
  shop: ShopsTable;
  opts: ImportOptions;
  counts: ImportCounts;
  errors: ErrorSink;
  actorName: string;
  warehouseId: string | null;
  jobStart: number;
  run: ImportRun;
}

// ----------------------------------------------------------------------------- stock

const NEEDS_RESERVE = new Set<OrderStatus>(['paid']);
const NEEDS_SHIP = new Set<OrderStatus>(['shipped', 'delivered', 'completed']);
const RELEASES = new Set<OrderStatus>(['cancelled', 'refunded']);

/**
 * Move stock for an imported order when asked: reserve for paid-unshipped, reserve + ship for
 * shipped; a reserved order that ships or closes later ships or releases. Lines without a SKU
 * cannot move stock and are reported. Returns the order's new stock mode.
 */
async function applyStock(
  trx: Transaction<DB>,
  c: Ctx,
  order: { id: string; order_no: string; stock_mode: string },
  status: OrderStatus,
  lines: readonly { sku_id: string | null; qty: number; title: string }[],
  file: ImportFileKind,
  rowNo: number,
): Promise<string> {
  if (!c.opts.moveStock) return order.stock_mode;
  let steps: ('reserve' | 'ship' | 'release')[] = [];
  let mode = order.stock_mode;
  if (order.stock_mode === 'none') {
    if (NEEDS_RESERVE.has(status)) steps = ['reserve'];
    else if (NEEDS_SHIP.has(status)) steps = ['reserve', 'ship'];
  } else if (order.stock_mode === 'reserved') {
    if (NEEDS_SHIP.has(status)) steps = ['ship'];
    else if (RELEASES.has(status)) steps = ['release'];
  }
  if (!steps.length) return mode;
  c.warehouseId ??= await inventory.defaultWarehouseId(trx, c.actor.orgId);
  const target = steps.includes('ship') ? 'shipped' : steps.includes('release') ? 'released' : 'reserved';
  let moved = false;
  for (const l of lines) {
    if (!l.sku_id) {
      if (order.stock_mode === 'none')
        c.errors.add(file, rowNo, {
          column: '商家编码',
          value: l.title,
          reason: `订单 ${order.order_no} 的商品未匹配到 SKU，未移动库存：在“未匹配商品”中对应 SKU 后可在订单中处理`,
        });
      continue;
    }
    try {
      for (const s of steps) {
        await inventory.moveQty(trx, c.actor, s, l.sku_id, c.warehouseId, l.qty, {
          refType: 'order',
          refId: order.id,
          note: `导入订单 ${order.order_no}`,
        });
      }
      moved = true;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      c.errors.add(file, rowNo, { column: '购买数量', value: String(l.qty), reason: `订单 ${order.order_no}：${err.message}，未移动库存` });
    }
  }
  if (moved) mode = target;
  return mode;
}

// ----------------------------------------------------------------------------- orders

function buildPatch(c: Ctx, spec: FileSpec, g: Group, existing: OrdersTable | undefined): { patch: OrderPatch; lines: LineValues[] } {
  const o = g.order;
  const tz = c.shop.timezone;
  const shipping = o.shippingFen ?? 0;
  let goods: number;
  let itemCount: number;
  if (spec.lineRows && !g.append) {
    goods = g.lines.reduce((s, l) => s + l.grossFen, 0);
    itemCount = g.lines.reduce((s, l) => s + l.qty, 0);
  } else if (existing) {
    goods = Number(existing.goods_fen);
    itemCount = existing.item_count;
    if (spec.lineRows) {
      goods += g.lines.reduce((s, l) => s + l.grossFen, 0);
      itemCount += g.lines.reduce((s, l) => s + l.qty, 0);
    }
  } else {
    goods = o.goodsFen ?? Math.max(0, (o.paidFen ?? 0) - shipping);
    itemCount = o.itemCount ?? 0;
  }
  const explicitDiscount = o.discountFen;
  const paid = o.paidFen ?? goods + shipping - (explicitDiscount ?? 0);
  const discount = Math.max(0, goods + shipping - paid);
  const refund = o.refundFen ?? 0;
  const status = settleStatus(o.status ?? (o.paidAt ? 'paid' : 'pending_payment'), o.paidAt, paid, refund);
  const orderedAt = o.orderedAt ?? existing?.ordered_at ?? Date.now();
  const patch: OrderPatch = {
    status,
    buyer_nick: (o.buyerNick ?? '').slice(0, 100),
    receiver_name: (o.receiverName ?? '').slice(0, 100),
    receiver_phone: (o.receiverPhone ?? '').slice(0, 40),
    receiver_address: (o.receiverAddress ?? '').slice(0, 400),
    buyer_note: (o.buyerNote ?? '').slice(0, 1000),
    seller_memo: (o.sellerMemo ?? '').slice(0, 1000),
    goods_fen: goods,
    discount_fen: discount,
    shipping_fen: shipping,
    paid_fen: paid,
    refund_fen: refund,
    item_count: itemCount,
    carrier: o.carrier ? o.carrier.slice(0, 40) : null,
    tracking_no: o.trackingNo ? o.trackingNo.slice(0, 60) : null,
    ordered_at: orderedAt,
    paid_at: o.paidAt,
    shipped_at: o.shippedAt,
    completed_at: o.completedAt,
    order_day: dayOf(orderedAt, tz),
    paid_day: o.paidAt === null ? null : dayOf(o.paidAt, tz),
  };
  const lines = spec.lineRows ? priceLines(g.lines, g.append ? 0 : discount) : [];
  return { patch, lines };
}

function changedKeys(existing: OrdersTable, patch: OrderPatch): (keyof OrderPatch)[] {
  const out: (keyof OrderPatch)[] = [];
  for (const k of PATCH_KEYS) {
    const a = existing[k];
    const b = patch[k];
    if ((a === null ? null : String(a)) !== (b === null ? null : String(b))) out.push(k);
  }
  return out;
}

/** Write one batch of orders (from the orders file, or a one-file format) in the batch's transaction. */
async function flushOrders(trx: Transaction<DB>, c: Ctx, spec: FileSpec, groups: Map<string, Group>): Promise<void> {
  if (!groups.size) return;
  const now = Date.now();
  const nos = [...groups.keys()];
  const existing = new Map<string, OrdersTable>();
  for (const ch of chunks(nos, 1000)) {
    const rows = await trx.selectFrom('orders').selectAll().where('shop_id', '=', c.shop.id).where('order_no', 'in', ch).execute();
    for (const r of rows) existing.set(r.order_no, r);
  }
  const existingLines =
    spec.lineRows && existing.size
      ? await linesByOrder(
          trx,
          [...existing.values()].map((r) => r.id),
        )
      : new Map<string, OrderLinesTable[]>();
  const match = spec.lineRows
    ? await skuMatcher(
        trx,
        c.actor.orgId,
        c.shop.id,
        [...groups.values()].flatMap((g) => g.lines),
      )
    : null;

  const newOrders: OrdersTable[] = [];
  const newLines: OrderLinesTable[] = [];
  const events: DB['order_events'][] = [];
  const stockWork: { order: OrdersTable; status: OrderStatus; lines: OrderLinesTable[]; rowNo: number }[] = [];
  /** Business days whose rollups this batch changes. */
  const dirtyDays = new Set<string | null | undefined>();

  for (const g of groups.values()) {
    const ex = existing.get(g.orderNo);
    const { patch, lines } = buildPatch(c, spec, g, ex);
    if (!ex) {
      const row: OrdersTable = {
        id: newId('order'),
        visitor_id: null,
        source_code: null,
        org_id: c.actor.orgId,
        shop_id: c.shop.id,
        channel: c.shop.channel,
        order_no: g.orderNo.slice(0, 80),
        source: 'import',
        stock_mode: 'none',
        warehouse_id: null,
        is_presale: 0,
        urgent: 0,
        logistics_exception: 0,
        delivered_at: null,
        cancelled_at: null,
        created_at: now,
        updated_at: now,
        ...patch,
      };
      newOrders.push(row);
      dirtyDays.add(row.order_day).add(row.paid_day);
      const rows = lines.map((l, i) => lineRow(row.id, i + 1, l, g.lines[i]!, match));
      newLines.push(...rows);
      c.counts.ordersCreated++;
      c.counts.linesChanged += rows.length;
      if (c.opts.moveStock && spec.lineRows)
        stockWork.push({ order: row, status: patch.status as OrderStatus, lines: rows, rowNo: g.rowNo });
      continue;
    }
    // An older export must not move an order backwards (e.g. 已完成 → 待发货).
    const from = ex.status as OrderStatus;
    const to = patch.status as OrderStatus;
    if (from !== to && !reachable(from, to)) {
      c.counts.ordersUnchanged++;
      continue;
    }
    if (!spec.lineRows) {
      // Taobao orders report: goods and item count come from the items file once it was imported.
      patch.goods_fen = Number(ex.goods_fen);
      patch.item_count = ex.item_count;
      patch.discount_fen = Math.max(0, patch.goods_fen + patch.shipping_fen - patch.paid_fen);
    }
    let linesChanged = false;
    if (spec.lineRows) {
      const old = existingLines.get(ex.id) ?? [];
      const res = await syncLines(trx, ex.id, old, lines, g, match!, newLines);
      linesChanged = res > 0;
      c.counts.linesChanged += res;
    }
    const keys = changedKeys(ex, patch);
    if (!keys.length && !linesChanged) {
      c.counts.ordersUnchanged++;
      continue;
    }
    c.counts.ordersUpdated++;
    dirtyDays.add(ex.order_day).add(ex.paid_day).add(patch.paid_day);
    const set: Partial<OrdersTable> = { updated_at: now };
    for (const k of keys) (set as Record<string, unknown>)[k] = patch[k];
    if (keys.includes('status') && to === 'cancelled') set.cancelled_at = now;
    if (keys.length) await trx.updateTable('orders').set(set).where('id', '=', ex.id).execute();
    events.push({
      id: newId('orderEvent'),
      order_id: ex.id,
      type: 'import',
      from_status: from !== to ? from : null,
      to_status: from !== to ? to : null,
      note: (keys.length ? describeChange(ex, patch) : '导入更新：商品明细已更新').slice(0, 1000),
      actor_name: c.actorName,
      at: now,
    });
    if (c.opts.moveStock && from !== to && ex.stock_mode !== 'none') {
      const lines = await trx.selectFrom('order_lines').selectAll().where('order_id', '=', ex.id).execute();
      stockWork.push({ order: ex, status: to, lines, rowNo: g.rowNo });
    }
  }
  for (const ch of chunks(newOrders, 400)) await trx.insertInto('orders').values(ch).execute();
  for (const ch of chunks(newLines, 1000)) await trx.insertInto('order_lines').values(ch).execute();
  for (const ch of chunks(events, 1000)) await trx.insertInto('order_events').values(ch).execute();
  await analytics.markOrderDaysDirty(trx, c.shop.id, [...dirtyDays]);
  for (const w of stockWork) {
    const mode = await applyStock(trx, c, w.order, w.status, w.lines, 'orders', w.rowNo);
    if (mode !== w.order.stock_mode)
      await trx.updateTable('orders').set({ stock_mode: mode, warehouse_id: c.warehouseId }).where('id', '=', w.order.id).execute();
  }
}

function lineRow(
  orderId: string,
  lineNo: number,
  v: LineValues,
  parsed: ParsedLine,
  match: ((l: ParsedLine) => SkuMatch | null) | null,
): OrderLinesTable {
  const m = match?.(parsed) ?? null;
  return {
    id: newId('orderLine'),
    order_id: orderId,
    line_no: lineNo,
    sku_id: m?.skuId ?? null,
    ...v,
    refund_fen: 0,
    refunded_qty: 0,
    unit_cost_fen: m?.costFen ?? 0,
  };
}

/**
 * Make an order's lines equal the file's: rows kept by line number when equal, updated in place
 * when changed (ids stay, so after-sales links survive), surplus deleted, new ones queued for
 * insert. A line that now matches a SKU gets it. Returns the number of lines written.
 */
async function syncLines(
  trx: Transaction<DB>,
  orderId: string,
  old: OrderLinesTable[],
  lines: LineValues[],
  g: Group,
  match: (l: ParsedLine) => SkuMatch | null,
  inserts: OrderLinesTable[],
): Promise<number> {
  let written = 0;
  const offset = g.append ? old.reduce((m, l) => Math.max(m, l.line_no), 0) : 0;
  for (let i = 0; i < lines.length; i++) {
    const v = lines[i]!;
    const cur = g.append ? undefined : old[i];
    if (!cur) {
      inserts.push(lineRow(orderId, offset + i + 1, v, g.lines[i]!, match));
      written++;
      continue;
    }
    const m = match(g.lines[i]!);
    const same = sameLine(cur, v);
    const skuPatch = !cur.sku_id && m ? { sku_id: m.skuId, unit_cost_fen: m.costFen } : {};
    if (same && !('sku_id' in skuPatch)) continue;
    await trx
      .updateTable('order_lines')
      .set({ ...(same ? {} : v), ...skuPatch })
      .where('id', '=', cur.id)
      .execute();
    if (!same) written++;
  }
  if (!g.append && old.length > lines.length) {
    await trx
      .deleteFrom('order_lines')
      .where(
        'id',
        'in',
        old.slice(lines.length).map((l) => l.id),
      )
      .execute();
    written += old.length - lines.length;
  }
  return written;
}

// ----------------------------------------------------------------------------- items (Taobao)

type ItemsOrder = Pick<
  OrdersTable,
  | 'id'
  | 'order_no'
  | 'status'
  | 'stock_mode'
  | 'goods_fen'
  | 'discount_fen'
  | 'shipping_fen'
  | 'paid_fen'
  | 'item_count'
  | 'created_at'
  | 'order_day'
  | 'paid_day'
>;

/** Attach a batch of items-file lines to their orders (imported from the orders file first). */
async function flushItems(trx: Transaction<DB>, c: Ctx, groups: Map<string, Group>): Promise<void> {
  if (!groups.size) return;
  const now = Date.now();
  const nos = [...groups.keys()];
  const orders = new Map<string, ItemsOrder>();
  for (const ch of chunks(nos, 1000)) {
    const rows = await trx
      .selectFrom('orders')
      .select([
        'id',
        'order_no',
        'status',
        'stock_mode',
        'goods_fen',
        'discount_fen',
        'shipping_fen',
        'paid_fen',
        'item_count',
        'created_at',
        'order_day',
        'paid_day',
      ])
      .where('shop_id', '=', c.shop.id)
      .where('order_no', 'in', ch)
      .execute();
    for (const r of rows) orders.set(r.order_no, r);
  }
  const existingLines = await linesByOrder(
    trx,
    [...orders.values()].map((o) => o.id),
  );
  const match = await skuMatcher(
    trx,
    c.actor.orgId,
    c.shop.id,
    [...groups.values()].flatMap((g) => g.lines),
  );
  const inserts: OrderLinesTable[] = [];
  const events: DB['order_events'][] = [];
  const stockWork: { order: ItemsOrder; rowNo: number }[] = [];
  const dirtyDays = new Set<string | null>();
  for (const g of groups.values()) {
    const o = orders.get(g.orderNo);
    if (!o) {
      c.errors.add('items', g.rowNo, {
        column: '订单编号',
        value: g.orderNo,
        reason: '订单文件中没有这个订单编号：请上传同一次导出的订单报表和宝贝报表（或先导入订单报表）',
      });
      continue;
    }
    const old = existingLines.get(o.id) ?? [];
    const all = g.append ? [...old.map(lineAsParsed), ...g.lines] : g.lines;
    const goods = all.reduce((s, l) => s + l.grossFen, 0);
    const itemCount = all.reduce((s, l) => s + l.qty, 0);
    const discount = Math.max(0, goods + Number(o.shipping_fen) - Number(o.paid_fen));
    const priced = priceLines(all, discount);
    // Re-price every line of the order (the discount spreads over all of them).
    const res = await syncLines(trx, o.id, old, priced, { ...g, lines: all, append: false }, match, inserts);
    c.counts.linesChanged += res;
    if (res > 0) dirtyDays.add(o.order_day).add(o.paid_day);
    if (Number(o.goods_fen) !== goods || Number(o.discount_fen) !== discount || o.item_count !== itemCount) {
      await trx
        .updateTable('orders')
        .set({ goods_fen: goods, discount_fen: discount, item_count: itemCount, updated_at: now })
        .where('id', '=', o.id)
        .execute();
    }
    if (res > 0 && old.length > 0 && Number(o.created_at) < c.jobStart) {
      events.push({
        id: newId('orderEvent'),
        order_id: o.id,
        type: 'import',
        from_status: null,
        to_status: null,
        note: `导入更新：商品明细已更新（${all.length} 行）`,
        actor_name: c.actorName,
        at: now,
      });
    }
    if (c.opts.moveStock && o.stock_mode === 'none' && old.length === 0) stockWork.push({ order: o, rowNo: g.rowNo });
  }
  for (const ch of chunks(inserts, 1000)) await trx.insertInto('order_lines').values(ch).execute();
  for (const ch of chunks(events, 1000)) await trx.insertInto('order_events').values(ch).execute();
  await analytics.markOrderDaysDirty(trx, c.shop.id, [...dirtyDays]);
  for (const w of stockWork) {
    const lines = await trx.selectFrom('order_lines').selectAll().where('order_id', '=', w.order.id).execute();
    const mode = await applyStock(trx, c, w.order, w.order.status as OrderStatus, lines, 'items', w.rowNo);
    if (mode !== w.order.stock_mode)
      await trx.updateTable('orders').set({ stock_mode: mode, warehouse_id: c.warehouseId }).where('id', '=', w.order.id).execute();
  }
}

function lineAsParsed(l: OrderLinesTable): ParsedLine {
  return {
    title: l.title,
    specText: l.spec_text,
    merchantCode: l.merchant_code,
    altCode: '',
    channelItemId: l.channel_item_id,
    channelSkuId: '',
    qty: l.qty,
    unitPriceFen: Number(l.unit_price_fen),
    grossFen: Number(l.unit_price_fen) * l.qty,
  };
}

// ----------------------------------------------------------------------------- driver

/** cyrb53: a fast 53-bit string hash (collisions among a million keys: ~1e-4 probability). */
function hash53(str: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** Refuses a row whose mapped cells hold a control character (PostgreSQL cannot store U+0000). */
function controlCharCheck(match: HeaderMatch): (cells: readonly string[]) => CellError | null {
  const cols = Object.entries(match.columns).map(([field, idx]) => [idx, match.headers[field as ImportField] ?? field] as const);
  return (cells) => {
    for (const [i, column] of cols) {
      const v = cells[i];
      if (v === undefined || !hasControlChar(v)) continue;
      return {
        column,
        value: v.length > 200 ? `${v.slice(0, 200)}…` : v,
        reason: `含有不可见的控制字符（如 ${firstControlChar(v)}），这一行未导入：请在表格中删除该字符后重新导入（已导入的订单不会重复）`,
      };
    }
    return null;
  };
}

/** Past the last row of a file: its checkpoint's `afterRow` once the file is done. */
const END_OF_FILE = Number.MAX_SAFE_INTEGER;

/** A batch that could not be written: name its rows; earlier batches stay imported. */
function batchFailed(err: unknown, kind: ImportFileKind, from: number, to: number): unknown {
  if (err instanceof AppError || err instanceof JobInterrupted) return err;
  const rows = to === END_OF_FILE ? `第 ${from} 行起` : `第 ${from}–${to} 行`;
  const why = err instanceof Error ? err.message : String(err);
  return new AppError(
    'internal',
    `${FILE_LABEL[kind]}${rows}这一批没有导入（数据库报错：${showControlChars(why).slice(0, 200)}）。此前各批已导入并计入结果；请检查这些行后重新导入同一文件，已导入的订单不会重复。`,
    { file: kind, fromRow: from, toRow: to === END_OF_FILE ? null : to },
  );
}

interface CommitPoint {
  file: ImportFileKind;
  afterRow: number;
  fileDone: boolean;
  encoding: FileEncoding;
}

/**
 * Read one file and write it in batches. Each batch, its bad-row reports and the checkpoint
 * (`commit`) share one transaction. Rows up to `resumeAfter` were committed by an earlier run of
 * the job: they are read again only to know which orders are already written, never counted.
 */
async function readFile(
  c: Ctx,
  kind: ImportFileKind,
  file: string,
  onBytes: (n: number) => void,
  write: (trx: Transaction<DB>, groups: Map<string, Group>) => Promise<void>,
  commit: (trx: Transaction<DB>, at: CommitPoint) => Promise<void>,
  report: () => void,
  resumeAfter: number,
): Promise<FileEncoding> {
  const spec = fileSpec(c.opts.format, kind);
  const src = openRows(file, onBytes, { name: c.opts.names?.[kind] ?? path.basename(file) });
  let match: HeaderMatch | null = null;
  let parse: ((cells: readonly string[]) => ReturnType<ReturnType<typeof compileRowParser>>) | null = null;
  let refuse: ((cells: readonly string[]) => CellError | null) | null = null;
  let groups = new Map<string, Group>();
  // Orders already written in this job, as 53-bit hashes (a million order numbers as strings would
  // cost ~60 MB); only line files need it, to append rows of an order that come back later.
  const flushed = new Set<number>();
  let lastNo: string | null = null;
  let batchFrom = resumeAfter + 1;
  const doFlush = async (afterRow: number, fileDone: boolean) => {
    const batch = groups;
    try {
      await c.db.transaction().execute(async (trx) => {
        await write(trx, batch);
        await c.errors.flush(trx);
        await commit(trx, { file: kind, afterRow, fileDone, encoding: src.encoding });
      });
    } catch (err) {
      throw batchFailed(err, kind, batchFrom, afterRow);
    }
    if (spec.lineRows) for (const k of batch.keys()) flushed.add(hash53(k));
    groups = new Map();
    batchFrom = afterRow + 1;
    report();
    // Stopping (shutdown): this batch is committed with its checkpoint; the next run goes on here.
    if (c.run.signal?.aborted) throw new JobInterrupted();
  };
  for await (const r of src.rows) {
    if (isBlankRow(r.cells)) continue;
    if (!match) {
      match = matchHeaders(r.cells, spec, c.opts.format === 'generic' ? c.opts.mapping : null);
      if (match.missing.length) {
        throw new AppError('validation_failed', missingColumnsMessage(match.missing, FILE_LABEL[kind]), {
          file: kind,
          missing: match.missing.map((m) => m.label),
        });
      }
      parse = compileRowParser(spec, match, c.shop.timezone);
      refuse = controlCharCheck(match);
      continue;
    }
    const done = r.rowNo <= resumeAfter;
    const bad = refuse!(r.cells);
    if (bad) {
      if (!done) {
        c.counts.rows++;
        c.errors.add(kind, r.rowNo, bad);
      }
      continue;
    }
    const res = parse!(r.cells);
    if (done) {
      if (spec.lineRows && res.ok) flushed.add(hash53(res.row.orderNo));
      continue;
    }
    if (!res.ok) {
      c.counts.rows++;
      for (const e of res.errors) c.errors.add(kind, r.rowNo, e);
      continue;
    }
    const row = res.row;
    let g = groups.get(row.orderNo);
    if (!g) {
      // A batch ends before the first row of a new order, so an order's rows stay in one batch.
      if (groups.size >= BATCH_ORDERS && row.orderNo !== lastNo) await doFlush(r.rowNo - 1, false);
      g = {
        orderNo: row.orderNo,
        rowNo: r.rowNo,
        order: row.order,
        lines: [],
        append: flushed.size > 0 && flushed.has(hash53(row.orderNo)),
      };
      groups.set(row.orderNo, g);
    } else if (spec.paidScope === 'line' && row.order.paidFen !== null) {
      g.order.paidFen = (g.order.paidFen ?? 0) + row.order.paidFen;
    }
    c.counts.rows++;
    if (row.line) {
      g.lines.push(row.line);
      c.counts.lines++;
    }
    lastNo = row.orderNo;
  }
  if (!match) throw new AppError('validation_failed', `${FILE_LABEL[kind]}是空的：没有找到表头行，请检查是否选错了文件。`, { file: kind });
  await doFlush(END_OF_FILE, true);
  return src.encoding;
}

function zeroCounts(): ImportCounts {
  return {
    rows: 0,
    ordersCreated: 0,
    ordersUpdated: 0,
    ordersUnchanged: 0,
    lines: 0,
    linesChanged: 0,
    unmatchedLines: 0,
    ordersWithoutItems: 0,
    errors: 0,
  };
}

/**
 * Run an import in this process. `onProgress` gets bytes read / total bytes and the counts so far.
 * `run` ties it to its job: the checkpoint written with each batch, where a resumed run goes on
 * from, and the signal that stops it after the batch at hand.
 */
export async function runImport(
  db: Kysely<DB>,
  actor: Actor,
  opts: ImportOptions,
  onProgress?: ProgressFn,
  run: ImportRun = {},
): Promise<ImportSummary> {
  const resume = run.resume ?? null;
  // The closing step had committed: only the final status was not written.
  if (resume?.summary) return resume.summary;
  const started = resume?.startedAt ?? Date.now();
  const shop = await db.selectFrom('shops').selectAll().where('id', '=', opts.shopId).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!shop || !canSeeShop(actor, shop.id)) {
    throw new AppError('not_found', `店铺 ${opts.shopId} 不存在或无权访问`, { shopId: opts.shopId });
  }
  if (opts.itemsFile && opts.format !== 'taobao') {
    throw new AppError(
      'validation_failed',
      '只有淘宝/天猫格式需要单独的宝贝明细文件；其他平台的订单导出每行就是一个商品，请只上传订单文件。',
    );
  }
  const counts: ImportCounts = resume ? { ...resume.counts } : zeroCounts();
  const errors = new ErrorSink(opts.jobId);
  if (resume) {
    errors.restore(resume);
    await db.deleteFrom('import_errors').where('job_id', '=', opts.jobId).where('seq', '>', resume.errorSeq).execute();
  } else {
    await db.deleteFrom('import_errors').where('job_id', '=', opts.jobId).execute();
  }
  const c: Ctx = {
    db,
    actor,
    shop,
    opts,
    counts,
    errors,
    actorName: actor.via === 'system' ? actor.username : actor.displayName,
    warehouseId: null,
    jobStart: started,
    run,
  };
  // Never a server path in a message: the user knows the file by the name they uploaded.
  const missing = (kind: ImportFileKind, file: string) => {
    const name = opts.names?.[kind] ?? path.basename(file);
    return new AppError(
      'not_found',
      `找不到${FILE_LABEL[kind]}「${showControlChars(name)}」：服务器上已没有这个文件，请重新上传后再导入（已导入的订单不会重复）。`,
      { file: kind },
    );
  };
  if (!fs.existsSync(opts.file)) throw missing('orders', opts.file);
  if (opts.itemsFile && !fs.existsSync(opts.itemsFile)) throw missing('items', opts.itemsFile);
  const ordersSize = fs.statSync(opts.file).size;
  const itemsSize = opts.itemsFile ? fs.statSync(opts.itemsFile).size : 0;
  const total = ordersSize + itemsSize;
  let processed = 0;
  const report = () => {
    counts.errors = errors.count;
    onProgress?.(processed, total, { ...counts });
  };
  let lastReport = 0;
  const onBytes = (n: number) => {
    processed += n;
    const now = Date.now();
    if (now - lastReport > 200) {
      lastReport = now;
      report();
    }
  };

  const encodings: ImportCheckpoint['encodings'] = { ...resume?.encodings };
  const checkpointAt = (at: Omit<CommitPoint, 'encoding'>): ImportCheckpoint => {
    counts.errors = errors.count;
    return {
      counts: { ...counts },
      file: at.file,
      afterRow: at.afterRow,
      fileDone: at.fileDone,
      encodings: { ...encodings },
      startedAt: started,
      errorSeq: errors.seq,
      errorsStored: errors.stored,
    };
  };
  const commit = async (trx: Transaction<DB>, at: CommitPoint) => {
    encodings[at.file] = at.encoding;
    await run.checkpoint?.(trx, checkpointAt(at));
  };
  /** Where to go on in a file: 0 = from the start, END_OF_FILE = done. */
  const resumeAfter = (kind: ImportFileKind): number => {
    if (!resume) return 0;
    if (resume.file === kind) return resume.fileDone ? END_OF_FILE : resume.afterRow;
    return kind === 'orders' && resume.file === 'items' ? END_OF_FILE : 0;
  };

  const ordersSpec = fileSpec(opts.format, 'orders');
  let encOrders: FileEncoding;
  if (resumeAfter('orders') === END_OF_FILE && encodings.orders) {
    encOrders = encodings.orders;
    processed += ordersSize;
  } else {
    encOrders = await readFile(
      c,
      'orders',
      opts.file,
      onBytes,
      (trx, g) => flushOrders(trx, c, ordersSpec, g),
      commit,
      report,
      resumeAfter('orders'),
    );
  }
  let encItems: FileEncoding | undefined;
  if (opts.format === 'taobao' && opts.itemsFile) {
    if (resumeAfter('items') === END_OF_FILE && encodings.items) encItems = encodings.items;
    else
      encItems = await readFile(
        c,
        'items',
        opts.itemsFile,
        onBytes,
        (trx, g) => flushItems(trx, c, g),
        commit,
        report,
        resumeAfter('items'),
      );
  }

  // The closing step commits with the final checkpoint, so it happens exactly once too.
  const summary = await db.transaction().execute(async (trx) => {
    if (opts.format === 'taobao') {
      // Orders created by this job whose items never came: imported, with a note on the order.
      const orphans = await trx
        .selectFrom('orders')
        .select('id')
        .where('shop_id', '=', shop.id)
        .where('source', '=', 'import')
        .where('created_at', '>=', started)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('order_lines').select('order_lines.id').whereRef('order_lines.order_id', '=', 'orders.id'))),
        )
        .execute();
      counts.ordersWithoutItems = orphans.length;
      const now = Date.now();
      for (const ch of chunks(orphans, 1000)) {
        await trx
          .insertInto('order_events')
          .values(
            ch.map((o) => ({
              id: newId('orderEvent'),
              order_id: o.id,
              type: 'note',
              from_status: null,
              to_status: null,
              note: opts.itemsFile
                ? '导入时宝贝明细文件中没有这个订单的商品，订单已导入但没有商品行：请补充导入包含该订单的宝贝报表。'
                : '只导入了订单报表，没有宝贝明细：请再导入同一时间段的宝贝报表以补全商品行。',
              actor_name: c.actorName,
              at: now,
            })),
          )
          .execute();
      }
    }
    await errors.flush(trx);
    counts.errors = errors.count;
    const unmatched = await trx
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('orders.shop_id', '=', shop.id)
      .where('order_lines.sku_id', 'is', null)
      .executeTakeFirst();
    counts.unmatchedLines = Number(unmatched?.n ?? 0);
    const result: ImportSummary = {
      ...counts,
      jobId: opts.jobId,
      shopId: shop.id,
      format: opts.format,
      encoding: encItems ? { orders: encOrders, items: encItems } : { orders: encOrders },
      durationMs: Date.now() - started,
      errorsStored: errors.stored,
    };
    await audit.record(trx, actor, 'orders.import', {
      entityType: 'job',
      entityId: opts.jobId,
      shopId: shop.id,
      after: {
        format: opts.format,
        ordersCreated: counts.ordersCreated,
        ordersUpdated: counts.ordersUpdated,
        errors: counts.errors,
        moveStock: !!opts.moveStock,
      },
    });
    const last: ImportFileKind = opts.format === 'taobao' && opts.itemsFile ? 'items' : 'orders';
    await run.checkpoint?.(trx, { ...checkpointAt({ file: last, afterRow: END_OF_FILE, fileDone: true }), summary: result });
    return result;
  });
  onProgress?.(total, total, { ...counts });
  return summary;
}

/** The stored lines of these orders, by order id, in line order (1,000 ids a query). */
async function linesByOrder(trx: Transaction<DB>, orderIds: string[]): Promise<Map<string, OrderLinesTable[]>> {
  const byOrder = new Map<string, OrderLinesTable[]>();
  for (const ch of chunks(orderIds, 1000)) {
    const rows = await trx
      .selectFrom('order_lines')
      .selectAll()
      .where('order_id', 'in', ch)
      .orderBy('order_id')
      .orderBy('line_no')
      .execute();
    for (const r of rows) {
      let arr = byOrder.get(r.order_id);
      if (!arr) byOrder.set(r.order_id, (arr = []));
      arr.push(r);
    }
  }
  return byOrder;
}
