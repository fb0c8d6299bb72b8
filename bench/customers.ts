/**
 * `npm run bench -- customers [--orders 1000000] [--shops 2] [--pg] [--keep]`: the whole-shop
 * customers rebuild at scale (issue 11). A fresh SQLite file (or PostgreSQL database with --pg) gets
 * N orders spread over a few shops, written directly with the orders module's bulk writer (no lines,
 * no timelines: the rebuild reads only the orders table). Buyers are realistic: about 60 % buy once,
 * some a few times, a few many times; some buy in several shops with one phone, a few orders carry
 * no nick (only a phone); some orders are unpaid, cancelled or refunded. Then every shop's customers
 * are rebuilt with `rebuildShop` (what the demo load and "rebuild customers" run) and the figures
 * printed: orders, customers, seconds, CPU seconds of this process, load average. Printed, never
 * asserted. --keep keeps the SQLite file (its path is printed); --reuse <file> rebuilds again in a
 * kept one without writing orders; with --fresh as well, the kept shops' customers are removed first,
 * so the rebuild starts from none (a fresh rebuild again). Besides the time it prints the rows the
 * rebuild wrote (a rebuild over current customers writes only what differs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { bootstrap } from '../packages/server/src/bootstrap.js';
import { openDatabase } from '../packages/server/src/db/dialect.js';
import { systemActor } from '../packages/server/src/http/actor.js';
import { bulk as customersBulk, rebuildShop } from '../packages/server/src/modules/customers/index.js';
import * as orders from '../packages/server/src/modules/orders/index.js';
import * as shops from '../packages/server/src/modules/shops/index.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    orders: { type: 'string', default: '1000000' },
    shops: { type: 'string', default: '2' },
    pg: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    fresh: { type: 'boolean', default: false },
  },
});
const N = Number(values.orders);
const SHOPS = Number(values.shops);
if (!Number.isInteger(N) || N < 100) throw new Error('--orders 必须是 ≥ 100 的整数');
if (!Number.isInteger(SHOPS) || SHOPS < 1 || SHOPS > 10) throw new Error('--shops 必须是 1–10 的整数');

const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';
let url: string;
let cleanup = async () => {};
if (values.reuse) {
  url = `sqlite:${values.reuse}`;
} else if (values.pg) {
  const name = `yy_bench_cus_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  url = `postgres://postgres@127.0.0.1:5432/${name}`;
  cleanup = async () => {
    const c = new pg.Client({ connectionString: ADMIN });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-bench-cus-'));
  url = `sqlite:${path.join(dir, 'customers.db')}`;
  if (values.keep) console.log(`数据库保留在 ${path.join(dir, 'customers.db')}`);
  else cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
}
const database = openDatabase(url);
const db = database.db;
const { orgId } = await bootstrap(database, { adminPassword: 'Bench#12345' });
const actor = systemActor(orgId, 'bench');
const CHANNELS = ['tmall', 'jd', 'douyin', 'pdd', 'taobao'];
const shopIds: string[] = values.reuse
  ? (await db.selectFrom('shops').select('id').where('org_id', '=', orgId).orderBy('name').execute()).map((r) => r.id)
  : [];
for (let s = 0; s < SHOPS && !values.reuse; s++) {
  const shop = await db.transaction().execute((trx) =>
    shops.createShop(trx, actor, {
      name: `压测店铺${s + 1}`,
      channel: CHANNELS[s % CHANNELS.length]!,
      timezone: 'Asia/Shanghai',
    } as never),
  );
  shopIds.push(shop.id);
}

let seed = 1109;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
/** How many orders a buyer places: ~60 % once, ~25 % 2–3, ~12 % 4–8, ~3 % 10–40. */
function ordersOfBuyer(): number {
  const r = rnd();
  if (r < 0.6) return 1;
  if (r < 0.85) return 2 + Math.floor(rnd() * 2);
  if (r < 0.97) return 4 + Math.floor(rnd() * 5);
  return 10 + Math.floor(rnd() * 31);
}
const STATUSES = [
  'completed',
  'completed',
  'completed',
  'completed',
  'delivered',
  'shipped',
  'paid',
  'pending_payment',
  'cancelled',
  'refunded',
];
const base = Date.UTC(2025, 0, 1);
const span = Date.UTC(2026, 11, 1) - base;

