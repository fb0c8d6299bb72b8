import { describe, expect, it } from 'vitest';
import {
  applyPercent,
  applyPriceChange,
  canProductTransition,
  checkTitle,
  generateSkus,
  parseProductStatus,
  parseSpecText,
  scanBannedWords,
  skuCount,
  STARTER_BANNED_WORDS,
  titleLength,
} from './catalog.js';

describe('SKU generation from spec dimensions', () => {
  it('makes the cartesian product, first dimension outermost, with spec text and suggested codes', () => {
    const skus = generateSkus(
      [
        { name: '颜色', values: ['红', '蓝'] },
        { name: '尺码', values: ['S', 'M', 'L'] },
      ],
      'TS01',
    );
    expect(skus).toHaveLength(6);
    expect(skus.map((s) => s.specText)).toEqual([
      '颜色:红;尺码:S',
      '颜色:红;尺码:M',
      '颜色:红;尺码:L',
      '颜色:蓝;尺码:S',
      '颜色:蓝;尺码:M',
      '颜色:蓝;尺码:L',
    ]);
    expect(skus[4]).toEqual({ spec: { 颜色: '蓝', 尺码: 'M' }, specText: '颜色:蓝;尺码:M', suggestedCode: 'TS01-5' });
  });

  it('gives one SKU without dimensions, and drops blank and repeated values', () => {
    expect(generateSkus([], 'A')).toEqual([{ spec: {}, specText: '', suggestedCode: 'A-1' }]);
    expect(generateSkus([{ name: ' 颜色 ', values: ['红', ' 红 ', ''] }])).toEqual([
      { spec: { 颜色: '红' }, specText: '颜色:红', suggestedCode: '' },
    ]);
    expect(
      skuCount([
        { name: 'a', values: ['1', '2'] },
        { name: 'b', values: ['1', '2', '3'] },
      ]),
    ).toBe(6);
  });

  it('parses spec text with half- or full-width separators', () => {
    expect(parseSpecText('颜色:红;尺码:M')).toEqual({ 颜色: '红', 尺码: 'M' });
    expect(parseSpecText('颜色：红；尺码：M')).toEqual({ 颜色: '红', 尺码: 'M' });
    expect(parseSpecText('')).toEqual({});
    expect(parseSpecText('红色')).toBeNull();
    expect(parseSpecText('颜色:红;颜色:蓝')).toBeNull();
  });
});

describe('title length per channel', () => {
  it('counts a Chinese character as 2 on Taobao (30 汉字 / 60 半角)', () => {
    expect(titleLength('纯棉T恤', 'width')).toBe(7);
    expect(titleLength('纯棉T恤', 'chars')).toBe(4);
    expect(checkTitle('中'.repeat(30), 'taobao')).toMatchObject({ length: 60, max: 60, ok: true });
    expect(checkTitle('中'.repeat(30) + 'A', 'tmall')).toMatchObject({ length: 61, ok: false });
    expect(checkTitle('A'.repeat(60), 'pdd')!.ok).toBe(true);
  });

  it('counts characters on JD (45), Douyin (30) and the own site (100); offline has no rule', () => {
    expect(checkTitle('中'.repeat(45), 'jd')!.ok).toBe(true);
    expect(checkTitle('中'.repeat(46), 'jd')!.ok).toBe(false);
    expect(checkTitle('中'.repeat(31), 'douyin')).toMatchObject({ length: 31, max: 30, ok: false });
    expect(checkTitle('中'.repeat(100), 'own')!.ok).toBe(true);
    expect(checkTitle('x', 'offline')).toBeNull();
  });
});

describe('Advertising-Law word scan', () => {
  const words = [
    { word: '最', risk: 'medium' as const },
    { word: '最佳', risk: 'high' as const },
    { word: '第一', risk: 'high' as const, exemptions: ['第一次'] },
    { word: '100%', risk: 'medium' as const },
  ];

  it('finds each occurrence with index, word and risk, in text order', () => {
    const hits = scanBannedWords('最佳口感，销量第一，最受欢迎', words);
    expect(hits.map((h) => [h.index, h.word, h.risk])).toEqual([
      [0, '最佳', 'high'], // not also reported as 最
      [7, '第一', 'high'],
      [10, '最', 'medium'],
    ]);
  });

  it('skips occurrences inside an exempted phrase but not elsewhere', () => {
    const hits = scanBannedWords('第一次购买送礼品，全国第一', words);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ index: 11, word: '第一' });
    expect(scanBannedWords('第一次下单', words)).toEqual([]);
  });

  it('is case-insensitive and handles symbols', () => {
    expect(scanBannedWords('100%纯棉', words)[0]).toMatchObject({ index: 0, word: '100%' });
    expect(scanBannedWords('No.1 品牌', [{ word: 'NO.1', risk: 'high' }])[0]!.word).toBe('No.1');
  });

  it('ships a starter list with a risk and a legal note for each word', () => {
    const listed = STARTER_BANNED_WORDS.map((w) => w.word);
    for (const w of [
      '最',
      '最佳',
      '最好',
      '最低价',
      '第一',
      '唯一',
      '首个',
      '国家级',
      '世界级',
      '顶级',
      '极品',
      '极致',
      '绝对',
      '100%',
      '万能',
      '特效',
      '全网最低',
      '史上最',
      '独家',
      '王牌',
    ]) {
      expect(listed).toContain(w);
    }
    expect(new Set(listed).size).toBe(listed.length);
    expect(STARTER_BANNED_WORDS.every((w) => w.note.length > 0)).toBe(true);
    expect(STARTER_BANNED_WORDS.find((w) => w.word === '国家级')!.note).toContain('《广告法》第九条');
  });
});

describe('statuses and price changes', () => {
  it('allows 上架 from draft and off shelf, not back to draft from on sale', () => {
    expect(canProductTransition('draft', 'on_sale')).toBe(true);
    expect(canProductTransition('off_shelf', 'on_sale')).toBe(true);
    expect(canProductTransition('on_sale', 'draft')).toBe(false);
    expect(parseProductStatus('在售')).toBe('on_sale');
    expect(parseProductStatus('下架')).toBe('off_shelf');
    expect(parseProductStatus('草稿')).toBe('draft');
    expect(parseProductStatus('卖光了')).toBeNull();
  });

  it('applies set, delta and percent changes in whole fen', () => {
    expect(applyPercent(1999, -10)).toBe(1799); // 1799.1
    expect(applyPercent(1005, 10)).toBe(1106); // 1105.5 rounds up
    expect(applyPercent(100, 12.5)).toBe(113); // 112.5
    expect(applyPriceChange(5000, { mode: 'delta', fen: -100 })).toBe(4900);
    expect(applyPriceChange(5000, { mode: 'set', fen: 3990 })).toBe(3990);
  });
});
