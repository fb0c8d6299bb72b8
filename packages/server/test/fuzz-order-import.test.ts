/**
 * The order import's writing path under generated files (fast-check, fixed seed): JD exports whose
 * rows reuse a few order numbers (an order's lines spread over rows, orders seen again in later
 * files), mostly good cells with bad ones mixed in (formulas, scientific-notation ids, huge and
 * control-character cells, impossible dates and amounts), as CSV in UTF-8 (with or without BOM), GBK or UTF-16 and as
 * XLSX, sometimes with stock moved. After each file has been imported, and again after the same
 * file a second time:
 * - the upload was accepted and the job ended (succeeded, or failed with a Chinese reason);
 * - the summary's created orders are exactly the orders the shop gained, a refused or failed file
 *   (a cell over 32,767 characters, UTF-16) stores nothing, and a second import of the same file
 *   creates none;
 * - every order has its lines (no order without a line), no order number twice in the shop;
 * - stock equals its ledger for every SKU and is never negative.
 * The bulk writers this drives (multi-row INSERTs / unnest arrays, the status-count triggers, the
 * stock reservation) are the ones the large imports use. Runs: YUNYING_FUZZ_RUNS (default 12; 60
 * under YUNYING_LONG_TESTS).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJobWorker, waitForJob, type JobWorker } from '../src/modules/jobs/index.js';
import { jobHandlers } from '../src/modules/jobs/registry.js';
import { describeEachDialect } from './dialects.js';
import { addStock, CJK, encodeText, FUZZ_RUNS, ledgerOf, makeProduct, makeShop, multipart, stockOf } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';
import { xlsxOf } from './xlsx-craft.js';

const RUNS = FUZZ_RUNS;

const HEADER = [
  '订单号',
  '商品名称',
  '订购数量',
  '京东价',
  '应付金额',
  '下单时间',
  '付款时间',
  '订单状态',
  '下单帐号',
  '商家SKUID',
  '退款金额',
];
const CODES = ['FZ-A', 'FZ-B', 'FZ-C'];

const bad = fc.oneof(
  fc.constantFrom(
    '=1+1',
    '@SUM(A1)',
    '1.23457E+17',
    '¥12.50',
    '十九块',
    '2026/13/45 25:61',
    '-3',
    '0',
    '99999999999',
    '\u0000',
    '\r\n换行',
    '"未闭合',
  ),
  fc.integer({ min: 1, max: 40_000 }).map((n) => 'x'.repeat(n)),
  fc.string({ maxLength: 10 }),
);
const maybeBad = <T extends string>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 14, arbitrary: good }, { weight: 1, arbitrary: bad });

const row = fc.tuple(
  maybeBad(fc.integer({ min: 1, max: 400 }).map((n) => `8800${1000 + n}`)),
  maybeBad(fc.constantFrom('保温杯', '纯棉T恤 白 M', '神秘礼盒')),
  maybeBad(fc.integer({ min: 1, max: 4 }).map(String)),
  maybeBad(fc.integer({ min: 100, max: 99_900 }).map((n) => (n / 100).toFixed(2))),
  maybeBad(fc.integer({ min: 100, max: 300_000 }).map((n) => (n / 100).toFixed(2))),
  maybeBad(fc.integer({ min: 1, max: 28 }).map((d) => `2026-11-${String(d).padStart(2, '0')} 10:00:00`)),
  maybeBad(fc.constantFrom('', '2026-11-28 10:05:00')),
  maybeBad(fc.constantFrom('等待出库', '等待确认收货', '完成', '已取消', '锁定')),
  maybeBad(fc.constantFrom('jd_买家甲', 'jd_买家乙', '')),
  maybeBad(fc.constantFrom(...CODES, 'NO-SUCH', '')),
  maybeBad(fc.constantFrom('', '', '0', '10.00')),
);

const file = fc
  .tuple(fc.array(row, { minLength: 1, maxLength: 25 }), fc.constantFrom('utf8', 'bom', 'gbk', 'utf16le', 'xlsx'), fc.boolean())
  .map(([rows, enc, moveStock]) => {
    const table = [HEADER, ...rows.map((r) => [...r])];
    if (enc === 'xlsx') return { name: '京东订单.xlsx', data: xlsxOf(table), moveStock };
    const text = table.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
    const data = encodeText(text, enc);
    return { name: '京东订单.csv', data, moveStock };
  });

describeEachDialect('order import writing path under generated files', (dialect) => {
  const ctx = useTestApp(dialect);
  let worker: JobWorker;
  let admin: Client;
  let shopId: string;
  let skuIds: string[] = [];

  beforeAll(async () => {
    worker = startJobWorker(ctx.tdb.database.db, jobHandlers(ctx.tdb.database.db), { pollMs: 20 });
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '京东模糊测试店', { channel: 'jd' });
    ({ skuIds } = await makeProduct(ctx, {
      title: '模糊测试商品',
      code: 'FZ',
      skus: CODES.map((code) => ({ code, priceFen: 5990, costFen: 2000, weightG: 0 })),
    }));
    // Some stock to move, little enough that imports run into the bottom.
    for (const skuId of skuIds) await addStock(ctx, skuId, 6);
  });
  afterAll(async () => {
    await worker?.stop();
  });

  async function orderCount(): Promise<number> {
    const r = await ctx.tdb.database.db
      .selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('shop_id', '=', shopId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async function importOnce(f: { name: string; data: Buffer; moveStock: boolean }, what: string) {
    const mp = multipart({ shopId, format: 'jd', moveStock: String(f.moveStock) }, { orders: { name: f.name, data: f.data } });
    const res = await admin.request('POST', '/api/v1/imports/orders', mp.body, { 'content-type': mp.type });
    expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(res.body, `${what}: no Chinese explanation`).toMatch(CJK);
      return null;
    }
    expect(res.statusCode).toBe(202);
    const { jobId } = res.json() as { jobId: string };
    await waitForJob(ctx.tdb.database.db, jobId);
    const job = (await admin.get(`/api/v1/imports/jobs/${jobId}`)).json() as {
      status: string;
      error: string | null;
      result: { ordersCreated: number } | null;
    };
    expect(['succeeded', 'failed'], `${what}: job ${job.status}`).toContain(job.status);
    if (job.status === 'failed') expect(job.error ?? '', `${what}: failed without a Chinese reason`).toMatch(CJK);
    return job;
  }

  async function invariants(what: string) {
    const db = ctx.tdb.database.db;
    const lineless = await db
      .selectFrom('orders')
      .select('order_no')
      .where('shop_id', '=', shopId)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('order_lines').select('order_lines.id').whereRef('order_lines.order_id', '=', 'orders.id'))),
      )
      .execute();
    expect(lineless, `${what}: orders without lines`).toEqual([]);
    const dupes = await db
      .selectFrom('orders')
      .select(['order_no', (eb) => eb.fn.countAll<number>().as('n')])
      .where('shop_id', '=', shopId)
      .groupBy('order_no')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    expect(dupes, `${what}: order numbers twice`).toEqual([]);
    for (const skuId of skuIds) {
      const stock = await stockOf(ctx, skuId);
      expect(stock, `${what}: stock of ${skuId}`).toEqual(await ledgerOf(ctx, skuId));
      expect(stock!.onHand, `${what}: negative stock`).toBeGreaterThanOrEqual(0);
      expect(stock!.available, `${what}: negative available stock`).toBeGreaterThanOrEqual(0);
    }
  }

  it('every generated JD file: the job ends, created orders are the orders gained, a second import creates none, every order has its lines, stock equals its ledger', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        const what = `file ${++n} (${f.name}, ${f.data.length} bytes, moveStock ${f.moveStock})`;
        const before = await orderCount();
        const first = await importOnce(f, what);
        const gained = (await orderCount()) - before;
        if (first?.status === 'succeeded') expect(first.result?.ordersCreated, `${what}: created vs gained`).toBe(gained);
        // These files are one batch: a file that fails (an unreadable cell, a wrong encoding) stores nothing.
        else expect(gained, `${what}: refused or failed, yet orders were stored`).toBe(0);
        await invariants(what);
        const again = await importOnce(f, `${what}, again`);
        if (again?.status === 'succeeded') expect(again.result?.ordersCreated, `${what}: second import created orders`).toBe(0);
        expect(await orderCount(), `${what}: second import changed the number of orders`).toBe(before + gained);
        await invariants(`${what}, again`);
      }),
      { numRuns: RUNS, seed: 16_2027 },
    );
    // The files were not all refused: the writing path ran, stock moved.
    const moved = await ctx.tdb.database.db
      .selectFrom('stock_movements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sku_id', 'in', skuIds)
      .executeTakeFirstOrThrow();
    console.log(`${dialect}: ${n} files, ${await orderCount()} orders stored, ${Number(moved.n)} stock movements`);
    expect(await orderCount()).toBeGreaterThan(0);
    expect(Number(moved.n)).toBeGreaterThan(skuIds.length);
  }, 600_000);
});
