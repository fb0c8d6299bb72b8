import { addDays, businessDay } from '@yunying/core';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as jobs from '../src/modules/jobs/index.js';
import * as notifications from '../src/modules/notifications/index.js';
import { describeEachDialect } from './dialects.js';
import { makeShop, makeUserWithPermissions, multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

type Cells = readonly (string | number)[];
const csv = (rows: readonly Cells[]) =>
  rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n') +
  '\r\n';
const gbk = (rows: readonly Cells[]) => iconv.encode(csv(rows), 'gbk');
async function xlsx(rows: readonly Cells[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('评价');
  for (const r of rows) ws.addRow([...r]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const TZ = 'Asia/Shanghai';
const TODAY = businessDay(Date.now(), TZ);
const D = (n: number, hh = '10:00:00') => `${addDays(TODAY, -n)} ${hh}`;

/** 淘宝/天猫 评价管理 export: a title line, then the headers (评价等级 好评/中评/差评, DSR columns). */
const TAOBAO = (): Cells[] => [
  ['评价管理 导出（近30天）'],
  [
    '评价ID',
    '订单编号',
    '宝贝标题',
    '宝贝属性',
    '买家昵称',
    '评价等级',
    '评价内容',
    '晒图数量',
    '追评内容',
    '描述相符',
    '服务态度',
    '物流服务',
    '评价时间',
  ],
  ['R9001', '4012345678901', '纯棉T恤', '颜色:白;尺码:L', 'tb_小王', '差评', '物流太慢了，颜色和图片不一样', 2, '', 2, 3, 1, D(3)],
  ['R9002', '4012345678902', '纯棉T恤', '颜色:黑;尺码:M', 'tb_小李', '中评', '尺码偏大一号', 0, '', 3, 4, 4, D(2)],
  ['R9003', '4012345678903', '保温杯', '', 'tb_小张', '好评', '很好用，保温效果不错', 3, '用了一个月还是很好', 5, 5, 5, D(1)],
  ['R9004', '4012345678904', '保温杯', '', 'tb_小赵', '六星', '？', 0, '', 5, 5, 5, D(1)],
];

describeEachDialect('reviews', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const db = () => ctx.tdb.database.db;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '评价旗舰店');
  });

  async function upload(file: { name: string; data: Buffer }, format: string) {
    const mp = multipart({ shopId, format }, { file });
    return admin.request('POST', '/api/v1/reviews/import', mp.body, { 'content-type': mp.type });
  }
  const alerts = () =>
    db()
      .selectFrom('notifications')
      .select(['id', 'entity_id', 'resolved_at', 'level'])
      .where('type', '=', 'review_negative')
      .where('shop_id', '=', shopId)
      .execute();

  it('imports a Taobao GBK export: 差评/中评 open a follow-up and raise one alert each, a bad row is named with its fix', async () => {
    const res = await upload({ name: '评价.csv', data: gbk(TAOBAO()) }, 'taobao');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ rows: 4, created: 3, updated: 0, unchanged: 0, alerts: 2, errors: 1 });
    expect(s.errorRows[0]).toMatchObject({ rowNo: 6, column: '评价等级', value: '六星' });
    expect(s.errorRows[0].reason).toMatch(/1–5/);
    const a = await alerts();
    expect(a).toHaveLength(2);
    const list = (await admin.get(`/api/v1/reviews?shopId=${shopId}&level=negative`)).json();
    expect(list.items.map((r: { reviewKey: string }) => r.reviewKey).sort()).toEqual(['R9001', 'R9002']);
    const bad = list.items.find((r: { reviewKey: string }) => r.reviewKey === 'R9001');
    expect(bad).toMatchObject({
      rating: 1,
      level: 'bad',
      status: 'open',
      imageCount: 2,
      dsrDesc: 2,
      dsrLogistics: 1,
      orderNo: '4012345678901',
    });
    expect(bad.tags).toEqual(['物流慢', '色差']);
    expect(a.find((x) => x.entity_id === bad.id)!.level).toBe('error');
    const good = (await admin.get(`/api/v1/reviews?shopId=${shopId}&level=good`)).json().items[0];
    expect(good).toMatchObject({ status: 'none', appendContent: '用了一个月还是很好' });
  });

  it('importing the same file twice creates nothing and raises no second alert', async () => {
    const res = await upload({ name: '评价.csv', data: gbk(TAOBAO()) }, 'taobao');
    expect(res.json()).toMatchObject({ created: 0, updated: 0, unchanged: 3, alerts: 0 });
    expect(await alerts()).toHaveLength(2);
    const n = await db()
      .selectFrom('reviews')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('shop_id', '=', shopId)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(3);
  });

  it('reads a JD XLSX export with 1–5 star 评分; a missing required column is a Chinese error naming it', async () => {
    const rows: Cells[] = [
      ['评价ID', '订单号', '商品名称', '用户昵称', '评分', '评价内容', '评价时间'],
      ['JD-1', '30001', '保温杯', 'jd_王', '2', '质量不好，盖子漏水', D(5)],
      ['JD-2', '30002', '保温杯', 'jd_李', '5星', '不错', D(5)],
    ];
    const res = await upload({ name: 'jd.xlsx', data: await xlsx(rows) }, 'jd');
    expect(res.json()).toMatchObject({ created: 2, alerts: 1, errors: 0 });
    const missing = await upload(
      {
        name: 'x.csv',
        data: Buffer.from(
          csv([
            ['评价ID', '评价内容'],
            ['1', 'x'],
          ]),
        ),
      },
      'generic',
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().detail ?? missing.body).toMatch(/评分/);
    const fmt = await upload({ name: 'x.csv', data: Buffer.from('a\r\n') }, 'amazon');
    expect(fmt.statusCode).toBe(400);
  });

  it('runs a 差评 follow-up to the end: contact, compensation, public reply from a template, close with an outcome', async () => {
    const bad = (await admin.get(`/api/v1/reviews?shopId=${shopId}&level=bad`))
      .json()
      .items.find((r: { reviewKey: string }) => r.reviewKey === 'R9001');
    const step = (body: object) => admin.post(`/api/v1/reviews/${bad.id}/followup`, body);
    expect((await step({ action: 'contact', note: '旺旺联系买家，已道歉' })).statusCode).toBe(200);
    const noComp = await step({ action: 'compensate' });
    expect(noComp.statusCode).toBe(400);
    expect(noComp.body).toMatch(/售后单/);
    expect((await step({ action: 'compensate', note: '小额打款 10 元' })).statusCode).toBe(200);
    expect((await step({ action: 'reply' })).statusCode).toBe(400);
    const tpl = (await admin.get('/api/v1/reviews/templates')).json().items[0];
    expect((await step({ action: 'reply', reply: tpl.text })).json()).toMatchObject({ status: 'replied', reply: tpl.text });
    expect((await step({ action: 'close' })).statusCode).toBe(400);
    const closed = await step({ action: 'close', outcome: 'compensated' });
    expect(closed.json()).toMatchObject({ status: 'closed', outcome: 'compensated' });
    expect((await step({ action: 'contact' })).statusCode).toBe(409);
    const detail = (await admin.get(`/api/v1/reviews/${bad.id}`)).json();
    expect(detail.followups.map((f: { action: string }) => f.action)).toEqual(['contact', 'compensate', 'reply', 'close']);
    const a = (await alerts()).filter((x) => x.entity_id === bad.id);
    expect(a).toHaveLength(1);
    expect(a[0]!.resolved_at).not.toBeNull();
    // Imported again after closing: still the one alert.
    await upload({ name: '评价.csv', data: gbk(TAOBAO()) }, 'taobao');
    expect((await alerts()).filter((x) => x.entity_id === bad.id)).toHaveLength(1);
  });

  it('batch follow-up replies to the selected reviews and reports the ones it could not', async () => {
    const items = (await admin.get(`/api/v1/reviews?shopId=${shopId}&status=open`)).json().items;
    expect(items.length).toBeGreaterThan(0);
    const ids = [...items.map((r: { id: string }) => r.id), 'rev_missing'];
    const r = (await admin.post('/api/v1/reviews/batch/followup', { ids, action: 'reply', reply: '亲，抱歉给您带来不便' })).json();
    expect(r.done).toBe(items.length);
    expect(r.failed).toEqual([{ id: 'rev_missing', reason: expect.stringMatching(/不存在/) }]);
  });

  it('hand entry of a 2-star review raises its alert; repeated complaints surface per product; the dictionary is editable', async () => {
    const made = await admin.post('/api/v1/reviews', {
      shopId,
      rating: 2,
      content: '颜色和图片不一样，色差严重',
      productTitle: '纯棉T恤',
      dsrDesc: 2,
    });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json()).toMatchObject({ status: 'open', tags: ['色差'] });
    expect((await alerts()).filter((x) => x.entity_id === made.json().id)).toHaveLength(1);
    const rep = (await admin.get(`/api/v1/reviews/repeated-complaints?shopId=${shopId}`)).json();
    expect(rep.items).toContainEqual(expect.objectContaining({ productTitle: '纯棉T恤', tag: '色差', reviews: 2 }));
    const put = await admin.request('PUT', '/api/v1/reviews/keywords', { items: [{ tag: '漏水', keywords: ['漏水'] }] });
    expect(put.statusCode, put.body).toBe(200);
    const jd = (await admin.get(`/api/v1/reviews?shopId=${shopId}&tag=漏水`)).json();
    expect(jd.items.map((r: { reviewKey: string }) => r.reviewKey)).toEqual(['JD-1']);
    expect((await admin.get(`/api/v1/reviews?shopId=${shopId}&tag=色差`)).json().items).toHaveLength(0);
  });

  it('DSR: the rolling mean of each sub-score, and the comparison with an entered category average', async () => {
    const rows = await db()
      .selectFrom('reviews')
      .select(['dsr_desc', 'dsr_service', 'dsr_logistics'])
      .where('shop_id', '=', shopId)
      .execute();
    const mean = (xs: (number | null)[]) => {
      const v = xs.filter((x): x is number => x !== null);
      return Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 100) / 100;
    };
    const put = await admin.request('PUT', '/api/v1/reviews/dsr/benchmark', {
      shopId,
      month: TODAY.slice(0, 7),
      dsrDesc: 4.8,
      dsrService: 4.8,
      dsrLogistics: 4.7,
    });
    expect(put.statusCode, put.body).toBe(200);
    const d = (await admin.get(`/api/v1/reviews/dsr?shopId=${shopId}&days=30`)).json();
    expect(d.current.desc).toBe(mean(rows.map((r) => r.dsr_desc)));
    expect(d.current.service).toBe(mean(rows.map((r) => r.dsr_service)));
    expect(d.current.logistics).toBe(mean(rows.map((r) => r.dsr_logistics)));
    expect(d.points).toHaveLength(30);
    expect(d.vsCategory.desc).toBeCloseTo(d.current.desc - 4.8, 2);
    expect(d.points[0].reviews).toBe(0); // 30 days ago nothing was reviewed yet
  });

  it("a reader without reviews.write sees reviews but cannot follow up; another shop's user cannot see them", async () => {
    const reader = await makeUserWithPermissions(ctx, admin, { username: 'rv_reader', permissions: ['reviews.read'] });
    const items = (await reader.get(`/api/v1/reviews?shopId=${shopId}`)).json().items;
    expect(items.length).toBeGreaterThan(0);
    expect((await reader.post(`/api/v1/reviews/${items[0].id}/followup`, { action: 'contact' })).statusCode).toBe(403);
    const other = await makeShop(ctx, admin, '别的店');
    const outsider = await makeUserWithPermissions(ctx, admin, {
      username: 'rv_out',
      permissions: ['reviews.read', 'reviews.write'],
      shopIds: [other],
    });
    expect((await outsider.get(`/api/v1/reviews`)).json().items).toHaveLength(0);
    expect((await outsider.get(`/api/v1/reviews/${items[0].id}`)).statusCode).toBe(404);
  });
});