type Bulk = Parameters<typeof orders.bulk.insertOrders>[1]['orders'][number];
const t0 = performance.now();
let made = 0;
let buyer = 0;
let batch: Bulk[] = [];
const flush = async () => {
  if (!batch.length) return;
  const b = batch;
  batch = [];
  await db.transaction().execute((trx) => orders.bulk.insertOrders(trx, { orgId, source: 'import', orders: b, eventActor: () => '' }));
};
while (made < N && !values.reuse) {
  const b = buyer++;
  const k = Math.min(ordersOfBuyer(), N - made);
  const home = b % SHOPS;
  const crossShop = SHOPS > 1 && rnd() < 0.05; // the same phone buys in another shop too
  const noNick = rnd() < 0.03; // a channel that gives only the receiver's phone
  const phone = `139${String(b % 100_000_000).padStart(8, '0')}`;
  for (let j = 0; j < k; j++) {
    const i = made++;
    const shop = crossShop && j % 2 === 1 ? (home + 1) % SHOPS : home;
    const status = STATUSES[Math.floor(rnd() * STATUSES.length)]!;
    const at = base + Math.floor(rnd() * span);
    const paid = status !== 'pending_payment' && status !== 'cancelled';
    const fen = 1990 + Math.floor(rnd() * 200) * 100;
    const day = new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
    batch.push({
      id: `ord_bench_${String(i).padStart(9, '0')}`,
      shopId: shopIds[shop]!,
      channel: CHANNELS[shop % CHANNELS.length]!,
      orderNo: `C${String(i).padStart(10, '0')}`,
      status,
      stockMode: 'none',
      warehouseId: null,
      buyerNick: noNick ? '' : `买家_${b}`,
      receiverName: `收货人${b % 5000}`,
      receiverPhone: rnd() < 0.1 ? '139****' + phone.slice(-4) : phone,
      receiverAddress: `浙江省 杭州市 西湖区 文三路 ${b % 500} 号`,
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
      carrier: null,
      trackingNo: null,
      orderedAt: at,
      paidAt: paid ? at + 60_000 : null,
      shippedAt: null,
      deliveredAt: null,
      completedAt: null,
      cancelledAt: status === 'cancelled' ? at + 600_000 : null,
      orderDay: day,
      paidDay: paid ? day : null,
      visitorId: null,
      sourceCode: null,
      updatedAt: at,
      lines: [],
      events: [],
      refunds: [],
    });
    if (batch.length >= 10_000) {
      await flush();
      if (made % 200_000 < 10_000) process.stderr.write(`  已写入 ${made} / ${N} 个订单\n`);
    }
  }
}
await flush();
const loadSeconds = (performance.now() - t0) / 1000;

if (values.reuse && values.fresh) await db.transaction().execute((trx) => customersBulk.removeShopCustomers(trx, shopIds));

const t1 = performance.now();
const c1 = process.cpuUsage();
let customers = 0;
let facts = 0;
const written = { customers: 0, orders: 0, removed: 0 };
const perShop: string[] = [];
for (const shopId of shopIds) {
  const ts = performance.now();
  const r = await rebuildShop(db, shopId);
  customers += r.customers;
  facts += r.orders;
  written.customers += r.written.customers;
  written.orders += r.written.orders;
  written.removed += r.written.removed;
  perShop.push(`${((performance.now() - ts) / 1000).toFixed(1)} s`);
}
const seconds = (performance.now() - t1) / 1000;
const cpu = process.cpuUsage(c1);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const peakRssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);

const line = (k: string, v: string) => console.log(`| ${k} | ${v} |`);
console.log(`\nCustomers rebuild, ${database.dialect}, ${os.cpus().length} CPU(s)\n`);
console.log('| figure | value |\n| --- | --- |');
line(
  'orders / buyers / shops',
  values.reuse
    ? `(kept database${values.fresh ? ', customers removed first' : ''}) / – / ${shopIds.length}`
    : `${N.toLocaleString('en')} / ${buyer.toLocaleString('en')} / ${SHOPS}`,
);
line('orders written (bulk)', `${loadSeconds.toFixed(1)} s`);
line('customers / order facts', `${customers.toLocaleString('en')} / ${facts.toLocaleString('en')}`);
line(
  'rows written: customers / order facts / removed',
  `${written.customers.toLocaleString('en')} / ${written.orders.toLocaleString('en')} / ${written.removed.toLocaleString('en')}`,
);
line('rebuild (all shops)', `${seconds.toFixed(1)} s (${perShop.join(', ')})`);
// CPU of this process (all its threads, SQLite's included): steadier than the wall clock on a shared machine.
line('rebuild CPU', `${cpuSeconds.toFixed(1)} s`);
line('RSS after', `${peakRssMb} MB`);
line(
  'load average (1 / 5 min) at the end',
  os
    .loadavg()
    .slice(0, 2)
    .map((l) => l.toFixed(1))
    .join(' / '),
);
await database.close();
await cleanup();
