import { beforeAll, expect, it } from 'vitest';
import { systemActor, type Actor } from '../src/http/actor.js';
import * as inventory from '../src/modules/inventory/index.js';
import { describeEachDialect } from './dialects.js';
import { makeSku } from './fixtures.js';
import { useTestApp } from './harness.js';

describeEachDialect('stock ledger', (dialect) => {
  const ctx = useTestApp(dialect);
  let actor: Actor;
  let wh: string;
  let sku: string;
  beforeAll(async () => {
    actor = systemActor(ctx.orgId, 'test');
    // 50 units in the default warehouse, a low-stock alert below 10 (set through inventory, stored by the catalogue).
    sku = await makeSku(ctx, { code: 'T-001', title: '测试商品', priceFen: 9900, costFen: 4000, stock: 50 });
    await ctx.tdb.database.db.transaction().execute((trx) => inventory.setThresholds(trx, actor, sku, { lowStock: 10 }));
    wh = await inventory.defaultWarehouseId(ctx.tdb.database.db, ctx.orgId);
  });

  it('never oversells: 200 concurrent reservations against 50 units reserve exactly 50', async () => {
    const db = ctx.tdb.database.db;
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
    const db = ctx.tdb.database.db;
    const open = await db.selectFrom('notifications').selectAll().where('dedupe_key', '=', `low_stock:${sku}`).execute();
    expect(open).toHaveLength(1);
    expect(open[0]!.title).toContain('T-001');
    await db.transaction().execute((trx) => inventory.moveQty(trx, actor, 'inbound', sku, wh, 100));
    const after = await db.selectFrom('notifications').selectAll().where('dedupe_key', '=', `low_stock:${sku}`).execute();
    expect(after).toHaveLength(1);
    expect(after[0]!.resolved_at).not.toBeNull();
  });

  it('refuses unbalanced or negative movements and leaves nothing half-written', async () => {
    const db = ctx.tdb.database.db;
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
