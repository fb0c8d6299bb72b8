import { describe, expect, it } from 'vitest';
import { defaultSourcesOf } from './analytics.js';
import {
  compileSourceResolver,
  compileTrafficRowParser,
  matchTrafficHeaders,
  normalizeTrafficMapping,
  parseCountCell,
  parseDayCell,
  parseRateCell,
} from './trafficImport.js';

describe('traffic import cells', () => {
  it('parses days in the export forms and refuses multi-day ranges', () => {
    for (const s of [
      '2026-11-20',
      '2026/11/20',
      '20261120',
      '2026年11月20日',
      '2026-11-20 00:00:00',
      '2026-11-20~2026-11-20',
      '="2026-11-20"',
    ])
      expect(parseDayCell(s)).toEqual({ ok: true, value: '2026-11-20' });
    expect(parseDayCell('')).toEqual({ ok: true, value: null });
    expect(parseDayCell('2026-11-20~2026-11-26').ok).toBe(false);
    expect(parseDayCell('2026-02-30').ok).toBe(false);
    expect(parseDayCell('昨天').ok).toBe(false);
  });

  it('parses counts: thousands separators, 万, dashes; refuses percentages, fractions and negatives', () => {
    expect(parseCountCell('1,234')).toEqual({ ok: true, value: 1234 });
    expect(parseCountCell('１２３')).toEqual({ ok: true, value: 123 });
    expect(parseCountCell('1234.0')).toEqual({ ok: true, value: 1234 });
    expect(parseCountCell('1.2万')).toEqual({ ok: true, value: 12000 });
    expect(parseCountCell('-')).toEqual({ ok: true, value: 0 });
    expect(parseCountCell('')).toEqual({ ok: true, value: null });
    expect(parseCountCell('12.3%').ok).toBe(false);
    expect(parseCountCell('12.5').ok).toBe(false);
    expect(parseCountCell('-3').ok).toBe(false);
  });

  it('parses rates as parts per million without floating point', () => {
    expect(parseRateCell('12.3%')).toEqual({ ok: true, value: 123_000 });
    expect(parseRateCell('2.43%')).toEqual({ ok: true, value: 24_300 });
    expect(parseRateCell('0.123')).toEqual({ ok: true, value: 123_000 });
    expect(parseRateCell('-')).toEqual({ ok: true, value: 0 });
    expect(parseRateCell('120%').ok).toBe(false);
    expect(parseRateCell('abc').ok).toBe(false);
  });
});

