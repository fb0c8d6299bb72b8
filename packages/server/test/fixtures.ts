/**
 * Test fixtures shared by the integration tests: shops, products, SKUs with stock, orders (today's
 * through the API, past days' through the orders module's bulk writer).
 * Each goes through the owning module (the HTTP API or the module's service / index.ts), never
 * by writing another module's tables, so a fixture is a row the product itself could have made.
 */
import { dayStart, newId } from '@yunying/core';
import iconv from 'iconv-lite';
import { expect } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import { createProduct } from '../src/modules/catalog/catalog.service.js';
import * as inventory from '../src/modules/inventory/index.js';
import * as orders from '../src/modules/orders/index.js';
import type { Client, TestContext } from './harness.js';

/** A shop created through the API (201 asserted); returns its id. */
export async function makeShop(
  ctx: TestContext,
  admin: Client,
  name = '天猫旗舰店',
  opts: { channel?: string; timezone?: string } = {},
): Promise<string> {
  const res = await admin.post('/api/v1/shops', { name, channel: opts.channel ?? 'tmall', timezone: opts.timezone ?? 'Asia/Shanghai' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

export interface ProductFixture {
  title?: string;
  code?: string | null;
  status?: 'draft' | 'on_sale' | 'off_shelf';
  skus: { code: string; priceFen: number; costFen?: number; color?: string; weightG?: number }[];
}

/** A product with its SKUs, made by the catalogue service; returns the product and SKU ids in order. */
export async function makeProduct(ctx: TestContext, p: ProductFixture): Promise<{ productId: string; skuIds: string[] }> {
  const actor = systemActor(ctx.orgId, 'test');
  // One spec dimension, 颜色: 黑 for a single SKU, 色1, 色2… for several, unless given.
  const color = (s: { color?: string }, i: number) => s.color ?? (p.skus.length > 1 ? `色${i + 1}` : '黑');
  const dto = await ctx.tdb.database.db.transaction().execute((trx) =>
    createProduct(trx, actor, {
      title: p.title ?? `测试商品 ${p.skus[0]?.code ?? ''}`,
      code: p.code ?? null,
      sellingPoints: '',
      description: '',
      tags: [],
      specDims: [{ name: '颜色', values: p.skus.map(color) }],
      status: p.status ?? 'on_sale',
      skus: p.skus.map((s, i) => ({
        code: s.code,
        spec: { 颜色: color(s, i) },
        priceFen: s.priceFen,
        costFen: s.costFen ?? Math.round(s.priceFen / 3),
        weightG: s.weightG ?? 100,
      })),
    }),
  );
  const byCode = new Map(dto.skus.map((s) => [s.code, s.id]));
  return { productId: dto.id, skuIds: p.skus.map((s) => byCode.get(s.code)!) };
}

/** Put `qty` units of a SKU into the default warehouse through the inventory ledger. */
export async function addStock(ctx: TestContext, skuId: string, qty: number, note = '期初'): Promise<void> {
  const db = ctx.tdb.database.db;
  const wh = await inventory.defaultWarehouseId(db, ctx.orgId);
  await db.transaction().execute((trx) => inventory.moveQty(trx, systemActor(ctx.orgId, 'test'), 'inbound', skuId, wh, qty, { note }));
}

/** A product with one SKU (price in fen) and `stock` units in the default warehouse; returns the SKU id. */
export async function makeSku(
  ctx: TestContext,
  opts: { code: string; priceFen: number; stock: number; title?: string; costFen?: number; color?: string },
): Promise<string> {
  const { skuIds } = await makeProduct(ctx, {
    title: opts.title ?? `测试商品 ${opts.code}`,
    status: opts.priceFen > 0 ? 'on_sale' : 'draft',
    skus: [
      {
        code: opts.code,
        priceFen: opts.priceFen,
        ...(opts.costFen !== undefined ? { costFen: opts.costFen } : {}),
        ...(opts.color ? { color: opts.color } : {}),
      },
    ],
  });
  const skuId = skuIds[0]!;
  if (opts.stock > 0) await addStock(ctx, skuId, opts.stock);
  return skuId;
}

export async function stockOf(ctx: TestContext, skuId: string) {
  const [level] = await inventory.levels(ctx.tdb.database.db, [skuId]);
  return level ? { onHand: level.onHand, reserved: level.reserved, available: level.available, defective: level.defective } : null;
}

export async function ledgerOf(ctx: TestContext, skuId: string) {
  const [t] = await inventory.ledgerTotals(ctx.tdb.database.db, ctx.orgId, skuId);
  return t ? { onHand: t.onHand, reserved: t.reserved, available: t.available, defective: t.defective } : null;
}

/** The body of a manual order (POST /api/v1/orders) with a fixed buyer and address. */
export function orderBody(
  shopId: string,
  lines: { skuId: string; qty: number; unitPriceFen?: number }[],
  extra: Record<string, unknown> = {},
) {
  return {
    shopId,
    lines,
    buyerNick: 'tb_小李',
    receiverName: '李小明',
    receiverPhone: '13812345678',
    receiverAddress: '浙江省杭州市西湖区文三路 100 号',
    ...extra,
  };
}

/** A manual order created through the API (201 asserted); returns the order DTO. */
export async function makeOrder(
  client: Client,
  shopId: string,
  lines: { skuId: string; qty: number; unitPriceFen?: number }[],
  extra: Record<string, unknown> = {},
): Promise<any> {
  const res = await client.post('/api/v1/orders', orderBody(shopId, lines, extra));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export interface BackdatedOrder {
  shopId: string;
  /** The business day the order was placed (ordered at 01:00 that day). */
  day: string;
  /** The day it was paid (at 02:00), or null when unpaid. */
  paidDay: string | null;
  status: string;
  visitorId: string | null;
  nick: string;
  sourceCode: string | null;
  shippingFen: number;
  /** The shop's zone (default Asia/Shanghai), for the order and payment instants. */
  timezone?: string;
  channel?: string;
  /** Lines: paidFen defaults to qty × unitPriceFen (the rest is the line's discount); a refund marks one unit refunded. */
  lines: { skuId: string | null; qty: number; unitPriceFen: number; unitCostFen: number; paidFen?: number; refundFen?: number }[];
  /** The day the line refunds succeeded (at 20:00; default the paid day, else the order day). */
  refundDay?: string;
  /** Exact instants instead of 01:00 / 02:00 / 20:00 of the days (they must fall on those days). */
  orderedAt?: number;
  paidAt?: number;
  refundAt?: number;
  /** The warehouse it ships from and when it shipped (default none). */
  warehouseId?: string | null;
  shippedAt?: number | null;
}

/**
 * An order placed and paid on past days — the history analytics tests need — written as given by
 * the orders module's bulk writer (orders.bulk.insertOrders): no stock moves and no rollup marks,
 * the caller marks the days dirty. Paid amount = Σ line paid + shipping; returns the order id.
 */
export async function makeBackdatedOrder(ctx: TestContext, o: BackdatedOrder): Promise<string> {
  return (await makeBackdatedOrders(ctx, [o]))[0]!;
}

/** Many backdated orders (see makeBackdatedOrder) in batches of 500; returns their ids in order. */
export async function makeBackdatedOrders(ctx: TestContext, list: readonly BackdatedOrder[]): Promise<string[]> {
  const ids: string[] = [];
  for (let b = 0; b < list.length; b += 500) {
    const batch = list.slice(b, b + 500).map((o) => backdatedRow(o));
    await orders.bulk.insertOrders(ctx.tdb.database.db, { orgId: ctx.orgId, source: 'manual', eventActor: () => '', orders: batch });
    ids.push(...batch.map((r) => r.id));
  }
  return ids;
}

function backdatedRow(o: BackdatedOrder): Parameters<typeof orders.bulk.insertOrders>[1]['orders'][number] {
  const tz = o.timezone ?? 'Asia/Shanghai';
  const id = newId('order');
  const linePaid = o.lines.map((l) => l.paidFen ?? l.qty * l.unitPriceFen);
  const goods = linePaid.reduce((s, x) => s + x, 0);
  const at = o.orderedAt ?? dayStart(o.day, tz) + 3_600_000;
  const lineIds = o.lines.map(() => newId('orderLine'));
  const refundDay = o.refundDay ?? o.paidDay ?? o.day;
  const refundAt = o.refundAt ?? dayStart(refundDay, tz) + 20 * 3_600_000;
  return {
    id,
    shopId: o.shopId,
    channel: o.channel ?? 'tmall',
    orderNo: id,
    status: o.status,
    stockMode: 'none',
    warehouseId: o.warehouseId ?? null,
    buyerNick: o.nick,
    receiverName: '张三',
    receiverPhone: '13800000000',
    receiverAddress: '杭州',
    buyerNote: '',
    sellerMemo: '',
    goodsFen: goods,
    discountFen: 0,
    shippingFen: o.shippingFen,
    paidFen: goods + o.shippingFen,
    refundFen: o.lines.reduce((s, l) => s + (l.refundFen ?? 0), 0),
    itemCount: o.lines.reduce((s, l) => s + l.qty, 0),
    isPresale: false,
    urgent: false,
    logisticsException: false,
    carrier: null,
    trackingNo: null,
    orderedAt: at,
    paidAt: o.paidDay ? (o.paidAt ?? dayStart(o.paidDay, tz) + 7_200_000) : null,
    shippedAt: o.shippedAt ?? null,
    deliveredAt: null,
    completedAt: null,
    cancelledAt: null,
    orderDay: o.day,
    paidDay: o.paidDay,
    visitorId: o.visitorId,
    sourceCode: o.sourceCode,
    updatedAt: at,
    lines: o.lines.map((l, i) => ({
      id: lineIds[i]!,
      lineNo: i + 1,
      skuId: l.skuId,
      title: 'x',
      specText: '',
      merchantCode: '',
      channelItemId: '',
      qty: l.qty,
      unitPriceFen: l.unitPriceFen,
      discountFen: l.qty * l.unitPriceFen - linePaid[i]!,
      paidFen: linePaid[i]!,
      refundFen: l.refundFen ?? 0,
      refundedQty: l.refundFen ? 1 : 0,
      unitCostFen: l.unitCostFen,
    })),
    events: [],
    refunds: o.lines.flatMap((l, i) =>
      l.refundFen
        ? [
            {
              id: newId('refund'),
              orderLineId: lineIds[i]!,
              qty: 1,
              amountFen: l.refundFen,
              at: refundAt,
              day: refundDay,
              note: '退款',
            },
          ]
        : [],
    ),
  };
}

/** A multipart/form-data body: text fields, then files (field name → file name and bytes). */
export function multipart(
  fields: Record<string, string>,
  files: Record<string, { name: string; data: Buffer }>,
): { body: Buffer; type: string } {
  const boundary = `----yy${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  for (const [k, f] of Object.entries(files)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      f.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

/**
 * A user holding exactly `permissions` (through a new custom role) on `shopIds` (all shops when
 * omitted), created by the owner through the API and logged in; returns the user's client.
 */
export async function makeUserWithPermissions(
  ctx: TestContext,
  admin: Client,
  opts: { username: string; permissions: readonly string[]; shopIds?: string[] },
): Promise<Client> {
  const role = await admin.post('/api/v1/roles', { name: `角色_${opts.username}`.slice(0, 30), permissions: opts.permissions });
  expect(role.statusCode, role.body).toBe(201);
  const made = await admin.post('/api/v1/users', {
    username: opts.username,
    displayName: opts.username,
    password: 'Passw0rd!',
    roleIds: [role.json().id],
    allShops: !opts.shopIds,
    ...(opts.shopIds ? { shopIds: opts.shopIds } : {}),
  });
  expect(made.statusCode, made.body).toBe(201);
  const client = ctx.client();
  expect((await client.login(opts.username, 'Passw0rd!')).statusCode).toBe(200);
  return client;
}

/** A Chinese character: every refusal explains itself in Chinese. */
export const CJK = /[\u4e00-\u9fff]/;

/** Runs per fast-check property: YUNYING_FUZZ_RUNS, else 12 (60 under YUNYING_LONG_TESTS, as `.ci/run` sets). */
export const FUZZ_RUNS = Number(process.env.YUNYING_FUZZ_RUNS ?? (process.env.YUNYING_LONG_TESTS === '1' ? 60 : 12));

/** The text encodings the importers meet in the wild (UTF-16 only to be refused with a reason). */
export type TextEncoding = 'utf8' | 'bom' | 'gbk' | 'utf16le';

/** A file's text in one of those encodings: UTF-8, UTF-8 with BOM, GBK, or UTF-16LE with its BOM. */
export function encodeText(text: string, enc: TextEncoding): Buffer {
  if (enc === 'bom') return Buffer.from(`\uFEFF${text}`);
  if (enc === 'gbk') return iconv.encode(text, 'gbk');
  if (enc === 'utf16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return Buffer.from(text);
}
