/**
 * Orders: the list across shops, the detail, manual creation with stock reservation, the status
 * machine (pay, ship, deliver, complete, cancel), flags, memo, notes and refunds. Every write runs
 * in the caller's transaction and is audited there; stock moves only through modules/inventory.
 */
import { createHash } from 'node:crypto';
import {
  AppError,
  clipText,
  DEFAULT_TIMEZONE,
  ORDER_STATUS_LABELS,
  add,
  addDays,
  allocate,
  businessDay,
  dayStart,
  formatFen,
  isBusinessDay,
  isFenInRange,
  isOrderStatus,
  keepHiddenPhones,
  MAX_FEN,
  maskAddress,
  maskName,
  maskPhone,
  maskPhonesInText,
  newId,
  parseYuan,
  type CreateOrderInput,
  type FieldError,
  type OrderDetail,
  type OrderFilter,
  type OrderFlagsInput,
  type OrderEvent,
  type OrderLine,
  type OrderListResponse,
  type OrderStatus,
  type OrderSummary,
  type SavedView,
  type ShipInput,
  type StockMode,
  type UpdateViewInput,
  type ViewInput,
} from '@yunying/core';
import type { ExpressionBuilder, Expression, Kysely, SqlBool, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/dialect.js';
import { searchTerm, shopScope, textMatch } from '../../db/kit.js';
import type { DB, OrderLinesTable, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as analytics from '../analytics/index.js';
import * as inventory from '../inventory/index.js';
import * as shops from '../shops/index.js';
import * as repo from './orders.repo.js';
import { assertTransition, nextStatuses } from './orders.transitions.js';

// ---------------------------------------------------------------- helpers

export function actorName(actor: Actor): string {
  return actor.via === 'system' ? actor.username : actor.displayName;
}

/** Whether the actor sees receiver name, phone and address in full. The CLI (system) does. */
export function canSeePii(actor: Actor): boolean {
  return actor.via === 'system' || actor.permissions.has('customers.pii.read');
}

function statusLabel(s: string): string {
  return isOrderStatus(s) ? ORDER_STATUS_LABELS[s].zh : s;
}

export function orderRowToSummary(r: OrdersTable, pii: boolean, shopName = '', firstTitle = ''): OrderSummary {
  return {
    id: r.id,
    shopId: r.shop_id,
    shopName,
    channel: r.channel,
    orderNo: r.order_no,
    source: r.source,
    status: r.status as OrderStatus,
    stockMode: r.stock_mode as StockMode,
    buyerNick: r.buyer_nick,
    receiverName: pii ? r.receiver_name : (maskName(r.receiver_name) ?? ''),
    receiverPhone: pii ? r.receiver_phone : (maskPhone(r.receiver_phone) ?? ''),
    receiverAddress: pii ? r.receiver_address : (maskAddress(r.receiver_address) ?? ''),
    masked: !pii,
    goodsFen: Number(r.goods_fen),
    discountFen: Number(r.discount_fen),
    shippingFen: Number(r.shipping_fen),
    paidFen: Number(r.paid_fen),
    refundFen: Number(r.refund_fen),
    itemCount: r.item_count,
    isPresale: r.is_presale === 1,
    urgent: r.urgent === 1,
    logisticsException: r.logistics_exception === 1,
    carrier: r.carrier,
    trackingNo: r.tracking_no,
    // Free text may hold phone numbers (a buyer writing "call 138…"): masked like the receiver's.
    sellerMemo: pii ? r.seller_memo : maskPhonesInText(r.seller_memo),
    buyerNote: pii ? r.buyer_note : maskPhonesInText(r.buyer_note),
    orderedAt: Number(r.ordered_at),
    paidAt: r.paid_at === null ? null : Number(r.paid_at),
    shippedAt: r.shipped_at === null ? null : Number(r.shipped_at),
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
    completedAt: r.completed_at === null ? null : Number(r.completed_at),
    cancelledAt: r.cancelled_at === null ? null : Number(r.cancelled_at),
    firstTitle,
  };
}

export function lineRowToLine(r: OrderLinesTable): OrderLine {
  return {
    id: r.id,
    lineNo: r.line_no,
    skuId: r.sku_id,
    title: r.title,
    specText: r.spec_text,
    merchantCode: r.merchant_code,
    qty: r.qty,
    unitPriceFen: Number(r.unit_price_fen),
    discountFen: Number(r.discount_fen),
    paidFen: Number(r.paid_fen),
    refundFen: Number(r.refund_fen),
    refundedQty: r.refunded_qty,
  };
}

async function mustFind(db: Kysely<DB>, actor: Actor, id: string, lock = false): Promise<OrdersTable> {
  const row = lock ? await repo.lockVisible(db, actor, id) : await repo.findVisible(db, actor, id);
  if (!row) throw new AppError('not_found', `订单 ${id} 不存在或无权访问`, { orderId: id });
  return row;
}

// ---------------------------------------------------------------- timeline

export interface EventInput {
  type: string;
  from?: string | null;
  to?: string | null;
  note?: string;
  actorName: string;
}

/** Append one entry to an order's timeline (also used by order import). */
export async function recordEvent(trx: Kysely<DB>, orderId: string, e: EventInput): Promise<void> {
  await trx
    .insertInto('order_events')
    .values({
      id: newId('orderEvent'),
      order_id: orderId,
      type: e.type,
      from_status: e.from ?? null,
      to_status: e.to ?? null,
      note: clipText(e.note ?? '', 1000),
      actor_name: e.actorName.slice(0, 100),
      at: Date.now(),
    })
    .execute();
}

// ---------------------------------------------------------------- list

export type { OrderFilter } from '@yunying/core';

const TIME_COLUMNS = { created: 'ordered_at', paid: 'paid_at', shipped: 'shipped_at' } as const;
const SORT_COLUMNS = { orderedAt: 'ordered_at', paidAt: 'paid_at', shippedAt: 'shipped_at', paidFen: 'paid_fen' } as const;

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
  const base = db.selectFrom('orders').where((eb) => filterExpr(eb, actor, f, true));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const sortKey = (f.sort ?? '-orderedAt').replace(/^-/, '') as keyof typeof SORT_COLUMNS;
  const sortCol = SORT_COLUMNS[sortKey] ?? 'ordered_at';
  const dir = (f.sort ?? '-orderedAt').startsWith('-') ? 'desc' : 'asc';
  const rows = await base
    .selectAll()
    .orderBy(`orders.${sortCol}`, dir)
    .orderBy('orders.id', dir)
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  const countRows = await db
    .selectFrom('orders')
    .where((eb) => filterExpr(eb, actor, f, false))
    .select((eb) => ['orders.status', eb.fn.countAll<number>().as('n')])
    .groupBy('orders.status')
    .execute();
  const counts: OrderListResponse['counts'] = { all: 0 };
  for (const r of countRows) {
    counts[r.status as OrderStatus] = Number(r.n);
    counts.all = (counts.all ?? 0) + Number(r.n);
  }
  const names = await repo.shopNames(
    db,
    rows.map((r) => r.shop_id),
  );
  const titles = await repo.firstTitles(
    db,
    rows.map((r) => r.id),
  );
  const pii = canSeePii(actor);
  return {
    items: rows.map((r) => orderRowToSummary(r, pii, names.get(r.shop_id) ?? '', titles.get(r.id) ?? '')),
    total: Number(total),
    page: f.page,
    pageSize: f.pageSize,
    counts,
  };
}

// ---------------------------------------------------------------- detail

export async function getOrder(db: Kysely<DB>, actor: Actor, id: string): Promise<OrderDetail> {
  const r = await mustFind(db, actor, id);
  const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', id).orderBy('line_no').execute();
  const events = await db.selectFrom('order_events').selectAll().where('order_id', '=', id).orderBy('at').orderBy('id').execute();
  const cases = await db
    .selectFrom('aftersales')
    .leftJoin('aftersale_reasons', 'aftersale_reasons.id', 'aftersales.reason_id')
    .selectAll('aftersales')
    .select('aftersale_reasons.name as reason_name')
    .where('aftersales.order_id', '=', id)
    .orderBy('aftersales.created_at')
    .execute();
  const names = await repo.shopNames(db, [r.shop_id]);
  const now = Date.now();
  const terminal = ['completed', 'rejected', 'closed'];
  const pii = canSeePii(actor);
  // Timeline entries and case notes repeat memos and notes: their phone numbers are masked too.
  const freeText = (t: string) => (pii ? t : maskPhonesInText(t));
  return {
    ...orderRowToSummary(r, pii, names.get(r.shop_id) ?? '', lines[0]?.title ?? ''),
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
    aftersales: cases.map((c) => ({
      id: c.id,
      code: c.code,
      shopId: c.shop_id,
      orderId: c.order_id,
      orderNo: r.order_no,
      type: c.type as OrderDetail['aftersales'][number]['type'],
      status: c.status as OrderDetail['aftersales'][number]['status'],
      reasonId: c.reason_id,
      reasonName: c.reason_name ?? null,
      responsibility: c.responsibility as OrderDetail['aftersales'][number]['responsibility'],
      refundFen: Number(c.refund_fen),
      note: freeText(c.note),
      slaDueAt: Number(c.sla_due_at),
      overdue: !terminal.includes(c.status) && Number(c.sla_due_at) < now,
      resolvedAt: c.resolved_at === null ? null : Number(c.resolved_at),
      createdAt: Number(c.created_at),
      updatedAt: Number(c.updated_at),
    })),
    nextStatuses: nextStatuses(r.status),
  };
}

// ---------------------------------------------------------------- create

export type { CreateOrderInput } from '@yunying/core';

/** Manual order number: M + the shop's business day + a sequence of at least 6 digits (M20261122000042). */
export function manualOrderNo(day: string, seq: number): string {
  return `M${day.replace(/-/g, '')}${String(seq).padStart(6, '0')}`;
}

/**
 * The next manual order number for a business day, unique across the organisation's shops by
 * construction (batch shipping finds an order by its number alone): the organisation's counter
 * row for the day is incremented in the caller's transaction (its row lock orders concurrent
 * creations; a rolled-back order leaves a gap, never a duplicate). Numbers already taken — random
 * ones from before the counter existed — are skipped.
 */
async function nextManualOrderNo(trx: Transaction<DB>, orgId: string, day: string): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const orderNo = manualOrderNo(day, await repo.nextOrderSeq(trx, orgId, day));
    if (!(await repo.orderNoTaken(trx, orgId, orderNo))) return orderNo;
  }
  throw new AppError('internal', '生成订单编号失败，请稍后重试', { orgId, day });
}

