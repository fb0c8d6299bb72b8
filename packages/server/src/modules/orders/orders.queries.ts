/**
 * Reading orders: the list across shops (filters, sort, status counts), the detail with lines,
 * timeline and after-sales cases, and the SKU picker of the manual-order form.
 */
import {
  AftersaleListQuery,
  AppError,
  DEFAULT_TIMEZONE,
  addDays,
  dayStart,
  isBusinessDay,
  isOrderStatus,
  maskPhonesInText,
  parseYuan,
  type FieldError,
  type OrderDetail,
  type OrderEvent,
  type OrderFilter,
  type OrderListResponse,
  type SkuOption,
} from '@yunying/core';
import type { ExpressionBuilder, Expression, Kysely, SqlBool } from 'kysely';
import { cursorPageOf, searchTerm, shopScope, textMatch } from '../../db/kit.js';
import type { DB, OrderEventsTable, OrderLinesTable, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as aftersales from '../aftersales/index.js';
import * as catalog from '../catalog/index.js';
import * as inventory from '../inventory/index.js';
import * as shops from '../shops/index.js';
import { orderPage } from './orders.paging.js';
import * as repo from './orders.repo.js';
import { canSeePii, lineRowToLine, mustFind, orderRowToSummary } from './orders.rows.js';
import { nextStatuses } from './orders.transitions.js';

const TIME_COLUMNS = { created: 'ordered_at', paid: 'paid_at', shipped: 'shipped_at' } as const;

/** Validate the filter values that zod cannot (days, yuan amounts, PII search) with field errors. */
function checkFilter(actor: Actor, f: OrderFilter): { minFen: number | null; maxFen: number | null } {
  const errors: FieldError[] = [];
  for (const k of ['from', 'to'] as const) {
    const v = f[k];
    if (v && !isBusinessDay(v)) errors.push({ path: k, message: `日期格式应为 YYYY-MM-DD（收到 ${v}）` });
  }
  const minFen = f.minPaid ? parseYuan(f.minPaid) : null;
  const maxFen = f.maxPaid ? parseYuan(f.maxPaid) : null;
  if (f.minPaid && minFen === null) errors.push({ path: 'minPaid', message: '最低实付金额应为数字，如 99 或 99.50' });
  if (f.maxPaid && maxFen === null) errors.push({ path: 'maxPaid', message: '最高实付金额应为数字，如 199 或 199.50' });
  for (const s of f.status ?? []) if (!isOrderStatus(s)) errors.push({ path: 'status', message: `未知的订单状态 ${s}` });
  if (errors.length) throw new AppError('validation_failed', `筛选条件有误：${errors.map((e) => e.message).join('；')}`, {}, errors);
  if (f.receiverPhone && !canSeePii(actor)) {
    throw new AppError('forbidden', '按收货人手机号搜索需要「查看个人信息」权限（customers.pii.read），请联系店长为你的角色添加。', {
      permission: 'customers.pii.read',
    });
  }
  return { minFen, maxFen };
}

function filterExpr(eb: ExpressionBuilder<DB, 'orders'>, actor: Actor, f: OrderFilter, withStatus: boolean): Expression<SqlBool> {
  const { minFen, maxFen } = checkFilter(actor, f);
  const c: Expression<SqlBool>[] = [eb('orders.org_id', '=', actor.orgId)];
  const scope = shopScope(actor, 'orders.shop_id');
  if (scope) c.push(scope);
  const col = TIME_COLUMNS[f.timeField ?? 'created'];
  if (f.from) c.push(eb(`orders.${col}`, '>=', dayStart(f.from, DEFAULT_TIMEZONE)));
  if (f.to) c.push(eb(`orders.${col}`, '<', dayStart(addDays(f.to, 1), DEFAULT_TIMEZONE)));
  if (withStatus && f.status?.length) c.push(eb('orders.status', 'in', f.status));
  if (f.channel) c.push(eb('orders.channel', '=', f.channel));
  if (f.shopId) c.push(eb('orders.shop_id', '=', f.shopId));
  if (f.skuCode) {
    c.push(
      eb.exists(
        eb
          .selectFrom('order_lines')
          .select('order_lines.id')
          .whereRef('order_lines.order_id', '=', 'orders.id')
          .where('order_lines.merchant_code', '=', f.skuCode.trim()),
      ),
    );
  }
  const nick = searchTerm(f.buyerNick);
  if (nick) c.push(textMatch('orders.buyer_nick', nick));
  const phone = searchTerm(f.receiverPhone);
  if (phone) c.push(textMatch('orders.receiver_phone', phone));
  if (minFen !== null) c.push(eb('orders.paid_fen', '>=', minFen));
  if (maxFen !== null) c.push(eb('orders.paid_fen', '<=', maxFen));
  if (f.flag === 'urgent') c.push(eb('orders.urgent', '=', 1));
  if (f.flag === 'logistics_exception') c.push(eb('orders.logistics_exception', '=', 1));
  if (f.flag === 'presale') c.push(eb('orders.is_presale', '=', 1));
  if (f.flag === 'exception') c.push(eb.or([eb('orders.urgent', '=', 1), eb('orders.logistics_exception', '=', 1)]));
  if (f.trackingNo) c.push(eb('orders.tracking_no', '=', f.trackingNo.trim()));
  const orderNo = searchTerm(f.orderNo);
  if (orderNo) c.push(textMatch('orders.order_no', orderNo, 'prefix'));
  return eb.and(c);
}

export async function listOrders(db: Kysely<DB>, actor: Actor, f: OrderFilter): Promise<OrderListResponse> {
  checkFilter(actor, f);
  const names = await shopNames(db, actor);
  const { rows, total, nextCursor, counts } = await orderPage(db, f, (withStatus) => (eb) => filterExpr(eb, actor, f, withStatus), {
    orgId: actor.orgId,
    shopIds: [...names.keys()],
  });
  const titles = await repo.firstTitles(
    db,
    rows.map((r) => r.id),
  );
  const thumbs = await catalog.skuThumbnails(
    db,
    actor.orgId,
    [...titles.values()].flatMap((t) => (t.skuId ? [t.skuId] : [])),
  );
  const pii = canSeePii(actor);
  const items = rows.map((r) => {
    const first = titles.get(r.id);
    const thumb = first?.skuId ? (thumbs.get(first.skuId) ?? null) : null;
    return orderRowToSummary(r, pii, names.get(r.shop_id) ?? '', first?.title ?? '', thumb);
  });
  return { ...cursorPageOf(items, total, f, nextCursor), counts };
}

const SKU_OPTIONS = 20;

// ---------------------------------------------------------------- detail

/** The names of the shops the actor sees (a handful: one query, whatever the page holds). */
async function shopNames(db: Kysely<DB>, actor: Actor): Promise<Map<string, string>> {
  return new Map((await shops.listVisible(db, actor)).map((s) => [s.id, s.name]));
}

async function shopNameOf(db: Kysely<DB>, actor: Actor, shopId: string): Promise<string> {
  return (await shopNames(db, actor)).get(shopId) ?? '';
}

const MAX_CASES = 200;

/** What a caller that has just written the order already knows: the detail skips those queries. */
export interface KnownOfOrder {
  shopName?: string | undefined;
  /** The order was created in this transaction: no after-sales case can point at it yet. */
  created?: boolean | undefined;
}

export async function getOrder(db: Kysely<DB>, actor: Actor, id: string, known: KnownOfOrder = {}): Promise<OrderDetail> {
  const r = await mustFind(db, actor, id);
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', id).orderBy('line_no').execute();
  const events = await db.selectFrom('order_events').selectAll().where('order_id', '=', id).orderBy('at').orderBy('id').execute();
  // Oldest first, as the timeline reads (the case list shows newest first); at most 200 cases.
  const cases = known.created
    ? []
    : (await aftersales.listCases(db, actor, AftersaleListQuery.parse({ orderId: id, pageSize: MAX_CASES }))).items;
  const shopName = known.shopName ?? (await shopNameOf(db, actor, r.shop_id));
  return orderDetailOf(actor, r, lines, events, [...cases].reverse(), shopName);
}

/**
 * The detail from rows already at hand: what getOrder answers, and what order creation answers
 * from the rows it has just written (issue 10: no re-read of the order, its lines and its event).
 * `lines` in line order, `events` oldest first, `cases` oldest first.
 */
export function orderDetailOf(
  actor: Actor,
  r: OrdersTable,
  lines: OrderLinesTable[],
  events: OrderEventsTable[],
  cases: OrderDetail['aftersales'],
  shopName: string,
): OrderDetail {
  const pii = canSeePii(actor);
  // Timeline entries and case notes repeat memos and notes: their phone numbers are masked too.
  const freeText = (t: string) => (pii ? t : maskPhonesInText(t));
  return {
    ...orderRowToSummary(r, pii, shopName, lines[0]?.title ?? ''),
    warehouseId: r.warehouse_id,
    lines: lines.map(lineRowToLine),
    events: events.map((e): OrderEvent => ({
      id: e.id,
      type: e.type,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      note: freeText(e.note),
      actorName: e.actor_name,
      at: Number(e.at),
    })),
    aftersales: cases,
    nextStatuses: nextStatuses(r.status),
  };
}

// ---------------------------------------------------------------- SKU picker

/**
 * Active SKUs matching a code, barcode or title fragment for the order form, with the units
 * available over all warehouses.
 */
export async function skuOptions(db: Kysely<DB>, actor: Actor, q: string): Promise<SkuOption[]> {
  // Active SKUs sort first in the catalogue's search: a few extra rows leave room for disabled ones.
  const found = (await catalog.searchSkus(db, actor.orgId, q, SKU_OPTIONS * 2)).filter((s) => s.status === 'active').slice(0, SKU_OPTIONS);
  const available = new Map<string, number>();
  for (const l of await inventory.levels(
    db,
    found.map((s) => s.id),
  ))
    available.set(l.skuId, (available.get(l.skuId) ?? 0) + l.available);
  return found.map((s) => ({
    skuId: s.id,
    code: s.code,
    title: s.productTitle,
    specText: s.specText,
    priceFen: s.priceFen,
    available: available.get(s.id) ?? 0,
  }));
}
