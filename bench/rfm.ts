/**
 * `npm run bench -- rfm [--customers 1000000] [--pg]`: RFM recompute at scale (issue 11). A fresh
 * SQLite file (or PostgreSQL database with --pg) gets N customers of one shop with 1–4 paid orders
 * each over a year (the customers module's own tables, written in batches), then the shop's RFM as of
 * today is recomputed three times — the grouped R/F/M query over the order facts plus the scoring —
 * and the times are printed with the segment counts. Figures are printed, never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, summariseSegments } from '@yunying/core';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/dialect.js';
import type { CustomerOrdersTable, CustomersTable } from '../packages/server/src/db/schema.js';
import { insertBatched } from '../packages/server/src/db/kit.js';
import { migrateToLatest } from '../packages/server/src/db/migrate.js';
import { scoreShop } from '../packages/server/src/modules/customers/index.js';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: { customers: { type: 'string', default: '1000000' }, pg: { type: 'boolean', default: false } },
});
const N = Number(values.customers);
if (!Number.isInteger(N) || N < 100) throw new Error('--customers 必须是 ≥ 100 的整数');

let url: string;
let cleanup = () => {};
if (values.pg) {
  const name = `yy_bench_rfm_${process.pid}`;
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  url = `postgres://postgres@127.0.0.1:5432/${name}`;
  cleanup = () => {
    const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    void c.connect().then(async () => {
      await c.query(`drop database if exists ${name}`);
      await c.end();
    });
  };
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-bench-rfm-'));
  url = `sqlite:${path.join(dir, 'rfm.db')}`;
  cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
}
const database = openDatabase(url);
await migrateToLatest(database);
const db = database.db;
const SHOP = 'shop_bench';
const today = '2026-12-06';
let seed = 11;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};

const t0 = Date.now();
let orders = 0;
const BATCH = 20_000;
for (let start = 0; start < N; start += BATCH) {
  const cs: CustomersTable[] = [];
  const os_: CustomerOrdersTable[] = [];
  for (let i = start; i < Math.min(N, start + BATCH); i++) {
    const id = `cus_${String(i).padStart(8, '0')}`;
    const n = 1 + Math.floor(rnd() * rnd() * 4);
    let paid = 0;
    let last = '';
    let first = '';
    for (let k = 0; k < n; k++) {
      const day = addDays(today, -Math.floor(rnd() * 365));
      const fen = 1000 + Math.floor(rnd() * 50_000);
      paid += fen;
      if (day > last) last = day;
      if (!first || day < first) first = day;
      os_.push({
        order_id: `ord_${orders++}`,
        customer_id: id,
        shop_id: SHOP,
        order_no: `NO${orders}`,
        channel: 'tmall',
        status: 'completed',
        paid: 1,
        paid_day: day,
        paid_at: 0,
        paid_fen: fen,
        refund_fen: 0,
        ordered_at: 0,
      });
    }
    cs.push({
      id,
      org_id: 'org_bench',
      shop_id: SHOP,
      identity_key: `nick:买家${i}`,
      channel: 'tmall',
      nick: `买家${i}`,
      name: '',
      phone: '',
      email: '',
      note: '',
      merged_into: null,
      order_count: n,
      paid_orders: n,
      paid_fen: paid,
      refund_fen: 0,
      first_paid_at: 0,
      last_paid_at: 0,
      first_paid_day: first,
      last_paid_day: last,
      cycle_days: null,
      created_at: 0,
      updated_at: 0,
      enquiries: 0,
      last_enquiry_day: null,
    });
  }
  await db.transaction().execute(async (trx) => {
    await insertBatched(trx, 'customers', cs);
    await insertBatched(trx, 'customer_orders', os_);
  });
}
const loadMs = Date.now() - t0;
const times: number[] = [];
const cpus: number[] = [];
let summary: ReturnType<typeof summariseSegments> = [];
for (let r = 0; r < 3; r++) {
  const t = Date.now();
  const c = process.cpuUsage();
  const res = await scoreShop(db, SHOP, today);
  summary = summariseSegments(res.customers);
  times.push(Date.now() - t);
  const used = process.cpuUsage(c);
  cpus.push((used.user + used.system) / 1000);
}
const line = (k: string, v: string) => console.log(`| ${k} | ${v} |`);
console.log(`\nRFM recompute, ${database.dialect}, ${os.cpus().length} CPU(s)\n`);
console.log('| figure | value |\n| --- | --- |');
line('customers / paid orders', `${N.toLocaleString('en')} / ${orders.toLocaleString('en')}`);
line('load (customers module tables)', `${(loadMs / 1000).toFixed(1)} s`);
line('RFM recompute (3 runs)', times.map((t) => `${(t / 1000).toFixed(2)} s`).join(', '));
// CPU of this process (all its threads, SQLite's worker included): steadier than the wall clock on a shared machine.
line('RFM recompute CPU (3 runs)', cpus.map((t) => `${(t / 1000).toFixed(2)} s`).join(', '));
line('load average (1 min) at the end', os.loadavg()[0]!.toFixed(1));
for (const s of summary) line(`segment ${s.segment}`, s.customers.toLocaleString('en'));
await database.close();
cleanup();
