/**
 * Bad files at every importer (fast-check): random bytes, fake workbooks, CSVs with real Chinese
 * headers and random, huge, formula-like, quote-breaking or control-character cells, in UTF-8,
 * UTF-8 with BOM, GBK and UTF-16. Every answer is a success or a client error with a Chinese
 * explanation — never a 5xx — and a refused product file stores nothing.
 * The importers of ad reports, 淘宝客 orders, reviews and service chats write at once (no preview):
 * their files get rows built from each format's own headers, good cells mixed with bad ones, and
 * a refused file must leave their tables exactly as they were, an accepted one must have written
 * what its summary says; a file that breaks after hundreds of good rows stores none of them.
 * Runs per importer: YUNYING_FUZZ_RUNS (default 12; 60 under YUNYING_LONG_TESTS); the seed is
 * fixed so a failure reproduces.
 */
import { AD_PRESETS, CHAT_COLUMNS, reviewColumns, TAOKE_HEADERS, type AdFormat, type ReviewFormat } from '@yunying/core';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { CJK, encodeText, FUZZ_RUNS, makeShop, multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';
import { xlsxOf } from './xlsx-craft.js';

const RUNS = FUZZ_RUNS;

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
  fc.tuple(csvText, fc.constantFrom('utf8', 'bom', 'gbk', 'utf16le')).map(([text, enc]) => encodeText(text, enc)),
);
const fileName = fc.constantFrom('orders.csv', 'orders.xlsx', '商品.csv', 'x.xls', '../../etc/passwd.csv', 'noext');

// ------------------------------------------------------------ the importers that write at once

