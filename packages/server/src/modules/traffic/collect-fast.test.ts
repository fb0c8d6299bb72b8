/**
 * The collector's fast paths must give exactly the answers of the slow ones they stand in for:
 * the memoised classification = classifySource, and the quick body check never accepts a body
 * the zod schema rejects.
 */
import { CollectBody } from '@yunying/core';
import { describe, expect, it } from 'vitest';
import { classifySource, classifySourceCode, orderRules, STARTER_RULES, type SourceRule } from './classify.js';
import { isPlainCollectBody } from './collect.service.js';

const starter: SourceRule[] = orderRules(STARTER_RULES.map((r, i) => ({ ...r, id: `r${i}`, enabled: true })));

const URLS = [
  'https://shop.example.com/',
  'https://shop.example.com/item/1?spm=a1',
  'https://shop.example.com/item/1?utm_source=ztc&utm_medium=cpc',
  'https://shop.example.com/item/1?utm%5Fsource=wechat',
  'https://shop.example.com/item/1?%75tm_medium=email',
  'https://shop.example.com/promo/double11?from=app',
];
const REFERRERS = [undefined, '', 'https://s.taobao.com/search?q=1', 'https://weixin.qq.com/', 'https://www.baidu.com/s?wd=x', 'not a url'];
const UTMS = [undefined, { source: 'tbk' }, { medium: 'feed' }, { source: '', medium: '', campaign: 'x' }];

describe('classifySourceCode', () => {
  it('agrees with classifySource for every url × referrer × tags, with and without url rules', () => {
    const withUrlRule = orderRules([
      ...starter,
      { id: 'u1', priority: 1, field: 'url', op: 'contains', pattern: '/promo/', sourceCode: 'activity', enabled: true },
    ]);
    for (const rules of [starter, withUrlRule]) {
      // Twice: the second pass answers from the memo.
      for (let pass = 0; pass < 2; pass++) {
        for (const url of URLS)
          for (const referrer of REFERRERS)
            for (const utm of UTMS) {
              const input = { url, referrer, utm };
              expect(classifySourceCode(rules, input), JSON.stringify(input)).toBe(classifySource(rules, input).sourceCode);
            }
      }
    }
  });

  it('percent-encoded utm parameters in the url still decide the source', () => {
    expect(classifySourceCode(starter, { url: '/x?utm%5Fsource=wechat', referrer: '' })).toBe('social');
    expect(classifySourceCode(starter, { url: '/x?a=1', referrer: '' })).toBe('direct');
  });
});

describe('isPlainCollectBody', () => {
  const ev = { type: 'page_view', at: 1_700_000_000_000, visitorId: 'v1', url: '/' };

  it('accepts ordinary bodies the schema accepts', () => {
    const body = {
      key: 'k',
      events: [ev, { ...ev, type: 'product_view', productId: 'p', dwellMs: 5, utm: { source: 's' }, referrer: 'r', sessionId: 's' }],
    };
    expect(isPlainCollectBody(body)).toBe(true);
    expect(CollectBody.safeParse(body).success).toBe(true);
  });

  it('never accepts what the schema rejects (random mutations of a valid body)', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
    const odd: unknown[] = [
      null,
      undefined,
      '',
      'x'.repeat(2001),
      -1,
      1.5,
      Number.MAX_SAFE_INTEGER + 2,
      86_400_001,
      [],
      {},
      true,
      'favorite',
      'click',
    ];
    const fields = ['type', 'at', 'visitorId', 'sessionId', 'url', 'referrer', 'utm', 'productId', 'skuId', 'dwellMs'];
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const e: Record<string, unknown> = { ...ev };
      const n = 1 + Math.floor(rnd() * 3);
      for (let k = 0; k < n; k++) {
        const f = fields[Math.floor(rnd() * fields.length)]!;
        const v = odd[Math.floor(rnd() * odd.length)];
        if (f === 'utm' && rnd() < 0.5) e.utm = { source: v };
        else e[f] = v;
      }
      const body = rnd() < 0.1 ? { key: rnd() < 0.5 ? '' : 'k', events: rnd() < 0.5 ? [] : [e] } : { key: 'k', events: [ev, e] };
      const zodOk = CollectBody.safeParse(JSON.parse(JSON.stringify(body))).success;
      const quick = isPlainCollectBody(JSON.parse(JSON.stringify(body)));
      if (quick) expect(zodOk, JSON.stringify(body)).toBe(true);
      if (!zodOk) rejected++;
    }
    // The mutations do produce plenty of invalid bodies (else the test would prove nothing).
    expect(rejected).toBeGreaterThan(1000);
  });

  it('leaves batches over 50 to the schema', () => {
    expect(isPlainCollectBody({ key: 'k', events: Array.from({ length: 51 }, () => ev) })).toBe(false);
  });
});