const LIMIT_TEXT = `上限 ${formatFen(MAX_FEN)}（1000 亿元）`;

/**
 * Every amount of an order stays within MAX_FEN: each line's qty × price, the goods total and what
 * is paid. Checked before any arithmetic, so a huge quantity × price is a field error (422), not
 * an overflow deep in the sums.
 */
function assertTotalsInRange(priced: { unit: number; goods: number }[], input: CreateOrderInput): void {
  const errors: FieldError[] = [];
  priced.forEach((p, i) => {
    if (!isFenInRange(p.unit)) {
      errors.push({ path: `lines.${i}.unitPriceFen`, message: `第 ${i + 1} 行单价超过${LIMIT_TEXT}，请检查价格` });
    } else if (!isFenInRange(p.goods)) {
      errors.push({ path: `lines.${i}.qty`, message: `第 ${i + 1} 行金额（单价 × 数量）超过${LIMIT_TEXT}，请减少数量或拆分订单` });
    }
  });
  const goods = priced.reduce((sum, p) => sum + p.goods, 0);
  if (!errors.length && !isFenInRange(goods)) {
    errors.push({ path: 'lines', message: `商品金额合计超过${LIMIT_TEXT}，请拆分订单` });
  }
  if (!errors.length && !isFenInRange(goods - input.discountFen + input.shippingFen)) {
    errors.push({ path: 'shippingFen', message: `实付金额（商品 − 优惠 + 运费）超过${LIMIT_TEXT}，请调整运费或拆分订单` });
  }
  if (errors.length) throw new AppError('validation_failed', errors.map((e) => e.message).join('；'), { maxFen: MAX_FEN }, errors);
}

