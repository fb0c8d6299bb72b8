/**
 * 咨询 lifecycle (issue 11 §1 with issue 14 §2): buyers who only talked to customer service become
 * customers of the shop through the chat import, typed 咨询用户 until they pay; counts follow the
 * imported conversations (re-import changes nothing), a whole-shop rebuild keeps them, RFM still
 * counts buyers only, and the segment builder finds them.
 */
import { addDays, businessDay, dayStart } from '@yunying/core';
import { beforeAll, expect, it } from 'vitest';
import * as customers from '../src/modules/customers/index.js';
import { describeEachDialect } from './dialects.js';
import { makeBackdatedOrders, makeShop, multipart, type BackdatedOrder } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const TZ = 'Asia/Shanghai';
const TODAY = businessDay(Date.now(), TZ);
const D1 = addDays(TODAY, -10);
const pad = (n: number) => String(n).padStart(2, '0');

/** 千牛 接待记录 rows: [会话ID, 客服, 买家, day, hour]. */
const chats: [string, string, string, string, number][] = [
  ['L1', '客服小美', '老买家', D1, 10],
  ['L2', '客服小美', '只问不买', D1, 11],
  ['L3', '客服阿强', '问两次', D1, 12],
  ['L4', '客服阿强', '问两次', addDays(D1, 2), 9],
  ['L5', '客服小美', '后来买了', addDays(D1, 1), 15],
];
const csv = (rows: typeof chats) =>
  [
    '会话ID,接待客服,买家昵称,会话开始时间,首次响应时长(秒),消息数,会话结束时间,关联订单',
    ...rows.map(([k, a, b, d, h]) => `${k},${a},${b},${d} ${pad(h)}:00:00,12,5,,`),
  ].join('\r\n') + '\r\n';

describeEachDialect('customers: 咨询 lifecycle from service conversations', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;

  const order = (nick: string, day: string): BackdatedOrder => ({
    shopId,
    day,
    paidDay: day,
    status: 'paid',
    visitorId: null,
    nick,
    sourceCode: null,
    shippingFen: 0,
    lines: [{ skuId: null, qty: 1, unitPriceFen: 8800, unitCostFen: 0 }],
  });
  const upload = (rows: typeof chats) => {
    const mp = multipart({ shopId, format: 'qianniu' }, { file: { name: '接待记录.csv', data: Buffer.from(csv(rows)) } });
    return admin.request('POST', '/api/v1/service/chats/import', mp.body, { 'content-type': mp.type });
  };
  const byNick = async () => {
    const r = await admin.get(`/api/v1/customers?shopId=${shopId}&pageSize=200`);
    expect(r.statusCode, r.body).toBe(200);
    return new Map((r.json().items as { id: string; nick: string; paidOrders: number }[]).map((c) => [c.nick, c]));
  };
  const profile = async (id: string) => {
    const r = await admin.get(`/api/v1/customers/${id}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { lifecycle: string | null; enquiries: number; paidOrders: number };
  };
  const enquirerSegment = async () => {
    const r = await admin.post('/api/v1/customers/segments/preview', { rules: { shopId, lifecycles: ['enquirer'] } });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json().items as { nick: string }[]).map((c) => c.nick).sort();
  };

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '咨询测试店');
    await makeBackdatedOrders(ctx, [order('老买家', addDays(D1, -30))]);
    await customers.markShopDirty(ctx.tdb.database.db, shopId); // bulk inserts leave no marks
  });

  it('the chat import makes enquirers customers, typed 咨询 until they pay', async () => {
    const before = await byNick();
    expect([...before.keys()]).toEqual(['老买家']);
    const r = await upload(chats);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 5, errors: 0 });

    const now = await byNick();
    expect([...now.keys()].sort()).toEqual(['只问不买', '后来买了', '老买家', '问两次'].sort());
    expect(now.get('老买家')!.id).toBe(before.get('老买家')!.id);
    expect(await profile(now.get('只问不买')!.id)).toMatchObject({ lifecycle: 'enquirer', enquiries: 1, paidOrders: 0 });
    expect(await profile(now.get('问两次')!.id)).toMatchObject({ lifecycle: 'enquirer', enquiries: 2 });
    expect(await profile(now.get('老买家')!.id)).toMatchObject({ lifecycle: 'buyer', enquiries: 1, paidOrders: 1 });
    expect(await enquirerSegment()).toEqual(['只问不买', '后来买了', '问两次'].sort());

    // RFM still counts buyers only (customers with ≥ 1 paid order).
    const rfm = await customers.scoreShop(ctx.tdb.database.db, shopId, TODAY);
    expect(rfm.customers.map((c) => c.customerId)).toEqual([now.get('老买家')!.id]);

    // Importing the same file again changes nothing.
    expect((await upload(chats)).json()).toMatchObject({ created: 0, unchanged: 5 });
    const again = await byNick();
    expect(again.size).toBe(4);
    expect(await profile(again.get('问两次')!.id)).toMatchObject({ enquiries: 2 });
  });

  it('a payment turns the same customer row into 购买; a whole-shop rebuild keeps the enquirers', async () => {
    const id = (await byNick()).get('后来买了')!.id;
    const [orderId] = await makeBackdatedOrders(ctx, [order('后来买了', addDays(D1, 2))]);
    await customers.markOrdersDirty(ctx.tdb.database.db, shopId, [orderId!]); // the incremental path
    const p = await profile(id);
    expect(p).toMatchObject({ lifecycle: 'buyer', enquiries: 1, paidOrders: 1 });
    expect(await enquirerSegment()).toEqual(['只问不买', '问两次'].sort());

    await customers.markShopDirty(ctx.tdb.database.db, shopId);
    const rebuilt = await byNick();
    expect(rebuilt.size).toBe(4);
    expect(rebuilt.get('后来买了')!.id).toBe(id);
    expect(await profile(rebuilt.get('问两次')!.id)).toMatchObject({ lifecycle: 'enquirer', enquiries: 2 });
    expect(await profile(id)).toMatchObject({ lifecycle: 'buyer', enquiries: 1 });
  });

  it('a new conversation of a known enquirer updates the count, day by day', async () => {
    const more: typeof chats = [...chats, ['L6', '客服小美', '只问不买', addDays(D1, 3), 16]];
    expect((await upload(more)).json()).toMatchObject({ created: 1 });
    const c = (await byNick()).get('只问不买')!;
    expect(await profile(c.id)).toMatchObject({ lifecycle: 'enquirer', enquiries: 2 });
    const row = await ctx.tdb.database.db
      .selectFrom('customers')
      .select('last_enquiry_day')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row.last_enquiry_day).toBe(addDays(D1, 3));
    expect(dayStart(row.last_enquiry_day!, TZ)).toBeLessThan(Date.now());
  });
});