describeEachDialect('reviews: the 中差评 alert by email (local SMTP server)', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let sink: SmtpSink;
  const db = () => ctx.tdb.database.db;

  beforeAll(async () => {
    sink = await startSmtpSink();
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '评价邮件店');
    await ctx.userWithRoles('rv_kefu', ['service'], { email: 'kefu@example.com' });
    const s = await admin.post('/api/v1/outreach/settings', {
      smtpHost: '127.0.0.1',
      smtpPort: sink.port,
      smtpUser: '',
      smtpPass: '',
      mailFrom: '运营台 <console@example.com>',
      hourlyLimit: 1000,
      publicUrl: '',
    });
    expect(s.statusCode, s.body).toBe(200);
  });
  afterAll(async () => {
    await sink?.close();
  });

  const importTaobao = () => {
    const mp = multipart({ shopId, format: 'taobao' }, { file: { name: '评价.csv', data: gbk(TAOBAO()) } });
    return admin.request('POST', '/api/v1/reviews/import', mp.body, { 'content-type': mp.type });
  };
  /** Run the email job until the queue of notification emails is empty. */
  const sendQueued = async () => {
    const w = jobs.startJobWorker(
      db(),
      { [notifications.NOTIFICATION_EMAIL_JOB_TYPE]: notifications.makeNotificationEmailHandler(db()) },
      { pollMs: 30 },
    );
    try {
      const end = Date.now() + 15_000;
      for (;;) {
        const open = await db()
          .selectFrom('jobs')
          .select('id')
          .where('type', '=', notifications.NOTIFICATION_EMAIL_JOB_TYPE)
          .where('status', 'in', ['queued', 'running'])
          .execute();
        if (!open.length) break;
        if (Date.now() > end) throw new Error('email job still running');
        await new Promise((r) => setTimeout(r, 30));
      }
    } finally {
      await w.stop();
    }
  };

  it('one email per bad review to the opted-in reader, sent after the import by the job; a re-import sends nothing more', async () => {
    const res = await importTaobao();
    expect(res.json()).toMatchObject({ created: 3, alerts: 2 });
    // Written with the import, not sent inside it.
    expect(sink.received).toHaveLength(0);
    await sendQueued();
    expect(sink.received.map((m) => m.to)).toEqual(['kefu@example.com', 'kefu@example.com']);
    expect(sink.received.map((m) => m.subject).sort()).toEqual([
      '【中评提醒】新中评（3 星）：纯棉T恤',
      '【差评提醒】新差评（1 星）：纯棉T恤',
    ]);
    const bad = sink.received.find((m) => m.subject.startsWith('【差评'))!;
    expect(bad.text).toContain('物流太慢了');
    expect(bad.text).toContain('4012345678901');
    const again = await importTaobao();
    expect(again.json()).toMatchObject({ created: 0, alerts: 0 });
    await sendQueued();
    expect(sink.received).toHaveLength(2);
    const rows = await db().selectFrom('notification_emails').select(['status', 'address']).execute();
    expect(rows).toEqual([
      { status: 'sent', address: 'kefu@example.com' },
      { status: 'sent', address: 'kefu@example.com' },
    ]);
  });
});
