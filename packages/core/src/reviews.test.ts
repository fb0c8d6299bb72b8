import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REVIEW_KEYWORDS,
  followupNext,
  matchColumns,
  parseImageCount,
  parseRatingCell,
  parseReviewRow,
  reviewColumns,
  reviewLevel,
  tagReview,
} from './reviews.js';
import { CHAT_COLUMNS, parseChatRow, parseDurationCell, serviceFigures, type ChatFact } from './serviceChats.js';

describe('review cells', () => {
  it('reads ratings as stars, 星, ★ and the Taobao levels; refuses the rest with the fix', () => {
    expect(['5', '4星', '★★★', '好评', '中评', '差评', '2.0'].map((x) => parseRatingCell(x))).toEqual(
      [5, 4, 3, 5, 3, 1, 2].map((value) => ({ ok: true, value })),
    );
    const bad = parseRatingCell('六星');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/1–5/);
    expect(parseRatingCell('').ok).toBe(false);
  });
  it('counts images given as a number or as links', () => {
    expect(parseImageCount('3')).toEqual({ ok: true, value: 3 });
    expect(parseImageCount('https://a/1.jpg,https://a/2.jpg; https://a/3.png')).toEqual({ ok: true, value: 3 });
    expect(parseImageCount('')).toEqual({ ok: true, value: 0 });
    expect(parseImageCount('很多').ok).toBe(false);
  });
  it('levels: 差评 1–2, 中评 3, 好评 4–5', () => {
    expect([1, 2, 3, 4, 5].map(reviewLevel)).toEqual(['bad', 'bad', 'neutral', 'good', 'good']);
  });
  it('finds the header by any platform word and names a bad cell by its header', () => {
    const m = matchColumns(['评论ID', '用户昵称', '评价星级', '评论内容', '评论时间', '物流服务'], reviewColumns('pdd'));
    expect(m.missing).toEqual([]);
    const row = parseReviewRow(['88', '拼友', '9', '不好', '2026-11-01 10:00:00', '6'], m);
    expect(row.ok).toBe(false);
    expect(!row.ok && row.errors.map((e) => e.column)).toEqual(['评价星级', '物流服务']);
    const ok = parseReviewRow(['88', '拼友', '1', '不好', '2026-11-01 10:00:00', '2'], m);
    expect(ok.ok && ok.row).toMatchObject({ reviewKey: '88', rating: 1, dsrLogistics: 2, buyerNick: '拼友' });
    expect(matchColumns(['评价内容'], reviewColumns('generic')).missing.map((x) => x.field)).toEqual(['rating', 'reviewedAt']);
  });
});

describe('tags and follow-up', () => {
  it('tags 中差评 by keyword, never a 好评', () => {
    expect(tagReview(1, '物流太慢了，颜色和图片不一样', DEFAULT_REVIEW_KEYWORDS)).toEqual(['物流慢', '色差']);
    expect(tagReview(5, '质量很好', DEFAULT_REVIEW_KEYWORDS)).toEqual([]);
    expect(tagReview(3, '尺码偏大', [{ tag: 'S', keywords: ['偏大'] }])).toEqual(['S']);
  });
  it('steps go in any order until closed; only reopen after close', () => {
    expect(followupNext('open', 'reply')).toBe('replied');
    expect(followupNext('replied', 'contact')).toBe('contacted');
    expect(followupNext('contacted', 'close')).toBe('closed');
    expect(followupNext('closed', 'contact')).toBeNull();
    expect(followupNext('closed', 'reopen')).toBe('open');
    expect(followupNext('open', 'reopen')).toBeNull();
  });
});

describe('chat cells and figures', () => {
  it('reads durations in the tools’ forms', () => {
    expect(['12', '12秒', '1分5秒', '00:01:05', '1:05', '12.6', ''].map((x) => parseDurationCell(x))).toEqual(
      [12, 12, 65, 65, 65, 13, null].map((value) => ({ ok: true, value })),
    );
    expect(parseDurationCell('很快').ok).toBe(false);
  });
  it('refuses an end before the start, naming the column', () => {
    const m = matchColumns(['接待客服', '买家昵称', '会话开始时间', '会话结束时间'], CHAT_COLUMNS);
    const r = parseChatRow(['小美', 'b1', '2026-11-01 10:00:00', '2026-11-01 09:00:00'], m);
    expect(!r.ok && r.errors[0]!.column).toBe('会话结束时间');
  });
  it('询单转化率 counts a buyer once from their first enquiry, within the window', () => {
    const t = (h: number, day = '2026-11-01') => Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10), h);
    const chat = (customer: string, h: number, fr: number | null): ChatFact => ({
      agent: 'A',
      customer,
      startedAt: t(h),
      startDay: '2026-11-01',
      firstResponseS: fr,
      endedAt: t(h) + 60_000,
    });
    const chats = [chat('x', 9, 10), chat('x', 15, 40), chat('y', 10, null), chat('z', 11, 20)];
    const paid = new Map([
      ['x', [{ buyer: 'x', paidAt: t(16), paidDay: '2026-11-01', paidFen: 1000 }]],
      ['y', [{ buyer: 'y', paidAt: t(9), paidDay: '2026-11-01', paidFen: 500 }]], // before the enquiry
      ['z', [{ buyer: 'z', paidAt: t(10, '2026-11-03'), paidDay: '2026-11-03', paidFen: 700 }]], // after the window
    ]);
    const f = serviceFigures('A', chats, paid, 1);
    expect(f).toMatchObject({ enquiries: 4, buyers: 3, convertedBuyers: 1, convertedPaidFen: 1000, convertedAovFen: 1000, answered: 3 });
    expect(f.within30s).toBe(2 / 4);
    expect(f.avgFirstResponseS).toBeCloseTo(70 / 3, 12);
    expect(serviceFigures('A', chats, paid, 2).convertedBuyers).toBe(2);
  });
});