/**
 * Create a manual order: catalogue prices unless given, the order discount allocated over the
 * lines so the fen add up, and stock reserved in the default warehouse for every line — all in
 * the caller's transaction, so a line short of stock leaves nothing behind.
 */
export async function createOrder(trx: Transaction<DB>, actor: Actor, input: CreateOrderInput): Promise<OrderDetail> {
  const shop = await shops.getVisible(trx, actor, input.shopId);
  if (shop.status !== 'active') {
    throw new AppError('invalid_state', `店铺「${shop.name}」已归档，不能新建订单；请先在设置中恢复店铺`, { shopId: shop.id }, [
      { path: 'shopId', message: '店铺已归档' },
    ]);
  }
  const skus = await repo.skuInfo(
    trx,
    actor.orgId,
    input.lines.map((l) => l.skuId),
  );
  const errors: FieldError[] = [];
  input.lines.forEach((l, i) => {
    const s = skus.get(l.skuId);
    if (!s) errors.push({ path: `lines.${i}.skuId`, message: `第 ${i + 1} 行的 SKU 不存在，请重新选择商品` });
    else if (s.status !== 'active') errors.push({ path: `lines.${i}.skuId`, message: `第 ${i + 1} 行的 SKU ${s.code} 已停用，不能下单` });
  });
  if (errors.length) throw new AppError('validation_failed', errors.map((e) => e.message).join('；'), {}, errors);

  const priced = input.lines.map((l) => {
    const s = skus.get(l.skuId)!;
    const unit = l.unitPriceFen ?? s.priceFen;
    return { ...l, sku: s, unit, goods: unit * l.qty };
  });
  assertTotalsInRange(priced, input);
  const goodsFen = add(...priced.map((p) => p.goods));
  if (input.discountFen > goodsFen) {
    throw new AppError(
      'validation_failed',
      `优惠金额 ${formatFen(input.discountFen)} 不能超过商品金额 ${formatFen(goodsFen)}，请调低优惠`,
      { goodsFen, discountFen: input.discountFen },
      [{ path: 'discountFen', message: `不能超过商品金额 ${formatFen(goodsFen)}` }],
    );
  }
  const discounts = allocate(
    input.discountFen,
    priced.map((p) => p.goods),
  );
  const paidFen = add(goodsFen, -input.discountFen, input.shippingFen);
  const now = Date.now();
  const orderId = newId('order');
  const warehouseId = await inventory.defaultWarehouseId(trx, actor.orgId);
  const orderNo = await nextManualOrderNo(trx, actor.orgId, businessDay(now, shop.timezone));

  // Reserve first, in SKU order (two orders with the same SKUs lock stock rows in the same order).
  const bySku = new Map<string, number>();
  for (const p of priced) bySku.set(p.skuId, (bySku.get(p.skuId) ?? 0) + p.qty);
  for (const skuId of [...bySku.keys()].sort()) {
    await inventory.moveQty(trx, actor, 'reserve', skuId, warehouseId, bySku.get(skuId)!, {
      refType: 'order',
      refId: orderId,
      note: `订单 ${orderNo} 预占`,
    });
  }

  const row: OrdersTable = {
    id: orderId,
    visitor_id: null,
    source_code: null,
    org_id: actor.orgId,
    shop_id: shop.id,
    channel: shop.channel,
    order_no: orderNo,
    source: 'manual',
    status: input.paid ? 'paid' : 'pending_payment',
    stock_mode: 'reserved',
    warehouse_id: warehouseId,
    buyer_nick: input.buyerNick,
    receiver_name: input.receiverName,
    receiver_phone: input.receiverPhone,
    receiver_address: input.receiverAddress,
    buyer_note: input.buyerNote,
    seller_memo: input.sellerMemo,
    goods_fen: goodsFen,
    discount_fen: input.discountFen,
    shipping_fen: input.shippingFen,
    paid_fen: paidFen,
    refund_fen: 0,
    item_count: priced.reduce((s, p) => s + p.qty, 0),
    is_presale: input.isPresale ? 1 : 0,
    urgent: 0,
    logistics_exception: 0,
    carrier: null,
    tracking_no: null,
    ordered_at: now,
    paid_at: input.paid ? now : null,
    shipped_at: null,
    delivered_at: null,
    completed_at: null,
    cancelled_at: null,
    order_day: businessDay(now, shop.timezone),
    paid_day: input.paid ? businessDay(now, shop.timezone) : null,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('orders').values(row).execute();
  await analytics.markOrderDaysDirty(trx, row.shop_id, [row.order_day, row.paid_day]);
  await trx
    .insertInto('order_lines')
    .values(
      priced.map((p, i) => ({
        id: newId('orderLine'),
        order_id: orderId,
        line_no: i + 1,
        sku_id: p.skuId,
        title: p.sku.title,
        spec_text: p.sku.specText,
        merchant_code: p.sku.code,
        channel_item_id: '',
        qty: p.qty,
        unit_price_fen: p.unit,
        discount_fen: discounts[i]!,
        paid_fen: p.goods - discounts[i]!,
        refund_fen: 0,
        refunded_qty: 0,
        unit_cost_fen: p.sku.costFen,
      })),
    )
    .execute();
  await recordEvent(trx, orderId, {
    type: 'status',
    from: null,
    to: row.status,
    note: `手工创建订单，实付 ${formatFen(paidFen)}，已在默认仓预占库存`,
    actorName: actorName(actor),
  });
  await audit.record(trx, actor, 'order.create', {
    entityType: 'order',
    entityId: orderId,
    shopId: shop.id,
    after: { orderNo, status: row.status, goodsFen, discountFen: input.discountFen, shippingFen: input.shippingFen, paidFen },
  });
  return getOrder(trx, actor, orderId);
}

// ---------------------------------------------------------------- idempotency

export interface IdempotentResult<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** JSON with object keys sorted at every level: the same request body always gives the same text. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** SHA-256 (hex) of a request body's canonical JSON, stored with its idempotency key. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/**
 * Run `work` at most once per (user, route, client key): the stored response comes back for a
 * repeated key with the same request body (`request`, compared by its canonical hash); the same
 * key with a different body is refused (422), since answering it with the first result would
 * silently drop the new request. The key row is written in the same transaction as the work, so
 * a failure stores nothing; a concurrent duplicate loses on the primary key and then reads the
 * winner's response.
 */
export async function idempotent<T>(
  db: Kysely<DB>,
  actor: Actor,
  route: string,
  clientKey: string | undefined,
  request: unknown,
  status: number,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<IdempotentResult<T>> {
  if (!clientKey) return { status, body: await db.transaction().execute(work), replayed: false };
  if (!/^[\w.:-]{1,100}$/.test(clientKey)) {
    throw new AppError('validation_failed', 'Idempotency-Key 只能包含字母、数字和 _ . : -，最长 100 个字符');
  }
  const key = `${actor.userId || actor.username}:${route}:${clientKey}`;
  const hash = requestHash(request);
  const stored = async () => {
    const r = await db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();
    if (!r) return null;
    // '' = stored before bodies were hashed: replayed as before.
    if (r.request_hash !== '' && r.request_hash !== hash) {
      throw new AppError(
        'unprocessable',
        `同一个 Idempotency-Key 已用于不同的请求内容（${clientKey}）：重试同一请求时才复用原来的键，新的请求请换一个新的 Idempotency-Key`,
        { idempotencyKey: clientKey },
      );
    }
    return { status: r.status, body: JSON.parse(r.response) as T, replayed: true };
  };
  const hit = await stored();
  if (hit) return hit;
  try {
    const body = await db.transaction().execute(async (trx) => {
      const out = await work(trx);
      await trx
        .insertInto('idempotency_keys')
        .values({ key, status, response: JSON.stringify(out), request_hash: hash, created_at: Date.now() })
        .execute();
      return out;
    });
    return { status, body, replayed: false };
  } catch (err) {
    if (isUniqueViolation(err)) {
      const again = await stored();
      if (again) return again;
    }
    throw err;
  }
}

/**
 * Create an order once per idempotency key. Order numbers come from a counter and cannot clash;
 * the retry covers a unique violation that lost a race without leaving a key row to replay.
 */
export async function createOrderIdempotent(db: Kysely<DB>, actor: Actor, input: CreateOrderInput, clientKey?: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await idempotent(db, actor, 'POST /orders', clientKey, input, 201, (trx) => createOrder(trx, actor, input));
    } catch (err) {
      if (attempt < 4 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

// ---------------------------------------------------------------- status changes

async function setStatus(
  trx: Transaction<DB>,
  actor: Actor,
  row: OrdersTable,
  to: OrderStatus,
  patch: Partial<OrdersTable>,
  event: { type?: string; note?: string },
): Promise<void> {
  assertTransition(row.status, to, { orderId: row.id, orderNo: row.order_no });
  const now = Date.now();
  const res = await trx
    .updateTable('orders')
    .set({ ...patch, status: to, updated_at: now })
    .where('id', '=', row.id)
    .where('status', '=', row.status)
    .executeTakeFirst();
  if (res.numUpdatedRows !== 1n) throw new AppError('conflict', `订单 ${row.order_no} 刚被其他人修改，请刷新后重试`, { orderId: row.id });
  await recordEvent(trx, row.id, {
    type: event.type ?? 'status',
    from: row.status,
    to,
    note: event.note ?? '',
    actorName: actorName(actor),
  });
  // The order's figures moved: its days' rollups are rebuilt (same transaction, so never lost).
  await analytics.markOrderDaysDirty(trx, row.shop_id, [row.order_day, row.paid_day, patch.paid_day]);
  await audit.record(trx, actor, `order.${to === 'shipped' ? 'ship' : to === 'cancelled' ? 'cancel' : 'status'}`, {
    entityType: 'order',
    entityId: row.id,
    shopId: row.shop_id,
    before: { status: row.status, stockMode: row.stock_mode },
    after: { status: to, ...camel(patch) },
  });
}

function camel(patch: Partial<OrdersTable>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'updated_at') continue;
    out[k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())] = v;
  }
  return out;
}

async function lines(trx: Kysely<DB>, orderId: string): Promise<OrderLinesTable[]> {
  return trx.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
}

/** Units of each SKU still reserved for an unshipped order (ordered minus refunded). */
async function reservedUnits(trx: Kysely<DB>, orderId: string): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const l of await lines(trx, orderId)) {
    const q = l.qty - l.refunded_qty;
    if (l.sku_id && q > 0) m.set(l.sku_id, (m.get(l.sku_id) ?? 0) + q);
  }
  return m;
}

