/**
 * Issue 17, items 5 and 6: an import survives a shutdown (it stops at a batch boundary, keeps its
 * files and goes on after the restart exactly where it stopped), and control characters — U+0000
 * above all, which PostgreSQL cannot store — are refused at the edge the same on both databases:
 * 400 for HTTP input, a reported bad row (with its row number) in an import.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import * as inventory from '../src/modules/inventory/index.js';
import { JobInterrupted, saveCheckpoint, startJobWorker, waitForJob, type JobHandlers, type JobWorker } from '../src/modules/jobs/index.js';
import { jobHandlers } from '../src/modules/jobs/registry.js';
import { BATCH_ORDERS, IMPORT_JOB_TYPE, importOrdersFile, setParseWorkerBytes } from '../src/modules/orders/import/index.js';
import { describeEachDialect } from './dialects.js';
import { multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

// Uploads go to a directory of this test run (PostgreSQL would otherwise use ./data).
process.env.YUNYING_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-sec-imports-'));

function csvLine(cells: string[]): string {
  return cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}

const HEADERS = ['订单号', '下单时间', '订单状态', '商品名称', '数量', '单价', '实付金额', '商家编码', '付款时间', '卖家备注'];
const MAPPING = {
  orderNo: '订单号',
  orderedAt: '下单时间',
  status: '订单状态',
  title: '商品名称',
  qty: '数量',
  unitPrice: '单价',
  paidAmount: '实付金额',
  merchantCode: '商家编码',
  paidAt: '付款时间',
  sellerMemo: '卖家备注',
};

/** Row cells of one order line in the generic format (paid, so an import with moveStock reserves). */
function lineRow(orderNo: string, sku: 'A' | 'B', memo = ''): string[] {
  return sku === 'A'
    ? [orderNo, '2026-05-01 10:00:00', '待发货', '保温杯', '1', '10.00', '50.00', 'SEC-A', '2026-05-01 10:01:00', memo]
    : [orderNo, '2026-05-01 10:00:00', '待发货', '纯棉T恤', '2', '20.00', '50.00', 'SEC-B', '2026-05-01 10:01:00', memo];
}

/**
 * `n` orders of two lines each (A then B). Every 97th order's B line sits at the end of the file,
 * so a resumed run must still know those orders were written and append to them.
 */
function bigFile(n: number): Buffer {
  const rows: string[][] = [HEADERS];
  const late: string[][] = [];
  for (let i = 0; i < n; i++) {
    const no = `S${String(i).padStart(6, '0')}`;
    rows.push(lineRow(no, 'A'));
    (i % 97 === 5 ? late : rows).push(lineRow(no, 'B'));
  }
  return Buffer.from([...rows, ...late].map(csvLine).join('\n'));
}

