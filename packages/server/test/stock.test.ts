import { newId } from '@yunying/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bootstrap } from '../src/bootstrap.js';
import { systemActor, type Actor } from '../src/http/actor.js';
import * as inventory from '../src/modules/inventory/index.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from './dialects.js';

describeEachDialect('stock ledger', (dialect) => {
  let t: TestDatabase;
  let actor: Actor;
  let wh: string;
  const sku = 'sku_TEST0000000000000000000001';
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    const { orgId } = await bootstrap(t.database, { adminPassword: 'Admin12345' });
    actor = systemActor(orgId, 'test');
    const db = t.database.db;
    const now = Date.now();
    const productId = newId('product');
    await db
      .insertInto('products')
      .values({
        id: productId,
        org_id: orgId,
        code: null,
        title: '测试商品',
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
        id: sku,
        org_id: orgId,
        product_id: productId,
        code: 'T-001',
        barcode: null,
        spec: '{}',
        spec_text: '',
        price_fen: 9900,
        cost_fen: 4000,
        weight_g: 100,
        status: 'active',
        low_stock: 10,
        over_stock: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    wh = await inventory.defaultWarehouseId(db, orgId);
  });
  afterAll(() => t?.drop());

  it('never oversells: 200 concurrent reservations against 50 units reserve exactly 50', async () => {
    const db = t.database.db;
    await db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'inbound', sku, wh, 50, { note: '期初' }));
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'reserve', sku, wh, 1, { refType: 'test', refId: `r${i}` })),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toBe(50);
    expect(failed).toHaveLength(150);
    expect(failed.every((f) => String(f.reason.message).startsWith('库存不足'))).toBe(true);
    const [level] = await inventory.levels(db, [sku]);
    expect(level).toMatchObject({ onHand: 50, reserved: 50, available: 0 });
    const [ledger] = await inventory.ledgerTotals(db, actor.orgId, sku);
    expect(ledger).toEqual(level);
  });

  it('raises a low-stock alert once and resolves it when restocked', async () => {
    const db = t.database.db;
    const open = await db.selectFrom('notifications').selectAll().where('dedupe_key', '=', `low_stock:${sku}`).execute();
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toContain('T-001');
    await db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'inbound', sku, wh, 100));
    const after = await db.selectFrom('notifications').selectAll().where('dedupe_key', '=', `low_stock:${sku}`).execute();
    expect(after).toHaveLength(1);
    expect(after[0]!.resolved_at).not.toBeNull();
  });

  it('refuses unbalanced or negative movements and leaves nothing half-written', async () => {
    const db = t.database.db;
    const before = await inventory.levels(db, [sku]);
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('stock_movements')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const n = await count();
    await expect(db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'ship', sku, wh, 1000))).rejects.toThrow(/库存不足/);
    await expect(db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'inbound', sku, wh, -3))).rejects.toThrow(/正整数/);
    expect(await inventory.levels(db, [sku])).toEqual(before);
    expect(await count()).toBe(n);
  });
});