export async function payOrder(trx: Transaction<DB>, actor: Actor, id: string): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  const now = Date.now();
  const shop = await trx.selectFrom('shops').select('timezone').where('id', '=', row.shop_id).executeTakeFirst();
  await setStatus(
    trx,
    actor,
    row,
    'paid',
    { paid_at: now, paid_day: businessDay(now, shop?.timezone ?? DEFAULT_TIMEZONE) },
    { note: '标记为已付款' },
  );
  return getOrder(trx, actor, id);
}

export async function cancelOrder(trx: Transaction<DB>, actor: Actor, id: string, reason = ''): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  assertTransition(row.status, 'cancelled', { orderId: id });
  const patch: Partial<OrdersTable> = { cancelled_at: Date.now() };
  if (row.stock_mode === 'reserved' && row.warehouse_id) {
    const units = await reservedUnits(trx, id);
    for (const skuId of [...units.keys()].sort()) {
      await inventory.moveQty(trx, actor, 'release', skuId, row.warehouse_id, units.get(skuId)!, {
        refType: 'order',
        refId: id,
        note: `订单 ${row.order_no} 取消，释放预占`,
      });
    }
    patch.stock_mode = 'released';
  }
  await setStatus(trx, actor, row, 'cancelled', patch, {
    note: `取消订单${reason ? `：${reason}` : ''}${patch.stock_mode === 'released' ? '，已释放预占库存' : ''}`,
  });
  return getOrder(trx, actor, id);
}

