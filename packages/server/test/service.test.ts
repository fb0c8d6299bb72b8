import { addDays, businessDay, dayStart, staffing } from '@yunying/core';
import iconv from 'iconv-lite';
import { beforeAll, expect, it } from 'vitest';
import * as service from '../src/modules/service/index.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrders, makeShop, multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

type Cells = readonly (string | number)[];
const csv = (rows: readonly Cells[]) => rows.map((r) => r.map(String).join(',')).join('\r\n') + '\r\n';

const TZ = 'Asia/Shanghai';
const TODAY = businessDay(Date.now(), TZ);
const D1 = addDays(TODAY, -6);
const D2 = addDays(TODAY, -5);
const pad = (n: number) => String(n).padStart(2, '0');
const at = (day: string, h: number, m = 0, s = 0) => `${day} ${pad(h)}:${pad(m)}:${pad(s)}`;
const ms = (day: string, h: number, m = 0) => dayStart(day, TZ) + (h * 60 + m) * 60_000;

/**
 * 千牛 接待记录: 会话ID, 接待客服, 买家昵称, 会话开始时间, 首次响应时长(秒), 消息数, 会话结束时间, 关联订单.
 * A deterministic spread: 3 agents, 40 buyers, some buyers asking twice (once each of two agents),
 * some chats never answered, response times around the 30 s line.
 */
