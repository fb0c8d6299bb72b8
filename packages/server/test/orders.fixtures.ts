/** Fixtures shared by the orders and after-sales tests: a shop, SKUs with stock, a manual order. */
import { newId } from '@yunying/core';
import { expect } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import * as inventory from '../src/modules/inventory/index.js';
import type { Client, TestContext } from './harness.js';

export async function makeShop(ctx: TestContext, admin: Client, name = '天猫旗舰店'): Promise<string> {
  const res = await admin.post('/api/v1/shops', { name, channel: 'tmall', timezone: 'Asia/Shanghai' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** A product with one SKU (price in fen) and `stock` units in the default warehouse. */
export async function makeSku(ctx: TestContext, opts: { code: string; priceFen: number; stock: number; title?: string }): Promise<string> {
  const db = ctx.tdb.database.db;
  const now = Date.now();
  const productId = newId('product');
  const skuId = newId('sku');
  await db
    .insertInto('products')
    .values({
      id: productId,
      org_id: ctx.orgId,
      code: null,
      title: opts.title ?? `测试商品 ${opts.code}`,
      selling_points: '',
      description: '',
      category_id: null,
      brand_id: null,
      tags: '[]',
      spec_dims: '[]',
      status: 'on_sale',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('skus')
    .values({
      id: skuId,
      org_id: ctx.orgId,
      product_id: productId,
      code: opts.code,
      barcode: null,
      spec: '{"颜色":"黑"}',
      spec_text: '颜色:黑',
      price_fen: opts.priceFen,
      cost_fen: Math.round(opts.priceFen / 3),
      weight_g: 100,
      status: 'active',
      low_stock: null,
      over_stock: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  if (opts.stock > 0) {
    const wh = await inventory.defaultWarehouseId(db, ctx.orgId);
    await db
      .transaction()
      .execute((trx) => inventory.moveQty(trx, systemActor(ctx.orgId, 'test'), 'inbound', skuId, wh, opts.stock, { note: '期初' }));
  }
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