/** Ship: reserved stock leaves the warehouse ('ship' movements); imported history only records the parcel. */
export async function shipOrder(trx: Transaction<DB>, actor: Actor, id: string, input: ShipInput): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  if (row.status === 'refunding') {
    throw new AppError('invalid_state', `订单 ${row.order_no} 正在退款中，不能发货；请先处理完售后再发货`, { orderId: id });
  }
  assertTransition(row.status, 'shipped', { orderId: id, orderNo: row.order_no });
  const carrier = input.carrier.trim();
  const trackingNo = input.trackingNo.trim();
  const patch: Partial<OrdersTable> = { carrier, tracking_no: trackingNo, shipped_at: Date.now() };
  if (row.stock_mode === 'reserved' && row.warehouse_id) {
    const units = await reservedUnits(trx, id);
    for (const skuId of [...units.keys()].sort()) {
      await inventory.moveQty(trx, actor, 'ship', skuId, row.warehouse_id, units.get(skuId)!, {
        refType: 'order',
        refId: id,
        note: `订单 ${row.order_no} 发货 ${carrier} ${trackingNo}`,
      });
    }
    patch.stock_mode = 'shipped';
  }
  await setStatus(trx, actor, row, 'shipped', patch, { type: 'ship', note: `${carrier} ${trackingNo}` });
  return getOrder(trx, actor, id);
}

