/**
 * Bad input at every route, generated from the route table: malformed JSON, bodies of the wrong
 * type, deeply nested and oversized bodies, random JSON values and random query strings and path
 * ids (fast-check). Every answer is a client error with a Chinese explanation, never a 5xx, and
 * the server keeps answering. A route added later is covered without editing this file.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { CJK, makeShop } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

/** Routes a fuzzer must not drive with the owner's session (they end it). */
const SKIP = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/auth/password']);
const RUNS = Number(process.env.YUNYING_FUZZ_RUNS ?? 12); // not raised under YUNYING_LONG_TESTS: every route, many runs each

describeEachDialect('bad input at every route', (dialect) => {
  const ctx = useTestApp(dialect);
  let admin: Client;
  let shopId: string;

  beforeAll(async () => {
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '模糊测试店');
  });

  const routes = () =>
    ctx.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'OPTIONS' && !SKIP.has(`${r.method} ${r.url}`));
  const fill = (url: string, id = 'x_nope') => url.replace(/:(\w+)/g, () => encodeURIComponent(id));

  /** A client error with a Chinese explanation in problem+json; the session survives. */
  function expectClientError(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: string) {
    expect(res.statusCode, `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(String(res.headers['content-type']), what).toContain('application/problem+json');
      expect(res.body, `${what}: no Chinese explanation`).toMatch(CJK);
    }
  }

  it('malformed JSON, wrong body types, deep nesting and oversized bodies get a 4xx with a Chinese reason', async () => {
    const bodyRoutes = routes().filter((r) => ['POST', 'PATCH', 'PUT'].includes(r.method) && r.permission !== 'public');
    expect(bodyRoutes.length).toBeGreaterThan(30);
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    const huge = JSON.stringify({ name: 'x'.repeat(12 * 1024 * 1024) });
    for (const r of bodyRoutes) {
      const url = fill(r.url);
      for (const [label, payload] of [
        ['malformed', '{"name": "未闭合'],
        ['array', '[1,2,3]'],
        ['number', '42'],
        ['null', 'null'],
        ['string', '"文本"'],
        ['deep', deep],
      ] as const) {
        const res = await ctx.app.inject({
          method: r.method as 'POST',
          url,
          payload,
          headers: { cookie: admin.cookie!, 'x-csrf-token': admin.csrf!, 'content-type': 'application/json' },
        });
        expectClientError(res, `${r.method} ${r.url} ${label}`);
      }
    }
    // One oversized body is enough to show the limit answers in Chinese rather than crashing.
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/shops',
      payload: huge,
      headers: { cookie: admin.cookie!, 'x-csrf-token': admin.csrf!, 'content-type': 'application/json' },
    });
    expect(res.statusCode).toBe(413);
    expectClientError(res, 'oversized body');
    expect((await admin.get('/api/v1/auth/me')).statusCode).toBe(200);
    // Every route of every module, a few hundred of them: minutes on a busy machine.
  }, 300_000);

  it('random JSON bodies, query strings and path ids never give a 5xx', async () => {
    const all = routes().filter((r) => r.permission !== 'public');
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom(
        '',
        ' ',
        '0',
        '-1',
        '1e309',
        'NaN',
        '9007199254740993',
        '%',
        '_',
        '\\',
        "'; drop table orders; --",
        '\u0000',
        '=SUM(A1)',
        shopId,
      ),
    );
    const value = fc.oneof(
      text,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(Number.MAX_SAFE_INTEGER * 4),
      fc.array(text, { maxLength: 4 }),
    );
    const body = fc.dictionary(
      fc.oneof(
        fc.constantFrom('name', 'shopId', 'skuId', 'lines', 'qty', 'priceFen', 'status', 'ids', 'page', 'pageSize', 'from', 'to', 'q'),
        text,
      ),
      value,
      { maxKeys: 6 },
    );
    for (const r of all) {
      await fc.assert(
        fc.asyncProperty(
          body,
          text,
          fc.dictionary(fc.constantFrom('q', 'page', 'pageSize', 'shopId', 'from', 'to', 'status', 'sort'), text),
          async (b, id, query) => {
            const qs = new URLSearchParams(query).toString();
            const url = fill(r.url, id || 'x') + (qs ? `?${qs}` : '');
            const res = await admin.request(r.method as 'POST', url, r.method === 'GET' || r.method === 'DELETE' ? undefined : b);
            expectClientError(res, `${r.method} ${url} ${JSON.stringify(b).slice(0, 200)}`);
          },
        ),
        { numRuns: RUNS, seed: 20261206 },
      );
      // A route that ended the session (none should) would make every later answer a 401.
      expect((await admin.get('/api/v1/auth/me')).statusCode, `after ${r.method} ${r.url}`).toBe(200);
    }
    // Every route of every module, a few hundred of them: minutes on a busy machine.
  }, 300_000);
});
