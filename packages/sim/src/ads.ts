/**
 * The demo's paid promotion, derived from what the simulation already produced (so it changes
 * nothing of the simulation itself and its golden hashes): each shop's paid-search source (直通车,
 * 京东快车, 多多搜索, 千川) becomes an ad tool with three plans. A day's clicks are that source's
 * visitors of the day (distinct visitors in the raw events, or the statistics row's UV) — what
 * 流量来源 shows for the source is what the ad report shows as clicks; the orders placed that day by
 * visitors from the source are the plans' attributed orders.
 *
 * The plans: 爆款拉新 bids for about 2.5 × its products' break-even ROI and is capped by a daily
 * budget most days (the budget-capped winner); 新品测试 pays about twice what its clicks earn back
 * at break-even (below break-even every day); 品牌词 earns about 1.6 × break-even. Each plan has
 * three keywords and two creatives (主图A/主图B, B with a lower CTR) and writes keyword-level and
 * creative-level report rows that add up to the same plan totals.
 *
 * Use: `const ads = new AdBook(world); for (const d of g.days()) ads.add(d); ads.finish()`.
 */
import { Rng, hash32 } from './prng.js';
import type { SimDay, SimProduct, SimWorld } from './types.js';

/** The ad tool of each paid-search source code. */
const TOOL_OF_SOURCE: Record<string, { tool: string; zh: string }> = {
  paid_search: { tool: 'ztc', zh: '直通车' },
  jd_kuaiche: { tool: 'kuaiche', zh: '京东快车' },
  pdd_search_ads: { tool: 'pdd', zh: '多多搜索' },
  dy_qianchuan: { tool: 'qianchuan', zh: '千川' },
};

interface PlanSpec {
  key: string;
  name: string;
  /** Share of the source's clicks. */
  share: number;
  /** Target ROI as a multiple of break-even. */
  roiOfBreakEven: number;
  capped: boolean;
  keywords: [string, number][]; // name, CTR factor
}

const PLAN_SPECS: readonly PlanSpec[] = [
  { key: 'hot', name: '爆款拉新', share: 0.5, roiOfBreakEven: 2.5, capped: true, keywords: [] },
  { key: 'new', name: '新品测试', share: 0.3, roiOfBreakEven: 0.5, capped: false, keywords: [] },
  { key: 'brand', name: '品牌词', share: 0.2, roiOfBreakEven: 1.6, capped: false, keywords: [] },
];
const CREATIVES: [string, number][] = [
  ['主图A', 1.15],
  ['主图B', 0.85],
];
const BASE_CTR = 0.032;

export interface SimAdPlan {
  id: string;
  shopId: string;
  tool: string;
  name: string;
  dailyBudgetFen: number | null;
  bidFen: number | null;
  productIds: string[];
}

export interface SimAdRow {
  shopId: string;
  planId: string;
  tool: string;
  day: string;
  /** 'uk' keyword rows, 'uc' creative rows (unit + keyword / unit + creative). */
  level: string;
  unit: string;
  keyword: string;
  creative: string;
  impressions: number;
  clicks: number;
  spendFen: number;
  orders: number;
  salesFen: number;
  favs: number;
  carts: number;
}

interface Cell {
  k: number;
  c: number;
  clicks: number;
  impressions: number;
  spendFen: number;
  orders: number;
  salesFen: number;
  carts: number;
  favs: number;
}

interface PlanState {
  spec: PlanSpec;
  plan: SimAdPlan;
  unit: string;
  keywords: [string, number][];
  breakEven: number;
  /** Per day, the cells before any budget cap. */
  days: { day: string; cells: Cell[] }[];
}

function marginRate(products: readonly SimProduct[]): number {
  let price = 0;
  let margin = 0;
  for (const p of products)
    for (const s of p.skus) {
      price += s.priceFen;
      margin += s.priceFen - s.costFen;
    }
  return price > 0 ? margin / price : 0.4;
}

/** Split n into parts proportional to weights (largest remainder, deterministic). */
function split(n: number, weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (n * w) / total);
  const out = raw.map(Math.floor);
  let left = n - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    out[i]!++;
    left--;
  }
  return out;
}

const KEYWORD_WORDS = ['新款', '热卖', '正品', '推荐', '包邮', '大码'];

export class AdBook {
  private readonly plans = new Map<string, PlanState[]>(); // `${shopId}|${source}` → plans
  /** Running value per click (fen) of each shop's source. */
  private readonly vpc = new Map<string, number>();

