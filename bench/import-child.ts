/**
 * One import run in its own process, so its peak memory is measured alone: migrate a fresh
 * database, create a shop, import the files, print one JSON line with the figures.
 * Usage: node --import tsx bench/import-child.ts <database-url> <orders-file> [<items-file>]
 */
import fs from 'node:fs';
import { bootstrap } from '../packages/server/src/bootstrap.js';
import { openDatabase } from '../packages/server/src/db/dialect.js';
import { systemActor } from '../packages/server/src/http/actor.js';
import { importOrdersFile } from '../packages/server/src/modules/orders/import/index.js';
import { refreshShops, setMarking } from '../packages/server/src/modules/customers/customers.sync.js';
import * as shops from '../packages/server/src/modules/shops/index.js';

function vmHwmBytes(): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const [url, ordersFile, itemsFile] = process.argv.slice(2);
if (!url || !ordersFile) throw new Error('usage: import-child.ts <database-url> <orders-file> [<items-file>]');
// YUNYING_BENCH_CUSTOMERS=off: the import without marking orders for the customers module (the
// comparison of `npm run bench -- import --customers`); otherwise as in production, and the
// customers are then brought up to date (refreshShops, what the first customer read runs) and timed.
const customersOn = process.env.YUNYING_BENCH_CUSTOMERS !== 'off';
setMarking(customersOn);
const database = openDatabase(url);
const boot = await bootstrap(database, { adminPassword: 'Bench12345' });
const actor = systemActor(boot.orgId, 'bench');
const shop = await database.db
  .transaction()
  .execute((trx) => shops.createShop(trx, actor, { name: '压测店铺', channel: 'taobao', timezone: 'Asia/Shanghai' }));
let peakRss = process.memoryUsage().rss;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed + m.external);
}, 100);
const t0 = performance.now();
const c0 = process.cpuUsage();
const summary = await importOrdersFile(database.db, actor, { shopId: shop.id, format: 'taobao', file: ordersFile, itemsFile });
const seconds = (performance.now() - t0) / 1000;
const used = process.cpuUsage(c0);
const cpuSeconds = (used.user + used.system) / 1e6;
let customersSeconds = 0;
let customersCpuSeconds = 0;
if (customersOn) {
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  await refreshShops(database.db, [shop.id]);
  customersSeconds = (performance.now() - t1) / 1000;
  const c = process.cpuUsage(c1);
  customersCpuSeconds = (c.user + c.system) / 1e6;
}
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await database.close();
process.stdout.write(
  JSON.stringify({
    seconds,
    cpuSeconds,
    customersSeconds,
    customersCpuSeconds,
    orders: summary.ordersCreated,
    lines: summary.lines,
    errors: summary.errors,
    linesPerSecond: Math.round(summary.lines / seconds),
    rowsPerSecond: Math.round(summary.rows / seconds),
    peakRssMb: Math.round(Math.max(peakRss, vmHwmBytes() ?? 0) / 1024 / 1024),
    peakHeapMb: Math.round(peakHeap / 1024 / 1024),
  }) + '\n',
);
