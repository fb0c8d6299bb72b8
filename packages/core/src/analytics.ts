/**
 * The analytics contract: metric definitions (shown as tooltips), the traffic-source tree, the
 * tracker event types, and the response types of the analytics API. Formulas live in metrics.ts.
 * Every figure follows the glossary of the domain doc (§1–§3).
 */

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
    defZh: '买家实际支付的金额，含运费，不扣除退款；预售订单计入尾款支付当天。',
    defEn: 'What buyers paid, shipping included, refunds not subtracted; presale counts on the balance day.',
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
    defZh: '统计期内支付的订单后来发生的退款金额（按原订单支付日期归属；单独统计，不从支付金额中扣除）。',
    defEn:
      'Refunds of orders paid in the period, counted on the original order’s payment day (a metric of its own, not subtracted from paid amount).',
    format: 'money',
  },
  refundOrders: {
    zh: '退款订单数',
    en: 'Refunded orders',
    defZh: '统计期内支付的订单中发生过退款的订单数（按原订单支付日期归属）。',
    defEn: 'Orders paid in the period that had a refund (counted on the original order’s payment day).',
    format: 'count',
  },
  visitorValue: { zh: '访客价值', en: 'Visitor value', defZh: '支付金额 ÷ 访客数。', defEn: 'Paid amount ÷ visitors.', format: 'money' },
  grossProfitFen: {
    zh: '毛利',
    en: 'Gross profit',
    defZh: '支付金额 − 商品成本 − 运费成本。',
    defEn: 'Paid amount − cost of goods − shipping cost.',
    format: 'money',
  },
  grossMargin: { zh: '毛利率', en: 'Gross margin', defZh: '毛利 ÷ 支付金额。', defEn: 'Gross profit ÷ paid amount.', format: 'percent' },
  share: {
    zh: '访客占比',
    en: 'Share of visitors',
    defZh: '该来源访客数 ÷ 全店访客数；一名访客经多个来源进店会在每个来源各计一次，占比之和可能超过 100%。',
    defEn: 'Source UV ÷ shop UV; a visitor arriving via several sources counts in each, so shares may exceed 100%.',
    format: 'percent',
  },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

// ---- traffic sources: two-level tree (domain §3) ----

export const SOURCE_GROUPS = [
  { code: 'free', zh: '淘内免费', en: 'On-platform free', paid: false, onsite: true },
  { code: 'paid', zh: '付费流量', en: 'Paid', paid: true, onsite: true },
  { code: 'own', zh: '自主访问', en: 'Own visits', paid: false, onsite: true },
  { code: 'offsite', zh: '淘外流量', en: 'Off-platform', paid: false, onsite: false },
  { code: 'other', zh: '其他', en: 'Other', paid: false, onsite: false },
] as const;
export type SourceGroupCode = (typeof SOURCE_GROUPS)[number]['code'];

/** The built-in second-level sources; users may add their own under any group. */
export const DEFAULT_SOURCES: readonly { code: string; group: SourceGroupCode; zh: string; en: string }[] = [
  { code: 'search', group: 'free', zh: '手淘搜索', en: 'Search' },
  { code: 'recommend', group: 'free', zh: '推荐/猜你喜欢', en: 'Recommendation feed' },
  { code: 'activity', group: 'free', zh: '活动（聚划算/天天特价/大促）', en: 'Activities' },
  { code: 'content', group: 'free', zh: '内容/直播', en: 'Content and live' },
  { code: 'paid_search', group: 'paid', zh: '直通车', en: 'Paid search' },
  { code: 'display', group: 'paid', zh: '引力魔方/钻展', en: 'Display ads' },
  { code: 'affiliate', group: 'paid', zh: '淘宝客', en: 'Affiliate' },
  { code: 'feed_ads', group: 'paid', zh: '信息流广告', en: 'Feed ads' },
  { code: 'shop', group: 'own', zh: '店铺页/自主访问', en: 'Shop pages' },
  { code: 'cart_fav', group: 'own', zh: '购物车/收藏', en: 'Cart and favourites' },
  { code: 'my_orders', group: 'own', zh: '我的订单', en: 'My orders' },
  { code: 'direct', group: 'own', zh: '直接访问', en: 'Direct' },
  { code: 'social', group: 'offsite', zh: '微信/社群/私域', en: 'Social / private domain' },
  { code: 'email_sms', group: 'offsite', zh: '短信/邮件', en: 'SMS / email' },
  { code: 'external', group: 'offsite', zh: '其他站外', en: 'Other off-platform' },
  { code: 'unknown', group: 'other', zh: '其他', en: 'Other' },
];

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

export interface DashboardCard {
  metric: 'uv' | 'pv' | 'payingBuyers' | 'paidFen' | 'payConversion' | 'aov' | 'orders' | 'refundFen';
  today: number | null;
  yesterday: number | null;
  /** The day before yesterday (compare with yesterday). */
  dayBefore: number | null;
  /** Same weekday last week as today. */
  todayLastWeek: number | null;
  /** Same weekday last week as yesterday. */
  yesterdayLastWeek: number | null;
}

export interface FunnelStep {
  step: 'visit' | 'detail' | 'cart' | 'order' | 'pay';
  visitors: number;
  /** Share of the previous step (null for the first). */
  rate: number | null;
}

export interface SourceRow {
  code: string;
  group: SourceGroupCode;
  name: string;
  uv: number;
  share: number | null;
  payingBuyers: number;
  paidFen: number;
  payConversion: number | null;
  visitorValue: number | null;
}

export interface SourceGroupRow extends Omit<SourceRow, 'group'> {
  children: SourceRow[];
}

export interface ProductRow {
  productId: string;
  title: string;
  uv: number;
  pv: number;
  cartUv: number;
  payingBuyers: number;
  units: number;
  paidFen: number;
  payConversion: number | null;
  refundFen: number;
  grossProfitFen: number | null;
  available: number | null;
}

export interface DashboardResponse {
  shopIds: string[];
  today: string;
  cards: DashboardCard[];
  /** The last 30 days, today included. */
  trend: DayPoint[];
  /** Funnel of the last 7 days. */
  funnel: FunnelStep[];
  topSources: SourceRow[];
  topProducts: ProductRow[];
  alerts: {
    lowStock: { skuId: string; code: string; title: string; available: number; threshold: number }[];
    overdueAftersales: { id: string; code: string; orderId: string; type: string; dueAt: number }[];
  };
  isDemo: boolean;
}

export interface TrafficResponse {
  from: string;
  to: string;
  totals: Totals & { bounceRate: number | null; pvPerVisitor: number | null; avgDwellMs: number | null };
  tree: SourceGroupRow[];
  /** UV per day per second-level source code (only the sources that had visitors). */
  trend: { day: string; bySource: Record<string, number> }[];
  funnel: FunnelStep[];
}

export interface ProductsResponse {
  from: string;
  to: string;
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
}
