/**
 * An import keeps the planner's statistics up with what it writes (db/kit/stats.ts). The test
 * databases are copies of one migrated (and analyzed) while empty, and autovacuum may be off or a
 * minute behind, so without a refresh PostgreSQL plans each batch's order-number lookup as a scan
 * of all the shop's orders (estimated at a few hundred): a 1M-line import spent most of its time
 * there. After importing 12,000 orders, PostgreSQL's estimate of the shop's orders must have
 * counted them, and SQLite must plan the lookup as probes of the (shop, order number) index.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inList } from '../src/db/kit.js';
import { jobHandlers } from '../src/modules/jobs/registry.js';
import { startJobWorker, waitForJob, type JobWorker } from '../src/modules/jobs/index.js';
import { describeEachDialect } from './dialects.js';
import { makeShop, multipart } from './fixtures.js';
import { useTestApp } from './harness.js';

const HEADERS = [
  '订单号',
  '商品ID',
  '商品名称',
  '订购数量',
  '京东价',
  '应付金额',
  '运费金额',
  '下单时间',
  '付款时间',
  '订单状态',
  '客户姓名',
  '客户地址',
  '联系电话',
  '商家SKUID',
];
const ORDERS = 12_000;
const orderNo = (i: number) => String(280_000_000_000 + i);

describeEachDialect('order import statistics', (dialect) => {
  const ctx = useTestApp(dialect);
  let worker: JobWorker;
  let shopId: string;

  beforeAll(async () => {
    const db = ctx.tdb.database.db;
    worker = startJobWorker(db, jobHandlers(db), { pollMs: 50 });
    const admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '京东自营店', { channel: 'jd' });
    const rows = [HEADERS.join(',')];
    for (let i = 0; i < ORDERS; i++) {
      const day = `2026-0${1 + (i % 9)}-1${i % 10} 10:00:00`;
      rows.push(
        [orderNo(i), '100001', '保温杯', '1', '59.90', '59.90', '0', day, day, '已完成', '张三', '北京', '13800000000', 'CUP-01'].join(','),
      );
    }
    const mp = multipart({ shopId, format: 'jd' }, { orders: { name: 'jd.csv', data: Buffer.from(rows.join('\n'), 'utf8') } });
    const res = await admin.request('POST', '/api/v1/imports/orders', mp.body, { 'content-type': mp.type });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId } = res.json();
    await waitForJob(db, jobId, 120_000);
    const job = (await admin.get(`/api/v1/imports/jobs/${jobId}`)).json();
    expect(job.status, job.error).toBe('succeeded');
    expect(job.result).toMatchObject({ ordersCreated: ORDERS, errors: 0 });
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
  });

  it('plans a batch lookup by order number from statistics that counted the import', async () => {
    const db = ctx.tdb.database.db;
    const nos = Array.from({ length: 1000 }, (_, i) => orderNo((i * 7919) % ORDERS));
    const lookup = db
      .selectFrom('orders')
      .selectAll()
      .where('shop_id', '=', shopId)
      .where(inList(db, 'order_no', nos))
      .compile();
    if (dialect === 'postgres') {
      // The bad plan came from this estimate: statistics of the empty table put the shop's orders
      // at a few dozen (0.5 % of the pages' guess), so a scan of "the shop's orders" looked cheaper
      // than a thousand unique-index probes — and read all 500,000 at every batch.
      const shopOnly = db.selectFrom('orders').select('id').where('shop_id', '=', shopId).compile();
      const res = await db.executeQuery<{ 'QUERY PLAN': string }>({ ...shopOnly, sql: `explain ${shopOnly.sql}` });
      const top = res.rows[0]!['QUERY PLAN'];
      const estimate = Number(/rows=(\d+)/.exec(top)?.[1]);
      expect(estimate, top).toBeGreaterThanOrEqual(ORDERS / 2);
    } else {
      const res = await db.executeQuery<{ detail: string }>({ ...lookup, sql: `explain query plan ${lookup.sql}` });
      const plan = res.rows.map((r) => r.detail).join('\n');
      expect(plan, plan).toMatch(/orders USING INDEX \S+ \(shop_id=\? AND order_no=\?\)/);
    }
    const found = await db.executeQuery(lookup);
    expect(found.rows).toHaveLength(1000);
  });

  it.runIf(dialect === 'postgres')('analyzed the tables it wrote', async () => {
    const res = await sql<{ reltuples: number }>`select reltuples from pg_class where oid = 'orders'::regclass`.execute(
      ctx.tdb.database.db,
    );
    // The statistics counted at least the orders of the import's last analyzed batch.
    expect(Number(res.rows[0]!.reltuples)).toBeGreaterThanOrEqual(ORDERS / 2);
  });
});