/** A good value for a column of the new importers, by field name. */
const money = fc.integer({ min: 0, max: 9_999_999 }).map((n) => (n / 100).toFixed(2));
const count = fc.nat({ max: 100_000 }).map(String);
const word = fc.oneof(
  fc.constantFrom('夏季连衣裙', '防晒衣', '计划A', 'T恤 白', '客服小美', '买家甲', '很好', '质量差'),
  fc.string({ maxLength: 12 }),
);
const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-11-${String(d).padStart(2, '0')}`);
const instant = fc
  .tuple(day, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([d, h, m]) => `${d} ${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`);
const GOOD: Record<string, fc.Arbitrary<string>> = {
  day,
  reviewedAt: instant,
  startedAt: instant,
  endedAt: instant,
  spend: money,
  sales: money,
  commission: money,
  paid: money,
  impressions: count,
  clicks: count,
  orders: count,
  favs: count,
  carts: count,
  messages: count,
  imageCount: fc.nat({ max: 9 }).map(String),
  rate: fc.integer({ min: 0, max: 9000 }).map((n) => `${n / 100}%`),
  rating: fc.constantFrom('1', '2', '3', '4', '5', '好评', '中评', '差评', '5星'),
  dsrDesc: fc.constantFrom('4.8', '5', '3'),
  dsrService: fc.constantFrom('4.8', '5', '3'),
  dsrLogistics: fc.constantFrom('4.8', '5', '3'),
  firstResponse: fc.constantFrom('12', '12秒', '1分5秒', '00:01:05'),
};

interface Col {
  field: string;
  names: readonly string[];
  required: boolean;
}

/** A file of this importer's columns: required ones always, some optional ones, good cells mixed with bad ones. */
function tableFile(cols: readonly Col[]): fc.Arbitrary<{ name: string; data: Buffer }> {
  const required = cols.filter((c) => c.required);
  const optional = cols.filter((c) => !c.required);
  const rows = fc.subarray(optional).chain((opt) => {
    const chosen = [...required, ...opt];
    const header = fc.tuple(...chosen.map((c) => fc.constantFrom(...c.names)));
    const row = fc.tuple(...chosen.map((c) => fc.oneof({ weight: 5, arbitrary: GOOD[c.field] ?? word }, { weight: 1, arbitrary: cell })));
    return fc.tuple(header, fc.array(row, { maxLength: 15 }));
  });
  return fc.tuple(rows, fc.constantFrom('utf8', 'bom', 'gbk', 'utf16le', 'xlsx')).map(([[header, body], enc]) => {
    const table: string[][] = [header as string[], ...(body as string[][])];
    if (enc === 'xlsx') return { name: '报表.xlsx', data: xlsxOf(table) };
    const text = table.map((r) => r.join(',')).join('\r\n');
    const data = encodeText(text, enc);
    return { name: '报表.csv', data };
  });
}

const adCols = (format: AdFormat): Col[] =>
  Object.entries(AD_PRESETS[format].headers).map(([field, names]) => ({
    field,
    names: names!,
    required: field === 'day' || field === 'plan' || field === 'spend',
  }));
const taokeCols: Col[] = Object.entries(TAOKE_HEADERS).map(([field, h]) => ({ field, names: h.names, required: h.required }));
const reviewCols = (format: ReviewFormat): Col[] =>
  reviewColumns(format).map((c) => ({ field: c.field, names: c.aliases, required: !!c.required }));
const chatCols: Col[] = CHAT_COLUMNS.map((c) => ({ field: c.field, names: c.aliases, required: !!c.required }));

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

  // ---------------------------------------------------------- ads, 淘宝客, reviews, chats

  type Db = typeof ctx.tdb.database.db;
  const rowsOf = async (table: 'ad_plans' | 'ad_daily' | 'ad_taoke_orders' | 'reviews' | 'service_chats' | 'audit_log') =>
    Number(
      (
        await (ctx.tdb.database.db as Db)
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const TABLES = ['ad_plans', 'ad_daily', 'ad_taoke_orders', 'reviews', 'service_chats'] as const;
  type Counts = Record<(typeof TABLES)[number], number>;
  const snapshot = async () => Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await rowsOf(t)] as const))) as Counts;

  interface Writer {
    what: string;
    url: string;
    fields: () => Record<string, string>;
    cols: Col[];
    /** What an accepted file's summary says it added, against the tables' counts before and after. */
    check: (summary: any, before: Counts, after: Counts) => void;
  }
  const writers: Writer[] = [
    ...(['ztc', 'ylmf', 'qianchuan', 'generic'] as const).map((format): Writer => ({
      what: `ad report import (${format})`,
      url: '/api/v1/ads/import',
      fields: () => ({ shopId, format }),
      cols: adCols(format),
      check: (s, b, a) => {
        expect(a.ad_plans - b.ad_plans, 'plans created').toBe(s.plansCreated);
        if (s.imported === 0) expect(a.ad_daily, 'no good row, nothing replaced').toBe(b.ad_daily);
      },
    })),
    {
      what: '淘宝客 order import',
      url: '/api/v1/ads/taoke/import',
      fields: () => ({ shopId }),
      cols: taokeCols,
      check: (s, b, a) => {
        expect(a.ad_taoke_orders - b.ad_taoke_orders).toBeGreaterThanOrEqual(0);
        expect(a.ad_taoke_orders - b.ad_taoke_orders).toBeLessThanOrEqual(s.imported);
      },
    },
    ...(['taobao', 'pdd', 'generic'] as const).map((format): Writer => ({
      what: `review import (${format})`,
      url: '/api/v1/reviews/import',
      fields: () => ({ shopId, format }),
      cols: reviewCols(format),
      check: (s, b, a) => expect(a.reviews - b.reviews, 'reviews created').toBe(s.created),
    })),
    ...(['qianniu', 'generic'] as const).map((format): Writer => ({
      what: `service chat import (${format})`,
      url: '/api/v1/service/chats/import',
      fields: () => ({ shopId, format }),
      cols: chatCols,
      check: (s, b, a) => expect(a.service_chats - b.service_chats, 'chats created').toBe(s.created),
    })),
  ];

  it('ad reports, 淘宝客 orders, reviews and chats: a Chinese 4xx that stores nothing, or a summary that matches what was stored', async () => {
    for (const w of writers) {
      let accepted = 0;
      const file = fc.oneof(
        { weight: 3, arbitrary: tableFile(w.cols) },
        { weight: 1, arbitrary: fc.tuple(fileName, fileBody).map(([name, data]) => ({ name, data })) },
      );
      await fc.assert(
        fc.asyncProperty(file, async ({ name, data }) => {
          const before = await snapshot();
          const res = await send(w.url, w.fields(), name, data);
          const what = `${w.what} ${name} (${data.length} bytes)`;
          expectAnswered(res, what);
          const after = await snapshot();
          if (res.statusCode >= 400) expect(after, `${what}: a refused file changed the tables`).toEqual(before);
          else {
            accepted++;
            w.check(JSON.parse(res.body), before, after);
          }
        }),
        { numRuns: RUNS, seed: 16_2026 },
      );
      // The files reach the writing path too, not only the refusals.
      expect(accepted, `${w.what}: no file was accepted`).toBeGreaterThan(0);
    }
  }, 600_000);

  it('a review or chat file that breaks after 600 good rows is refused in Chinese and stores none of them', async () => {
    const long = 'x'.repeat(40_000); // over the 32,767 characters a spreadsheet cell can hold
    const reviewsCsv = [
      '评价ID,宝贝标题,买家昵称,评分,评价内容,评价时间',
      ...Array.from({ length: 600 }, (_, i) => `half-r-${i},防晒衣,买家${i},5,很好,2026-11-03 10:00:00`),
      `half-r-600,防晒衣,买家600,5,${long},2026-11-03 10:00:00`,
    ].join('\n');
    const chatsCsv = [
      '会话ID,接待客服,买家昵称,开始时间',
      ...Array.from({ length: 600 }, (_, i) => `half-c-${i},小美,买家${i},2026-11-03 10:00:00`),
      `half-c-600,小美,${long},2026-11-03 10:00:00`,
    ].join('\n');
    for (const [url, csv] of [
      ['/api/v1/reviews/import', reviewsCsv],
      ['/api/v1/service/chats/import', chatsCsv],
    ] as const) {
      const before = await snapshot();
      const res = await send(url, { shopId, format: 'generic' }, 'half.csv', Buffer.from(csv));
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expectAnswered(res, url);
      expect(await snapshot(), `${url}: the 600 rows before the bad one were stored`).toEqual(before);
    }
  }, 120_000);

  it('a control character in a cell of ad reports, 淘宝客 orders, reviews and chats is reported on its row; the other rows import (PostgreSQL cannot store U+0000)', async () => {
    const files: [string, Record<string, string>, string[], string, (s: any) => number][] = [
      [
        '/api/v1/ads/import',
        { shopId, format: 'ztc' },
        ['日期,推广计划名称,花费(元),展现量,点击量', '2026-11-02,控制符计划,1.00,10,1', '2026-11-02,控制\u0000计划,1.00,10,1'],
        '推广计划名称',
        (r) => r.errorCount,
      ],
      [
        '/api/v1/ads/taoke/import',
        { shopId },
        ['订单编号,佣金金额(元),付款金额(元),付款日期', 'ctl-1,1.00,10.00,2026-11-02', 'ctl-2\u0001,1.00,10.00,2026-11-02'],
        '订单编号',
        (r) => r.errorCount,
      ],
      [
        '/api/v1/reviews/import',
        { shopId, format: 'generic' },
        ['评价ID,评分,评价内容,评价时间', 'ctl-r1,5,很好,2026-11-02 10:00:00', 'ctl-r2,1,很\u0000差,2026-11-02 10:00:00'],
        '评价内容',
        (r) => r.errors,
      ],
      [
        '/api/v1/service/chats/import',
        { shopId, format: 'generic' },
        ['会话ID,接待客服,买家昵称,开始时间', 'ctl-c1,小美,买家甲,2026-11-02 10:00:00', 'ctl-c2,小\u0000美,买家乙,2026-11-02 10:00:00'],
        '接待客服',
        (r) => r.errors,
      ],
    ];
    for (const [url, fields, lines, column, errorsOf] of files) {
      const before = await snapshot();
      const res = await send(url, fields, 'ctl.csv', Buffer.from(lines.join('\n')));
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
      const body = res.json();
      expect(errorsOf(body), url).toBe(1);
      expect(res.body, url).toContain('控制字符');
      expect(res.body, url).toContain(column);
      const after = await snapshot();
      const added = Object.values(after).reduce((x, y) => x + y, 0) - Object.values(before).reduce((x, y) => x + y, 0);
      expect(added, `${url}: the good row was not stored`).toBeGreaterThan(0);
    }
  });
});
