/**
 * Mapping raw referrers and UTM tags to traffic sources (domain §3): an ordered, user-editable
 * rule table. The first enabled rule (lowest priority number, then oldest) whose field matches
 * decides; no match falls back to `unknown`.
 */
import type { CollectEvent, RuleField, RuleOp } from '@yunying/core';

export const FALLBACK_SOURCE = 'unknown';

export interface SourceRule {
  id: string;
  priority: number;
  field: RuleField;
  op: RuleOp;
  pattern: string;
  sourceCode: string;
  enabled: boolean;
  createdAt?: number;
}

/** What classification reads of a visit: the collected event's url, referrer and UTM tags. */
export type ClassifyInput = Pick<CollectEvent, 'url' | 'referrer' | 'utm'>;

/** The starter table a new organisation gets (editable; deleting a rule keeps it deleted). */
export const STARTER_RULES: readonly Omit<SourceRule, 'id' | 'enabled'>[] = [
  // UTM tags say what the link was bought for; they win over the referrer.
  { priority: 10, field: 'utm_medium', op: 'equals', pattern: 'cpc', sourceCode: 'paid_search' },
  { priority: 11, field: 'utm_medium', op: 'equals', pattern: 'ppc', sourceCode: 'paid_search' },
  { priority: 12, field: 'utm_source', op: 'equals', pattern: 'ztc', sourceCode: 'paid_search' },
  { priority: 13, field: 'utm_source', op: 'equals', pattern: 'zhitongche', sourceCode: 'paid_search' },
  { priority: 20, field: 'utm_medium', op: 'equals', pattern: 'display', sourceCode: 'display' },
  { priority: 21, field: 'utm_source', op: 'equals', pattern: 'zuanzhan', sourceCode: 'display' },
  { priority: 22, field: 'utm_source', op: 'equals', pattern: 'ylmf', sourceCode: 'display' },
  { priority: 30, field: 'utm_source', op: 'equals', pattern: 'taobaoke', sourceCode: 'affiliate' },
  { priority: 31, field: 'utm_source', op: 'equals', pattern: 'tbk', sourceCode: 'affiliate' },
  { priority: 32, field: 'utm_medium', op: 'equals', pattern: 'affiliate', sourceCode: 'affiliate' },
  { priority: 40, field: 'utm_medium', op: 'equals', pattern: 'feed', sourceCode: 'feed_ads' },
  { priority: 41, field: 'utm_source', op: 'equals', pattern: 'oceanengine', sourceCode: 'feed_ads' },
  { priority: 50, field: 'utm_source', op: 'equals', pattern: 'wechat', sourceCode: 'social' },
  { priority: 51, field: 'utm_source', op: 'equals', pattern: 'weixin', sourceCode: 'social' },
  { priority: 52, field: 'utm_medium', op: 'equals', pattern: 'social', sourceCode: 'social' },
  { priority: 60, field: 'utm_medium', op: 'equals', pattern: 'sms', sourceCode: 'email_sms' },
  { priority: 61, field: 'utm_medium', op: 'equals', pattern: 'email', sourceCode: 'email_sms' },
  { priority: 62, field: 'utm_source', op: 'equals', pattern: 'edm', sourceCode: 'email_sms' },
  { priority: 70, field: 'utm_medium', op: 'equals', pattern: 'live', sourceCode: 'content' },
  { priority: 71, field: 'utm_medium', op: 'equals', pattern: 'content', sourceCode: 'content' },
  { priority: 80, field: 'utm_medium', op: 'equals', pattern: 'activity', sourceCode: 'activity' },
  { priority: 81, field: 'utm_source', op: 'equals', pattern: 'juhuasuan', sourceCode: 'activity' },
  { priority: 90, field: 'utm_medium', op: 'equals', pattern: 'recommend', sourceCode: 'recommend' },
  // Referrers.
  { priority: 100, field: 'referrer_host', op: 'equals', pattern: 's.taobao.com', sourceCode: 'search' },
  { priority: 101, field: 'referrer_host', op: 'equals', pattern: 's.m.taobao.com', sourceCode: 'search' },
  { priority: 102, field: 'referrer_host', op: 'equals', pattern: 'list.tmall.com', sourceCode: 'search' },
  { priority: 103, field: 'referrer', op: 'regex', pattern: '^https?://[^/]*\\b(taobao|tmall)\\.com/[^?#]*search', sourceCode: 'search' },
  { priority: 110, field: 'referrer_host', op: 'contains', pattern: 'guess.taobao.com', sourceCode: 'recommend' },
  { priority: 120, field: 'referrer_host', op: 'contains', pattern: 'ju.taobao.com', sourceCode: 'activity' },
  { priority: 121, field: 'referrer_host', op: 'contains', pattern: 'pages.tmall.com', sourceCode: 'activity' },
  { priority: 130, field: 'referrer_host', op: 'equals', pattern: 'cart.taobao.com', sourceCode: 'cart_fav' },
  { priority: 131, field: 'referrer_host', op: 'contains', pattern: 'favorite', sourceCode: 'cart_fav' },
  { priority: 132, field: 'referrer_host', op: 'equals', pattern: 'buyertrade.taobao.com', sourceCode: 'my_orders' },
  { priority: 133, field: 'referrer_host', op: 'equals', pattern: 'shop.taobao.com', sourceCode: 'shop' },
  { priority: 140, field: 'referrer_host', op: 'contains', pattern: 'weixin.qq.com', sourceCode: 'social' },
  { priority: 141, field: 'referrer_host', op: 'contains', pattern: 'weibo.com', sourceCode: 'social' },
  { priority: 142, field: 'referrer_host', op: 'contains', pattern: 'xiaohongshu.com', sourceCode: 'social' },
  { priority: 143, field: 'referrer_host', op: 'contains', pattern: 'douyin.com', sourceCode: 'content' },
  { priority: 150, field: 'referrer_host', op: 'regex', pattern: '(^|\\.)mail\\.', sourceCode: 'email_sms' },
  {
    priority: 160,
    field: 'referrer_host',
    op: 'regex',
    pattern: '(^|\\.)(baidu|google|bing|sogou|so)\\.(com|cn)$',
    sourceCode: 'external',
  },
  // No referrer and no tags: typed in, bookmarked or opened from an app.
  { priority: 900, field: 'referrer', op: 'equals', pattern: '', sourceCode: 'direct' },

  // The other channels' trees: a shop only runs the rules that lead to its own tree's sources.
  // JD
  { priority: 10, field: 'utm_source', op: 'equals', pattern: 'kuaiche', sourceCode: 'jd_kuaiche' },
  { priority: 11, field: 'utm_source', op: 'equals', pattern: 'jd_kuaiche', sourceCode: 'jd_kuaiche' },
  { priority: 20, field: 'utm_source', op: 'equals', pattern: 'jzt', sourceCode: 'jd_display' },
  { priority: 30, field: 'utm_source', op: 'equals', pattern: 'jtk', sourceCode: 'jd_jtk' },
  { priority: 31, field: 'utm_source', op: 'equals', pattern: 'union.jd', sourceCode: 'jd_jtk' },
  { priority: 100, field: 'referrer_host', op: 'contains', pattern: 'search.jd.com', sourceCode: 'jd_search' },
  { priority: 110, field: 'referrer_host', op: 'contains', pattern: 're.jd.com', sourceCode: 'jd_recommend' },
  { priority: 120, field: 'referrer_host', op: 'contains', pattern: 'pro.jd.com', sourceCode: 'jd_activity' },
  { priority: 121, field: 'referrer_host', op: 'contains', pattern: 'miaosha.jd.com', sourceCode: 'jd_activity' },
  { priority: 130, field: 'referrer_host', op: 'contains', pattern: 'cart.jd.com', sourceCode: 'jd_cart_fav' },
  { priority: 132, field: 'referrer_host', op: 'contains', pattern: 'order.jd.com', sourceCode: 'jd_my_orders' },
  { priority: 133, field: 'referrer_host', op: 'contains', pattern: 'mall.jd.com', sourceCode: 'jd_shop' },
  { priority: 140, field: 'referrer_host', op: 'contains', pattern: 'weixin.qq.com', sourceCode: 'jd_offsite' },
  // PDD
  { priority: 10, field: 'utm_source', op: 'equals', pattern: 'pdd_search_ads', sourceCode: 'pdd_search_ads' },
  { priority: 20, field: 'utm_source', op: 'equals', pattern: 'pdd_scene_ads', sourceCode: 'pdd_scene_ads' },
  { priority: 30, field: 'utm_source', op: 'equals', pattern: 'ddjb', sourceCode: 'pdd_ddjb' },
  { priority: 100, field: 'referrer', op: 'contains', pattern: 'yangkeduo.com/search', sourceCode: 'pdd_search' },
  { priority: 110, field: 'referrer_host', op: 'contains', pattern: 'yangkeduo.com', sourceCode: 'pdd_scene' },
  { priority: 140, field: 'referrer_host', op: 'contains', pattern: 'weixin.qq.com', sourceCode: 'pdd_share' },
  // Douyin
  { priority: 10, field: 'utm_source', op: 'equals', pattern: 'qianchuan', sourceCode: 'dy_qianchuan' },
  { priority: 11, field: 'utm_source', op: 'equals', pattern: 'oceanengine', sourceCode: 'dy_qianchuan' },
  { priority: 30, field: 'utm_source', op: 'equals', pattern: 'alliance', sourceCode: 'dy_alliance' },
  { priority: 70, field: 'utm_medium', op: 'equals', pattern: 'live', sourceCode: 'dy_live' },
  { priority: 71, field: 'utm_medium', op: 'equals', pattern: 'video', sourceCode: 'dy_video' },
  { priority: 100, field: 'referrer', op: 'contains', pattern: 'douyin.com/search', sourceCode: 'dy_search' },
  { priority: 110, field: 'referrer', op: 'contains', pattern: 'live.douyin.com', sourceCode: 'dy_live' },
  { priority: 111, field: 'referrer_host', op: 'contains', pattern: 'douyin.com', sourceCode: 'dy_video' },
  { priority: 120, field: 'referrer_host', op: 'contains', pattern: 'jinritemai.com', sourceCode: 'dy_mall' },
  // The own site (web)
  { priority: 10, field: 'utm_medium', op: 'equals', pattern: 'cpc', sourceCode: 'web_sem' },
  { priority: 11, field: 'utm_medium', op: 'equals', pattern: 'ppc', sourceCode: 'web_sem' },
  { priority: 40, field: 'utm_medium', op: 'equals', pattern: 'feed', sourceCode: 'web_feed_ads' },
  { priority: 41, field: 'utm_source', op: 'equals', pattern: 'oceanengine', sourceCode: 'web_feed_ads' },
  { priority: 42, field: 'utm_source', op: 'equals', pattern: 'feed_ads', sourceCode: 'web_feed_ads' },
  { priority: 50, field: 'utm_source', op: 'equals', pattern: 'wechat', sourceCode: 'web_wechat' },
  { priority: 51, field: 'utm_source', op: 'equals', pattern: 'weixin', sourceCode: 'web_wechat' },
  { priority: 52, field: 'utm_medium', op: 'equals', pattern: 'social', sourceCode: 'web_social' },
  { priority: 60, field: 'utm_medium', op: 'equals', pattern: 'sms', sourceCode: 'web_email_sms' },
  { priority: 61, field: 'utm_medium', op: 'equals', pattern: 'email', sourceCode: 'web_email_sms' },
  { priority: 62, field: 'utm_source', op: 'equals', pattern: 'edm', sourceCode: 'web_email_sms' },
  { priority: 63, field: 'utm_source', op: 'equals', pattern: 'email_sms', sourceCode: 'web_email_sms' },
  { priority: 130, field: 'url', op: 'contains', pattern: '/member', sourceCode: 'web_member' },
  { priority: 131, field: 'url', op: 'contains', pattern: '/cart', sourceCode: 'web_member' },
  { priority: 140, field: 'referrer_host', op: 'contains', pattern: 'weixin.qq.com', sourceCode: 'web_wechat' },
  { priority: 141, field: 'referrer_host', op: 'contains', pattern: 'servicewechat.com', sourceCode: 'web_wechat' },
  {
    priority: 142,
    field: 'referrer_host',
    op: 'regex',
    pattern: '(^|\\.)(weibo|xiaohongshu|douyin|zhihu|bilibili)\\.(com|cn)$',
    sourceCode: 'web_social',
  },
  { priority: 150, field: 'referrer_host', op: 'regex', pattern: '(^|\\.)mail\\.', sourceCode: 'web_email_sms' },
  {
    priority: 160,
    field: 'referrer_host',
    op: 'regex',
    pattern: '(^|\\.)(baidu|google|bing|sogou|so|sm)\\.(com|cn)$',
    sourceCode: 'web_search',
  },
  // Any other site that links here; no referrer at all is a direct visit.
  { priority: 800, field: 'referrer_host', op: 'regex', pattern: '.', sourceCode: 'web_referral' },
  { priority: 900, field: 'referrer', op: 'equals', pattern: '', sourceCode: 'web_direct' },
];