export async function deliverOrder(trx: Transaction<DB>, actor: Actor, id: string): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  await setStatus(trx, actor, row, 'delivered', { delivered_at: Date.now() }, { note: '标记为已签收' });
  return getOrder(trx, actor, id);
}

export async function completeOrder(trx: Transaction<DB>, actor: Actor, id: string): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  await setStatus(trx, actor, row, 'completed', { completed_at: Date.now() }, { note: '订单完成' });
  return getOrder(trx, actor, id);
}

// ---------------------------------------------------------------- flags, memo, notes

export async function setFlags(trx: Transaction<DB>, actor: Actor, id: string, input: OrderFlagsInput): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  const patch: Partial<OrdersTable> = {};
  const said: string[] = [];
  if (input.urgent !== undefined && (row.urgent === 1) !== input.urgent) {
    patch.urgent = input.urgent ? 1 : 0;
    said.push(input.urgent ? '标记催单' : '取消催单');
  }
  if (input.logisticsException !== undefined && (row.logistics_exception === 1) !== input.logisticsException) {
    patch.logistics_exception = input.logisticsException ? 1 : 0;
    said.push(input.logisticsException ? '标记物流异常' : '解除物流异常');
  }
  if (said.length === 0) return getOrder(trx, actor, id);
  await trx
    .updateTable('orders')
    .set({ ...patch, updated_at: Date.now() })
    .where('id', '=', id)
    .execute();
  await recordEvent(trx, id, {
    type: 'flag',
    note: `${said.join('，')}${input.note ? `：${input.note}` : ''}`,
    actorName: actorName(actor),
  });
  await audit.record(trx, actor, 'order.flag', {
    entityType: 'order',
    entityId: id,
    shopId: row.shop_id,
    before: { urgent: row.urgent === 1, logisticsException: row.logistics_exception === 1 },
    after: {
      urgent: (patch.urgent ?? row.urgent) === 1,
      logisticsException: (patch.logistics_exception ?? row.logistics_exception) === 1,
      note: input.note ?? '',
    },
  });
  return getOrder(trx, actor, id);
}

const MEMO_FIELD = { label: '卖家备注', path: 'sellerMemo', max: 1000 };

export async function setMemo(trx: Transaction<DB>, actor: Actor, id: string, edited: string): Promise<OrderDetail> {
  const row = await mustFind(trx, actor, id, true);
  // A user who saw the memo masked sends it back masked: keep the numbers they did not touch.
  const sellerMemo = canSeePii(actor) ? edited : keepHiddenPhones(row.seller_memo, edited, MEMO_FIELD);
  if (row.seller_memo === sellerMemo) return getOrder(trx, actor, id);
  await trx.updateTable('orders').set({ seller_memo: sellerMemo, updated_at: Date.now() }).where('id', '=', id).execute();
  await recordEvent(trx, id, { type: 'memo', note: `修改卖家备注：${sellerMemo || '（清空）'}`, actorName: actorName(actor) });
  await audit.record(trx, actor, 'order.memo', {
    entityType: 'order',
    entityId: id,
    shopId: row.shop_id,
    before: { sellerMemo: row.seller_memo },
    after: { sellerMemo },
  });
  return getOrder(trx, actor, id);
}