function chatRows(): {
  rows: Cells[];
  facts: { key: string; agent: string; customer: string; start: string; startMs: number; first: number | null; end: number | null }[];
} {
  const agents = ['客服小美', '客服阿强', '客服小丽'];
  const facts = [];
  for (let i = 0; i < 60; i++) {
    const buyer = `buyer${i % 40}`;
    const agent = agents[(i * 7) % 3]!;
    const day = i % 2 ? D2 : D1;
    const h = 9 + (i % 12);
    const m = (i * 13) % 60;
    const first = i % 9 === 0 ? null : (i * 11) % 75; // 0..74 s, some unanswered
    const durMin = 2 + (i % 5);
    facts.push({
      key: `C${1000 + i}`,
      agent,
      customer: buyer,
      start: at(day, h, m),
      startMs: ms(day, h, m),
      first,
      end: i % 10 === 3 ? null : ms(day, h, m + durMin),
    });
  }
  const rows: Cells[] = [
    ['会话ID', '接待客服', '买家昵称', '会话开始时间', '首次响应时长(秒)', '消息数', '会话结束时间', '关联订单'],
    ...facts.map((f, i) => [
      f.key,
      f.agent,
      f.customer,
      f.start,
      f.first === null ? '' : `${f.first}秒`,
      3 + (i % 7),
      f.end === null ? '' : new Date(f.end + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '),
      '',
    ]),
  ];
  return { rows, facts };
}

describeEachDialect('customer service', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  const { rows, facts } = chatRows();
  const paid: { buyer: string; paidAt: number; paidDay: string; paidFen: number }[] = [];

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '客服旗舰店');
    // Orders: buyers 0..24 pay at various times around their enquiries (same day, next day, two days later, before).
    const list = [];
    for (let b = 0; b < 25; b++) {
      const offset = [0, 1, 2, -1][b % 4]!; // days after D1
      const day = addDays(D1, offset);
      const paidAt = ms(day, 21, b);
      const fen = 5000 + b * 100;
      paid.push({ buyer: `buyer${b}`, paidAt, paidDay: day, paidFen: fen });
      list.push({
        shopId,
        day,
        paidDay: day,
        status: 'paid',
        visitorId: null,
        nick: `buyer${b}`,
        sourceCode: null,
        shippingFen: 0,
        orderedAt: paidAt - 60_000,
        paidAt,
        lines: [{ skuId: null, qty: 1, unitPriceFen: fen, unitCostFen: 0 }],
      });
    }
    // A cancelled order never converts.
    list.push({
      shopId,
      day: D1,
      paidDay: D1,
      status: 'cancelled',
      visitorId: null,
      nick: 'buyer39',
      sourceCode: null,
      shippingFen: 0,
      orderedAt: ms(D1, 22),
      paidAt: ms(D1, 22, 1),
      lines: [{ skuId: null, qty: 1, unitPriceFen: 9900, unitCostFen: 0 }],
    });
    await makeBackdatedOrders(ctx, list);
  });

  const upload = (data: Buffer, format = 'qianniu', name = '接待记录.csv') => {
    const mp = multipart({ shopId, format }, { file: { name, data } });
    return admin.request('POST', '/api/v1/service/chats/import', mp.body, { 'content-type': mp.type });
  };

  it('imports a 千牛 GBK export, idempotently, and names a bad row with the fix', async () => {
    const bad: Cells[] = [...rows, ['C9999', '客服小美', 'buyerX', '2026/13/45 10:00', '12', '3', '', '']];
    const r1 = await upload(iconv.encode(csv(bad), 'gbk'));
    expect(r1.statusCode, r1.body).toBe(200);
    expect(r1.json()).toMatchObject({ rows: 61, created: 60, errors: 1 });
    expect(r1.json().errorRows[0]).toMatchObject({ rowNo: 62, column: '会话开始时间', value: '2026/13/45 10:00' });
    const r2 = await upload(Buffer.from(csv(rows)));
    expect(r2.json()).toMatchObject({ created: 0, updated: 0, unchanged: 60, errors: 0 });
  });

  it('询单转化率, response and resolution times equal a recount from the imported rows (window: same day + next day)', async () => {
    const res = await admin.get(`/api/v1/service/figures?shopId=${shopId}&from=${D1}&to=${D2}`);
    expect(res.statusCode, res.body).toBe(200);
    const f = res.json();
    expect(f.conversionDays).toBe(1);
    // The recount, written out plainly from the file's rows and the orders made above.
    const recount = (group: typeof facts) => {
      const buyers = new Map<string, { startMs: number; day: string }>();
      for (const c of group) {
        const day = c.start.slice(0, 10);
        const b = buyers.get(c.customer);
        if (!b || c.startMs < b.startMs) buyers.set(c.customer, { startMs: c.startMs, day });
      }
      let converted = 0;
      let fen = 0;
      for (const [buyer, b] of buyers) {
        const hits = paid.filter((p) => p.buyer === buyer && p.paidAt >= b.startMs && p.paidDay <= addDays(b.day, 1));
        if (hits.length) converted++;
        fen += hits.reduce((a, p) => a + p.paidFen, 0);
      }
      const answered = group.filter((c) => c.first !== null);
      const ended = group.filter((c) => c.end !== null);
      return {
        enquiries: group.length,
        buyers: buyers.size,
        convertedBuyers: converted,
        convertedPaidFen: fen,
        avgFirstResponseS: answered.reduce((a, c) => a + c.first!, 0) / answered.length,
        within30s: group.filter((c) => c.first !== null && c.first <= 30).length / group.length,
        avgResolutionS: ended.reduce((a, c) => a + (c.end! - c.startMs) / 1000, 0) / ended.length,
      };
    };
    const whole = recount(facts);
    expect(whole.convertedBuyers).toBeGreaterThan(3); // the fixture does exercise conversion
    expect(whole.convertedBuyers).toBeLessThan(whole.buyers);
    expect(f.shop).toMatchObject({
      enquiries: whole.enquiries,
      buyers: whole.buyers,
      convertedBuyers: whole.convertedBuyers,
      convertedPaidFen: whole.convertedPaidFen,
    });
    expect(f.shop.conversion).toBeCloseTo(whole.convertedBuyers / whole.buyers, 12);
    expect(f.shop.avgFirstResponseS).toBeCloseTo(whole.avgFirstResponseS, 9);
    expect(f.shop.within30s).toBeCloseTo(whole.within30s, 12);
    expect(f.shop.avgResolutionS).toBeCloseTo(whole.avgResolutionS, 9);
    expect(f.shop.convertedAovFen).toBe(Math.round(whole.convertedPaidFen / whole.convertedBuyers));
    expect(f.agents).toHaveLength(3);
    for (const a of f.agents) {
      const r = recount(facts.filter((c) => c.agent === a.agent));
      expect(a).toMatchObject({
        enquiries: r.enquiries,
        buyers: r.buyers,
        convertedBuyers: r.convertedBuyers,
        convertedPaidFen: r.convertedPaidFen,
      });
      expect(a.avgFirstResponseS).toBeCloseTo(r.avgFirstResponseS, 9);
      expect(a.within30s).toBeCloseTo(r.within30s, 12);
    }
    // A wider window (the setting) converts at least as many.
    const put = await admin.request('PUT', '/api/v1/service/settings', {
      shopId,
      conversionDays: 3,
      ahtSeconds: 200,
      target: 0.8,
      withinSeconds: 20,
      shrinkage: 0.25,
    });
    expect(put.statusCode, put.body).toBe(200);
    const wide = (await admin.get(`/api/v1/service/figures?shopId=${shopId}&from=${D1}&to=${D2}`)).json();
    expect(wide.shop.convertedBuyers).toBeGreaterThan(whole.convertedBuyers);
    await admin.request('PUT', '/api/v1/service/settings', {
      shopId,
      conversionDays: 1,
      ahtSeconds: 200,
      target: 0.8,
      withinSeconds: 20,
      shrinkage: 0.25,
    });
  });

  it('staffing plan: each hour is the history mean times the multiplier, through Erlang C', async () => {
    const day = TODAY;
    const res = await admin.get(`/api/v1/service/staffing?shopId=${shopId}&day=${day}&historyDays=7&multiplier=10`);
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({ ahtSeconds: 200, target: 0.8, withinSeconds: 20, shrinkage: 0.25 });
    expect(p.history.enquiries).toBe(60);
    for (const h of p.hours) {
      const n = facts.filter((c) => Number(c.start.slice(11, 13)) === h.hour).length;
      expect(h.perHour).toBeCloseTo(Math.round((n / 7) * 10 * 10) / 10, 9);
      const e = staffing({ perHour: h.perHour, ahtSeconds: 200, target: 0.8, withinSeconds: 20, shrinkage: 0.25 });
      expect(h.agents).toBe(e.agents);
      expect(h.scheduled).toBe(e.scheduled);
    }
    expect(p.totals.peakAgents).toBe(Math.max(...p.hours.map((h: { agents: number }) => h.agents)));
    const bad = await admin.get(`/api/v1/service/staffing?shopId=${shopId}&day=${day}&target=1.5`);
    expect(bad.statusCode).toBe(400);
  });

  it('QA: samples conversations per agent and scores them; the agent figures carry the mean score', async () => {
    const s = await admin.post('/api/v1/service/qa/sample', { shopId, from: D1, to: D2, perAgent: 2 });
    expect(s.json()).toEqual({ sampled: 6, agents: 3 });
    const again = await admin.post('/api/v1/service/qa/sample', { shopId, from: D1, to: D2, perAgent: 2 });
    expect(again.json().sampled).toBe(6); // not the same conversations twice
    const list = (await admin.get(`/api/v1/service/qa?shopId=${shopId}&pending=1`)).json().items;
    expect(list).toHaveLength(12);
    expect(new Set(list.map((x: { chat: { id: string } }) => x.chat.id)).size).toBe(12);
    const mine = list.filter((x: { chat: { agent: string } }) => x.chat.agent === '客服小美');
    await admin.request('PUT', `/api/v1/service/qa/${mine[0].id}`, { score: 90, note: '及时' });
    await admin.request('PUT', `/api/v1/service/qa/${mine[1].id}`, { score: 70, note: '没有推荐搭配' });
    expect((await admin.request('PUT', `/api/v1/service/qa/${mine[2].id}`, { score: 101 })).statusCode).toBe(400);
    const f = (await admin.get(`/api/v1/service/figures?shopId=${shopId}&from=${D1}&to=${D2}`)).json();
    expect(f.agents.find((a: { agent: string }) => a.agent === '客服小美')).toMatchObject({ qaAvg: 80, qaScored: 2 });
  });

  it('enquiries per customer for the customers module', async () => {
    const m = await service.enquiriesByCustomer(ctx.tdb.database.db, shopId);
    expect(m.get('buyer0')).toEqual({ enquiries: facts.filter((c) => c.customer === 'buyer0').length, lastDay: expect.any(String) });
    expect([...m.values()].reduce((a, b) => a + b.enquiries, 0)).toBe(60);
  });
});