describe('traffic import headers and sources', () => {
  it('matches 生意参谋 headers: 来源明细 is the source, 流量来源 its group', () => {
    const m = matchTrafficHeaders(['统计日期', '流量来源', '来源明细', '访客数', '浏览量', '支付金额']);
    expect(m.missing).toEqual([]);
    expect(m.headers).toMatchObject({ day: '统计日期', source: '来源明细', sourceGroup: '流量来源', uv: '访客数', paidAmount: '支付金额' });
    expect(m.perSource).toBe(true);
    expect(m.perProduct).toBe(false);
    const p = matchTrafficHeaders(['日期', '商品ID', '商品访客数']);
    expect(p).toMatchObject({ perProduct: true, perSource: false });
    expect(matchTrafficHeaders(['访客数']).missing.map((x) => x.field)).toEqual(['day']);
    expect(matchTrafficHeaders(['访客数'], null, { dayGiven: true }).missing).toEqual([]);
    expect(matchTrafficHeaders(['D', 'V'], { day: 'D', uv: 'V' }).missing).toEqual([]);
  });

  it("maps names onto the shop's own tree: a JD or Douyin shop never gets a Taobao source", () => {
    const tree = (f: 'jd' | 'douyin' | 'web') => defaultSourcesOf(f).map((s) => ({ code: s.code, name: s.zh, kind: s.kind }));
    const jd = compileSourceResolver({ sources: tree('jd') });
    const dy = compileSourceResolver({ sources: tree('douyin') });
    const web = compileSourceResolver({ sources: tree('web') });
    const code = (r: typeof jd, d: string, g: string | null = null) => {
      const x = r(d, g);
      return x.ok ? x.code : x.reason;
    };
    expect(code(jd, '京东搜索')).toBe('jd_search');
    expect(code(jd, '京东快车')).toBe('jd_kuaiche');
    expect(code(jd, '京挑客')).toBe('jd_jtk');
    expect(code(jd, '直通车')).toBe('jd_kuaiche'); // a Taobao word lands on JD's source of that kind
    expect(code(jd, '购物车')).toBe('jd_cart_fav');
    expect(code(jd, '站外流量')).toBe('jd_offsite');
    expect(code(dy, '千川')).toBe('dy_qianchuan');
    expect(code(dy, '直播')).toBe('dy_live');
    expect(code(dy, '短视频')).toBe('dy_video');
    expect(code(web, '微信')).toBe('web_wechat');
    expect(code(web, '直接访问')).toBe('web_direct');
    // A kind the tree lacks is refused rather than filed under a Taobao source.
    expect(code(web, '聚划算')).toMatch(/无法识别的流量来源「聚划算」/);
  });

  it('maps platform source names; unknown names are errors; the user tree and overrides win', () => {
    const sources = defaultSourcesOf('taobao').map((s) => ({ code: s.code, name: s.zh }));
    const r = compileSourceResolver({ sources });
    const code = (d: string | null, g: string | null = null) => {
      const x = r(d, g);
      return x.ok ? x.code : null;
    };
    expect(code('手淘搜索')).toBe('search');
    expect(code('手淘推荐')).toBe('recommend');
    expect(code('猜你喜欢')).toBe('recommend');
    expect(code('直通车')).toBe('paid_search');
    expect(code('引力魔方')).toBe('display');
    expect(code('钻展')).toBe('display');
    expect(code('淘宝客')).toBe('affiliate');
    expect(code('购物车')).toBe('cart_fav');
    expect(code('我的淘宝')).toBe('my_orders');
    expect(code('直接访问')).toBe('direct');
    expect(code('淘外流量')).toBe('external');
    expect(code('手淘拍立淘搜索')).toBe('search'); // by keyword
    expect(code('汇总')).toBe('');
    expect(code(null, null)).toBe('');
    expect(code('某个新渠道', '淘外流量')).toBe('external');
    const unknown = r('火星来客', '淘内免费');
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.reason).toContain('火星来客');

    const custom = compileSourceResolver({ sources: [...sources, { code: 'xhs', name: '小红书' }], overrides: { 火星来客: 'external' } });
    expect(custom('小红书', null)).toEqual({ ok: true, code: 'xhs' });
    expect(custom('火星来客', null)).toEqual({ ok: true, code: 'external' });
  });

  it('parses rows: totals skipped, money via parseYuan, buyers from the conversion rate', () => {
    const m = matchTrafficHeaders(['日期', '商品ID', '访客数', '支付转化率', '支付金额']);
    const parse = compileTrafficRowParser(m, compileSourceResolver({ sources: [] }));
    expect(parse(['合计', '', '10', '1%', '1'])).toEqual({ ok: true, row: null, skipped: true });
    const ok = parse(['2026-11-20', '="612345678901234567"', '1,000', '2.5%', '￥1,299.50']);
    expect(ok).toMatchObject({
      ok: true,
      row: { day: '2026-11-20', channelItemId: '612345678901234567', uv: 1000, payingBuyers: 25, paidFen: 129950 },
    });
    const bad = parse(['2026-11-20', '', 'x', '1%', '1.234']);
    expect(bad.ok).toBe(false);
    if (!bad.ok && 'errors' in bad) expect(bad.errors.map((e) => e.column)).toEqual(['商品ID', '访客数', '支付金额']);
  });

  it('accepts both mapping shapes and refuses unknown fields', () => {
    expect(normalizeTrafficMapping({ uv: '访客' })).toEqual({ ok: true, value: { columns: { uv: '访客' }, sources: {} } });
    expect(normalizeTrafficMapping({ columns: { day: 'D' }, sources: { 某渠道: 'external' } })).toEqual({
      ok: true,
      value: { columns: { day: 'D' }, sources: { 某渠道: 'external' } },
    });
    expect(normalizeTrafficMapping({ visitors: 'x' }).ok).toBe(false);
    expect(normalizeTrafficMapping([]).ok).toBe(false);
  });
});