export async function addNote(trx: Transaction<DB>, actor: Actor, id: string, note: string): Promise<OrderDetail> {
  await mustFind(trx, actor, id);
  await recordEvent(trx, id, { type: 'note', note, actorName: actorName(actor) });
  return getOrder(trx, actor, id);
}

// ---------------------------------------------------------------- refunds

export interface RefundInput {
  lines: { orderLineId: string; qty: number; amountFen: number }[];
  /** Shipping refunded on top of the lines (fen). */
  shippingFen?: number | undefined;
  reason: string;
}

/** The status an order had before it went into 退款中 (from its timeline). */
async function statusBeforeRefunding(trx: Kysely<DB>, orderId: string): Promise<OrderStatus | null> {
  const e = await trx
    .selectFrom('order_events')
    .select(['from_status'])
    .where('order_id', '=', orderId)
    .where('to_status', '=', 'refunding')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return e?.from_status && isOrderStatus(e.from_status) ? e.from_status : null;
}

/** Put an order into 退款中 when an after-sales refund starts (no-op when already there). */
export async function markRefunding(trx: Transaction<DB>, actor: Actor, orderId: string, note: string): Promise<void> {
  const row = await mustFind(trx, actor, orderId, true);
  if (row.status === 'refunding') return;
  await setStatus(trx, actor, row, 'refunding', {}, { note });
}

/** Take an order out of 退款中 back to where it was (an after-sales case closed without refund). */
export async function leaveRefunding(trx: Transaction<DB>, actor: Actor, orderId: string, note: string): Promise<void> {
  const row = await mustFind(trx, actor, orderId, true);
  if (row.status !== 'refunding') return;
  const prev = (await statusBeforeRefunding(trx, orderId)) ?? (row.shipped_at ? 'shipped' : 'paid');
  await setStatus(trx, actor, row, prev, {}, { note });
}

/**
 * Refund part or all of an order: line refund amounts and quantities, the order total, stock of
 * unshipped units released, and the status — 已退款 when everything is refunded, otherwise back to
 * the status before 退款中. Refunds never exceed what was paid.
 */
export async function applyRefund(
  trx: Transaction<DB>,
  actor: Actor,
  orderId: string,
  input: RefundInput,
): Promise<{ refundFen: number; status: OrderStatus }> {
  const row = await mustFind(trx, actor, orderId, true);
  if (!['paid', 'shipped', 'delivered', 'completed', 'refunding'].includes(row.status)) {
    throw new AppError('invalid_state', `订单状态为「${statusLabel(row.status)}」，不能退款`, { orderId });
  }
  // Refunds count on the original order's days.
  await analytics.markOrderDaysDirty(trx, row.shop_id, [row.order_day, row.paid_day]);
  const all = await lines(trx, orderId);
  const byId = new Map(all.map((l) => [l.id, l]));
  const errors: FieldError[] = [];
  const changes: { line: OrderLinesTable; qty: number; amount: number }[] = [];
  input.lines.forEach((x, i) => {
    const l = byId.get(x.orderLineId);
    if (!l) {
      errors.push({ path: `lines.${i}.orderLineId`, message: `第 ${i + 1} 项不是本订单的商品行` });
      return;
    }
    if (l.refunded_qty + x.qty > l.qty)
      errors.push({ path: `lines.${i}.qty`, message: `「${l.title}」最多还能退 ${l.qty - l.refunded_qty} 件` });
    const left = Number(l.paid_fen) - Number(l.refund_fen);
    if (x.amountFen > left) errors.push({ path: `lines.${i}.amountFen`, message: `「${l.title}」最多还能退 ${formatFen(left)}` });
    changes.push({ line: l, qty: x.qty, amount: x.amountFen });
  });
  const shippingFen = input.shippingFen ?? 0;
  const total = add(shippingFen, ...changes.map((c) => c.amount));
  const paid = Number(row.paid_fen);
  const already = Number(row.refund_fen);
  if (total <= 0) errors.push({ path: 'amountFen', message: '退款金额必须大于 0' });
  if (already + total > paid) {
    errors.push({ path: 'amountFen', message: `退款合计不能超过实付 ${formatFen(paid)}（已退 ${formatFen(already)}）` });
  }
  if (errors.length) {
    throw new AppError('validation_failed', `退款被拒绝：${errors.map((e) => e.message).join('；')}`, { orderId, paidFen: paid }, errors);
  }
  for (const c of changes) {
    await trx
      .updateTable('order_lines')
      .set({ refund_fen: Number(c.line.refund_fen) + c.amount, refunded_qty: c.line.refunded_qty + c.qty })
      .where('id', '=', c.line.id)
      .execute();
  }
  const refundFen = already + total;
  const patch: Partial<OrdersTable> = { refund_fen: refundFen, updated_at: Date.now() };

  // Units refunded before shipping are no longer reserved for this order.
  if (row.stock_mode === 'reserved' && row.warehouse_id) {
    const release = new Map<string, number>();
    for (const c of changes) if (c.line.sku_id && c.qty > 0) release.set(c.line.sku_id, (release.get(c.line.sku_id) ?? 0) + c.qty);
    for (const skuId of [...release.keys()].sort()) {
      await inventory.moveQty(trx, actor, 'release', skuId, row.warehouse_id, release.get(skuId)!, {
        refType: 'order',
        refId: orderId,
        note: `订单 ${row.order_no} 退款，释放预占`,
      });
    }
  }
  const after = await lines(trx, orderId);
  const fully = refundFen >= paid || after.every((l) => l.refunded_qty >= l.qty && Number(l.refund_fen) >= Number(l.paid_fen));
  if (fully && row.stock_mode === 'reserved') patch.stock_mode = 'released';
  await trx.updateTable('orders').set(patch).where('id', '=', orderId).execute();
  await recordEvent(trx, orderId, {
    type: 'refund',
    note: `退款 ${formatFen(total)}${input.reason ? `（${input.reason}）` : ''}，累计已退 ${formatFen(refundFen)}`,
    actorName: actorName(actor),
  });
  await audit.record(trx, actor, 'order.refund', {
    entityType: 'order',
    entityId: orderId,
    shopId: row.shop_id,
    before: { refundFen: already, status: row.status },
    after: {
      refundFen,
      amountFen: total,
      reason: input.reason,
      lines: changes.map((c) => ({ orderLineId: c.line.id, qty: c.qty, amountFen: c.amount })),
    },
  });
  const fresh = await mustFind(trx, actor, orderId);
  let status = fresh.status as OrderStatus;
  if (fully) {
    await setStatus(trx, actor, fresh, 'refunded', {}, { note: `已全额退款 ${formatFen(refundFen)}` });
    status = 'refunded';
  } else if (fresh.status === 'refunding') {
    const prev = (await statusBeforeRefunding(trx, orderId)) ?? (fresh.shipped_at ? 'shipped' : 'paid');
    await setStatus(trx, actor, fresh, prev, {}, { note: `部分退款 ${formatFen(total)}，订单恢复为「${statusLabel(prev)}」` });
    status = prev;
  }
  return { refundFen, status };
}