  constructor(private readonly w: SimWorld) {}

  private plansOf(shopId: string, source: string): PlanState[] {
    const key = `${shopId}|${source}`;
    let list = this.plans.get(key);
    if (list) return list;
    const tool = TOOL_OF_SOURCE[source]!;
    const listed = this.w.listings.filter((l) => l.shopId === shopId).map((l) => this.w.products.find((p) => p.id === l.productId)!);
    const products = listed.length ? listed : this.w.products;
    list = PLAN_SPECS.map((spec, i) => {
      const promoted = products.slice(i * 2, i * 2 + (i === 2 ? 1 : 2));
      const main = promoted[0] ?? products[0]!;
      // The title without the brand word in front: 新疆长绒棉短袖T恤 of 栖木生活 新疆长绒棉短袖T恤 ….
      const words = main.title.split(/\s+/).filter(Boolean);
      const base = (words[1] ?? words[0] ?? main.title).slice(0, 8);
      const keywords: [string, number][] = [
        [base, 1.2],
        [`${base}${KEYWORD_WORDS[hash32(shopId, i) % KEYWORD_WORDS.length]}`, 1],
        [`${KEYWORD_WORDS[hash32(shopId, i, 'b') % KEYWORD_WORDS.length]}${base.slice(0, 2)}`, 0.7],
      ];
      const plan: SimAdPlan = {
        id: `adp_demo${(hash32(this.w.seed, shopId, source, spec.key) >>> 0).toString(36)}`,
        shopId,
        tool: tool.tool,
        name: `${tool.zh}-${spec.name}`,
        dailyBudgetFen: null,
        bidFen: null,
        productIds: promoted.map((p) => p.id),
      };
      return { spec, plan, unit: main.title, keywords, breakEven: 1 / marginRate(promoted), days: [] };
    });
    this.plans.set(key, list);
    return list;
  }

  /** Take one simulated day (in order). */
  add(d: SimDay): void {
    const visitors = new Map<string, Set<string>>();
    for (const e of d.events) {
      if (!TOOL_OF_SOURCE[e.sourceCode]) continue;
      const k = `${e.shopId}|${e.sourceCode}`;
      (visitors.get(k) ?? visitors.set(k, new Set()).get(k)!).add(e.visitorId);
    }
    const clicksOf = new Map<string, number>();
    for (const [k, set] of visitors) clicksOf.set(k, set.size);
    for (const s of d.trafficStats)
      if (s.productId === '' && TOOL_OF_SOURCE[s.sourceCode]) clicksOf.set(`${s.shopId}|${s.sourceCode}`, s.uv);
    const ordersOf = new Map<string, { id: string; paidFen: number }[]>();
    for (const o of d.orders) {
      if (!TOOL_OF_SOURCE[o.sourceCode] || o.paidDay === null || o.paidFen <= 0) continue;
      const k = `${o.shopId}|${o.sourceCode}`;
      (ordersOf.get(k) ?? ordersOf.set(k, []).get(k)!).push({ id: o.id, paidFen: o.paidFen });
    }
    for (const [key, clicks] of [...clicksOf].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (clicks <= 0) continue;
      const [shopId, source] = key.split('|') as [string, string];
      const plans = this.plansOf(shopId, source);
      const rng = Rng.of(this.w.seed, 'ads', shopId, source, d.day);
      const orders = ordersOf.get(key) ?? [];
      const sales = orders.reduce((a, o) => a + o.paidFen, 0);
      const prior = this.vpc.get(key);
      const today = sales / clicks;
      const vpc = prior === undefined ? (today > 0 ? today : 300) : prior;
      this.vpc.set(key, prior === undefined ? vpc : 0.8 * prior + 0.2 * today);
      const planClicks = split(
        clicks,
        plans.map((p) => p.spec.share),
      );
      // Orders go to the plan (and cell) their order id hashes to, weighted like the clicks.
      const planOrders = plans.map(() => [] as { id: string; paidFen: number }[]);
      for (const o of orders) {
        const x = (hash32(this.w.seed, o.id) >>> 0) / 4294967296;
        let acc = 0;
        let i = 0;
        for (; i < plans.length - 1; i++) {
          acc += plans[i]!.spec.share;
          if (x < acc) break;
        }
        planOrders[i]!.push(o);
      }
      plans.forEach((p, pi) => {
        const n = planClicks[pi]!;
        const po = planOrders[pi]!;
        const pSales = po.reduce((a, o) => a + o.paidFen, 0);
        // What the plan's clicks earned today sets its CPC for the target ROI (the tool's bidding
        // follows the conversions it sees), so the winner stays above and the new-product plan
        // below break-even; a day without orders bids from the source's running value per click
        // (the winner half as much).
        const worth = pSales > 0 && n > 0 ? pSales / n : p.spec.key === 'hot' ? vpc / 2 : vpc;
        const cpc = Math.max(10, Math.round((worth / (p.spec.roiOfBreakEven * p.breakEven)) * Math.exp(0.08 * rng.normal())));
        if (p.plan.bidFen === null) p.plan.bidFen = Math.round(cpc * 1.3);
        const weights = p.keywords.flatMap(([, kf]) => CREATIVES.map(([, cf]) => kf * cf));
        const cellClicks = split(n, weights);
        const cells: Cell[] = cellClicks.map((c, idx) => {
          const k = Math.floor(idx / CREATIVES.length);
          const ci = idx % CREATIVES.length;
          const ctr = BASE_CTR * p.keywords[k]![1] * CREATIVES[ci]![1] * Math.exp(0.1 * rng.normal());
          return {
            k,
            c: ci,
            clicks: c,
            impressions: c > 0 ? Math.max(c, Math.round(c / ctr)) : rng.poisson(20),
            spendFen: c * cpc,
            orders: 0,
            salesFen: 0,
            carts: Math.round(c * 0.08),
            favs: Math.round(c * 0.04),
          };
        });
        const total = cells.reduce((a, c) => a + c.clicks, 0);
        for (const o of po) {
          if (total === 0) break;
          let x = ((hash32(this.w.seed, o.id, 'cell') >>> 0) / 4294967296) * total;
          const cell = cells.find((c) => (x -= c.clicks) < 0) ?? cells[cells.length - 1]!;
          cell.orders++;
          cell.salesFen += o.paidFen;
        }
        p.days.push({ day: d.day, cells });
      });
    }
  }

