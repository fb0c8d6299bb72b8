/**
 * The import's order writer: an order's columns from its file rows, new orders inserted in bulk,
 * known ones updated only where the later export differs (never moving a status backwards), with
 * a timeline entry saying what changed, the rollup days marked and stock settled.
 */
import {
  businessDay,
  formatFen,
  newId,
  ORDER_STATUS_LABELS,
  ORDER_TRANSITIONS,
  settleStatus,
  type FileSpec,
  type OrderStatus,
} from '@yunying/core';
import type { Transaction } from 'kysely';
import { bulkInsert, inChunks, inList, insertBatched } from '../../../db/kit.js';
import type { DB, OrderLinesTable, OrdersTable } from '../../../db/schema.js';
import * as analytics from '../../analytics/index.js';
import * as customers from '../../customers/index.js';
import { BATCH_ORDERS, type Ctx, type Group } from './import.context.js';
import { lineRow, linesByOrder, priceLines, skuMatcher, syncLines, type LineValues } from './import.lines.js';
import { settleStock, type StockWork } from './import.stock.js';

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

/** When a refund carried by a new imported order counts: its latest known instant. */
function refundAt(o: OrdersTable): number {
  return Math.max(o.ordered_at, o.paid_at ?? 0, o.shipped_at ?? 0, o.completed_at ?? 0, o.cancelled_at ?? 0);
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
export async function flushOrders(trx: Transaction<DB>, c: Ctx, spec: FileSpec, groups: Map<string, Group>): Promise<void> {
  if (!groups.size) return;
  const now = Date.now();
  const nos = [...groups.keys()];
  const known = await inChunks(
    nos,
    (ch) =>
      trx
        .selectFrom('orders')
        .selectAll()
        .where('shop_id', '=', c.shop.id)
        .where(inList(trx, 'order_no', ch))
        .execute(),
    BATCH_ORDERS,
  );
  const existing = new Map<string, OrdersTable>(known.map((r) => [r.order_no, r]));
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
        c,
        [...groups.values()].flatMap((g) => g.lines),
      )
    : null;

  const newOrders: OrdersTable[] = [];
  const newLines: OrderLinesTable[] = [];
  const events: DB['order_events'][] = [];
  /** The refunds ledger: an export carries an order's refund total but no refund instant (see refundAt). */
  const refunds: DB['order_refunds'][] = [];
  const refund = (o: OrdersTable, amount: number, at: number, note: string) => {
    if (amount <= 0) return;
    const day = dayOf(at, c.shop.timezone);
    refunds.push({
      id: newId('refund'),
      org_id: o.org_id,
      shop_id: o.shop_id,
      order_id: o.id,
      order_line_id: null,
      qty: 0,
      amount_fen: amount,
      refunded_at: at,
      refund_day: day,
      note,
    });
    dirtyDays.add(day);
  };
  const stockWork: StockWork[] = [];
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
        flag_color: null,
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
      // A new order already refunded: the file says how much, not when; the latest instant it
      // carries (completion, shipping, payment) is the closest bound, so the refund counts there.
      refund(row, Number(row.refund_fen), refundAt(row), '导入：订单文件中的退款金额');
      const rows = lines.map((l, i) => lineRow({ orderId: row.id, lineNo: i + 1, values: l, parsed: g.lines[i]!, match }));
      newLines.push(...rows);
      c.counts.ordersCreated++;
      c.counts.linesChanged += rows.length;
      if (c.opts.moveStock && spec.lineRows)
        stockWork.push({ order: row, status: patch.status as OrderStatus, lines: rows, file: 'orders', rowNo: g.rowNo });
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
      const res = await syncLines(trx, { orderId: ex.id, old, lines, group: g, match: match!, inserts: newLines });
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
    // A later export showing more refunded: the difference succeeded between the two exports; it
    // counts on the day of this import (the only instant known).
    if (keys.includes('refund_fen')) refund(ex, patch.refund_fen - Number(ex.refund_fen), now, '导入更新：退款金额增加');
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
      stockWork.push({ order: ex, status: to, lines, file: 'orders', rowNo: g.rowNo });
    }
  }
  await bulkInsert(trx, 'orders', newOrders);
  await bulkInsert(trx, 'order_lines', newLines);
  await insertBatched(trx, 'order_events', events);
  await insertBatched(trx, 'order_refunds', refunds);
  await analytics.markOrderDaysDirty(trx, c.shop.id, [...dirtyDays]);
  await customers.markOrdersDirty(trx, c.shop.id, [...newOrders.map((o) => o.id), ...[...existing.values()].map((o) => o.id)]);
  for (const w of stockWork) await settleStock(trx, c, w);
}
