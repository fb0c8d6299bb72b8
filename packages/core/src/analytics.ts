/**
 * The analytics contract: metric definitions (shown as tooltips), the traffic-source tree, the
 * tracker event types, and the response types of the analytics API. Formulas live in metrics.ts.
 * Every figure follows the glossary of the domain doc (§1–§3).
 */

import type { PaidTraffic, ShopAdLines } from './ads.js';

export type MetricFormat = 'count' | 'money' | 'percent' | 'duration' | 'decimal';

export interface MetricDef {
  zh: string;
  en: string;
  /** The definition shown in the tooltip. */
  defZh: string;
  defEn: string;
  format: MetricFormat;
}

export const METRICS = {
  uv: {
    zh: '访客数',
    en: 'Visitors (UV)',
    defZh: '统计期内去重的访客数；一名访客一天多次访问只算一次，多日访客数为每日访客数之和。',
    defEn: 'Distinct visitors per day; a multi-day figure is the sum of daily UV.',
    format: 'count',
  },
  pv: { zh: '浏览量', en: 'Page views (PV)', defZh: '页面被浏览的次数。', defEn: 'Number of page views.', format: 'count' },
  pvPerVisitor: {
    zh: '人均浏览量',
    en: 'Views per visitor',
    defZh: '浏览量 ÷ 访客数（访问深度）；多日为每日数值的平均。',
    defEn: 'PV ÷ UV; over several days the mean of daily values.',
    format: 'decimal',
  },
  avgDwellMs: {
    zh: '平均停留时长',
    en: 'Avg. dwell time',
    defZh: '商品详情页总停留时长 ÷ 详情页访问次数；多日为每日数值的平均。',
    defEn: 'Total dwell time on product pages ÷ product-page visits; mean of daily values.',
    format: 'duration',
  },
  bounceRate: {
    zh: '跳失率',
    en: 'Bounce rate',
    defZh: '只浏览了一个页面的访客 ÷ 全部访客（按天计算，多日取每日平均）。',
    defEn: 'Visitors with exactly one page view ÷ all visitors (daily; mean over days).',
    format: 'percent',
  },
  detailUv: {
    zh: '商品访客数',
    en: 'Product-page visitors',
    defZh: '浏览过商品详情页的访客数。',
    defEn: 'Visitors who viewed a product detail page.',
    format: 'count',
  },
  viewConversion: {
    zh: '浏览转化率',
    en: 'View rate',
    defZh: '浏览过商品详情页的访客 ÷ 全部访客。',
    defEn: 'Visitors who viewed a product page ÷ all visitors.',
    format: 'percent',
  },
  favRate: {
    zh: '收藏率',
    en: 'Favourite rate',
    defZh: '收藏的访客 ÷ 访客数。',
    defEn: 'Visitors who favourited ÷ visitors.',
    format: 'percent',
  },
  cartRate: {
    zh: '加购率',
    en: 'Add-to-cart rate',
    defZh: '加购的访客 ÷ 访客数。',
    defEn: 'Visitors who added to cart ÷ visitors.',
    format: 'percent',
  },
  orderConversion: {
    zh: '下单转化率',
    en: 'Order rate',
    defZh: '下单访客 ÷ 浏览过商品详情页的访客（运营手册口径）。',
    defEn: 'Ordering visitors ÷ visitors who viewed a product page (the handbook definition).',
    format: 'percent',
  },
  orderConversionAll: {
    zh: '下单转化率（平台口径）',
    en: 'Order rate (platform)',
    defZh: '下单买家数 ÷ 全部访客（生意参谋口径）。',
    defEn: 'Ordering buyers ÷ all visitors (the marketplace tools’ definition).',
    format: 'percent',
  },
  paymentRate: {
    zh: '付款转化率',
    en: 'Payment rate',
    defZh: '支付访客 ÷ 下单访客。',
    defEn: 'Paying visitors ÷ ordering visitors.',
    format: 'percent',
  },
  payConversion: {
    zh: '支付转化率',
    en: 'Conversion rate',
    defZh: '支付买家数 ÷ 访客数，最核心的转化率。',
    defEn: 'Paying buyers ÷ visitors — the headline conversion rate.',
    format: 'percent',
  },
  payingBuyers: {
    zh: '支付买家数',
    en: 'Paying buyers',
    defZh: '统计期内完成支付的去重买家数（多日为每日之和）。',
    defEn: 'Distinct buyers who paid (multi-day: sum of daily).',
    format: 'count',
  },
  paidFen: {
    zh: '支付金额',
    en: 'Paid amount',
    defZh:
      '统计期内支付的订单中买家实际支付的金额（按支付时间），全店含运费，不扣除退款；预售订单计入尾款支付当天。按商品统计时为该商品订单行的实付金额，不含运费。',
    defEn:
      'What buyers paid for orders paid in the period (by payment time): for the shop shipping included, refunds not subtracted; presale counts on the balance day. Per product: the product’s order lines as paid, without shipping.',
    format: 'money',
  },
  aov: {
    zh: '客单价',
    en: 'AOV',
    defZh: '支付金额 ÷ 支付买家数（按人计算，使 销售额 = 访客数 × 支付转化率 × 客单价 严格成立）。',
    defEn: 'Paid amount ÷ paying buyers (per buyer, so sales = UV × conversion × AOV holds exactly).',
    format: 'money',
  },
  orders: { zh: '订单数', en: 'Orders', defZh: '统计期内创建的订单数。', defEn: 'Orders created in the period.', format: 'count' },
  paidOrders: {
    zh: '支付订单数',
    en: 'Paid orders',
    defZh: '统计期内完成支付的订单数。',
    defEn: 'Orders paid in the period.',
    format: 'count',
  },
  units: {
    zh: '支付件数',
    en: 'Units sold',
    defZh: '统计期内支付订单中的商品件数。',
    defEn: 'Units in orders paid in the period.',
    format: 'count',
  },
  refundFen: {
    zh: '退款金额',
    en: 'Refunds',
    defZh:
      '统计期内退款成功的金额（按退款成功时间归属，即生意参谋的“成功退款金额”），无论原订单何时支付，因此已结束的日期不再变化；含取消已付款订单的退款；单独统计，不从支付金额中扣除。按商品统计时为该商品订单行的退款，不含运费退款。',
    defEn:
      'Refunds that succeeded in the period (by refund time, the marketplaces’ “successful refunds”), whenever the order was paid, so a closed day no longer changes; paid orders cancelled count too; a metric of its own, not subtracted from paid amount. Per product: refunds of the product’s lines, shipping refunds excluded.',
    format: 'money',
  },
  refundOrders: {
    zh: '退款订单数',
    en: 'Refunded orders',
    defZh: '统计期内有退款成功的订单数（按退款成功日期，同一天多次退款的订单只计一次）。',
    defEn: 'Orders with a refund that succeeded in the period (by refund day; an order refunded twice a day counts once).',
    format: 'count',
  },
  visitorValue: { zh: '访客价值', en: 'Visitor value', defZh: '支付金额 ÷ 访客数。', defEn: 'Paid amount ÷ visitors.', format: 'money' },
  grossProfitFen: {
    zh: '毛利',
    en: 'Gross profit',
    defZh:
      '支付金额 − 商品成本（售出时的 SKU 成本价 × 件数）。全店的支付金额含买家付的运费；不扣除退款、运费成本和推广费用（系统未记录这些成本）。',
    defEn:
      'Paid amount − cost of goods (the SKU’s cost at the time of sale × units). The shop’s paid amount includes shipping the buyer paid; refunds, shipping cost and marketing spend are not subtracted (not recorded).',
    format: 'money',
  },
  grossMargin: {
    zh: '毛利率',
    en: 'Gross margin',
    defZh: '毛利 ÷ 支付金额（毛利 = 支付金额 − 商品成本）。',
    defEn: 'Gross profit ÷ paid amount (gross profit = paid − cost of goods).',
    format: 'percent',
  },
  itemPayConversion: {
    zh: '支付转化率',
    en: 'Conversion rate',
    defZh: '支付买家数 ÷ 访客数（商品、来源口径）。没有访问记录的支付买家（手工录入、线下或导入的订单）同时计入访客数，所以不会超过 100%。',
    defEn:
      'Paying buyers ÷ visitors (per product or source). Buyers without a tracked visit (manual, offline or imported orders) also count as visitors, so it never exceeds 100 %.',
    format: 'percent',
  },
  groupUv: {
    zh: '访客数',
    en: 'Visitors (UV)',
    defZh:
      '一级来源的访客数按人去重：同一天经该组多个来源进店的访客只算一次，所以可能小于各二级来源之和。标注「访问量之和」时为二级来源之和（导入的平台统计不含访客明细）。',
    defEn:
      'A first-level source counts each visitor once a day, even when they came through several of its sources, so it may be less than the sum of its children. Marked "sum" when it is the children’s sum (imported statistics carry no visitor detail).',
    format: 'count',
  },
  share: {
    zh: '访客占比',
    en: 'Share of visitors',
    defZh: '该来源访客数 ÷ 全店访客数；一名访客经多个来源进店会在每个来源各计一次，占比之和可能超过 100%。',
    defEn: 'Source UV ÷ shop UV; a visitor arriving via several sources counts in each, so shares may exceed 100%.',
    format: 'percent',
  },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

// ---- traffic sources: two-level tree (domain §3), one tree per channel ----

export const SOURCE_GROUPS = [
  { code: 'free', zh: '淘内免费', en: 'On-platform free', paid: false, onsite: true },
  { code: 'paid', zh: '付费流量', en: 'Paid', paid: true, onsite: true },
  { code: 'own', zh: '自主访问', en: 'Own visits', paid: false, onsite: true },
  { code: 'offsite', zh: '淘外流量', en: 'Off-platform', paid: false, onsite: false },
  { code: 'other', zh: '其他', en: 'Other', paid: false, onsite: false },
] as const;
export type SourceGroupCode = (typeof SOURCE_GROUPS)[number]['code'];

/**
 * Each channel has its own source tree (a JD shop never shows 手淘搜索): Taobao and Tmall share
 * Taobao's, the own site and offline stores the web's. `all` marks a source shown on every channel
 * (其他, where unclassified visits land).
 */
export const SOURCE_FAMILIES = ['taobao', 'jd', 'pdd', 'douyin', 'web'] as const;
export type SourceFamily = (typeof SOURCE_FAMILIES)[number];
export type SourceFamilyOrAll = SourceFamily | 'all';

const FAMILY_OF_CHANNEL: Record<string, SourceFamily> = { taobao: 'taobao', tmall: 'taobao', jd: 'jd', pdd: 'pdd', douyin: 'douyin' };
/** The source tree a shop of this channel uses. */
export function sourceFamilyOf(channel: string): SourceFamily {
  return FAMILY_OF_CHANNEL[channel] ?? 'web';
}
/** Whether a source of `family` belongs to the tree of a shop whose tree is `shopFamily`. */
export function sourceInFamily(family: string, shopFamily: SourceFamily): boolean {
  return family === 'all' || family === shopFamily;
}

type Names = { zh: string; en: string };
/** First-level names by tree (the platforms' own words); `mixed` = several trees on one screen. */
export const SOURCE_GROUP_NAMES: Record<SourceFamily | 'mixed', Record<SourceGroupCode, Names>> = {
  taobao: {
    free: { zh: '淘内免费', en: 'On-platform free' },
    paid: { zh: '付费流量', en: 'Paid' },
    own: { zh: '自主访问', en: 'Own visits' },
    offsite: { zh: '淘外流量', en: 'Off-platform' },
    other: { zh: '其他', en: 'Other' },
  },
  jd: {
    free: { zh: '京东站内免费', en: 'JD free' },
    paid: { zh: '京东付费推广', en: 'JD paid' },
    own: { zh: '自主访问', en: 'Own visits' },
    offsite: { zh: '京东站外', en: 'Off JD' },
    other: { zh: '其他', en: 'Other' },
  },
  pdd: {
    free: { zh: '多多站内免费', en: 'PDD free' },
    paid: { zh: '多多付费推广', en: 'PDD paid' },
    own: { zh: '自主访问', en: 'Own visits' },
    offsite: { zh: '站外分享', en: 'Off-platform sharing' },
    other: { zh: '其他', en: 'Other' },
  },
  douyin: {
    free: { zh: '自然流量', en: 'Organic' },
    paid: { zh: '付费流量', en: 'Paid' },
    own: { zh: '自主访问', en: 'Own visits' },
    offsite: { zh: '站外流量', en: 'Off-platform' },
    other: { zh: '其他', en: 'Other' },
  },
  web: {
    free: { zh: '自然流量', en: 'Organic' },
    paid: { zh: '付费推广', en: 'Paid' },
    own: { zh: '直接访问与会员', en: 'Direct and members' },
    offsite: { zh: '社交与私域', en: 'Social and private' },
    other: { zh: '其他', en: 'Other' },
  },
  mixed: {
    free: { zh: '站内免费', en: 'On-platform free' },
    paid: { zh: '付费流量', en: 'Paid' },
    own: { zh: '自主访问', en: 'Own visits' },
    offsite: { zh: '站外流量', en: 'Off-platform' },
    other: { zh: '其他', en: 'Other' },
  },
};

/**
 * Rollup rows of a first-level group carry this source code ('@free' …): distinct visitors of the
 * group's sources that day, which the sum of its second-level rows over-counts (a visitor who came
 * through 手淘搜索 and 猜你喜欢 is one visitor of 淘内免费). Source codes start with a letter, so
 * they never collide.
 */
export const GROUP_ROLLUP_PREFIX = '@';
export const GROUP_ROLLUP_CODES: readonly string[] = SOURCE_GROUPS.map((g) => GROUP_ROLLUP_PREFIX + g.code);

export interface DefaultSource {
  code: string;
  group: SourceGroupCode;
  family: SourceFamilyOrAll;
  /**
   * The Taobao source it corresponds to (search, paid_search …): how an imported platform name or
   * the demo's behaviour carries over between trees.
   */
  kind: string;
  zh: string;
  en: string;
}

const tb = (code: string, group: SourceGroupCode, zh: string, en: string): DefaultSource => ({
  code,
  group,
  family: 'taobao',
  kind: code,
  zh,
  en,
});
const fam =
  (family: SourceFamily) =>
  (code: string, group: SourceGroupCode, kind: string, zh: string, en: string): DefaultSource => ({ code, group, family, kind, zh, en });
const jd = fam('jd');
const pdd = fam('pdd');
const dy = fam('douyin');
const web = fam('web');

/** The built-in second-level sources of every tree; users may add their own under any group. */
export const DEFAULT_SOURCES: readonly DefaultSource[] = [
  tb('search', 'free', '手淘搜索', 'Search'),
  tb('recommend', 'free', '推荐/猜你喜欢', 'Recommendation feed'),
  tb('activity', 'free', '活动（聚划算/天天特价/大促）', 'Activities'),
  tb('content', 'free', '内容/直播', 'Content and live'),
  tb('paid_search', 'paid', '直通车', 'Paid search'),
  tb('display', 'paid', '引力魔方/钻展', 'Display ads'),
  tb('affiliate', 'paid', '淘宝客', 'Affiliate'),
  tb('feed_ads', 'paid', '信息流广告', 'Feed ads'),
  tb('shop', 'own', '店铺页/自主访问', 'Shop pages'),
  tb('cart_fav', 'own', '购物车/收藏', 'Cart and favourites'),
  tb('my_orders', 'own', '我的订单', 'My orders'),
  tb('direct', 'own', '直接访问', 'Direct'),
  tb('social', 'offsite', '微信/社群/私域', 'Social / private domain'),
  tb('email_sms', 'offsite', '短信/邮件', 'SMS / email'),
  tb('external', 'offsite', '其他站外', 'Other off-platform'),
  jd('jd_search', 'free', 'search', '京东搜索', 'JD search'),
  jd('jd_recommend', 'free', 'recommend', '京东推荐', 'JD recommendations'),
  jd('jd_activity', 'free', 'activity', '京东活动（秒杀/618）', 'JD activities'),
  jd('jd_content', 'free', 'content', '逛/京东直播', 'JD content and live'),
  jd('jd_kuaiche', 'paid', 'paid_search', '京东快车', 'JD Kuaiche (paid search)'),
  jd('jd_display', 'paid', 'display', '京准通展位/购物触点', 'JD display ads'),
  jd('jd_jtk', 'paid', 'affiliate', '京挑客', 'JD affiliate (Jingtiaoke)'),
  jd('jd_shop', 'own', 'shop', '店铺页', 'Shop pages'),
  jd('jd_cart_fav', 'own', 'cart_fav', '购物车/关注', 'Cart and follows'),
  jd('jd_my_orders', 'own', 'my_orders', '我的订单', 'My orders'),
  jd('jd_offsite', 'offsite', 'external', '京东站外（微信/京喜）', 'Off JD (WeChat / Jingxi)'),
  pdd('pdd_search', 'free', 'search', '多多搜索', 'PDD search'),
  pdd('pdd_scene', 'free', 'recommend', '多多场景（首页/推荐）', 'PDD scenes (home / feed)'),
  pdd('pdd_activity', 'free', 'activity', '多多活动（百亿补贴/秒杀）', 'PDD activities'),
  pdd('pdd_search_ads', 'paid', 'paid_search', '搜索推广', 'PDD search ads'),
  pdd('pdd_scene_ads', 'paid', 'display', '场景推广', 'PDD scene ads'),
  pdd('pdd_ddjb', 'paid', 'affiliate', '多多进宝', 'PDD affiliate (Duoduo Jinbao)'),
  pdd('pdd_shop', 'own', 'shop', '店铺页', 'Shop pages'),
  pdd('pdd_fav', 'own', 'cart_fav', '收藏/足迹', 'Favourites and history'),
  pdd('pdd_my_orders', 'own', 'my_orders', '我的订单', 'My orders'),
  pdd('pdd_share', 'offsite', 'social', '微信分享/拼单', 'WeChat sharing / group buys'),
  dy('dy_video', 'free', 'content', '短视频', 'Short video'),
  dy('dy_live', 'free', 'content', '直播', 'Live'),
  dy('dy_mall', 'free', 'recommend', '商城（猜你喜欢/频道）', 'Mall (feed / channels)'),
  dy('dy_search', 'free', 'search', '抖音搜索', 'Douyin search'),
  dy('dy_qianchuan', 'paid', 'feed_ads', '千川', 'Qianchuan ads'),
  dy('dy_alliance', 'paid', 'affiliate', '精选联盟（达人带货）', 'Creator alliance'),
  dy('dy_shop', 'own', 'shop', '店铺页', 'Shop pages'),
  dy('dy_cart_fav', 'own', 'cart_fav', '购物车/收藏', 'Cart and favourites'),
  dy('dy_my_orders', 'own', 'my_orders', '我的订单', 'My orders'),
  dy('dy_offsite', 'offsite', 'external', '站外流量', 'Off-platform'),
  web('web_search', 'free', 'search', '搜索引擎', 'Search engines'),
  web('web_referral', 'free', 'external', '外部链接', 'Referring sites'),
  web('web_sem', 'paid', 'paid_search', '搜索引擎广告', 'Search engine ads'),
  web('web_feed_ads', 'paid', 'feed_ads', '信息流广告', 'Feed ads'),
  web('web_direct', 'own', 'direct', '直接访问', 'Direct'),
  web('web_member', 'own', 'cart_fav', '会员/购物车/收藏', 'Members, cart and favourites'),
  web('web_wechat', 'offsite', 'social', '微信', 'WeChat'),
  web('web_social', 'offsite', 'content', '社交媒体（微博/小红书/抖音）', 'Social media'),
  web('web_email_sms', 'offsite', 'email_sms', '短信/邮件', 'SMS / email'),
  { code: 'unknown', group: 'other', family: 'all', kind: 'unknown', zh: '其他', en: 'Other' },
];

/** The built-in sources of one tree (and the ones shown on every tree). */
export function defaultSourcesOf(family: SourceFamily): DefaultSource[] {
  return DEFAULT_SOURCES.filter((s) => sourceInFamily(s.family, family));
}

// ---- the tracker's events ----

export const EVENT_TYPES = ['page_view', 'product_view', 'favorite', 'add_to_cart', 'begin_checkout'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

// The event a tracker sends (`CollectEvent`) is the collector's schema: schemas/traffic.ts.

// ---- API response shapes (all money in fen, all days YYYY-MM-DD in the shop's zone) ----

/** The additive figures of a period; rates are derived with metrics.ts. */
export interface Totals {
  uv: number;
  pv: number;
  detailUv: number;
  favUv: number;
  cartUv: number;
  orderUv: number;
  payingBuyers: number;
  paidFen: number;
  orders: number;
  paidOrders: number;
  units: number;
  refundFen: number;
  refundOrders: number;
  costFen: number;
}

export interface DayPoint extends Totals {
  day: string;
  bounceRate: number | null;
  pvPerVisitor: number | null;
  avgDwellMs: number | null;
}

/**
 * A 今日实时 card. Today so far is compared on the same footing (as 生意参谋's real-time view):
 * with yesterday and with the same weekday last week, each from 00:00 up to the same time of day
 * as now (`DashboardResponse.asOf`) — never with whole days. Yesterday's whole-day figure is shown
 * beside it, compared with whole days.
 */
export interface DashboardCard {
  metric: 'uv' | 'pv' | 'payingBuyers' | 'paidFen' | 'payConversion' | 'aov' | 'orders' | 'refundFen';
  /** Today from 00:00 up to now. */
  today: number | null;
  /** Yesterday from 00:00 up to the same time of day (较昨日同时段). */
  yesterdaySameTime: number | null;
  /** The same weekday last week from 00:00 up to the same time of day (较上周同时段). */
  lastWeekSameTime: number | null;
  /** Yesterday, the whole day. */
  yesterday: number | null;
  /** The day before yesterday, whole day (compare with yesterday). */
  dayBefore: number | null;
  /** Same weekday last week as yesterday, whole day. */
  yesterdayLastWeek: number | null;
}

export interface FunnelStep {
  step: 'visit' | 'detail' | 'cart' | 'order' | 'pay';
  visitors: number;
  /** Share of the previous step (null for the first). */
  rate: number | null;
}

/** The figures of a source row, also given for the comparison period. */
export interface SourceFigures {
  uv: number;
  share: number | null;
  payingBuyers: number;
  paidFen: number;
  payConversion: number | null;
  visitorValue: number | null;
}

export interface SourceRow extends SourceFigures {
  code: string;
  group: SourceGroupCode;
  name: string;
  /** The same figures in the comparison period (traffic page; absent elsewhere). */
  base?: SourceFigures;
}

export interface SourceGroupRow extends Omit<SourceRow, 'group'> {
  /**
   * true when uv is the sum of the children's visitors (days from imported statistics, where who
   * visited is unknown); false when it counts each visitor of the group once per day.
   */
  uvIsSum: boolean;
  children: SourceRow[];
}

/** The figures of a product row that compare with a base period. */
export const PRODUCT_FIGURES = [
  'uv',
  'pv',
  'cartUv',
  'payingBuyers',
  'units',
  'paidFen',
  'payConversion',
  'refundFen',
  'grossProfitFen',
] as const;
export type ProductFigure = (typeof PRODUCT_FIGURES)[number];

export interface ProductRow {
  productId: string;
  title: string;
  uv: number;
  pv: number;
  cartUv: number;
  payingBuyers: number;
  /** Paying buyers without a tracked visit of the product that day (manual or imported orders). */
  untrackedBuyers?: number;
  units: number;
  paidFen: number;
  /** See METRICS.itemPayConversion: buyers without a tracked visit count as visitors too, so ≤ 100 %. */
  payConversion: number | null;
  refundFen: number;
  grossProfitFen: number | null;
  available: number | null;
  /** The same figures in the comparison period (product ranking; absent elsewhere). */
  base?: Pick<ProductRow, ProductFigure>;
}

export interface DashboardResponse {
  shopIds: string[];
  today: string;
  cards: DashboardCard[];
  /** The time of day (HH:mm, shop's zone) today's cards run to; the 同时段 comparisons stop there too. */
  asOf: string;
  /** The last 30 whole days, ending yesterday (today is the cards). */
  trend: DayPoint[];
  /** Funnel of the last 7 whole days, ending yesterday (as the top sources and products). */
  funnel: FunnelStep[];
  topSources: SourceRow[];
  topProducts: ProductRow[];
  alerts: {
    lowStock: { skuId: string; code: string; title: string; available: number; threshold: number }[];
    overdueAftersales: { id: string; code: string; orderId: string; type: string; dueAt: number }[];
  };
  isDemo: boolean;
}

export type TrafficTotals = Totals & { bounceRate: number | null; pvPerVisitor: number | null; avgDwellMs: number | null };

export interface TrafficResponse {
  from: string;
  to: string;
  /** The comparison period every figure's change is measured against. */
  compare: CompareMode;
  baseFrom: string;
  baseTo: string;
  /** The tree this page shows: one channel's, or `mixed` when the shops in scope use several. */
  family: SourceFamily | 'mixed';
  totals: TrafficTotals;
  baseTotals: TrafficTotals;
  tree: SourceGroupRow[];
  /** UV per day per second-level source code (only the sources that had visitors). */
  trend: { day: string; bySource: Record<string, number> }[];
  funnel: FunnelStep[];
  /** Paid-traffic share and 访客成本 of the period and of the comparison period (ads.ts). */
  paidTraffic: PaidTraffic;
  basePaidTraffic: PaidTraffic;
}

export interface ProductsResponse {
  from: string;
  to: string;
  compare: CompareMode;
  baseFrom: string;
  baseTo: string;
  items: ProductRow[];
  total: number;
  page: number;
  pageSize: number;
  /** 爆款潜力: UV rising (second half vs first half of the period) with conversion above the shop's. */
  hotCandidates: (ProductRow & { uvGrowth: number })[];
  /** 滞销: stock on hand but no sales in the period. */
  slowMovers: { productId: string; title: string; onHand: number; lastSoldDay: string | null }[];
}

export interface ProductDetailResponse {
  productId: string;
  title: string;
  from: string;
  to: string;
  totals: ProductRow;
  trend: (DayPoint & { payConversion: number | null })[];
  funnel: FunnelStep[];
}

export type CompareMode = 'previous' | 'wow' | 'mom' | 'yoy';

export interface TradeResponse {
  from: string;
  to: string;
  compare: CompareMode;
  baseFrom: string;
  baseTo: string;
  current: Totals;
  base: Totals;
  /** LMDI split of the change in paid amount: the three effects add up to deltaFen exactly (in fen, before rounding to display). */
  decomposition: { deltaFen: number; uvEffect: number; conversionEffect: number; aovEffect: number };
  trend: { day: string; paidFen: number; baseDay: string; basePaidFen: number }[];
  /** The ad lines (推广花费, ROI, 扣除推广后毛利 …) of both periods; null = 无推广数据. */
  ads: { current: ShopAdLines | null; base: ShopAdLines | null };
}