  /**
   * The plans and report rows. The budget-capped plan's daily budget is the 30th percentile of its
   * uncapped spend over the window's last 30 days, and its spend is cut to the budget on the days
   * above it (the tool stops showing the ads when the budget is spent).
   */
  finish(): { plans: SimAdPlan[]; rows: SimAdRow[] } {
    const plans: SimAdPlan[] = [];
    const rows: SimAdRow[] = [];
    for (const list of [...this.plans.values()]) {
      for (const p of list) {
        if (p.spec.capped && p.days.length) {
          const recent = p.days
            .slice(-30)
            .map((d) => d.cells.reduce((a, c) => a + c.spendFen, 0))
            .sort((a, b) => a - b);
          const budget = Math.max(1000, Math.round(recent[Math.floor(recent.length * 0.3)]! / 1000) * 1000);
          p.plan.dailyBudgetFen = budget;
          for (const d of p.days) {
            const spend = d.cells.reduce((a, c) => a + c.spendFen, 0);
            if (spend <= budget) continue;
            const parts = split(
              budget,
              d.cells.map((c) => c.spendFen),
            );
            d.cells.forEach((c, i) => (c.spendFen = parts[i]!));
          }
        }
        plans.push(p.plan);
        for (const d of p.days) {
          const base = { shopId: p.plan.shopId, planId: p.plan.id, tool: p.plan.tool, day: d.day, unit: p.unit };
          const sum = (cells: Cell[]) => ({
            impressions: cells.reduce((a, c) => a + c.impressions, 0),
            clicks: cells.reduce((a, c) => a + c.clicks, 0),
            spendFen: cells.reduce((a, c) => a + c.spendFen, 0),
            orders: cells.reduce((a, c) => a + c.orders, 0),
            salesFen: cells.reduce((a, c) => a + c.salesFen, 0),
            favs: cells.reduce((a, c) => a + c.favs, 0),
            carts: cells.reduce((a, c) => a + c.carts, 0),
          });
          p.keywords.forEach(([kw], k) =>
            rows.push({ ...base, level: 'uk', keyword: kw, creative: '', ...sum(d.cells.filter((c) => c.k === k)) }),
          );
          CREATIVES.forEach(([cr], ci) =>
            rows.push({ ...base, level: 'uc', keyword: '', creative: cr, ...sum(d.cells.filter((c) => c.c === ci)) }),
          );
        }
      }
    }
    return { plans, rows };
  }
}
