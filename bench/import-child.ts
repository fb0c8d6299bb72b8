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
const summary = await importOrdersFile(database.db, actor, { shopId: shop.id, format: 'taobao', file: ordersFile, itemsFile });
const seconds = (performance.now() - t0) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await database.close();
process.stdout.write(
  JSON.stringify({
    seconds,
    orders: summary.ordersCreated,
    lines: summary.lines,
    errors: summary.errors,
    linesPerSecond: Math.round(summary.lines / seconds),
    rowsPerSecond: Math.round(summary.rows / seconds),
    peakRssMb: Math.round(Math.max(peakRss, vmHwmBytes() ?? 0) / 1024 / 1024),
    peakHeapMb: Math.round(peakHeap / 1024 / 1024),
  }) + '\n',
);
