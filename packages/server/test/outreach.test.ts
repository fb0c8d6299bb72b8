/**
 * Outreach (issue 11 §5) against a local SMTP server started by the test: a campaign to a saved
 * segment sends each member one email (template variables, unsubscribe link), skips members without
 * an email and do-not-contact addresses; a job stopped mid-send (the server took the message, the
 * sender never heard) resumes without sending any message twice; temporary refusals retry,
 * permanent ones fail; the unsubscribe link works without login and is honoured; the hourly limit
 * puts the campaign in waiting; sendEmail for other modules; SMS quiet hours.
 */
import { addDays, businessDay } from '@yunying/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import * as jobs from '../src/modules/jobs/index.js';
import * as outreach from '../src/modules/outreach/index.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrder, makeShop, makeSku } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const TZ = 'Asia/Shanghai';

describeEachDialect('outreach: email campaigns to a segment through a local SMTP server', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shop: string;
  let segmentId: string;
  let sink: SmtpSink;
  const db = () => ctx.tdb.database.db;
  const emails: string[] = [];
  const worker = () => jobs.startJobWorker(db(), { [outreach.OUTREACH_JOB_TYPE]: outreach.makeOutreachHandler(db()) }, { pollMs: 50 });
  const until = async (what: () => Promise<boolean> | boolean, ms = 15_000) => {
    const end = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  const campaign = async (id: string, status?: string) => {
    const r = await admin.get(`/api/v1/outreach/campaigns/${id}?pageSize=200${status ? `&status=${status}` : ''}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      campaign: { status: string; note: string; counts: Record<string, number>; total: number };
      messages: { items: { nick: string; address: string; status: string; attempts: number; error: string }[] };
    };
  };

  beforeAll(async () => {
    outreach.outreachTuning.retryBaseMs = 20;
    sink = await startSmtpSink();
    admin = await ctx.admin();
    shop = await makeShop(ctx, admin, '触达测试店');
    const sku = await makeSku(ctx, { code: 'OUT-1', priceFen: 3000, stock: 100 });
    const T = businessDay(Date.now(), TZ);
    for (let i = 0; i < 8; i++)
      await makeBackdatedOrder(ctx, {
        shopId: shop,
        day: addDays(T, -10 - i),
        paidDay: addDays(T, -10 - i),
        status: 'completed',
        visitorId: null,
        nick: `触达买家${i}`,
        sourceCode: null,
        shippingFen: 0,
        lines: [{ skuId: sku, qty: 1, unitPriceFen: 3000, unitCostFen: 1000 }],
      });
    await customers.markShopDirty(db(), shop);
    const list = (await admin.get(`/api/v1/customers?shopId=${shop}&pageSize=50`)).json().items as { id: string; nick: string }[];
    expect(list).toHaveLength(8);
    // Seven with an email, one without.
    for (const c of list.filter((x) => x.nick !== '触达买家7')) {
      const email = `${c.nick.replace('触达买家', 'buyer')}@example.com`;
      emails.push(email);
      expect((await admin.patch(`/api/v1/customers/${c.id}`, { email })).statusCode).toBe(200);
    }
    const seg = await admin.post('/api/v1/customers/segments', { name: '全部买家', rules: { shopId: shop, paidOrdersMin: 1 } });
    expect(seg.statusCode, seg.body).toBe(200);
    segmentId = seg.json().id;
  });
  afterAll(async () => {
    await sink?.close();
  });

  it('refuses without SMTP settings and with unknown template variables, in Chinese', async () => {
    const none = await admin.post('/api/v1/outreach/campaigns', { segmentId, channel: 'email', subject: '你好', body: '你好 {{昵称}}' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('还没有配置邮件发送');
    const s = await admin.post('/api/v1/outreach/settings', {
      smtpHost: '127.0.0.1',
      smtpPort: sink.port,
      smtpUser: 'shop',
      smtpPass: 'secret',
      mailFrom: '触达测试店 <shop@example.com>',
      hourlyLimit: 1000,
      publicUrl: 'http://console.example.com',
    });
    expect(s.statusCode, s.body).toBe(200);
    expect(s.json()).toMatchObject({ smtpPassSet: true, smtpHost: '127.0.0.1' });
    expect(s.body).not.toContain('secret');
    const bad = await admin.post('/api/v1/outreach/campaigns', { segmentId, channel: 'email', subject: '你好', body: '你好 {{昵 称}}' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('不认识的变量');
  });

  it('a job stopped mid-send resumes without sending any message twice; do-not-contact and no-email are skipped', async () => {
    const dnc = await admin.post('/api/v1/outreach/do-not-contact', { address: 'BUYER6@example.com' });
    expect(dnc.statusCode, dnc.body).toBe(200);
    sink.received.length = 0;
    // The server takes the third message but never answers: the sender dies not knowing.
    sink.decide = (_m, i) => (i === 2 ? 'stall' : 'ok');
    const made = await admin.post('/api/v1/outreach/campaigns', {
      segmentId,
      channel: 'email',
      subject: '{{昵称}}，{{店铺}}送你一张券',
      body: '亲爱的 {{昵称}}：\n.以点开头的一行\n券码 {{优惠券}}，本周有效。',
      coupon: 'VIP-2026',
    });
    expect(made.statusCode, made.body).toBe(200);
    const id = made.json().id as string;
    const a = worker();
    await until(() => sink.received.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    await a.stop(5000);
    expect((await campaign(id)).campaign.counts.sending).toBe(1);
    sink.decide = () => 'ok';
    const b = worker();
    await until(async () => (await campaign(id)).campaign.status === 'done');
    await b.stop();

    const tos = sink.received.map((m) => m.to);
    expect(new Set(tos).size).toBe(tos.length); // nobody twice
    const expected = emails.filter((e) => e !== 'buyer6@example.com');
    expect([...tos].sort()).toEqual([...expected].sort()); // everyone else exactly once
    const got = await campaign(id);
    expect(got.campaign.counts).toMatchObject({ sent: expected.length - 1, unknown: 1, skipped: 2, pending: 0, sending: 0 });
    const skipped = got.messages.items.filter((m) => m.status === 'skipped').map((m) => m.error);
    expect(skipped.sort()).toEqual(['已退订或在勿扰名单中', '没有邮箱'].sort());
    expect(got.messages.items.find((m) => m.status === 'unknown')!.error).toContain('为避免重复不再重发');
    // Templates: subject and body filled, dot-stuffed line intact, unsubscribe link appended.
    const one = sink.received.find((m) => m.to === 'buyer0@example.com')!;
    expect(one.subject).toBe('触达买家0，触达测试店送你一张券');
    expect(one.text).toContain('亲爱的 触达买家0：\n.以点开头的一行\n券码 VIP-2026');
    expect(one.text).toMatch(/http:\/\/console\.example\.com\/api\/v1\/outreach\/unsubscribe\?t=[\w-]+/);
    expect(one.raw).toMatch(/List-Unsubscribe: <http:\/\/console\.example\.com/);
  });

  it('the unsubscribe link works without login and is honoured; temporary refusals retry, permanent ones fail', async () => {
    const one = sink.received.find((m) => m.to === 'buyer0@example.com')!;
    const link = /\/api\/v1\/outreach\/unsubscribe\?t=[\w-]+/.exec(one.text)![0];
    const anon = ctx.client();
    const res = await anon.get(link);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('已退订');
    expect((await anon.get('/api/v1/outreach/unsubscribe?t=nonsense-token')).statusCode).toBe(404);

    sink.received.length = 0;
    const tries = new Map<string, number>();
    sink.decide = (m) => {
      const n = (tries.get(m.to) ?? 0) + 1;
      tries.set(m.to, n);
      if (m.to === 'buyer1@example.com' && n === 1) return 'temporary';
      if (m.to === 'buyer2@example.com') return 'permanent';
      return 'ok';
    };
    const made = await admin.post('/api/v1/outreach/campaigns', { segmentId, channel: 'email', subject: '第二封', body: '你好 {{昵称}}' });
    expect(made.statusCode, made.body).toBe(200);
    const id = made.json().id as string;
    const w = worker();
    await until(async () => (await campaign(id)).campaign.status === 'done');
    await w.stop();
    sink.decide = () => 'ok';
    const got = await campaign(id);
    const by = new Map(got.messages.items.map((m) => [m.nick, m]));
    expect(by.get('触达买家0')).toMatchObject({ status: 'skipped', error: '已退订或在勿扰名单中' });
    expect(by.get('触达买家1')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(by.get('触达买家2')!.status).toBe('failed');
    expect(by.get('触达买家2')!.error).toContain('550');
    expect(sink.received.filter((m) => m.to === 'buyer1@example.com')).toHaveLength(1);
  });

  it('the hourly limit puts a campaign in waiting until the window frees; sendEmail for other modules', async () => {
    const s = await admin.post('/api/v1/outreach/settings', {
      smtpHost: '127.0.0.1',
      smtpPort: sink.port,
      mailFrom: 'shop@example.com',
      hourlyLimit: 1,
    });
    expect(s.statusCode, s.body).toBe(200);
    const made = await admin.post('/api/v1/outreach/campaigns', { segmentId, channel: 'email', subject: '第三封', body: '限流测试' });
    const id = made.json().id as string;
    const w = worker();
    await until(async () => (await campaign(id)).campaign.status === 'waiting');
    await w.stop();
    const got = await campaign(id);
    expect(got.campaign.note).toContain('每小时 1 条');
    expect(got.campaign.counts.sent).toBe(0);
    expect(await outreach.resumeDue(db(), Date.now())).toBe(0);
    expect(await outreach.resumeDue(db(), Date.now() + 3_700_000)).toBe(1);
    expect((await campaign(id)).campaign.status).toBe('queued');

    sink.received.length = 0;
    await outreach.sendEmail(db(), ctx.orgId, { to: 'owner@example.com', subject: '中差评提醒', text: '有一条新的差评' });
    expect(sink.received[0]).toMatchObject({ to: 'owner@example.com', subject: '中差评提醒', text: '有一条新的差评' });
    await expect(outreach.sendEmail(db(), ctx.orgId, { to: 'buyer0@example.com', subject: 'x', text: 'y' })).rejects.toThrow('已退订');
  });

  it('SMS quiet hours: 21:00–08:00 shop time waits until 08:00', () => {
    const at = (iso: string) => Date.parse(iso);
    expect(outreach.quietUntil(at('2026-12-06T14:30:00+08:00'), TZ)).toBeNull();
    expect(outreach.quietUntil(at('2026-12-06T21:15:00+08:00'), TZ)).toBe(at('2026-12-07T08:00:00+08:00'));
    expect(outreach.quietUntil(at('2026-12-07T07:59:00+08:00'), TZ)).toBe(at('2026-12-07T08:00:00+08:00'));
  });
});