describeEachDialect('security: imports', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  const skuIds: string[] = [];
  let presetId: string;

  beforeAll(async () => {
    const db = ctx.tdb.database.db;
    admin = await ctx.admin();
    for (const code of ['SEC-A', 'SEC-B']) {
      const p = await admin.post('/api/v1/products', { title: `商品 ${code}`, code: `P-${code}`, skus: [{ code, priceFen: 1000 }] });
      expect(p.statusCode, p.body).toBe(201);
      skuIds.push(p.json().skus[0].id);
    }
    await db.transaction().execute(async (trx) => {
      const wh = await inventory.defaultWarehouseId(trx, ctx.orgId);
      for (const id of skuIds) await inventory.moveQty(trx, systemActor(ctx.orgId), 'inbound', id, wh, 100_000);
    });
    const preset = await admin.post('/api/v1/imports/presets', { name: '安全测试', mapping: MAPPING });
    expect(preset.statusCode, preset.body).toBe(201);
    presetId = preset.json().id;
  });

  async function newShop(name: string): Promise<string> {
    const res = await admin.post('/api/v1/shops', { name, channel: 'own', timezone: 'Asia/Shanghai' });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function upload(shopId: string, name: string, data: Buffer, moveStock = false): Promise<string> {
    const mp = multipart({ shopId, format: 'generic', presetId, ...(moveStock ? { moveStock: 'true' } : {}) }, { orders: { name, data } });
    const res = await admin.request('POST', '/api/v1/imports/orders', mp.body, { 'content-type': mp.type });
    expect(res.statusCode, res.body).toBe(202);
    return res.json().jobId;
  }

  async function withWorker<T>(handlers: JobHandlers, fn: () => Promise<T>): Promise<T> {
    const w = startJobWorker(ctx.tdb.database.db, handlers, { pollMs: 20 });
    try {
      return await fn();
    } finally {
      await w.stop();
    }
  }

  /** Everything an import wrote for a shop, by order number (ids left out: they differ per shop). */
  async function snapshot(shopId: string) {
    const db = ctx.tdb.database.db;
    const orders = await db
      .selectFrom('orders')
      .select(['order_no', 'status', 'goods_fen', 'paid_fen', 'discount_fen', 'item_count', 'stock_mode'])
      .where('shop_id', '=', shopId)
      .orderBy('order_no')
      .execute();
    const lines = await db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select(['orders.order_no', 'order_lines.line_no', 'order_lines.sku_id', 'order_lines.qty', 'order_lines.paid_fen'])
      .where('orders.shop_id', '=', shopId)
      .orderBy('orders.order_no')
      .orderBy('order_lines.line_no')
      .execute();
    const ids = await db.selectFrom('orders').select(['id', 'order_no']).where('shop_id', '=', shopId).execute();
    const noOf = new Map(ids.map((o) => [o.id, o.order_no]));
    const moves = (
      await db
        .selectFrom('stock_movements')
        .select(['ref_id', 'sku_id', 'type', 'd_reserved', 'd_on_hand'])
        .where('ref_type', '=', 'order')
        .where('ref_id', 'in', db.selectFrom('orders').select('id').where('shop_id', '=', shopId))
        .execute()
    )
      .map((m) => `${noOf.get(m.ref_id!)} ${m.sku_id} ${m.type} ${m.d_reserved} ${m.d_on_hand}`)
      .sort();
    return { orders, lines, moves };
  }

  async function stockEqualsLedger(): Promise<void> {
    const db = ctx.tdb.database.db;
    for (const skuId of skuIds) {
      const stock = await db.selectFrom('stock').select(['on_hand', 'reserved', 'available']).where('sku_id', '=', skuId).execute();
      const ledger = await db
        .selectFrom('stock_movements')
        .select((eb) => [
          eb.fn.sum<number>('d_on_hand').as('on_hand'),
          eb.fn.sum<number>('d_reserved').as('reserved'),
          eb.fn.sum<number>('d_available').as('available'),
        ])
        .where('sku_id', '=', skuId)
        .executeTakeFirstOrThrow();
      const sum = (k: 'on_hand' | 'reserved' | 'available') => stock.reduce((s, r) => s + Number(r[k]), 0);
      expect({ on_hand: sum('on_hand'), reserved: sum('reserved'), available: sum('available') }).toEqual({
        on_hand: Number(ledger.on_hand),
        reserved: Number(ledger.reserved),
        available: Number(ledger.available),
      });
    }
  }

  function countsOf(result: unknown) {
    const r = result as Record<string, number>;
    return {
      rows: r.rows,
      ordersCreated: r.ordersCreated,
      ordersUpdated: r.ordersUpdated,
      ordersUnchanged: r.ordersUnchanged,
      lines: r.lines,
      linesChanged: r.linesChanged,
      errors: r.errors,
    };
  }

  // Read in the importing thread (small files) and in a worker thread (large files): the same result.
  for (const [where, workerBytes] of [
    ['read in the importing thread', Infinity],
    ['read in a worker thread', 0],
  ] as const) {
    it(`an import stopped by the app closing goes back to the queue with its files, then resumes after the restart: every order once, with all its lines and stock (${where})`, async () => {
      setParseWorkerBytes(workerBytes);
      onTestFinished(() => setParseWorkerBytes(null));
      const db = ctx.tdb.database.db;
      // Two batches: the first commits before the shutdown, the second (with the late lines) after it.
      const n = BATCH_ORDERS + 500;
      const file = bigFile(n);

      // The same file imported without interruption into another shop: what the resumed run must equal.
      const refShop = await newShop(`参照店 ${where}`);
      const refJob = await withWorker(jobHandlers(db), async () => {
        const id = await upload(refShop, 'big.csv', file, true);
        return waitForJob(db, id, 120_000);
      });
      expect(refJob.status, refJob.error ?? '').toBe('succeeded');
      const ref = await snapshot(refShop);
      expect(ref.orders).toHaveLength(n);
      expect(ref.lines).toHaveLength(2 * n);

      // The real handler, paused inside its first batch until the worker is told to stop, so the
      // shutdown lands at a known point: one batch committed, the rest not started.
      const shopId = await newShop(`中断店 ${where}`);
      let reached!: () => void;
      const firstBatch = new Promise<void>((r) => (reached = r));
      let checkpoints = 0;
      const real = jobHandlers(db)[IMPORT_JOB_TYPE]!;
      const paused: JobHandlers = {
        [IMPORT_JOB_TYPE]: (job, jc) =>
          real(job, {
            ...jc,
            checkpoint: async (trx, state) => {
              await jc.checkpoint(trx, state);
              if (++checkpoints === 1) {
                reached();
                await new Promise((r) => jc.signal.addEventListener('abort', r, { once: true }));
              }
            },
          }),
      };
      const w1: JobWorker = startJobWorker(db, paused, { pollMs: 20 });
      const jobId = await upload(shopId, 'big.csv', file, true);
      await Promise.race([
        firstBatch,
        waitForJob(db, jobId, 120_000).then((j) => {
          throw new Error(`the import ended (${j.status}) without stopping at a checkpoint`);
        }),
      ]);
      // A server restart: the old app's close hook stops its job worker before the database would close.
      await ctx.restart();
      admin = await ctx.admin();
      await w1.stop();

      const stopped = await db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
      expect(stopped).toMatchObject({ status: 'queued', error: null, locked_by: null });
      const payload = JSON.parse(stopped.payload) as { files: { orders: string } };
      expect(fs.existsSync(payload.files.orders)).toBe(true);
      // What is stored is exactly what the job's result says, and no order lacks its lines.
      const mid = await snapshot(shopId);
      const midResult = (await admin.get(`/api/v1/imports/jobs/${jobId}`)).json().result;
      expect(midResult.ordersCreated).toBe(BATCH_ORDERS);
      expect(midResult).not.toHaveProperty('resume');
      expect(mid.orders).toHaveLength(midResult.ordersCreated);
      expect(mid.lines).toHaveLength(midResult.lines);
      expect(new Set(mid.lines.map((l) => l.order_no)).size).toBe(mid.orders.length);
      await stockEqualsLedger();

      // After the restart the job runner takes the job again and goes on after the committed batch.
      const done = await withWorker(jobHandlers(db), () => waitForJob(db, jobId, 120_000));
      expect(done.status, done.error ?? '').toBe('succeeded');
      const after = await snapshot(shopId);
      expect(after).toEqual(ref);
      const result = (await admin.get(`/api/v1/imports/jobs/${jobId}`)).json().result;
      expect(countsOf(result)).toEqual(countsOf(JSON.parse(refJob.result!)));
      expect(after.orders).toHaveLength(result.ordersCreated);
      expect(after.lines).toHaveLength(result.lines);
      // The first batch's orders were not written again: no import-update events on them.
      const events = await db
        .selectFrom('order_events')
        .innerJoin('orders', 'orders.id', 'order_events.order_id')
        .select('orders.order_no')
        .where('orders.shop_id', '=', shopId)
        .where('order_events.type', '=', 'import')
        .execute();
      const refEvents = await db
        .selectFrom('order_events')
        .innerJoin('orders', 'orders.id', 'order_events.order_id')
        .select('orders.order_no')
        .where('orders.shop_id', '=', refShop)
        .where('order_events.type', '=', 'import')
        .execute();
      expect(events.map((e) => e.order_no).sort()).toEqual(refEvents.map((e) => e.order_no).sort());
      await stockEqualsLedger();
      // Finished: the uploads are gone.
      expect(fs.existsSync(payload.files.orders)).toBe(false);
    }, 300_000);
  }

  it('a job whose upload is gone fails with the file name the user knows, never a server path', async () => {
    const db = ctx.tdb.database.db;
    const shopId = await newShop('丢文件店');
    const jobId = await upload(shopId, '五月订单.csv', Buffer.from([HEADERS, lineRow('L1', 'A')].map(csvLine).join('\n')));
    const row = await db.selectFrom('jobs').select('payload').where('id', '=', jobId).executeTakeFirstOrThrow();
    const files = (JSON.parse(row.payload) as { files: { orders: string } }).files;
    fs.rmSync(files.orders);
    const job = await withWorker(jobHandlers(db), () => waitForJob(db, jobId, 30_000));
    expect(job.status).toBe('failed');
    expect(job.error).toContain('五月订单.csv');
    expect(job.error).toContain('重新上传');
    expect(job.error).not.toContain(path.dirname(files.orders));
    expect(job.error).not.toMatch(/[/\\]/);
  });

  it('a checkpoint from a worker that no longer holds the job rolls its batch back', async () => {
    const db = ctx.tdb.database.db;
    const now = Date.now();
    await db
      .insertInto('jobs')
      .values({
        id: 'job_fence',
        org_id: ctx.orgId,
        shop_id: null,
        type: 'test.fence',
        status: 'running',
        progress: 0,
        processed: 0,
        total: null,
        payload: '{}',
        result: null,
        error: null,
        created_by: null,
        locked_by: 'worker-new',
        locked_until: now + 60_000,
        created_at: now,
        started_at: now,
        crashes: 0,
        finished_at: null,
      })
      .execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('import_errors')
          .values({ job_id: 'job_fence', seq: 1, file: 'orders', row_no: 2, column_name: 'x', value: '', reason: '' })
          .execute();
        await saveCheckpoint(trx, 'job_fence', 'worker-old', { n: 1 });
      }),
    ).rejects.toBeInstanceOf(JobInterrupted);
    expect(await db.selectFrom('import_errors').selectAll().where('job_id', '=', 'job_fence').execute()).toEqual([]);
    const j = await db.selectFrom('jobs').select('result').where('id', '=', 'job_fence').executeTakeFirstOrThrow();
    expect(j.result).toBeNull();
  });

  it('refuses U+0000 and other control characters in bodies, query strings and path parameters with a Chinese 400, storing nothing', async () => {
    const db = ctx.tdb.database.db;
    const shopsBefore = (await admin.get('/api/v1/shops')).json().items.length;

    const shop = await admin.post('/api/v1/shops', { name: '坏\u0000店', channel: 'own', timezone: 'Asia/Shanghai' });
    expect(shop.statusCode, shop.body).toBe(400);
    expect(shop.json()).toMatchObject({
      code: 'validation_failed',
      detail: '字段 name 含有不可见的控制字符（如 \\u0000），请删除后重试',
      errors: [{ path: 'name' }],
    });
    expect((await admin.get('/api/v1/shops')).json().items).toHaveLength(shopsBefore);

    const product = await admin.post('/api/v1/products', {
      title: '保温\u0000杯',
      code: 'P-NUL',
      skus: [{ code: 'NUL-1', priceFen: 100 }],
    });
    expect(product.statusCode, product.body).toBe(400);
    expect(product.json().detail).toContain('字段 title');
    const nested = await admin.post('/api/v1/products', { title: '保温杯', code: 'P-NUL', skus: [{ code: 'NUL\u001b1', priceFen: 100 }] });
    expect(nested.statusCode, nested.body).toBe(400);
    expect(nested.json().detail).toBe('字段 skus.0.code 含有不可见的控制字符（如 \\u001b），请删除后重试');
    expect(await db.selectFrom('products').select('id').where('code', '=', 'P-NUL').execute()).toEqual([]);

    const shopId = await newShop('备注店');
    const jobId = await upload(shopId, 'one.csv', Buffer.from([HEADERS, lineRow('M1', 'A', '原备注')].map(csvLine).join('\n')));
    expect((await withWorker(jobHandlers(db), () => waitForJob(db, jobId, 30_000))).status).toBe('succeeded');
    const order = await db.selectFrom('orders').select(['id', 'seller_memo']).where('shop_id', '=', shopId).executeTakeFirstOrThrow();
    const memo = await admin.patch(`/api/v1/orders/${order.id}/memo`, { sellerMemo: '改\u0000了' });
    expect(memo.statusCode, memo.body).toBe(400);
    expect(memo.json().detail).toContain('字段 sellerMemo');
    const del = await admin.patch(`/api/v1/orders/${order.id}/memo`, { sellerMemo: '改\u007f了' });
    expect(del.statusCode, del.body).toBe(400);
    expect((await db.selectFrom('orders').select('seller_memo').where('id', '=', order.id).executeTakeFirstOrThrow()).seller_memo).toBe(
      '原备注',
    );
    // Tabs and line breaks are ordinary text.
    const ok = await admin.patch(`/api/v1/orders/${order.id}/memo`, { sellerMemo: '第一行\n第二行\t完' });
    expect(ok.statusCode, ok.body).toBe(200);

    const search = await admin.get('/api/v1/orders?buyerNick=%00');
    expect(search.statusCode, search.body).toBe(400);
    expect(search.json().detail).toBe('查询参数 buyerNick 含有不可见的控制字符（如 \\u0000），请删除后重试');
    const products = await admin.get('/api/v1/products?q=a%00b');
    expect(products.statusCode, products.body).toBe(400);
    const param = await admin.get('/api/v1/orders/ord%00x');
    expect(param.statusCode, param.body).toBe(400);
    expect(param.json().detail).toContain('路径参数 id');
    // Public routes too (before any database lookup).
    const login = await ctx.client().post('/api/v1/auth/login', { username: 'ad\u0000min', password: 'x' });
    expect(login.statusCode, login.body).toBe(400);
    // Multipart fields of an upload.
    const mp = multipart(
      { shopId: `${shopId}\u0000`, format: 'generic', presetId },
      { orders: { name: 'x.csv', data: Buffer.from('a\n') } },
    );
    const up = await admin.request('POST', '/api/v1/imports/orders', mp.body, { 'content-type': mp.type });
    expect(up.statusCode, up.body).toBe(400);
    expect(up.json().detail).toContain('字段 shopId');
  });

  it('an import reports a row holding U+0000 by its row number and imports every other row; its counts equal what is stored (upload and command line)', async () => {
    const db = ctx.tdb.database.db;
    const rows = [
      HEADERS,
      lineRow('N1', 'A'),
      lineRow('N2', 'A'),
      lineRow('N3', 'A', '请\u0000尽快'),
      lineRow('N4', 'A'),
      lineRow('N5', 'B'),
    ];
    const data = Buffer.from(rows.map(csvLine).join('\n'));
    const check = async (shopId: string, result: Record<string, number>, jobId: string) => {
      expect(result).toMatchObject({ rows: 5, ordersCreated: 4, lines: 4, errors: 1 });
      const stored = await db.selectFrom('orders').select('order_no').where('shop_id', '=', shopId).orderBy('order_no').execute();
      expect(stored.map((o) => o.order_no)).toEqual(['N1', 'N2', 'N4', 'N5']);
      const errs = (await admin.get(`/api/v1/imports/jobs/${jobId}/errors`)).json();
      expect(errs.items).toHaveLength(1);
      expect(errs.items[0]).toMatchObject({ rowNo: 4, column: '卖家备注', value: '请\\u0000尽快' });
      expect(errs.items[0].reason).toContain('控制字符');
    };

    const shopId = await newShop('空字符店');
    const jobId = await upload(shopId, 'nul.csv', data);
    const job = await withWorker(jobHandlers(db), () => waitForJob(db, jobId, 30_000));
    expect(job.status, job.error ?? '').toBe('succeeded');
    await check(shopId, JSON.parse(job.result!), jobId);

    // The command line reads files through the same reader.
    const cliShop = await newShop('命令行店');
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yy-sec-cli-')), 'nul.csv');
    fs.writeFileSync(tmp, data);
    const summary = await importOrdersFile(db, systemActor(ctx.orgId), {
      shopId: cliShop,
      format: 'generic',
      file: tmp,
      mappingPresetName: '安全测试',
    });
    await check(cliShop, summary as unknown as Record<string, number>, summary.jobId);
    // The command line's own file is never deleted.
    expect(fs.existsSync(tmp)).toBe(true);
  });
});

afterAll(() => {
  fs.rmSync(process.env.YUNYING_DATA_DIR!, { recursive: true, force: true });
});