// ---------------------------------------------------------------- saved views

function viewRow(r: { id: string; page: string; name: string; query: string; created_at: number }): SavedView {
  return { id: r.id, page: r.page, name: r.name, query: r.query, createdAt: Number(r.created_at) };
}

export async function listViews(db: Kysely<DB>, actor: Actor, page: string): Promise<SavedView[]> {
  const rows = await db
    .selectFrom('saved_views')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .where('page', '=', page)
    .orderBy('name')
    .execute();
  return rows.map(viewRow);
}

async function viewNameTaken(db: Kysely<DB>, actor: Actor, page: string, name: string, exceptId?: string): Promise<void> {
  let q = db
    .selectFrom('saved_views')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .where('page', '=', page)
    .where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) {
    throw new AppError('conflict', `已有名为「${name}」的视图，请换一个名称`, { name }, [{ path: 'name', message: '视图名称已存在' }]);
  }
}

export async function createView(db: Kysely<DB>, actor: Actor, input: ViewInput): Promise<SavedView> {
  await viewNameTaken(db, actor, input.page, input.name);
  const row = {
    id: newId('view'),
    org_id: actor.orgId,
    user_id: actor.userId,
    page: input.page,
    name: input.name,
    query: input.query.replace(/^\?/, ''),
    created_at: Date.now(),
  };
  await db.insertInto('saved_views').values(row).execute();
  return viewRow(row);
}

async function mustView(db: Kysely<DB>, actor: Actor, id: string) {
  const r = await db
    .selectFrom('saved_views')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!r) throw new AppError('not_found', `视图 ${id} 不存在`, { viewId: id });
  return r;
}

export async function updateView(db: Kysely<DB>, actor: Actor, id: string, input: UpdateViewInput): Promise<SavedView> {
  const r = await mustView(db, actor, id);
  if (input.name !== undefined) await viewNameTaken(db, actor, r.page, input.name, id);
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.query !== undefined ? { query: input.query.replace(/^\?/, '') } : {}),
  };
  if (Object.keys(patch).length) await db.updateTable('saved_views').set(patch).where('id', '=', id).execute();
  return viewRow({ ...r, ...patch });
}

export async function deleteView(db: Kysely<DB>, actor: Actor, id: string): Promise<void> {
  await mustView(db, actor, id);
  await db.deleteFrom('saved_views').where('id', '=', id).execute();
}

// ---------------------------------------------------------------- SKU picker

export function skuOptions(db: Kysely<DB>, actor: Actor, q: string) {
  return repo.searchSkus(db, actor.orgId, q.trim(), 20);
}