const regexCache = new Map<string, RegExp | null>();
/** A rule's regex, compiled once (case-insensitive); null when the pattern does not compile. */
export function compileRegex(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'i');
    } catch {
      re = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

export function hostOf(referrer: string): string {
  if (!referrer) return '';
  try {
    return new URL(referrer).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/** The fields a rule may test, from an event's url, referrer and UTM tags (tags in the url count too). */
export function ruleFields(input: ClassifyInput): Record<RuleField, string> {
  let params: URLSearchParams | null = null;
  try {
    params = new URL(input.url, 'http://x.invalid').searchParams;
  } catch {
    params = null;
  }
  const utm = (k: 'source' | 'medium' | 'campaign') => (input.utm?.[k] ?? params?.get(`utm_${k}`) ?? '').trim();
  const referrer = (input.referrer ?? '').trim();
  return {
    utm_source: utm('source'),
    utm_medium: utm('medium'),
    utm_campaign: utm('campaign'),
    referrer_host: hostOf(referrer),
    referrer,
    url: input.url,
  };
}

export function ruleMatches(rule: Pick<SourceRule, 'op' | 'pattern'>, value: string): boolean {
  const v = value.toLowerCase();
  const p = rule.pattern.toLowerCase();
  switch (rule.op) {
    case 'equals':
      return v === p;
    case 'contains':
      return v !== '' && p !== '' && v.includes(p);
    case 'prefix':
      return v !== '' && p !== '' && v.startsWith(p);
    case 'regex': {
      if (v === '') return false;
      return compileRegex(rule.pattern)?.test(value) ?? false;
    }
  }
}

/** Sort rules into evaluation order (priority, then creation, then id). */
export function orderRules<T extends SourceRule>(rules: readonly T[]): T[] {
  return [...rules].sort((a, b) => a.priority - b.priority || (a.createdAt ?? 0) - (b.createdAt ?? 0) || a.id.localeCompare(b.id));
}

/**
 * Classify one visit. `rules` must already be in evaluation order (`orderRules`). Returns the
 * source code and the id of the deciding rule (null = fallback `unknown`).
 */
export function classifySource(rules: readonly SourceRule[], input: ClassifyInput): { sourceCode: string; ruleId: string | null } {
  const fields = ruleFields(input);
  for (const r of rules) {
    if (!r.enabled) continue;
    if (ruleMatches(r, fields[r.field])) return { sourceCode: r.sourceCode, ruleId: r.id };
  }
  return { sourceCode: FALLBACK_SOURCE, ruleId: null };
}

interface Memo {
  /** Whether an enabled rule reads the url itself (else only its utm_* parameters matter). */
  usesUrl: boolean;
  codes: Map<string, string>;
}
const memos = new WeakMap<readonly SourceRule[], Memo>();
const MEMO_MAX = 20_000;

/**
 * The source code of a visit, memoised per rule table (a loaded table is never mutated: editing
 * rules loads a new array, which starts a new memo). The collector calls this for every event;
 * storefront traffic repeats the same referrer/tag combinations over and over. Unless a rule
 * tests the url, a url without utm_ parameters cannot change the answer and is left out of the key.
 */
export function classifySourceCode(rules: readonly SourceRule[], input: ClassifyInput): string {
  let m = memos.get(rules);
  if (!m) {
    m = { usesUrl: rules.some((r) => r.enabled && r.field === 'url'), codes: new Map() };
    memos.set(rules, m);
  }
  // utm_ parameters may also arrive percent-encoded (utm%5Fsource): any '%' keeps the url too.
  const url = m.usesUrl || input.url.includes('utm_') || input.url.includes('%') ? input.url : '';
  const u = input.utm;
  const key = u
    ? `${url}\u0001${input.referrer ?? ''}\u0001${u.source ?? ''}\u0001${u.medium ?? ''}\u0001${u.campaign ?? ''}`
    : `${url}\u0001${input.referrer ?? ''}`;
  let code = m.codes.get(key);
  if (code === undefined) {
    code = classifySource(rules, input).sourceCode;
    if (m.codes.size >= MEMO_MAX) m.codes.clear();
    m.codes.set(key, code);
  }
  return code;
}
