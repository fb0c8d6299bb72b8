/**
 * One import run in its own process, so its peak memory is measured alone: migrate a fresh
 * database, create a shop, import the files, print one JSON line with the figures.
 * Usage: node --import tsx bench/import-child.ts <database-url> <orders-file> [<items-file>]
 *
 * `--raw <orders>` instead of the files: the database's own speed for the same rows. The same
 * number of order rows and line rows (two per order, values shaped like the generated files'),
 * built in memory and written with the import's bulk writer in transactions of 1,000 orders, as
 * the import commits them — no file, no parsing, no checks, no lookups, no customer marking.
 */
import fs from 'node:fs';
import { bootstrap } from '../packages/server/src/bootstrap.js';
import { openDatabase } from '../packages/server/src/db/dialect.js';
import { systemActor } from '../packages/server/src/http/actor.js';
import { newId } from '@yunying/core';
import type { DB } from '../packages/server/src/db/schema.js';
import { bulkInsert } from '../packages/server/src/db/kit.js';
import { importOrdersFile, parseWorkerBytes } from '../packages/server/src/modules/orders/import/index.js';
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
if (!url || !ordersFile) throw new Error('usage: import-child.ts <database-url> (<orders-file> [<items-file>] | --raw <orders>)');
const rawOrders = ordersFile === '--raw' ? Number(itemsFile) : 0;
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
if (rawOrders > 0) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const base = Date.UTC(2026, 0, 1);
  for (let start = 0; start < rawOrders; start += 1000) {
    const orders: DB['orders'][] = [];
    const lines: DB['order_lines'][] = [];
    for (let i = start; i < Math.min(rawOrders, start + 1000); i++) {
      const at = base + i * 37_000;
      const day = new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
      const id = newId('order');
      const p1 = 1990 + (i % 50) * 100;
      const q1 = 1 + (i % 3);
      const p2 = 5900 + (i % 7) * 100;
      orders.push({
        id,
        visitor_id: null,
        source_code: null,
        flag_color: null,
        org_id: boot.orgId,
        shop_id: shop.id,
        channel: 'taobao',
        order_no: String(3_000_000_000_000_000_000n + BigInt(i)),
        source: 'import',
        status: 'completed',
        stock_mode: 'none',
        warehouse_id: null,
        buyer_nick: `buyer_${i % 50_000}`,
        receiver_name: `收货人${i % 1000}`,
        receiver_phone: `138${String(i % 100_000_000).padStart(8, '0')}`,
        receiver_address: `浙江省 杭州市 西湖区 文三路 ${i % 500} 号`,
        buyer_note: i % 10 === 0 ? '请尽快发货，谢谢' : '',
        seller_memo: '',
        goods_fen: p1 * q1 + p2,
        discount_fen: 0,
        shipping_fen: 0,
        paid_fen: p1 * q1 + p2,
        refund_fen: 0,
        item_count: q1 + 1,
        is_presale: 0,
        urgent: 0,
        logistics_exception: 0,
        carrier: '中通快递',
        tracking_no: `75${String(i).padStart(12, '0')}`,
        ordered_at: at,
        paid_at: at,
        shipped_at: at,
        delivered_at: null,
        completed_at: at,
        cancelled_at: null,
        order_day: day,
        paid_day: day,
        created_at: at,
        updated_at: at,
      });
      for (const [n, [title, spec, code, price, qty]] of (
        [
          ['保温杯 500ml', '颜色分类:蓝色', `CUP-${i % 200}`, p1, q1],
          ['纯棉T恤', '尺码:M', `TEE-${i % 5}`, p2, 1],
        ] as const
      ).entries()) {
        lines.push({
          id: newId('orderLine'),
          order_id: id,
          line_no: n + 1,
          sku_id: null,
          title,
          spec_text: spec,
          merchant_code: code,
          channel_item_id: '',
          qty,
          unit_price_fen: price,
          discount_fen: 0,
          paid_fen: price * qty,
          refund_fen: 0,
          refunded_qty: 0,
          unit_cost_fen: 0,
        });
      }
    }
    await database.db.transaction().execute(async (trx) => {
      await bulkInsert(trx, 'orders', orders);
      await bulkInsert(trx, 'order_lines', lines);
    });
  }
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  clearInterval(sampler);
  await database.close();
  process.stdout.write(
    JSON.stringify({
      seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      orders: rawOrders,
      lines: rawOrders * 2,
      linesPerSecond: Math.round((rawOrders * 2) / seconds),
      peakRssMb: Math.round(Math.max(peakRss, vmHwmBytes() ?? 0) / 1024 / 1024),
    }) + '\n',
  );
  process.exit(0);
}
const t0 = performance.now();
const c0 = process.cpuUsage();
const summary = await importOrdersFile(database.db, actor, { shopId: shop.id, format: 'taobao', file: ordersFile, itemsFile });
const seconds = (performance.now() - t0) / 1000;
const used = process.cpuUsage(c0);
const cpuSeconds = (used.user + used.system) / 1e6;
// The import's own peak (the process's high-water mark so far), before the customers' refresh.
const importPeakRss = Math.max(peakRss, process.memoryUsage().rss, vmHwmBytes() ?? 0);
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
    // Whether the orders file was read in a worker thread (YUNYING_IMPORT_WORKER_BYTES, cores).
    readInWorker: fs.statSync(ordersFile).size >= parseWorkerBytes(),
    lines: summary.lines,
    errors: summary.errors,
    linesPerSecond: Math.round(summary.lines / seconds),
    rowsPerSecond: Math.round(summary.rows / seconds),
    importPeakRssMb: Math.round(importPeakRss / 1024 / 1024),
    peakRssMb: Math.round(Math.max(peakRss, vmHwmBytes() ?? 0) / 1024 / 1024),
    peakHeapMb: Math.round(peakHeap / 1024 / 1024),
  }) + '\n',
);
