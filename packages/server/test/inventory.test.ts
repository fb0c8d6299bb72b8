import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newId } from '@yunying/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import * as inventory from '../src/modules/inventory/index.js';
import { describeEachDialect } from './dialects.js';
import { makeSku as makeSkuFixture } from './fixtures.js';
import { useTestApp, type Client, type TestContext } from './harness.js';

/** A SKU at ¥99 with no stock (the tests stock it themselves), through the shared catalogue fixture. */
function makeSku(ctx: TestContext, code: string, opts: { costFen?: number; title?: string } = {}): Promise<string> {
  return makeSkuFixture(ctx, {
    code,
    priceFen: 9900,
    stock: 0,
    costFen: opts.costFen ?? 4000,
    title: opts.title ?? `商品 ${code}`,
    color: '红',
  });
}

async function count(ctx: TestContext, table: 'stock_movements' | 'audit_log' | 'transfers'): Promise<number> {
  const r = await ctx.tdb.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function stockOf(admin: Client, skuId: string, warehouseId: string) {
  const r = (await admin.get(`/api/v1/stock?skuId=${skuId}&warehouseId=${warehouseId}`)).json();
  const row = r.items[0];
  return row ? { onHand: row.onHand, reserved: row.reserved, available: row.available, defective: row.defective } : null;
}

describeEachDialect('inventory', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let wh1: string;
  let wh2: string;
  let skuA: string;
  let skuB: string;

  beforeAll(async () => {
    admin = await ctx.admin();
    skuA = await makeSku(ctx, 'A-001', { title: '纯棉T恤' });
    skuB = await makeSku(ctx, 'B-001');
  });

  describe('warehouses', () => {
    it('creates 默认仓 on first use, keeps codes unique and exactly one default', async () => {
      const list = await admin.get('/api/v1/warehouses');
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toEqual([expect.objectContaining({ code: 'WH01', name: '默认仓', isDefault: true })]);
      wh1 = list.json().items[0].id;
      const created = await admin.post('/api/v1/warehouses', { code: 'WH02', name: '华东仓', address: '杭州' });
      expect(created.statusCode).toBe(201);
      wh2 = created.json().id;
      const dup = await admin.post('/api/v1/warehouses', { code: 'WH02', name: '另一个' });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().errors[0].path).toBe('code');
      await admin.patch(`/api/v1/warehouses/${wh2}`, { isDefault: true });
      const after = (await admin.get('/api/v1/warehouses')).json().items;
      expect(after.filter((w: { isDefault: boolean }) => w.isDefault).map((w: { id: string }) => w.id)).toEqual([wh2]);
      await admin.patch(`/api/v1/warehouses/${wh1}`, { isDefault: true });
      const off = await admin.patch(`/api/v1/warehouses/${wh1}`, { status: 'disabled' });
      expect(off.statusCode).toBe(409);
    });
  });

  describe('adjust and defective', () => {
    it('adjusts up with an audit entry, and refuses to go below zero writing nothing', async () => {
      const up = await admin.post('/api/v1/stock/adjust', { skuId: skuA, warehouseId: wh1, qty: 10, reason: '期初录入' });
      expect(up.statusCode).toBe(200);
      expect(await stockOf(admin, skuA, wh1)).toEqual({ onHand: 10, reserved: 0, available: 10, defective: 0 });
      const audit = (await admin.get(`/api/v1/audit?action=stock.adjust&entityId=${skuA}`)).json().items;
      expect(audit).toHaveLength(1);
      expect(audit[0].after).toMatchObject({ qty: 10, reason: '期初录入', onHand: 10 });

      const [movements, audits] = [await count(ctx, 'stock_movements'), await count(ctx, 'audit_log')];
      const down = await admin.post('/api/v1/stock/adjust', { skuId: skuA, warehouseId: wh1, qty: -11, reason: '报损' });
      expect(down.statusCode).toBe(409);
      expect(down.json().detail).toContain('库存不足');
      expect(down.json().detail).toContain('A-001');
      expect(await stockOf(admin, skuA, wh1)).toEqual({ onHand: 10, reserved: 0, available: 10, defective: 0 });
      expect(await count(ctx, 'stock_movements')).toBe(movements);
      expect(await count(ctx, 'audit_log')).toBe(audits);

      const zero = await admin.post('/api/v1/stock/adjust', { skuId: skuA, warehouseId: wh1, qty: 0, reason: 'x' });
      expect(zero.statusCode).toBe(400);
    });

    it('moves defective units out of on hand and available', async () => {
      const r = await admin.post('/api/v1/stock/defective', { skuId: skuA, warehouseId: wh1, qty: 2, reason: '破损' });
      expect(r.statusCode).toBe(200);
      expect(await stockOf(admin, skuA, wh1)).toEqual({ onHand: 8, reserved: 0, available: 8, defective: 2 });
      const mv = (await admin.get(`/api/v1/stock/movements?skuId=${skuA}&type=defective`)).json();
      expect(mv.items).toHaveLength(1);
      expect(mv.items[0]).toMatchObject({ dOnHand: -2, dAvailable: -2, dDefective: 2, note: '破损', skuCode: 'A-001' });
    });

    it('lets service read stock but not adjust it', async () => {
      const { client } = await ctx.userWithRoles('kefu1', ['service']);
      expect((await client.get('/api/v1/stock')).statusCode).toBe(200);
      expect((await client.post('/api/v1/stock/adjust', { skuId: skuA, warehouseId: wh1, qty: 1, reason: 'x' })).statusCode).toBe(403);
    });
  });

  describe('stock list', () => {
    it('filters, flags low stock and computes days of cover from the last 30 days of paid orders', async () => {
      const db = ctx.tdb.database.db;
      const shop = (await admin.post('/api/v1/shops', { name: '天猫旗舰店', channel: 'tmall' })).json();
      const now = Date.now();
      const order = (no: string, status: string, paidAt: number | null, qty: number) => ({
        order: {
          id: newId('order'),
          org_id: ctx.orgId,
          shop_id: shop.id,
          channel: 'tmall',
          order_no: no,
          source: 'manual',
          status,
          stock_mode: 'none',
          warehouse_id: null,
          buyer_nick: 'b',
          receiver_name: '',
          receiver_phone: '',
          receiver_address: '',
          buyer_note: '',
          seller_memo: '',
          goods_fen: 0,
          discount_fen: 0,
          shipping_fen: 0,
          paid_fen: 0,
          refund_fen: 0,
          item_count: qty,
          is_presale: 0,
          urgent: 0,
          logistics_exception: 0,
          carrier: null,
          tracking_no: null,
          ordered_at: paidAt ?? now,
          paid_at: paidAt,
          shipped_at: null,
          delivered_at: null,
          completed_at: null,
          cancelled_at: null,
          order_day: '2026-01-01',
          paid_day: null,
          created_at: now,
          updated_at: now,
        },
        qty,
      });
      const orders = [
        order('O1', 'shipped', now - 2 * 86_400_000, 40),
        order('O2', 'completed', now - 20 * 86_400_000, 20),
        order('O3', 'cancelled', now - 86_400_000, 500), // cancelled: not counted
        order('O4', 'completed', now - 40 * 86_400_000, 500), // outside the window
      ];
      for (const o of orders) {
        await db.insertInto('orders').values(o.order).execute();
        await db
          .insertInto('order_lines')
          .values({
            id: newId('orderLine'),
            order_id: o.order.id,
            line_no: 1,
            sku_id: skuA,
            title: 't',
            spec_text: '',
            merchant_code: 'A-001',
            channel_item_id: '',
            qty: o.qty,
            unit_price_fen: 100,
            discount_fen: 0,
            paid_fen: 100,
            refund_fen: 0,
            refunded_qty: 0,
            unit_cost_fen: 0,
          })
          .execute();
      }
      const r = (await admin.get(`/api/v1/stock?q=${encodeURIComponent('纯棉')}`)).json();
      expect(r.total).toBe(1);
      // 60 sold in 30 days → 2 a day; 8 available → 4 days
      expect(r.items[0]).toMatchObject({ skuCode: 'A-001', productTitle: '纯棉T恤', sold30d: 60, daysOfCover: 4, warehouseName: '默认仓' });

      expect((await admin.patch(`/api/v1/stock/skus/${skuA}/thresholds`, { lowStock: 20, overStock: 10 })).statusCode).toBe(400);
      const th = await admin.patch(`/api/v1/stock/skus/${skuA}/thresholds`, { lowStock: 20, overStock: 500 });
      expect(th.statusCode).toBe(200);
      const low = (await admin.get('/api/v1/stock?lowOnly=true')).json();
      expect(low.items.map((i: { skuCode: string }) => i.skuCode)).toEqual(['A-001']);
      expect(low.items[0].low).toBe(true);
      expect((await admin.get('/api/v1/stock?overOnly=true')).json().total).toBe(0);
      const audit = (await admin.get(`/api/v1/audit?action=sku.thresholds&entityId=${skuA}`)).json().items;
      expect(audit[0].after).toMatchObject({ lowStock: 20, overStock: 500 });
    });
  });

  describe('notifications', () => {
    it('shows the low-stock alert in GET /notifications; reading drops the unread count', async () => {
      const { client } = await ctx.userWithRoles('cangku1', ['warehouse']);
      const before = (await client.get('/api/v1/notifications')).json();
      const alert = before.items.find((n: { type: string; entityId: string }) => n.type === 'low_stock' && n.entityId === skuA);
      expect(alert).toMatchObject({ title: '库存不足：A-001', read: false, resolved: false });
      expect(before.unread).toBeGreaterThanOrEqual(1);
      const one = await client.post('/api/v1/notifications/read', { ids: [alert.id] });
      expect(one.statusCode).toBe(200);
      expect(one.json().unread).toBe(before.unread - 1);
      const all = await client.post('/api/v1/notifications/read', { all: true });
      expect(all.json().unread).toBe(0);
      expect((await client.get('/api/v1/notifications')).json().unread).toBe(0);
      // admin's reads are their own
      expect((await admin.get('/api/v1/notifications')).json().unread).toBeGreaterThanOrEqual(1);
      // a role without inventory.read does not see stock alerts
      const { client: designer } = await ctx.userWithRoles('meigong1', ['designer']);
      const seen = (await designer.get('/api/v1/notifications')).json().items;
      expect(seen.some((n: { type: string }) => n.type === 'low_stock')).toBe(false);
      expect((await ctx.client().get('/api/v1/notifications')).statusCode).toBe(401);
    });
  });

  describe('stocktake', () => {
    it('applies variances against on hand at apply time and the ledger still balances', async () => {
      await admin.post('/api/v1/stock/adjust', { skuId: skuB, warehouseId: wh1, qty: 30, reason: '期初' });
      const created = await admin.post('/api/v1/stocktakes', { warehouseId: wh1 });
      expect(created.statusCode).toBe(201);
      const st = created.json();
      expect(st.code).toMatch(/^ST\d{8}-001$/);
      expect(st.lines.map((l: { skuCode: string; expected: number }) => [l.skuCode, l.expected])).toEqual([
        ['A-001', 8],
        ['B-001', 30],
      ]);
      const second = await admin.post('/api/v1/stocktakes', { warehouseId: wh1 });
      expect(second.statusCode).toBe(409);
      expect(second.json().detail).toContain(st.code);

      // Stock moves after the snapshot: 5 more B arrive.
      await admin.post('/api/v1/stock/adjust', { skuId: skuB, warehouseId: wh1, qty: 5, reason: '到货' });
      const saved = await admin.patch(`/api/v1/stocktakes/${st.id}/lines`, {
        lines: [
          { skuId: skuA, counted: 7 },
          { skuId: skuB, counted: 33 },
        ],
      });
      expect(saved.statusCode).toBe(200);
      expect(saved.json().lines.map((l: { variance: number; onHandNow: number }) => [l.variance, l.onHandNow])).toEqual([
        [-1, 8],
        [3, 35],
      ]);
      const notOnSheet = await admin.patch(`/api/v1/stocktakes/${st.id}/lines`, { lines: [{ skuId: 'sku_nope', counted: 1 }] });
      expect(notOnSheet.statusCode).toBe(400);

      const applied = await admin.post(`/api/v1/stocktakes/${st.id}/apply`, {});
      expect(applied.statusCode).toBe(200);
      expect(applied.json().status).toBe('applied');
      expect(await stockOf(admin, skuA, wh1)).toMatchObject({ onHand: 7, available: 7 });
      expect(await stockOf(admin, skuB, wh1)).toMatchObject({ onHand: 33, available: 33 });
      const mv = (await admin.get(`/api/v1/stock/movements?refType=stocktake&refId=${st.id}`)).json();
      expect(mv.items.map((m: { skuCode: string; dOnHand: number }) => [m.skuCode, m.dOnHand]).sort()).toEqual([
        ['A-001', -1],
        ['B-001', -2],
      ]);
      const check = (await admin.get('/api/v1/stock/ledger-check')).json();
      expect(check.mismatches).toBe(0);
      expect(check.checked).toBeGreaterThanOrEqual(2);
      expect((await admin.get(`/api/v1/audit?action=stocktake.apply&entityId=${st.id}`)).json().items).toHaveLength(1);
      expect((await admin.post(`/api/v1/stocktakes/${st.id}/apply`, {})).statusCode).toBe(409);
    });

    it('refuses a count below what orders have reserved, changing nothing', async () => {
      const db = ctx.tdb.database.db;
      const actor = systemActor(ctx.orgId, 'test');
      await db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'reserve', skuB, wh1, 30, { refType: 'order', refId: 'o-1' }));
      const st = (await admin.post('/api/v1/stocktakes', { warehouseId: wh1, skuIds: [skuB] })).json();
      await admin.patch(`/api/v1/stocktakes/${st.id}/lines`, { lines: [{ skuId: skuB, counted: 10 }] });
      const n = await count(ctx, 'stock_movements');
      const r = await admin.post(`/api/v1/stocktakes/${st.id}/apply`, {});
      expect(r.statusCode).toBe(409);
      expect(r.json().detail).toContain('B-001');
      expect(r.json().detail).toContain('占用');
      expect(await stockOf(admin, skuB, wh1)).toEqual({ onHand: 33, reserved: 30, available: 3, defective: 0 });
      expect(await count(ctx, 'stock_movements')).toBe(n);
      expect((await admin.get(`/api/v1/stocktakes/${st.id}`)).json().status).toBe('counting');
      expect((await admin.post(`/api/v1/stocktakes/${st.id}/cancel`)).json().status).toBe('cancelled');
      await db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'release', skuB, wh1, 30, { refType: 'order', refId: 'o-1' }));
    });
  });

  describe('transfers', () => {
    it('moves all lines or none, naming the SKU that is short', async () => {
      const before = { a1: await stockOf(admin, skuA, wh1), b1: await stockOf(admin, skuB, wh1) };
      const [movements, transfers] = [await count(ctx, 'stock_movements'), await count(ctx, 'transfers')];
      const short = await admin.post('/api/v1/transfers', {
        fromWarehouseId: wh1,
        toWarehouseId: wh2,
        lines: [
          { skuId: skuA, qty: 5 },
          { skuId: skuB, qty: 999 },
        ],
      });
      expect(short.statusCode).toBe(409);
      expect(short.json().detail).toContain('B-001');
      expect(short.json().errors[0].path).toBe('lines.1.qty');
      expect(await stockOf(admin, skuA, wh1)).toEqual(before.a1);
      expect(await stockOf(admin, skuB, wh1)).toEqual(before.b1);
      expect(await stockOf(admin, skuA, wh2)).toBeNull();
      expect(await count(ctx, 'stock_movements')).toBe(movements);
      expect(await count(ctx, 'transfers')).toBe(transfers);

      const ok = await admin.post('/api/v1/transfers', {
        fromWarehouseId: wh1,
        toWarehouseId: wh2,
        lines: [
          { skuId: skuA, qty: 5 },
          { skuId: skuB, qty: 3 },
        ],
        note: '补华东仓',
      });
      expect(ok.statusCode).toBe(201);
      expect(ok.json().code).toMatch(/^TF\d{8}-001$/);
      expect(await stockOf(admin, skuA, wh1)).toMatchObject({ onHand: 2 });
      expect(await stockOf(admin, skuA, wh2)).toMatchObject({ onHand: 5, available: 5 });
      expect(await stockOf(admin, skuB, wh2)).toMatchObject({ onHand: 3 });
      const mv = (await admin.get(`/api/v1/stock/movements?refId=${ok.json().id}`)).json();
      expect(mv.items.map((m: { type: string }) => m.type).sort()).toEqual(['transfer_in', 'transfer_in', 'transfer_out', 'transfer_out']);
      expect((await admin.get('/api/v1/stock/ledger-check')).json().mismatches).toBe(0);
      expect((await admin.get('/api/v1/transfers')).json().items[0].lines).toHaveLength(2);
      expect(
        (await admin.post('/api/v1/transfers', { fromWarehouseId: wh1, toWarehouseId: wh1, lines: [{ skuId: skuA, qty: 1 }] })).statusCode,
      ).toBe(400);
    });
  });

  describe('export and ledger check', () => {
    it('exports CSV with BOM and formula-safe cells, and XLSX', async () => {
      const evil = await makeSku(ctx, '=HYPERLINK("x")');
      await admin.post('/api/v1/stock/adjust', { skuId: evil, warehouseId: wh1, qty: 1, reason: 'x' });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-stock-'));
      const actor = systemActor(ctx.orgId);
      const csv = path.join(dir, 'stock.csv');
      const r = await inventory.exportStockFile(ctx.tdb.database.db, actor, csv, { warehouseId: wh1 });
      expect(r.rows).toBe(3);
      const text = fs.readFileSync(csv, 'utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      expect(text).toContain('仓库,SKU编码,商品');
      expect(text).toContain(`"'=HYPERLINK(""x"")"`);
      const xlsx = path.join(dir, 'stock.xlsx');
      expect((await inventory.exportStockFile(ctx.tdb.database.db, actor, xlsx)).rows).toBe(5);
      expect(fs.readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');
      await expect(inventory.exportStockFile(ctx.tdb.database.db, actor, path.join(dir, 'x.txt'))).rejects.toThrow(/\.csv 或 \.xlsx/);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('flags a stock row that the ledger does not explain', async () => {
      await ctx.tdb.database.db
        .updateTable('stock')
        .set({ defective: 99 })
        .where('sku_id', '=', skuB)
        .where('warehouse_id', '=', wh2)
        .execute();
      const check = (await admin.get('/api/v1/stock/ledger-check')).json();
      expect(check.mismatches).toBe(1);
      expect(check.items[0]).toMatchObject({ skuCode: 'B-001', ok: false, stock: { defective: 99 }, ledger: { defective: 0 } });
      await ctx.tdb.database.db
        .updateTable('stock')
        .set({ defective: 0 })
        .where('sku_id', '=', skuB)
        .where('warehouse_id', '=', wh2)
        .execute();
    });
  });
});
