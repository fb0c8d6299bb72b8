/**
 * The import's line writer: matching lines to SKUs (one catalogue lookup per batch), pricing them
 * (the order discount spread so the fen add up), making an order's stored lines equal the file's,
 * and the Taobao items file, whose lines attach to orders imported from the orders file.
 */
import { allocate, newId, type OrderStatus, type ParsedLine } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { bulkInsert, inChunks, inList, insertBatched } from '../../../db/kit.js';
import type { DB, OrderLinesTable, OrdersTable } from '../../../db/schema.js';
import * as analytics from '../../analytics/index.js';
import * as catalog from '../../catalog/index.js';
import { BATCH_ORDERS, type Ctx, type Group } from './import.context.js';
import { settleStock } from './import.stock.js';

/** Finds the SKU of a parsed line, or null (an unmatched line). */
export type SkuMatcher = (l: ParsedLine) => catalog.SkuCost | null;

/** One lookup per batch: SKUs by merchant code, listings by platform item (+ SKU) id. */
export async function skuMatcher(trx: Kysely<DB>, c: Ctx, lines: readonly ParsedLine[]): Promise<SkuMatcher> {
  const codes = new Set<string>();
  const items = new Set<string>();
  for (const l of lines) {
    if (l.merchantCode) codes.add(l.merchantCode);
    if (l.altCode) codes.add(l.altCode);
    if (l.channelItemId) items.add(l.channelItemId);
  }
  const byCode = await catalog.skuCostsByCode(trx, c.actor.orgId, [...codes]);
  const byListing = await catalog.skuCostsByListing(trx, c.shop.id, [...items]);
  return (l) =>
    (l.merchantCode ? byCode.get(l.merchantCode) : undefined) ??
    (l.altCode ? byCode.get(l.altCode) : undefined) ??
    (l.channelItemId
      ? (byListing.get(`${l.channelItemId}|${l.channelSkuId}`) ?? (l.channelSkuId ? byListing.get(`${l.channelItemId}|`) : undefined))
      : undefined) ??
    null;
}

export interface LineValues {
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
export function priceLines(lines: readonly ParsedLine[], discountFen: number): LineValues[] {
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

interface NewLine {
  orderId: string;
  lineNo: number;
  values: LineValues;
  parsed: ParsedLine;
  match: SkuMatcher | null;
}

/** A new order line row: the file's values and the SKU the line matches (with its cost). */
export function lineRow({ orderId, lineNo, values, parsed, match }: NewLine): OrderLinesTable {
  const m = match?.(parsed) ?? null;
  return {
    id: newId('orderLine'),
    order_id: orderId,
    line_no: lineNo,
    sku_id: m?.skuId ?? null,
    ...values,
    refund_fen: 0,
    refunded_qty: 0,
    unit_cost_fen: m?.costFen ?? 0,
  };
}

export interface LineSync {
  orderId: string;
  /** The order's stored lines, in line order. */
  old: OrderLinesTable[];
  /** The lines as the file has them, priced. */
  lines: LineValues[];
  group: Group;
  match: SkuMatcher;
  /** New rows are queued here, to be inserted with the batch's other new lines. */
  inserts: OrderLinesTable[];
}

/**
 * Make an order's lines equal the file's: rows kept by line number when equal, updated in place
 * when changed (ids stay, so after-sales links survive), surplus deleted, new ones queued for
 * insert. A line that now matches a SKU gets it. Returns the number of lines written.
 */
export async function syncLines(trx: Transaction<DB>, s: LineSync): Promise<number> {
  const { orderId, old, lines, group: g, match, inserts } = s;
  let written = 0;
  const offset = g.append ? old.reduce((m, l) => Math.max(m, l.line_no), 0) : 0;
  for (let i = 0; i < lines.length; i++) {
    const v = lines[i]!;
    const cur = g.append ? undefined : old[i];
    if (!cur) {
      inserts.push(lineRow({ orderId, lineNo: offset + i + 1, values: v, parsed: g.lines[i]!, match }));
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
export async function flushItems(trx: Transaction<DB>, c: Ctx, groups: Map<string, Group>): Promise<void> {
  if (!groups.size) return;
  const now = Date.now();
  const nos = [...groups.keys()];
  const found = await inChunks(
    nos,
    (ch) =>
      trx
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
        // Whether the order has lines yet: only those are read (a fresh import's orders have none).
        .select((eb) =>
          eb
            .exists(eb.selectFrom('order_lines').select('order_lines.id').whereRef('order_lines.order_id', '=', 'orders.id'))
            .as('has_lines'),
        )
        .where('shop_id', '=', c.shop.id)
        .where(inList(trx, 'order_no', ch))
        .execute(),
    BATCH_ORDERS,
  );
  const orders = new Map<string, ItemsOrder>(found.map((r) => [r.order_no, r]));
  const existingLines = await linesByOrder(
    trx,
    found.filter((o) => o.has_lines && Number(o.has_lines) !== 0).map((o) => o.id),
  );
  const match = await skuMatcher(
    trx,
    c,
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
    const res = await syncLines(trx, { orderId: o.id, old, lines: priced, group: { ...g, lines: all, append: false }, match, inserts });
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
  await bulkInsert(trx, 'order_lines', inserts);
  await insertBatched(trx, 'order_events', events);
  await analytics.markOrderDaysDirty(trx, c.shop.id, [...dirtyDays]);
  for (const w of stockWork) {
    const lines = await trx.selectFrom('order_lines').selectAll().where('order_id', '=', w.order.id).execute();
    await settleStock(trx, c, { order: w.order, status: w.order.status as OrderStatus, lines, file: 'items', rowNo: w.rowNo });
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

/** The stored lines of these orders, by order id, in line order (a batch's ids a query). */
export async function linesByOrder(trx: Transaction<DB>, orderIds: string[]): Promise<Map<string, OrderLinesTable[]>> {
  const byOrder = new Map<string, OrderLinesTable[]>();
  const rows = await inChunks(
    orderIds,
    (ch) =>
      trx
        .selectFrom('order_lines')
        .selectAll()
        .where(inList(trx, 'order_id', ch))
        .orderBy('order_id')
        .orderBy('line_no')
        .execute(),
    BATCH_ORDERS,
  );
  for (const r of rows) {
    let arr = byOrder.get(r.order_id);
    if (!arr) byOrder.set(r.order_id, (arr = []));
    arr.push(r);
  }
  return byOrder;
}
