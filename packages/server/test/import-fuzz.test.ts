/**
 * Bad files at every importer (fast-check): random bytes, fake workbooks, CSVs with real Chinese
 * headers and random, huge, formula-like, quote-breaking or control-character cells, in UTF-8,
 * UTF-8 with BOM, GBK and UTF-16. Every answer is a success or a client error with a Chinese
 * explanation — never a 5xx — and a refused product file stores nothing.
 * Runs per importer: YUNYING_FUZZ_RUNS (default 12); the seed is fixed so a failure reproduces.
 */
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { makeShop, multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const RUNS = Number(process.env.YUNYING_FUZZ_RUNS ?? 12);
const CJK = /[\u4e00-\u9fff]/;

/** Real column names of the platforms' exports and of our own templates, to get past header checks. */
const HEADERS = [
  '订单编号',
  '买家会员名',
  '买家实际支付金额',
  '订单状态',
  '订单创建时间',
  '订单付款时间',
  '宝贝标题',
  '商家编码',
  '购买数量',
  '价格',
  '订单号',
  '商品名称',
  '订购数量',
  '京东价',
  '应付金额',
  '下单时间',
  '商家SKUID',
  '商品标题',
  '商家编码(SPU)',
  'SKU商家编码',
  '售价(元)',
  '成本(元)',
  '日期',
  '来源',
  '访客数',
  '浏览量',
  '支付买家数',
  '支付金额',
];

const cell = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('=1+1', '@SUM(A1)', '+cmd|calc!A1', '-2+3', '="300000000000123"', '1.23457E+17', '¥12.50', '十九块', '2026/13/45 25:61'),
  fc.constantFrom('"未闭合', 'a"b', '\u0000', '\u202e反转', '\r\n换行'),
  fc.integer({ min: 1, max: 60_000 }).map((n) => 'x'.repeat(n)),
  fc.double().map(String),
);

const csvText = fc
  .record({
    header: fc.subarray(HEADERS, { minLength: 1 }),
    rows: fc.array(fc.array(cell, { maxLength: 14 }), { maxLength: 12 }),
  })
  .map(({ header, rows }) => [header.join(','), ...rows.map((r) => r.join(','))].join('\r\n'));

const fileBody = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(b)])),
  fc
    .tuple(csvText, fc.constantFrom('utf8', 'bom', 'gbk', 'utf16le'))
    .map(([text, enc]) =>
      enc === 'bom'
        ? Buffer.from(`\uFEFF${text}`)
        : enc === 'gbk'
          ? iconv.encode(text, 'gbk')
          : enc === 'utf16le'
            ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
            : Buffer.from(text),
    ),
);
const fileName = fc.constantFrom('orders.csv', 'orders.xlsx', '商品.csv', 'x.xls', '../../etc/passwd.csv', 'noext');

describeEachDialect('bad files at every importer', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '文件模糊测试店');
  });

  async function send(url: string, fields: Record<string, string>, name: string, data: Buffer) {
    const mp = multipart(fields, { file: { name, data } });
    return admin.request('POST', url, mp.body, { 'content-type': mp.type });
  }

  function expectAnswered(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string) {
    expect(res.statusCode, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(String(res.headers['content-type']), what).toContain('application/problem+json');
      expect(res.body, `${what}: no Chinese explanation`).toMatch(CJK);
    }
  }

  const targets: { what: string; url: string; fields: () => Record<string, string> }[] = [
    ...(['taobao', 'jd', 'pdd', 'douyin', 'generic'] as const).map((format) => ({
      what: `order import preview (${format})`,
      url: '/api/v1/imports/preview',
      fields: () => ({ format }),
    })),
    { what: 'traffic import preview', url: '/api/v1/traffic/import/preview', fields: () => ({ shopId }) },
  ];

  it('previews of every order format and of the traffic import answer every bad file with a Chinese 4xx or a preview, never a 5xx', async () => {
    for (const t of targets) {
      await fc.assert(
        fc.asyncProperty(fileName, fileBody, async (name, data) => {
          expectAnswered(await send(t.url, t.fields(), name, data), `${t.what} ${name} (${data.length} bytes)`);
        }),
        { numRuns: RUNS, seed: 16_2026 },
      );
    }
  }, 300_000);

  it('the product import answers every bad file with a Chinese 4xx or a row report, and a refused file stores nothing', async () => {
    const count = async () =>
      Number(
        (
          await ctx.tdb.database.db
            .selectFrom('products')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    await fc.assert(
      fc.asyncProperty(fileName, fileBody, async (name, data) => {
        const before = await count();
        const res = await send('/api/v1/products/import', {}, name, data);
        expectAnswered(res, `product import ${name} (${data.length} bytes)`);
        if (res.statusCode >= 400) expect(await count(), 'a refused file stored products').toBe(before);
      }),
      { numRuns: RUNS, seed: 16_2026 },
    );
  }, 300_000);
});
