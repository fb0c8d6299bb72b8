/**
 * The server side of `npm run bench -- orders`, in its own process: migrate the database, load
 * N history orders into one shop of one organisation (orders.bulk, 5,000 per batch; skipped when a
 * kept database already holds them), make 20 SKUs with ample stock for the creation runs, start
 * the real server on a free port and print one JSON line `{ "type": "ready", … }` with the shop,
 * the SKUs and a cursor half-way down the newest-first list (the deep page). `stop` on stdin
 * closes it.
 * Usage: node --import tsx bench/orders-child.ts <database-url> <orders>
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import readline from 'node:readline';
import { newId } from '@yunying/core';
import { sql } from 'kysely';
import { bootstrap } from '../packages/server/src/bootstrap.js';
import { loadConfig } from '../packages/server/src/config.js';
import { openDatabase } from '../packages/server/src/db/dialect.js';
import { encodeCursor } from '../packages/server/src/db/kit.js';
import { buildApp } from '../packages/server/src/http/app.js';
import { systemActor } from '../packages/server/src/http/actor.js';
import { createProduct } from '../packages/server/src/modules/catalog/catalog.service.js';
import * as inventory from '../packages/server/src/modules/inventory/index.js';
import * as orders from '../packages/server/src/modules/orders/index.js';
import * as shops from '../packages/server/src/modules/shops/index.js';

const ADMIN_PASSWORD = 'Bench#12345';
const SHOP_NAME = '压测旗舰店';
const STATUSES = ['completed', 'completed', 'delivered', 'shipped', 'paid', 'paid', 'pending_payment', 'cancelled', 'refunded'];
const send = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

const [url, nText] = process.argv.slice(2);
const N = Number(nText);
if (!url || !Number.isInteger(N) || N < 1) throw new Error('usage: orders-child.ts <database-url> <orders>');
const database = openDatabase(url, { poolSize: 20 });
const db = database.db;
const { orgId } = await bootstrap(database, { adminPassword: ADMIN_PASSWORD });
const actor = systemActor(orgId, 'bench');

let shop = (await db.selectFrom('shops').select('id').where('org_id', '=', orgId).where('name', '=', SHOP_NAME).executeTakeFirst())?.id;
shop ??= (
  await db
    .transaction()
    .execute((trx) => shops.createShop(trx, actor, { name: SHOP_NAME, channel: 'tmall', timezone: 'Asia/Shanghai' } as never))
).id;
const shopId = shop;

const have = Number(
  (
    await db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('shop_id', '=', shopId)
      .executeTakeFirstOrThrow()
  ).n,
);
const t0 = performance.now();
const base = Date.UTC(2023, 0, 1);
const step = Math.max(1, Math.floor((Date.UTC(2026, 10, 30) - base) / Math.max(N, 1)));
for (let start = have; start < N; start += 5000) {
  const batch: Parameters<typeof orders.bulk.insertOrders>[1]['orders'][number][] = [];
  for (let i = start; i < Math.min(N, start + 5000); i++) {
    const id = newId('order');
    const status = STATUSES[i % STATUSES.length]!;
    const at = base + i * step;
    const paid = status !== 'pending_payment' && status !== 'cancelled';
    const shipped = paid && status !== 'paid';
    const fen = 1990 + (i % 97) * 100;
    const day = new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
    batch.push({
      id,
      shopId,
      channel: 'tmall',
      orderNo: `B${String(i).padStart(10, '0')}`,
      status,
      stockMode: 'none',
      warehouseId: null,
      buyerNick: `buyer_${i % 50_000}`,
      receiverName: `收货人${i % 1000}`,
      receiverPhone: `138${String(i % 100_000_000).padStart(8, '0')}`,
      receiverAddress: `浙江省 杭州市 西湖区 文三路 ${i % 500} 号`,
      buyerNote: '',
      sellerMemo: '',
      goodsFen: fen,
      discountFen: 0,
      shippingFen: 0,
      paidFen: fen,
      refundFen: status === 'refunded' ? fen : 0,
      itemCount: 1,
      isPresale: false,
      urgent: false,
      logisticsException: false,
      carrier: shipped ? '中通快递' : null,
      trackingNo: shipped ? `75${String(i).padStart(12, '0')}` : null,
      orderedAt: at,
      paidAt: paid ? at + 60_000 : null,
      shippedAt: shipped ? at + 3_600_000 : null,
      deliveredAt: null,
      completedAt: null,
      cancelledAt: status === 'cancelled' ? at + 600_000 : null,
      orderDay: day,
      paidDay: paid ? day : null,
      visitorId: null,
      sourceCode: null,
      updatedAt: at,
      lines: [
        {
          id: newId('orderLine'),
          lineNo: 1,
          skuId: null,
          title: '保温杯 500ml',
          specText: '颜色:蓝色',
          merchantCode: `CUP-${i % 200}`,
          channelItemId: '',
          qty: 1,
          unitPriceFen: fen,
          discountFen: 0,
          paidFen: fen,
          refundFen: status === 'refunded' ? fen : 0,
          refundedQty: status === 'refunded' ? 1 : 0,
          unitCostFen: Math.round(fen / 3),
        },
      ],
      events: [],
      refunds: [],
    });
  }
  await db.transaction().execute((trx) => orders.bulk.insertOrders(trx, { orgId, source: 'import', orders: batch, eventActor: () => '' }));
  if ((start / 5000) % 20 === 0) process.stderr.write(`  已载入 ${Math.min(N, start + 5000)} / ${N} 个订单\n`);
}
// Planner statistics for the loaded rows (what `yunying` gets from PRAGMA optimize / autovacuum).
if (have < N) await sql`analyze`.execute(db);
const loadSeconds = (performance.now() - t0) / 1000;

// 20 SKUs with ample stock for the creation runs (made once per database).
let skus = (
  await db
    .selectFrom('skus')
    .select('id')
    .where('org_id', '=', orgId)
    .where('code', '>=', 'BENCH-')
    .where('code', '<', 'BENCH.')
    .orderBy('code')
    .execute()
).map((r) => r.id);
if (skus.length < 20) {
  const dto = await db.transaction().execute((trx) =>
    createProduct(trx, actor, {
      title: '压测商品',
      code: null,
      sellingPoints: '',
      description: '',
      tags: [],
      specDims: [{ name: '颜色', values: Array.from({ length: 20 }, (_, i) => `色${i + 1}`) }],
      status: 'on_sale',
      skus: Array.from({ length: 20 }, (_, i) => ({
        code: `BENCH-${String(i + 1).padStart(2, '0')}`,
        spec: { 颜色: `色${i + 1}` },
        priceFen: 5900 + i * 100,
        costFen: 2000,
        weightG: 100,
      })),
    } as never),
  );
  skus = dto.skus.map((s: { id: string }) => s.id);
}
const wh = await inventory.defaultWarehouseId(db, orgId);
await db.transaction().execute((trx) =>
  inventory.moveQtyMany(
    trx,
    actor,
    'inbound',
    wh,
    skus.map((skuId) => ({ skuId, qty: 1_000_000 })),
    { note: '压测入库' },
  ),
);

// The deep page: the cursor of the row half-way down the newest-first list.
const mid = await db
  .selectFrom('orders')
  .select(['ordered_at', 'id'])
  .where('org_id', '=', orgId)
  .orderBy('ordered_at', 'desc')
  .orderBy('id', 'desc')
  .offset(Math.floor(N / 2))
  .limit(1)
  .executeTakeFirst();
const deepCursor = mid ? encodeCursor([Number(mid.ordered_at), mid.id]) : null;

const config = { ...loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' }), logLevel: 'silent' };
const app = await buildApp({ database, config });
// YUNYING_BENCH_PORT: a fixed port (a shared machine hands out port ranges), else a free one.
await app.listen({ port: Number(process.env.YUNYING_BENCH_PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
send({
  type: 'ready',
  port,
  adminPassword: ADMIN_PASSWORD,
  shopId,
  skus,
  deepCursor,
  loaded: Math.max(0, N - have),
  kept: have,
  loadSeconds,
});

// Commands on stdin, one at a time in order: `prof-start` / `prof-stop <file>` (a V8 CPU profile
// of this process, `npm run bench -- orders --cpu-prof <dir>`), `stop`.
const session = new inspector.Session();
let chain = Promise.resolve();
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/, 2);
  chain = chain.then(async () => {
    if (cmd === 'prof-start') {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 200 });
      await session.post('Profiler.start');
    } else if (cmd === 'prof-stop' && arg) {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(arg, JSON.stringify(profile));
      session.disconnect();
    } else if (cmd === 'stop') {
      await app.close();
      await database.close();
      send({ type: 'done' });
      process.exit(0);
    }
  });
});
