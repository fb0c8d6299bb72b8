/**
 * Creating a manual order: catalogue prices, the discount allocated over the lines, stock reserved
 * in the default warehouse, an order number from the day's counter — and, around it, the
 * idempotency key that makes a retried POST answer the first result.
 */
import { createHash } from 'node:crypto';
import {
  AppError,
  add,
  allocate,
  businessDay,
  formatFen,
  isFenInRange,
  MAX_FEN,
  newId,
  type CreateOrderInput,
  type FieldError,
  type OrderDetail,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { canSeeShop, isPostgres, isUniqueViolation } from '../../db/kit.js';
import type { DB, OrderLinesTable, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as catalog from '../catalog/index.js';
import * as analytics from '../analytics/index.js';
import * as customers from '../customers/index.js';
import * as inventory from '../inventory/index.js';
import * as marketing from '../marketing/index.js';
import * as shops from '../shops/index.js';
import * as repo from './orders.repo.js';
import { orderDetailOf } from './orders.queries.js';
import { actorName, eventRow } from './orders.rows.js';

/** Manual order number: M + the shop's business day + a sequence of at least 6 digits (M20261122000042). */
export function manualOrderNo(day: string, seq: number): string {
  return `M${day.replace(/-/g, '')}${String(seq).padStart(6, '0')}`;
}

/**
 * The next manual order number for a business day, unique across the organisation's shops by
 * construction (batch shipping finds an order by its number alone): the organisation's counter
 * row for the day is incremented — on SQLite in the order's own transaction (one writer at a time
 * anyway), on PostgreSQL in a short transaction of its own before the order's (`takeOrderNo`), so
 * concurrent creations do not queue on the counter row until they commit. Either way a
 * rolled-back order leaves a gap in the numbers, never a duplicate. Numbers already taken — random
 * ones from before the counter existed — are skipped.
 */
async function nextManualOrderNo(db: Kysely<DB>, orgId: string, day: string): Promise<string> {
  const prefix = manualOrderNo(day, 0).slice(0, -6);
  for (let i = 0; i < 1000; i++) {
    const { seq, taken } = await repo.takeOrderSeq(db, orgId, day, prefix);
    if (!taken) return manualOrderNo(day, seq);
  }
  throw new AppError('internal', '生成订单编号失败，请稍后重试', { orgId, day });
}

/** An order number taken before the order's transaction, for the business day of `now`. */
export interface TakenOrderNo {
  now: number;
  day: string;
  orderNo: string;
}

/**
 * Shops' time zones as last read, to know the business day before the order's transaction reads
 * the shop. Only a guess: `createOrder` compares the day with the one from the shop row it reads
 * and takes another number in its transaction when they differ (a time zone just changed).
 */
const shopZones = new Map<string, string>();

/**
 * PostgreSQL: take the order number outside the order's transaction (the counter's upsert commits
 * at once: its row lock lasts one statement instead of the whole creation). Undefined on SQLite,
 * and when the shop is unknown or not visible (the transaction then refuses the order as before).
 */
async function takeOrderNo(db: Kysely<DB>, actor: Actor, shopId: string): Promise<TakenOrderNo | undefined> {
  if (!isPostgres(db) || !canSeeShop(actor, shopId)) return undefined;
  let zone = shopZones.get(shopId);
  if (zone === undefined) {
    const r = await shops.getVisible(db, actor, shopId).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'not_found') return null;
      throw err;
    });
    if (!r) return undefined;
    zone = r.timezone;
    if (shopZones.size > 10_000) shopZones.clear();
    shopZones.set(shopId, zone);
  }
  const now = Date.now();
  const day = businessDay(now, zone);
  // One statement, committed at once: it takes the number and says whether the number is already
  // taken (an old random one), then the next is taken.
  return { now, day, orderNo: await nextManualOrderNo(db, actor.orgId, day) };
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
export async function createOrder(trx: Transaction<DB>, actor: Actor, input: CreateOrderInput, taken?: TakenOrderNo): Promise<OrderDetail> {
  const shop = await shops.getVisible(trx, actor, input.shopId);
  shopZones.set(shop.id, shop.timezone);
  if (shop.status !== 'active') {
    throw new AppError('invalid_state', `店铺「${shop.name}」已归档，不能新建订单；请先在设置中恢复店铺`, { shopId: shop.id }, [
      { path: 'shopId', message: '店铺已归档' },
    ]);
  }
  const skus = await catalog.skuSummaries(
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
  const now = taken?.now ?? Date.now();
  // The shop's running promotions and the buyer's coupons, priced by the engine (marketing); the
  // manual discount comes on top, over what the lines still cost.
  const pricing = await marketing.priceOrder(trx, actor, {
    shopId: shop.id,
    channel: shop.channel,
    buyerKey: input.buyerNick,
    lines: priced.map((p) => ({
      skuId: p.skuId,
      qty: p.qty,
      unitPriceFen: p.unit,
      costFen: p.sku.costFen,
      productId: p.sku.productId,
      name: p.sku.productTitle,
    })),
    couponIds: input.couponIds,
    couponCode: input.couponCode,
    memberLevel: input.memberLevel,
    region: input.region,
    shippingFen: input.shippingFen,
    at: now,
  });
  const byLine = new Map(pricing.lines.map((l) => [l.lineId, l]));
  const promoOff = priced.map((p, i) => p.goods - byLine.get(`L${i + 1}`)!.finalFen);
  const gifts = pricing.lines.filter((l) => l.isGift);
  const goodsFen = add(...priced.map((p) => p.goods));
  const netFen = pricing.totals.goodsFen;
  if (input.discountFen > netFen) {
    throw new AppError(
      'validation_failed',
      `优惠金额 ${formatFen(input.discountFen)} 不能超过${netFen < goodsFen ? '活动后的' : ''}商品金额 ${formatFen(netFen)}，请调低优惠`,
      { goodsFen: netFen, discountFen: input.discountFen },
      [{ path: 'discountFen', message: `不能超过商品金额 ${formatFen(netFen)}` }],
    );
  }
  const manual = allocate(
    input.discountFen,
    priced.map((p, i) => p.goods - promoOff[i]!),
  );
  const discounts = priced.map((_, i) => promoOff[i]! + manual[i]!);
  const discountFen = add(input.discountFen, ...promoOff);
  const shippingFen = input.shippingFen - pricing.totals.shippingDiscountFen;
  const paidFen = add(goodsFen, -discountFen, shippingFen);
  const orderId = newId('order');
  const warehouseId = await inventory.defaultWarehouseId(trx, actor.orgId);
  const day = businessDay(now, shop.timezone);
  const orderNo = taken?.day === day ? taken.orderNo : await nextManualOrderNo(trx, actor.orgId, day);

  const row: OrdersTable = {
    id: orderId,
    visitor_id: null,
    source_code: null,
    flag_color: null,
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
    discount_fen: discountFen,
    shipping_fen: shippingFen,
    paid_fen: paidFen,
    refund_fen: 0,
    item_count: priced.reduce((s, p) => s + p.qty, 0) + gifts.reduce((s, g) => s + g.qty, 0),
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
  const lines: OrderLinesTable[] = priced.map((p, i) => ({
    id: newId('orderLine'),
    order_id: orderId,
    line_no: i + 1,
    sku_id: p.skuId,
    title: p.sku.productTitle,
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
  }));
  let giftSkus: Map<string, catalog.SkuSummary> | undefined;
  if (gifts.length) {
    giftSkus = await catalog.skuSummaries(
      trx,
      actor.orgId,
      gifts.map((g) => g.skuId),
    );
    for (const [i, g] of gifts.entries()) {
      const s = giftSkus.get(g.skuId);
      lines.push({
        id: newId('orderLine'),
        order_id: orderId,
        line_no: priced.length + i + 1,
        sku_id: g.skuId,
        title: `【赠品】${s?.productTitle ?? g.name ?? ''}`,
        spec_text: s?.specText ?? '',
        merchant_code: s?.code ?? '',
        channel_item_id: '',
        qty: g.qty,
        unit_price_fen: 0,
        discount_fen: 0,
        paid_fen: 0,
        refund_fen: 0,
        refunded_qty: 0,
        unit_cost_fen: s?.costFen ?? 0,
      });
    }
  }
  const event = eventRow(orderId, {
    type: 'status',
    from: null,
    to: row.status,
    note: `手工创建订单，实付 ${formatFen(paidFen)}，已在默认仓预占库存${pricing.applied.length ? `；优惠：${pricing.applied.map((x) => x.explanation).join('；')}` : ''}`,
    actorName: actorName(actor),
  });

  // Rows nobody else writes first; the rows concurrent creations share — the SKUs' stock, the
  // shop's status counter (a trigger on orders) and the shop's dirty day for the rollups — last,
  // so their locks are held for the fewest round trips before the commit (issue 10).
  const auditRow = audit.recordInsert(trx, actor, 'order.create', {
    entityType: 'order',
    entityId: orderId,
    shopId: shop.id,
    after: { orderNo, status: row.status, goodsFen, discountFen, shippingFen, paidFen },
  });
  await customers.markOrdersDirty(trx, row.shop_id, [row.id]);
  // The SKUs' summaries read above (thresholds included): the stock check does not read them again.
  const known = giftSkus ? new Map([...skus, ...giftSkus]) : skus;
  const reserveItems = [...priced.map((p) => ({ skuId: p.skuId, qty: p.qty })), ...gifts.map((g) => ({ skuId: g.skuId, qty: g.qty }))];
  const reserveRef = { refType: 'order', refId: orderId, note: `订单 ${orderNo} 预占` };
  const dirty = analytics.markDirtyInsert(trx, row.shop_id, [row.order_day, row.paid_day ?? ''], { urgent: true });
  const plan = isPostgres(trx) && dirty ? inventory.planMoveMany(trx, actor, 'reserve', warehouseId, reserveItems, reserveRef) : undefined;
  if (plan && dirty && !plan.ensureRows) {
    // PostgreSQL, one statement: the reservation (one guarded UPDATE in SKU order), its ledger
    // rows, the order, its lines (gifts included), its first event, its audit row and the dirty
    // day — the SKUs' stock rows and the shop's counter row are held from this statement to the
    // commit, with no round trip between (issue 10). The foreign keys are checked at the end of
    // the statement, when the order's row is there. Fewer stock rows updated than SKUs = some SKU
    // is short: the conflict is thrown and the transaction rolls all of it back. The threshold
    // check after it reads nothing unless a SKU has a threshold.
    const r = await trx
      .with('s', () => plan.update.returning('sku_id'))
      .with('m', () => plan.ledger.returning('id'))
      .with('o', (qc) => qc.insertInto('orders').values(row).returning('id'))
      .with('l', (qc) => qc.insertInto('order_lines').values(lines).returning('id'))
      .with('e', (qc) => qc.insertInto('order_events').values(event).returning('id'))
      .with('a', () => auditRow.returning('id'))
      .with('d', () => dirty.returning('day'))
      .selectFrom('s')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(r.n) !== plan.skuIds.length) throw await plan.shortfall();
    await inventory.checkThresholdsMany(trx, actor.orgId, plan.skuIds, known);
  } else {
    await auditRow.execute();
    // Reserve all lines at once (one guarded UPDATE in SKU order, one ledger insert).
    await inventory.moveQtyMany(trx, actor, 'reserve', warehouseId, reserveItems, reserveRef, known);
    await trx.insertInto('orders').values(row).execute();
    // The order's lines and its gifts in one statement.
    await trx.insertInto('order_lines').values(lines).execute();
    await trx.insertInto('order_events').values(event).execute();
    if (dirty) await dirty.execute();
  }
  if (pricing.applied.length)
    await marketing.recordOrderPricing(trx, { orderId, shopId: shop.id, buyerKey: input.buyerNick, result: pricing });
  // The detail from the rows just written (a new order has no after-sales cases): reading them
  // back cost three statements per order (issue 10).
  return orderDetailOf(actor, row, lines, [event], [], shop.name);
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
export interface IdempotentRequest {
  /** The route the key belongs to ('POST /orders'). */
  route: string;
  /** The client's Idempotency-Key; without one the work simply runs. */
  clientKey: string | undefined;
  /** The request body, hashed to recognise a repeat. */
  request: unknown;
  /** The status answered (and replayed). */
  status: number;
}

export async function idempotent<T, P = undefined>(
  db: Kysely<DB>,
  actor: Actor,
  req: IdempotentRequest,
  work: (trx: Transaction<DB>, prepared: P | undefined) => Promise<T>,
  /** Run before the work's transaction, once the key is known not to be a repeat. */
  prepare?: () => Promise<P>,
): Promise<IdempotentResult<T>> {
  const { route, clientKey, request, status } = req;
  if (!clientKey) {
    const prepared = await prepare?.();
    return { status, body: await db.transaction().execute((trx) => work(trx, prepared)), replayed: false };
  }
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
    const prepared = await prepare?.();
    const body = await db.transaction().execute(async (trx) => {
      const out = await work(trx, prepared);
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
      return await idempotent(
        db,
        actor,
        { route: 'POST /orders', clientKey, request: input, status: 201 },
        (trx, taken) => createOrder(trx, actor, input, taken),
        () => takeOrderNo(db, actor, input.shopId),
      );
    } catch (err) {
      if (attempt < 4 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}
