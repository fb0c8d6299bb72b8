import zlib from 'node:zlib';
import { addDays, businessDay } from '@yunying/core';
import { afterEach, expect, it } from 'vitest';
import { collectRateLimit, resetRateLimits } from '../src/modules/traffic/collect.service.js';
import { describeEachDialect } from './dialects.js';
import { makeShop } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

const ORIGIN = 'https://shop.example.com';

describeEachDialect('traffic: sources, rules, collect keys, collector and tracker', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;
  let key: string;
  let keyId: string;
  let openKey: string;

  const db = () => ctx.tdb.database.db;
  const ev = (over: Record<string, unknown> = {}) => ({
    type: 'page_view',
    at: Date.now(),
    visitorId: 'v1',
    sessionId: 's1',
    url: '/',
    ...over,
  });
  const collect = (body: unknown, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/collect', payload: body as object, headers: { origin: ORIGIN, ...headers } });
  const eventsOf = (visitorId: string) =>
    db().selectFrom('events').selectAll().where('shop_id', '=', shopId).where('visitor_id', '=', visitorId).orderBy('at').execute();

  afterEach(() => {
    collectRateLimit.capacity = 60;
    collectRateLimit.perSecond = 20;
  });

  it('seeds the source tree and the starter rules once; creates keys for a shop', async () => {
    admin = await ctx.admin();
    // A Tmall shop: the Taobao tree's rules classify its visits (the own site's tree: see below).
    shopId = await makeShop(ctx, admin, '天猫店', { channel: 'tmall', timezone: 'America/New_York' });

    const tree = (await admin.get('/api/v1/traffic/sources?family=taobao')).json();
    expect(tree.groups.map((g: { code: string }) => g.code)).toEqual(['free', 'paid', 'own', 'offsite', 'other']);
    expect(tree.groups[1].children.map((c: { code: string }) => c.code)).toEqual(['paid_search', 'display', 'affiliate', 'feed_ads']);
    expect(tree.groups[0].children[0]).toMatchObject({ code: 'search', name: '手淘搜索', builtin: true });
    const rules = (await admin.get('/api/v1/traffic/rules')).json().items;
    expect(rules.length).toBeGreaterThan(20);
    expect(rules.find((r: { pattern: string }) => r.pattern === 'taobaoke')).toMatchObject({
      field: 'utm_source',
      op: 'equals',
      sourceCode: 'affiliate',
    });

    const k = await admin.post('/api/v1/traffic/keys', { shopId, allowedOrigins: [ORIGIN, 'https://m.shop.example.com/'] });
    expect(k.statusCode, k.body).toBe(201);
    expect(k.json().key).toMatch(/^yyw_[0-9A-Za-z]{32}$/);
    expect(k.json().allowedOrigins).toEqual([ORIGIN, 'https://m.shop.example.com']);
    key = k.json().key;
    keyId = k.json().id;
    openKey = (await admin.post('/api/v1/traffic/keys', { shopId, allowedOrigins: [] })).json().key;
    const bad = await admin.post('/api/v1/traffic/keys', { shopId, allowedOrigins: ['shop.example.com/path'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('allowedOrigins.0');
    expect((await admin.post('/api/v1/traffic/keys', { shopId: 'shp_nope', allowedOrigins: [] })).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/traffic/keys?shopId=${shopId}`)).json().items).toHaveLength(2);
  });

  it('answers the CORS preflight and accepts a batch with a valid key', async () => {
    const pre = await ctx.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/collect',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(pre.headers['access-control-allow-methods'])).toContain('POST');
    expect(String(pre.headers['access-control-allow-headers'])).toContain('content-type');
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();

    const now = Date.now();
    const res = await collect({
      key,
      events: [
        ev({ visitorId: 'cors1', at: now - 3_600_000 }),
        ev({ visitorId: 'cors1', type: 'product_view', productId: 'prd_x', dwellMs: 4200 }),
      ],
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ accepted: 2, dropped: 0 });
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const rows = await eventsOf('cors1');
    expect(rows).toHaveLength(2);
    // Business day in the shop's zone (New York), not the server's or UTC.
    expect(rows[0]!.day).toBe(businessDay(now - 3_600_000, 'America/New_York'));
    expect(rows[1]).toMatchObject({ type: 'product_view', product_id: 'prd_x', dwell_ms: 4200, source_code: 'direct' });

    // A key without allowed origins answers any origin with *.
    const open = await collect({ key: openKey, events: [ev({ visitorId: 'cors2' })] }, { origin: 'https://anything.example' });
    expect(open.statusCode).toBe(202);
    expect(open.headers['access-control-allow-origin']).toBe('*');
  });

  it('rejects unknown keys (401), foreign origins and revoked keys (403) and batches over 50 (400)', async () => {
    const unknown = await collect({ key: 'yyw_nope', events: [ev()] });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().detail).toContain('埋点密钥无效');
    const foreign = await collect({ key, events: [ev()] }, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const big = await collect({ key, events: Array.from({ length: 51 }, (_, i) => ev({ visitorId: `big${i}` })) });
    expect(big.statusCode).toBe(400);
    expect(big.json().code).toBe('validation_failed');
    expect(await eventsOf('big0')).toHaveLength(0);
    const fifty = await collect({ key, events: Array.from({ length: 50 }, (_, i) => ev({ visitorId: `b50_${i}` })) });
    expect(fifty.json()).toEqual({ accepted: 50, dropped: 0 });
    const badEvent = await collect({ key, events: [ev({ type: 'teleport' })] });
    expect(badEvent.statusCode).toBe(400);

    const temp = (await admin.post('/api/v1/traffic/keys', { shopId, allowedOrigins: [] })).json();
    expect((await collect({ key: temp.key, events: [ev()] })).statusCode).toBe(202);
    expect((await admin.delete(`/api/v1/traffic/keys/${temp.id}`)).statusCode).toBe(204);
    const revoked = await collect({ key: temp.key, events: [ev({ visitorId: 'after-revoke' })] });
    expect(revoked.statusCode).toBe(403);
    expect(revoked.json().detail).toContain('吊销');
    expect(await eventsOf('after-revoke')).toHaveLength(0);
    const listed = (await admin.get(`/api/v1/traffic/keys?shopId=${shopId}`)).json().items.find((k: { id: string }) => k.id === temp.id);
    expect(listed.revokedAt).toBeTypeOf('number');
  });

  it('drops events from bots and accepts sendBeacon text/plain bodies', async () => {
    const bot = await collect(
      { key, events: [ev({ visitorId: 'bot1' }), ev({ visitorId: 'bot1' })] },
      { 'user-agent': 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)' },
    );
    expect(bot.json()).toEqual({ accepted: 0, dropped: 2 });
    const headless = await collect({ key, events: [ev({ visitorId: 'bot2' })] }, { 'user-agent': 'Mozilla/5.0 HeadlessChrome/120.0' });
    expect(headless.json()).toEqual({ accepted: 0, dropped: 1 });
    expect(await eventsOf('bot1')).toHaveLength(0);

    const beacon = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/collect',
      headers: { origin: ORIGIN, 'content-type': 'text/plain;charset=UTF-8', 'user-agent': 'Mozilla/5.0 (iPhone) Safari/604.1' },
      payload: JSON.stringify({ key, events: [ev({ visitorId: 'beacon1', type: 'product_view', productId: 'prd_b', dwellMs: 900 })] }),
    });
    expect(beacon.statusCode, beacon.body).toBe(202);
    expect(await eventsOf('beacon1')).toHaveLength(1);
    const junk = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/collect',
      headers: { origin: ORIGIN, 'content-type': 'text/plain' },
      payload: 'not json',
    });
    expect(junk.statusCode).toBe(400);
  });

  it('classifies each event by UTM tags and referrer; editing a rule changes the classification', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ url: '/item/1?utm_source=taobaoke&utm_medium=affiliate' }, 'affiliate'],
      [{ url: '/', utm: { source: 'baidu', medium: 'cpc' } }, 'paid_search'],
      [{ url: '/', utm: { source: 'weixin' } }, 'social'],
      [{ url: '/', utm: { medium: 'sms' } }, 'email_sms'],
      [{ url: '/', referrer: 'https://s.taobao.com/search?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF' }, 'search'],
      [{ url: '/', referrer: 'https://www.google.com/search?q=cup' }, 'external'],
      [{ url: '/' }, 'direct'],
      [{ url: '/', referrer: 'https://blog.example.org/post' }, 'unknown'],
    ];
    const res = await collect({ key, events: cases.map(([e], i) => ev({ ...e, visitorId: `cls${i}` })) });
    expect(res.json().accepted).toBe(cases.length);
    for (const [i, [, want]] of cases.entries()) expect((await eventsOf(`cls${i}`))[0]!.source_code, JSON.stringify(cases[i])).toBe(want);

    const t1 = await admin.post('/api/v1/traffic/rules/test', { url: '/x', referrer: 'https://s.taobao.com/search?q=1' });
    expect(t1.json().sourceCode).toBe('search');
    const rule = (await admin.get('/api/v1/traffic/rules')).json().items.find((r: { pattern: string }) => r.pattern === 's.taobao.com');
    expect(t1.json().ruleId).toBe(rule.id);
    expect((await admin.post('/api/v1/traffic/rules/test', { url: '/', referrer: 'https://blog.example.org/' })).json()).toEqual({
      sourceCode: 'unknown',
      ruleId: null,
    });

    // A custom source and a rule that sends the blog to it, ahead of everything else.
    const src = await admin.post('/api/v1/traffic/sources', { code: 'blog', groupCode: 'offsite', name: '博客软文' });
    expect(src.statusCode, src.body).toBe(201);
    const dupe = await admin.post('/api/v1/traffic/sources', { code: 'blog', groupCode: 'offsite', name: 'x' });
    expect(dupe.statusCode).toBe(409);
    const r2 = await admin.post('/api/v1/traffic/rules', {
      priority: 1,
      field: 'referrer_host',
      op: 'contains',
      pattern: 'blog.example',
      sourceCode: 'blog',
      enabled: true,
    });
    expect(r2.statusCode, r2.body).toBe(201);
    const badRe = await admin.post('/api/v1/traffic/rules', {
      priority: 1,
      field: 'url',
      op: 'regex',
      pattern: '([',
      sourceCode: 'blog',
      enabled: true,
    });
    expect(badRe.statusCode).toBe(400);
    expect(badRe.json().errors[0].path).toBe('pattern');
    const noSrc = await admin.post('/api/v1/traffic/rules', {
      priority: 1,
      field: 'url',
      op: 'contains',
      pattern: 'x',
      sourceCode: 'nope',
      enabled: true,
    });
    expect(noSrc.json().errors[0].path).toBe('sourceCode');

    // Point the s.taobao.com rule at the recommendation feed.
    expect((await admin.patch(`/api/v1/traffic/rules/${rule.id}`, { sourceCode: 'recommend' })).statusCode).toBe(200);
    await collect({
      key,
      events: [
        ev({ visitorId: 'cls-after1', referrer: 'https://s.taobao.com/search?q=1' }),
        ev({ visitorId: 'cls-after2', referrer: 'https://blog.example.org/post' }),
      ],
    });
    expect((await eventsOf('cls-after1'))[0]!.source_code).toBe('recommend');
    expect((await eventsOf('cls-after2'))[0]!.source_code).toBe('blog');
    // Disabling the rule falls through to the next one that matches (the taobao /search regex).
    await admin.patch(`/api/v1/traffic/rules/${rule.id}`, { enabled: false });
    expect(
      (await admin.post('/api/v1/traffic/rules/test', { url: '/', referrer: 'https://s.taobao.com/search?q=1' })).json().sourceCode,
    ).toBe('search');

    // Sources in use or built in cannot be deleted; deleted rules stay deleted.
    expect((await admin.delete(`/api/v1/traffic/sources/${src.json().id}`)).statusCode).toBe(409);
    expect((await admin.delete(`/api/v1/traffic/rules/${r2.json().id}`)).statusCode).toBe(204);
    expect((await admin.delete(`/api/v1/traffic/sources/${src.json().id}`)).statusCode).toBe(204);
    const search = (await admin.get('/api/v1/traffic/sources')).json().groups[0].children[0];
    const builtinDel = await admin.delete(`/api/v1/traffic/sources/${search.id}`);
    expect(builtinDel.statusCode).toBe(409);
    expect(builtinDel.json().detail).toContain('内置来源');
    const renamed = await admin.patch(`/api/v1/traffic/sources/${search.id}`, { name: '搜索', sort: 5 });
    expect(renamed.json()).toMatchObject({ name: '搜索', builtin: true, sort: 5 });
    expect((await admin.delete(`/api/v1/traffic/rules/${rule.id}`)).statusCode).toBe(204);
    await ctx.restart();
    admin = await ctx.admin();
    const after = (await admin.get('/api/v1/traffic/rules')).json().items;
    expect(after.find((r: { id: string }) => r.id === rule.id)).toBeUndefined();
    expect(after.filter((r: { pattern: string }) => r.pattern === 'taobaoke')).toHaveLength(1);
  });

  it("each channel has its own tree: the own site's visits land in web sources, a JD tree lists JD's", async () => {
    const own = await makeShop(ctx, admin, '官网商城', { channel: 'own' });
    const k = (await admin.post('/api/v1/traffic/keys', { shopId: own, allowedOrigins: [] })).json().key as string;
    const cases: [Record<string, unknown>, string][] = [
      [{ url: '/', referrer: 'https://www.baidu.com/s?wd=cup' }, 'web_search'],
      [{ url: '/', utm: { source: 'baidu', medium: 'cpc' } }, 'web_sem'],
      [{ url: '/', utm: { source: 'weixin' } }, 'web_wechat'],
      [{ url: '/', referrer: 'https://www.xiaohongshu.com/explore/1' }, 'web_social'],
      [{ url: '/', utm: { medium: 'sms' } }, 'web_email_sms'],
      [{ url: '/', referrer: 'https://blog.example.org/post' }, 'web_referral'],
      [{ url: '/' }, 'web_direct'],
      // A Taobao referrer is just another site linking to the own site, never 手淘搜索.
      [{ url: '/', referrer: 'https://s.taobao.com/search?q=1' }, 'web_referral'],
    ];
    const res = await collect({ key: k, events: cases.map(([e], i) => ev({ ...e, visitorId: `web${i}` })) });
    expect(res.json().accepted, res.body).toBe(cases.length);
    for (const [i, [, want]] of cases.entries()) {
      const row = await db()
        .selectFrom('events')
        .select('source_code')
        .where('shop_id', '=', own)
        .where('visitor_id', '=', `web${i}`)
        .executeTakeFirst();
      expect(row?.source_code, JSON.stringify(cases[i])).toBe(want);
    }

    const jd = (await admin.get('/api/v1/traffic/sources?family=jd')).json();
    expect(jd.groups[0].name).toBe('京东站内免费');
    const names = jd.groups.flatMap((g: { children: { name: string }[] }) => g.children.map((c) => c.name));
    expect(names).toEqual(expect.arrayContaining(['京东搜索', '京东推荐', '京东快车', '京挑客', '其他']));
    expect(names).not.toContain('手淘搜索');
    expect(names).not.toContain('直通车');
    const pdd = (await admin.get('/api/v1/traffic/sources?family=pdd')).json();
    expect(pdd.groups.flatMap((g: { children: { name: string }[] }) => g.children.map((c) => c.name))).toEqual(
      expect.arrayContaining(['多多搜索', '多多场景（首页/推荐）', '多多进宝']),
    );
    const dy = (await admin.get('/api/v1/traffic/sources?family=douyin')).json();
    expect(dy.groups.flatMap((g: { children: { name: string }[] }) => g.children.map((c) => c.name))).toEqual(
      expect.arrayContaining(['千川', '直播', '短视频', '商城（猜你喜欢/频道）']),
    );
    const bad = await admin.get('/api/v1/traffic/sources?family=amazon');
    expect(bad.statusCode).toBe(400);
  });

  it('marks the business days it touched for re-rollup', async () => {
    const yesterday = addDays(businessDay(Date.now(), 'America/New_York'), -1);
    await db().deleteFrom('rollup_dirty').execute();
    await collect({ key, events: [ev({ visitorId: 'late1', at: Date.now() - 86_400_000 - 60_000 })] });
    const marks = await db().selectFrom('rollup_dirty').selectAll().where('shop_id', '=', shopId).execute();
    expect(marks.map((m) => m.day)).toContain(yesterday);
  });

  it('stores every event of many concurrent batches (group commit), and answers only after they are stored', async () => {
    // 40 batches at once from one test address: fresh, raised buckets keep the limiter out of the way.
    resetRateLimits();
    collectRateLimit.capacity = 1000;
    await db().deleteFrom('rollup_dirty').execute();
    const now = Date.now();
    const batches = Array.from({ length: 40 }, (_, b) =>
      Array.from({ length: 50 }, (_, i) => ev({ visitorId: `gc_${b}`, sessionId: `gc_${b}_${i}`, at: now - i * 1000 })),
    );
    const answers = await Promise.all(
      batches.map(async (events) => {
        const res = await collect({ key, events });
        // Committed by the time the answer arrives: the batch's rows are all readable now.
        const stored = await eventsOf(events[0]!.visitorId as string);
        return { status: res.statusCode, accepted: res.json().accepted as number, stored: stored.length };
      }),
    );
    expect(answers.every((a) => a.status === 202 && a.accepted === 50 && a.stored === 50)).toBe(true);
    const total = await db()
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('shop_id', '=', shopId)
      .where('visitor_id', 'like', 'gc_%')
      .executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(2000);
    const marks = await db().selectFrom('rollup_dirty').select('day').where('shop_id', '=', shopId).execute();
    expect(marks.map((m) => m.day)).toContain(businessDay(now, 'America/New_York'));
  });

  it('rate-limits each key with a token bucket (429 in Chinese)', async () => {
    collectRateLimit.capacity = 3;
    collectRateLimit.perSecond = 0.001;
    const fresh = (await admin.post('/api/v1/traffic/keys', { shopId, allowedOrigins: [] })).json().key;
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await collect({ key: fresh, events: [ev({ visitorId: `rl${i}` })] })).statusCode);
    expect(codes).toEqual([202, 202, 202, 429, 429]);
    const limited = await collect({ key: fresh, events: [ev()] });
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
    expect(limited.json().detail).toContain('过于频繁');
    // Other keys have their own bucket.
    expect((await collect({ key: openKey, events: [ev()] }, { origin: 'https://x.example' })).statusCode).toBe(202);
  });

  it('guards the management routes by permission', async () => {
    const { client } = await ctx.userWithRoles('designer_t', ['designer']);
    expect((await client.get('/api/v1/traffic/sources')).statusCode).toBe(200);
    expect(
      (
        await client.post('/api/v1/traffic/rules', {
          priority: 1,
          field: 'url',
          op: 'contains',
          pattern: 'x',
          sourceCode: 'direct',
          enabled: true,
        })
      ).statusCode,
    ).toBe(403);
    expect((await client.get('/api/v1/traffic/keys')).statusCode).toBe(403);
    expect((await client.delete(`/api/v1/traffic/keys/${keyId}`)).statusCode).toBe(403);
  });

  it('serves /tracker.js as JavaScript under 3 KB gzipped', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/tracker.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/javascript');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const gz = zlib.gzipSync(res.body).length;
    expect(gz).toBeLessThan(3 * 1024);
    expect(res.body).toContain('sendBeacon');
    expect(res.body).toContain('data-key');
    expect(() => new Function(res.body)).not.toThrow();
  });
});
