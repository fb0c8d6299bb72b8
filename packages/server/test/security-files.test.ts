/**
 * Issue 17, uploaded files: a zip bomb, a workbook with a DOCTYPE, a damaged workbook, UTF-16 and
 * mixed-encoding CSV, unbalanced quotes. Each is sent to every place that reads users' files
 * (product import, order import and its preview, traffic import and its preview, batch shipping)
 * and must be refused with a Chinese message that says what to do: never a 500, never an
 * out-of-memory, never rows silently merged or garbled.
 */
import iconv from 'iconv-lite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startJobWorker, waitForJob, type JobWorker } from '../src/modules/jobs/index.js';
import { jobHandlers } from '../src/modules/jobs/registry.js';
import { describeEachDialect } from './dialects.js';
import { makeShop, multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';
import { workbookParts, xlsxBomb, xlsxOf, xlsxWithDoctype, zip } from './xlsx-craft.js';

const MB = 1024 * 1024;
type Files = Record<string, { name: string; data: Buffer }>;

const PRODUCT_HEADER = ['商品标题', 'SKU商家编码', '售价(元)'];
/** A Taobao order report's header (the order import job needs its required columns). */
const ORDER_HEADER = [
  '订单编号',
  '买家会员名',
  '买家应付货款',
  '买家应付邮费',
  '买家实际支付金额',
  '订单状态',
  '收货人姓名',
  '收货地址',
  '联系手机',
  '订单创建时间',
  '订单付款时间',
  '宝贝标题',
  '宝贝总数量',
];
const TRAFFIC_HEADER = ['统计日期', '访客数', '浏览量'];

const csv = (rows: readonly (readonly string[])[]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const utf16le = (text: string, bom: boolean) =>
  Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);

interface Problem {
  status: number;
  code: string;
  detail: string;
}

describeEachDialect('uploaded files cannot hurt the server (issue 17)', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let worker: JobWorker;

  beforeAll(async () => {
    worker = startJobWorker(ctx.tdb.database.db, jobHandlers(ctx.tdb.database.db), { pollMs: 50 });
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '安全测试店', { channel: 'taobao' });
  });
  afterAll(async () => {
    await worker?.stop();
  });

  async function send(url: string, fields: Record<string, string>, files: Files) {
    const mp = multipart(fields, files);
    return admin.request('POST', url, mp.body, { 'content-type': mp.type });
  }
  const productImport = (name: string, data: Buffer) => send('/api/v1/products/import', {}, { file: { name, data } });
  const orderPreview = (name: string, data: Buffer) => send('/api/v1/imports/preview', { format: 'taobao' }, { file: { name, data } });
  const trafficImport = (name: string, data: Buffer) => send('/api/v1/traffic/import', { shopId }, { file: { name, data } });
  const trafficPreview = (name: string, data: Buffer) => send('/api/v1/traffic/import/preview', {}, { file: { name, data } });
  const batchShip = (name: string, data: Buffer) => send('/api/v1/orders/batch-ship', {}, { file: { name, data } });

  /** Every reader of users' files, with a file made for it. */
  const readers = (make: (header: readonly string[], maxUpload: number) => Buffer, ext: string) => [
    { where: 'product import', call: () => productImport(`products.${ext}`, make(PRODUCT_HEADER, 20 * MB)) },
    { where: 'order import preview', call: () => orderPreview(`orders.${ext}`, make(ORDER_HEADER, 2048 * MB)) },
    { where: 'traffic import', call: () => trafficImport(`traffic.${ext}`, make(TRAFFIC_HEADER, 200 * MB)) },
    { where: 'traffic import preview', call: () => trafficPreview(`traffic.${ext}`, make(TRAFFIC_HEADER, 200 * MB)) },
    { where: 'batch shipping', call: () => batchShip(`ship.${ext}`, make(['订单编号', '物流公司', '物流单号'], 10 * MB)) },
  ];
  /** The probe's bomb, 2.8 GB inflated from 10 MB; 1 GB (3.6 MB) where uploads stop at 10 MB. */
  const bomb = (lie: boolean) => (h: readonly string[], maxUpload: number) =>
    xlsxBomb(h, { lie, inflatedBytes: maxUpload > 10 * MB ? 2.8 * 1024 * MB : 1024 * MB });

  async function expectRefused(res: Awaited<ReturnType<typeof send>>, where: string, status: number, code: string, ...texts: RegExp[]) {
    expect(res.statusCode, `${where}: ${res.body}`).toBe(status);
    const p = res.json() as Problem;
    expect(p.code, where).toBe(code);
    expect(p.detail, where).toMatch(/[\u4e00-\u9fff]/);
    for (const t of texts) expect(p.detail, where).toMatch(t);
  }

  async function orderImportJob(name: string, data: Buffer) {
    const res = await send('/api/v1/imports/orders', { shopId, format: 'taobao' }, { orders: { name, data } });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId } = res.json() as { jobId: string };
    await waitForJob(ctx.tdb.database.db, jobId, 30_000);
    return (await admin.get(`/api/v1/imports/jobs/${jobId}`)).json() as { status: string; error: string | null };
  }

  it('refuses the 2.8 GB zip bomb everywhere with 413 and what to do, without inflating it, and keeps answering', async () => {
    const before = process.memoryUsage().rss;
    for (const r of readers(bomb(false), 'xlsx')) {
      await expectRefused(await r.call(), r.where, 413, 'payload_too_large', /解压后约 \d+ MB，超过 \d+ MB 的上限/, /拆分/, /CSV/);
    }
    // Nothing close to the bomb's 2.8 GB was ever held (the old reader took the process to ~4 GB).
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    const job = await orderImportJob('orders.xlsx', xlsxBomb(ORDER_HEADER));
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/解压后约 \d+ MB，超过 \d+ MB 的上限/);
    expect((await admin.get('/api/v1/products')).statusCode).toBe(200);
    expect((await admin.get('/healthz')).statusCode).toBe(200);
  });

  it('stops a bomb whose zip directory lies about the size at the size it claims', async () => {
    const before = process.memoryUsage().rss;
    for (const r of readers(bomb(true), 'xlsx')) {
      await expectRefused(
        await r.call(),
        r.where,
        400,
        'validation_failed',
        /已损坏或被改动过/,
        /解压后的大小与文件目录记录的不符/,
        /另存为/,
      );
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    expect((await admin.get('/api/v1/products')).statusCode).toBe(200);
  });

  it('refuses a workbook with a DOCTYPE (entity declarations) with a Chinese validation error, not 500', async () => {
    for (const r of readers(xlsxWithDoctype, 'xlsx')) {
      await expectRefused(await r.call(), r.where, 400, 'validation_failed', /DOCTYPE/, /另存为/);
    }
    const job = await orderImportJob('orders.xlsx', xlsxWithDoctype(ORDER_HEADER));
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/DOCTYPE/);
  });

  it('answers a damaged or odd workbook with a Chinese validation error, never 500', async () => {
    const good = xlsxOf([ORDER_HEADER]);
    const damaged: [string, (h: readonly string[]) => Buffer][] = [
      ['cut short', (h) => xlsxOf([h]).subarray(0, 300)],
      ['zip signature, then noise', () => Buffer.concat([good.subarray(0, 4), Buffer.alloc(2000, 7)])],
      // A cell without its address: ExcelJS threw a TypeError on it (the previews' 500s).
      [
        'cell without address',
        (h) =>
          zip(
            workbookParts({
              name: 'sheet',
              data: `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">${h.map((c) => `<c t="inlineStr"><is><t>${c}</t></is></c>`).join('')}</row></sheetData></worksheet>`,
            }),
          ),
      ],
      ['no worksheet', () => zip(workbookParts({ name: 'x', data: '<x/>' }).filter((e) => !e.name.startsWith('xl/worksheets')))],
      [
        'a column past XFD',
        () =>
          zip(
            workbookParts({
              name: 's',
              data: '<worksheet><sheetData><row r="1"><c r="ZZZZZZ1" t="inlineStr"><is><t>a</t></is></c></row></sheetData></worksheet>',
            }),
          ),
      ],
    ];
    for (const [label, make] of damaged) {
      for (const r of readers(make, 'xlsx')) {
        const res = await r.call();
        expect(res.statusCode, `${label} / ${r.where}: ${res.body}`).toBe(400);
        const p = res.json() as Problem;
        expect(p.code).toBe('validation_failed');
        expect(p.detail, `${label} / ${r.where}`).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('refuses UTF-16 CSV (with or without BOM) with encoding advice, not 「缺少列」', async () => {
    for (const bom of [true, false]) {
      const make = (h: readonly string[]) => utf16le(csv([h, h.map(() => '1')]), bom);
      for (const r of readers(make, 'csv')) {
        await expectRefused(
          await r.call(),
          `${r.where} (BOM ${bom})`,
          400,
          'validation_failed',
          /文件编码是 UTF-16/,
          /另存为 UTF-8 或 GBK/,
          /第 1 行/,
        );
      }
    }
  });

  it('names the row where a UTF-8 file turns into GBK', async () => {
    const make = (h: readonly string[]) =>
      Buffer.concat([
        Buffer.from(csv([h, h.map(() => '纯棉短袖')]), 'utf8'),
        iconv.encode(csv([h.map(() => '保温杯')]), 'gbk'),
        Buffer.from(csv([h.map(() => '帆布包')]), 'utf8'),
      ]);
    for (const r of readers(make, 'csv')) {
      await expectRefused(await r.call(), r.where, 400, 'validation_failed', /第 3 行的文件编码/, /另存为 UTF-8 或 GBK/);
    }
    const job = await orderImportJob('orders.csv', make(ORDER_HEADER));
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/第 3 行的文件编码/);
  });

  it('refuses an unbalanced quote naming the row where it opened, instead of merging rows', async () => {
    const row = (h: readonly string[], v: string) => h.map((_, i) => (i === 0 ? v : String(i)));
    // The quote in row 3 never closes: every later line would be one cell up to the end.
    const toEnd = (h: readonly string[]) =>
      Buffer.from(csv([h, row(h, '纯棉短袖'), row(h, '"保温杯'), row(h, '帆布包'), row(h, '棒球帽')]));
    // A stray quote in row 6 closes it: rows 3 to 6 would silently become one row.
    const closedLater = (h: readonly string[]) =>
      Buffer.from(csv([h, row(h, '纯棉短袖'), row(h, '"保温杯'), row(h, '帆布包'), row(h, '棒球帽'), row(h, '雨伞"'), row(h, '水杯')]));
    for (const r of [...readers(toEnd, 'csv'), ...readers(closedLater, 'csv')]) {
      await expectRefused(await r.call(), r.where, 400, 'validation_failed', /第 3 行的双引号没有配对/, /另存为 CSV/);
    }
  });

  it('answers broken or oversized multipart uploads with a Chinese 4xx, never 500', async () => {
    const urls = [
      '/api/v1/products/import',
      '/api/v1/imports/preview',
      '/api/v1/imports/orders',
      '/api/v1/traffic/import',
      '/api/v1/traffic/import/preview',
      '/api/v1/orders/batch-ship',
    ];
    const boundary = '----yyBroken';
    const type = `multipart/form-data; boundary=${boundary}`;
    const cases: [string, Buffer, string][] = [
      [
        'cut off in the middle of the file',
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n商品标题,SKU`),
        type,
      ],
      ['no boundary', Buffer.from('x'), 'multipart/form-data'],
      [
        'too many fields',
        Buffer.from(
          Array.from({ length: 40 }, (_, i) => `--${boundary}\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`).join('') +
            `--${boundary}--\r\n`,
        ),
        type,
      ],
      [
        'too many files',
        Buffer.from(
          Array.from(
            { length: 4 },
            (_, i) =>
              `--${boundary}\r\nContent-Disposition: form-data; name="${i ? 'items' : 'orders'}"; filename="f${i}.csv"\r\n\r\na,b\r\n`,
          ).join('') + `--${boundary}--\r\n`,
        ),
        type,
      ],
    ];
    for (const url of urls) {
      for (const [label, body, contentType] of cases) {
        const res = await admin.request('POST', url, body, { 'content-type': contentType });
        expect(res.statusCode, `${url} ${label}: ${res.body}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${url} ${label}: ${res.body}`).toBeLessThan(500);
        expect((res.json() as Problem).detail, `${url} ${label}`).toMatch(/[\u4e00-\u9fff]/);
        expect((res.json() as Problem).detail, `${url} ${label}`).not.toMatch(/1 MB/);
      }
    }
    // The product import's own limit names its size.
    const big = await productImport('big.csv', Buffer.alloc(20 * MB + 1, 0x41));
    expect(big.statusCode).toBe(413);
    expect((big.json() as Problem).detail).toMatch(/超过 20 MB/);
  });
});
