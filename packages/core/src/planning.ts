/**
 * Planning math (issue 15, domain §1 and §9–§10), pure and browser-safe:
 * - a sales target split into the visitors, conversion and AOV it needs (销售额 = 访客数 × 支付转化率 × 客单价);
 * - the pace curve a month's sales follow, shaped by past months' daily shares;
 * - the critical path of an activity plan (tasks with durations and dependencies);
 * - what-if (模拟): sales, margin and profit after changing traffic, conversion, AOV, discount, ad
 *   budget or cost of goods, with elasticities estimated from the shop's own days;
 * - a Monte-Carlo band (P10/P50/P90) of an activity's sales and the stock it needs, from a seeded PRNG.
 */

// ───────────────────────────── target decomposition ─────────────────────────────

export interface TargetSplit {
  salesFen: number;
  /** Paying buyers needed (whole buyers). */
  buyers: number;
  /** Visitors needed (whole visitors). */
  visitors: number;
  /** buyers ÷ visitors. */
  conversion: number;
  /** salesFen ÷ buyers (fen, not rounded: so visitors × conversion × aov = salesFen exactly). */
  aovFen: number;
}

/**
 * Split a sales target into the visitors, conversion and AOV it needs, keeping the basis ratios
 * (last month's or last year's conversion and AOV, or the user's own). Whole buyers and visitors
 * are needed, so the conversion and the AOV are then re-derived from them: buyers = round(T ÷ AOV₀)
 * (at least 1), visitors = round(buyers ÷ CR₀) (at least the buyers), CR = buyers ÷ visitors,
 * AOV = T ÷ buyers — which multiply back to T (visitors × CR × AOV = T) with no residual, and stay
 * within half a buyer / half a visitor of the basis ratios.
 */
export function decomposeTarget(salesFen: number, basis: { conversion: number; aovFen: number }): TargetSplit {
  if (!(salesFen > 0)) throw new RangeError('target must be positive');
  if (!(basis.conversion > 0 && basis.conversion <= 1)) throw new RangeError('conversion must be in (0, 1]');
  if (!(basis.aovFen > 0)) throw new RangeError('aov must be positive');
  const buyers = Math.max(1, Math.round(salesFen / basis.aovFen));
  const visitors = Math.max(buyers, Math.round(buyers / basis.conversion));
  return { salesFen, buyers, visitors, conversion: buyers / visitors, aovFen: salesFen / buyers };
}

// ───────────────────────────── pace curve ─────────────────────────────

/**
 * The cumulative share of a month's sales expected by the end of each of its `days` days, shaped
 * by past months: each past month's cumulative curve is read at the same relative position of the
 * month (day i of n ends at (i+1)/n, linear between that month's day ends) and the months are
 * averaged, weighted equally. A past month with no sales is skipped; with none left the curve is
 * the straight line (i+1)/n and `shaped` is false. The last value is exactly 1.
 */
export function paceCurve(
  pastMonths: readonly (readonly number[])[],
  days: number,
): { cumulative: number[]; shaped: boolean; months: number } {
  const curves: ((x: number) => number)[] = [];
  for (const m of pastMonths) {
    const total = m.reduce((a, b) => a + Math.max(0, b), 0);
    if (m.length === 0 || total <= 0) continue;
    const cum: number[] = [0];
    for (const v of m) cum.push(cum[cum.length - 1]! + Math.max(0, v) / total);
    const n = m.length;
    curves.push((x: number) => {
      const pos = x * n;
      const i = Math.min(n - 1, Math.floor(pos));
      const frac = pos - i;
      return cum[i]! + (cum[i + 1]! - cum[i]!) * frac;
    });
  }
  const cumulative: number[] = [];
  for (let i = 0; i < days; i++) {
    const x = (i + 1) / days;
    cumulative.push(i === days - 1 ? 1 : curves.length ? curves.reduce((a, f) => a + f(x), 0) / curves.length : x);
  }
  return { cumulative, shaped: curves.length > 0, months: curves.length };
}

/** Where a month stands against its pace after `elapsed` whole days (1 … days). */
export function paceStatus(
  targetFen: number,
  cumulative: readonly number[],
  actualToDateFen: number,
  elapsed: number,
): { expectedFen: number; gapFen: number; ratio: number | null; forecastFen: number | null } {
  const share = elapsed <= 0 ? 0 : cumulative[Math.min(elapsed, cumulative.length) - 1]!;
  const expectedFen = Math.round(targetFen * share);
  return {
    expectedFen,
    gapFen: actualToDateFen - expectedFen,
    ratio: expectedFen > 0 ? actualToDateFen / expectedFen : null,
    forecastFen: share > 0 ? Math.round(actualToDateFen / share) : null,
  };
}

// ───────────────────────────── critical path ─────────────────────────────

export interface PlanTaskInput {
  id: string;
  durationDays: number;
  dependsOn: readonly string[];
}
export interface ScheduledTask {
  id: string;
  /** Earliest start / finish, in days from the plan start (finish exclusive: start + duration). */
  es: number;
  ef: number;
  /** Latest start / finish that do not delay the plan. */
  ls: number;
  lf: number;
  slack: number;
  critical: boolean;
}
export type Schedule =
  | { ok: true; durationDays: number; tasks: ScheduledTask[]; criticalPath: string[] }
  | { ok: false; error: 'cycle' | 'unknown_dependency'; ids: string[] };

/**
 * The critical path method: a forward pass gives each task its earliest start (the latest finish
 * of what it depends on), a backward pass its latest finish (the earliest latest-start of what
 * depends on it, or the plan's end); slack = LS − ES, and the tasks with zero slack are critical.
 * `criticalPath` is one chain of critical tasks from a start to the end (the first in input order
 * at each step). A dependency cycle or an unknown id is reported with the ids involved.
 */
export function criticalPath(tasks: readonly PlanTaskInput[]): Schedule {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const unknown = tasks.flatMap((t) => t.dependsOn.filter((d) => !byId.has(d)).map(() => t.id));
  if (unknown.length) return { ok: false, error: 'unknown_dependency', ids: [...new Set(unknown)] };
  // Kahn's topological order.
  const indeg = new Map(tasks.map((t) => [t.id, t.dependsOn.length]));
  const next = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const d of t.dependsOn) next.get(d)!.push(t.id);
  const queue = tasks.filter((t) => t.dependsOn.length === 0).map((t) => t.id);
  const order: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(id);
    for (const n of next.get(id)!) {
      indeg.set(n, indeg.get(n)! - 1);
      if (indeg.get(n) === 0) queue.push(n);
    }
  }
  if (order.length !== tasks.length) return { ok: false, error: 'cycle', ids: tasks.filter((t) => !order.includes(t.id)).map((t) => t.id) };
  const es = new Map<string, number>();
  const ef = new Map<string, number>();
  for (const id of order) {
    const t = byId.get(id)!;
    const start = Math.max(0, ...t.dependsOn.map((d) => ef.get(d)!));
    es.set(id, start);
    ef.set(id, start + Math.max(0, t.durationDays));
  }
  const end = Math.max(0, ...ef.values());
  const lf = new Map<string, number>();
  const ls = new Map<string, number>();
  for (const id of [...order].reverse()) {
    const t = byId.get(id)!;
    const succ = next.get(id)!;
    const finish = succ.length ? Math.min(...succ.map((s) => ls.get(s)!)) : end;
    lf.set(id, finish);
    ls.set(id, finish - Math.max(0, t.durationDays));
  }
  const out: ScheduledTask[] = tasks.map((t) => {
    const slack = ls.get(t.id)! - es.get(t.id)!;
    return { id: t.id, es: es.get(t.id)!, ef: ef.get(t.id)!, ls: ls.get(t.id)!, lf: lf.get(t.id)!, slack, critical: slack === 0 };
  });
  const crit = new Map(out.map((t) => [t.id, t]));
  const path: string[] = [];
  let cur = tasks.find((t) => crit.get(t.id)!.critical && t.dependsOn.length === 0 && crit.get(t.id)!.es === 0);
  while (cur) {
    path.push(cur.id);
    const at = crit.get(cur.id)!.ef;
    cur = next
      .get(cur.id)!
      .map((id) => byId.get(id)!)
      .find((t) => crit.get(t.id)!.critical && crit.get(t.id)!.es === at);
  }
  return { ok: true, durationDays: end, tasks: out, criticalPath: path };
}

// ───────────────────────────── elasticities ─────────────────────────────

export interface Fit {
  /** Change of y per unit of x. */
  slope: number;
  intercept: number;
  /** Standard error of the slope. */
  se: number;
  /** 95% interval of the slope (±1.96 SE). */
  low: number;
  high: number;
  n: number;
  r2: number;
}

/** Ordinary least squares y = a + b·x with the slope's standard error; null with < 3 points or no spread in x. */
export function ols(points: readonly { x: number; y: number }[]): Fit | null {
  const pts = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const n = pts.length;
  if (n < 3) return null;
  const mx = pts.reduce((a, p) => a + p.x, 0) / n;
  const my = pts.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of pts) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const sse = pts.reduce((a, p) => a + (p.y - intercept - slope * p.x) ** 2, 0);
  const se = Math.sqrt(sse / (n - 2) / sxx);
  return { slope, intercept, se, low: slope - 1.96 * se, high: slope + 1.96 * se, n, r2: syy === 0 ? 1 : 1 - sse / syy };
}

/**
 * Elasticity of y with respect to x from daily pairs: the slope of ln y on ln x (a 1% change of x
 * moves y by `slope` %). Days with x or y ≤ 0 are left out.
 */
export function logLogElasticity(points: readonly { x: number; y: number }[]): Fit | null {
  return ols(points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) })));
}

/**
 * Semi-elasticity of y with respect to a share x (discount depth 0…1): the slope of ln y on x,
 * so y changes by a factor exp(slope · Δx).
 */
export function semiLogElasticity(points: readonly { x: number; y: number }[]): Fit | null {
  return ols(points.filter((p) => p.y > 0).map((p) => ({ x: p.x, y: Math.log(p.y) })));
}

/**
 * Elasticity of y with respect to x pooled over groups with a level of their own (fixed effects):
 * ln y and ln x are centred within each group, and the slope is fitted through the origin on the
 * centred values, so a group that is simply bigger (a plan with a larger budget and more sales)
 * does not pass for a response to spend; only each group's own day-to-day changes count. Points
 * with x or y ≤ 0 are left out, and groups with fewer than 2 points. The SE uses n − groups − 1
 * degrees of freedom; null when fewer than 3 points remain, no degree of freedom is left, or x
 * does not vary within any group. `intercept` is 0 (the levels are the groups' own); `r2` is the
 * within-group R².
 */
export function withinLogLogElasticity(points: readonly { group: string; x: number; y: number }[]): Fit | null {
  const groups = new Map<string, { x: number; y: number }[]>();
  for (const p of points) {
    if (!(p.x > 0 && p.y > 0 && Number.isFinite(p.x) && Number.isFinite(p.y))) continue;
    let g = groups.get(p.group);
    if (!g) groups.set(p.group, (g = []));
    g.push({ x: Math.log(p.x), y: Math.log(p.y) });
  }
  const centred: { x: number; y: number }[] = [];
  let k = 0;
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    k++;
    const mx = g.reduce((a, p) => a + p.x, 0) / g.length;
    const my = g.reduce((a, p) => a + p.y, 0) / g.length;
    for (const p of g) centred.push({ x: p.x - mx, y: p.y - my });
  }
  const n = centred.length;
  if (n < 3 || n - k - 1 < 1) return null;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of centred) {
    sxx += p.x * p.x;
    sxy += p.x * p.y;
    syy += p.y * p.y;
  }
  if (sxx < 1e-12) return null;
  const slope = sxy / sxx;
  const sse = centred.reduce((a, p) => a + (p.y - slope * p.x) ** 2, 0);
  const se = Math.sqrt(sse / (n - k - 1) / sxx);
  return { slope, intercept: 0, se, low: slope - 1.96 * se, high: slope + 1.96 * se, n, r2: syy === 0 ? 1 : 1 - sse / syy };
}

// ───────────────────────────── what-if ─────────────────────────────

export interface WhatIfBase {
  days: number;
  /** Visitors of the period by source code. */
  visitorsBySource: Readonly<Record<string, number>>;
  buyers: number;
  salesFen: number;
  /** Cost of goods of the period (fen). */
  costFen: number;
  /** Ad spend of the period (fen); 0 when no ads data. */
  adSpendFen: number;
  /** Sales the ad tools attribute to their plans in the period (fen); with `adOnAdSales` an ad budget change moves this share of the sales. */
  adSalesFen?: number;
  /** Average discount depth of the period (0 … 1: share of list price given away). */
  discount: number;
}

export interface WhatIfChange {
  /** Relative change of each source's visitors (0.1 = +10%). */
  trafficBySource?: Readonly<Record<string, number>>;
  /** Relative change of all visitors (applied on top of per-source changes). */
  traffic?: number;
  conversion?: number;
  aov?: number;
  /** New average discount depth (0 … 0.9); undefined keeps the base. */
  discount?: number;
  /** Relative change of the ad budget. */
  adBudget?: number;
  /** Relative change of the unit cost of goods. */
  cost?: number;
}

export interface WhatIfElasticities {
  /** ln(conversion) per unit of discount depth (semi-log), with its SE; null when not estimable. */
  discountOnConversion: Fit | null;
  /** % change of visitors per % change of ad spend (log-log), null without ads data. */
  adOnVisitors: Fit | null;
  /**
   * % change of the ad-attributed sales per % change of ad spend (log-log; below 1: diminishing
   * returns). Given with `base.adSalesFen` > 0, it replaces `adOnVisitors`: the ad share of the
   * visitors (ad sales ÷ sales, at the base conversion and AOV) grows by (1 + budget)^slope.
   */
  adOnAdSales?: Fit | null;
}

export interface WhatIfOutcome {
  visitors: number;
  buyers: number;
  conversion: number | null;
  aovFen: number | null;
  salesFen: number;
  costFen: number;
  adSpendFen: number;
  grossProfitFen: number;
  grossMargin: number | null;
  /** Gross profit − ad spend. */
  profitFen: number;
}

function outcome(visitors: number, buyers: number, salesFen: number, costFen: number, adSpendFen: number): WhatIfOutcome {
  const gp = salesFen - costFen;
  return {
    visitors: Math.round(visitors),
    buyers: Math.round(buyers),
    conversion: visitors > 0 ? buyers / visitors : null,
    aovFen: buyers > 0 ? salesFen / buyers : null,
    salesFen: Math.round(salesFen),
    costFen: Math.round(costFen),
    adSpendFen: Math.round(adSpendFen),
    grossProfitFen: Math.round(gp),
    grossMargin: salesFen > 0 ? gp / salesFen : null,
    profitFen: Math.round(gp - adSpendFen),
  };
}

/**
 * The period's outcome after the changes, from the base period and the elasticities:
 * visitors V' = Σ_s V_s·(1+t_s)·(1+t) · (1+b)^e_ad (ad budget b, elasticity e_ad; 1 without ads) — or, with
 * the ad sales' own elasticity β (`adOnAdSales`) and their share s of the sales, · (1 + s·((1+b)^β − 1)),
 * so the sales grow by exactly the ad sales' response adSales·((1+b)^β − 1) at the base conversion and AOV;
 * conversion CR' = CR·(1+c)·exp(β·(d'−d)) (β: the discount semi-elasticity, 0 when unknown);
 * AOV' = AOV·(1+a)·(1−d')/(1−d) (a deeper discount lowers what each buyer pays);
 * cost of goods follows the units bought, not the price paid: cost' = cost/buyers · buyers' · (1+a) · (1+k)
 * (an AOV change is read as more or fewer units per buyer; k: the unit cost change);
 * ad spend' = spend·(1+b). `low`/`high` repeat the sums with the elasticities at their 95% bounds.
 */
export function whatIf(
  base: WhatIfBase,
  change: WhatIfChange,
  el: WhatIfElasticities,
): { base: WhatIfOutcome; scenario: WhatIfOutcome; low: WhatIfOutcome; high: WhatIfOutcome } {
  const baseVisitors = Object.values(base.visitorsBySource).reduce((a, b) => a + b, 0);
  const baseOut = outcome(baseVisitors, base.buyers, base.salesFen, base.costFen, base.adSpendFen);
  const cr = baseVisitors > 0 ? base.buyers / baseVisitors : 0;
  const aovFen = base.buyers > 0 ? base.salesFen / base.buyers : 0;
  const costPerBuyer = base.buyers > 0 ? base.costFen / base.buyers : 0;
  const d0 = base.discount;
  const d1 = change.discount ?? d0;
  const adFit = !!el.adOnAdSales && (base.adSalesFen ?? 0) > 0 && base.salesFen > 0;
  const adShare = adFit ? Math.min(1, base.adSalesFen! / base.salesFen) : null;
  const run = (discountSlope: number, adSlope: number): WhatIfOutcome => {
    let visitors = 0;
    for (const [s, v] of Object.entries(base.visitorsBySource)) visitors += v * (1 + (change.trafficBySource?.[s] ?? 0));
    visitors *= 1 + (change.traffic ?? 0);
    const b = change.adBudget ?? 0;
    if (b !== 0 && base.adSpendFen > 0) {
      const f = Math.pow(Math.max(0.0001, 1 + b), adSlope);
      visitors *= adShare === null ? f : 1 + adShare * (f - 1);
    }
    const conv = Math.min(1, cr * (1 + (change.conversion ?? 0)) * Math.exp(discountSlope * (d1 - d0)));
    const buyers = visitors * conv;
    const aov = (aovFen * (1 + (change.aov ?? 0)) * (1 - d1)) / (1 - d0);
    const sales = buyers * aov;
    const cost = costPerBuyer * buyers * (1 + (change.aov ?? 0)) * (1 + (change.cost ?? 0));
    return outcome(visitors, buyers, sales, cost, base.adSpendFen * (1 + b));
  };
  const ds = el.discountOnConversion;
  const as = adFit ? el.adOnAdSales! : el.adOnVisitors;
  const scenario = run(ds?.slope ?? 0, as?.slope ?? 0);
  const a = run(ds?.low ?? 0, as?.low ?? 0);
  const z = run(ds?.high ?? 0, as?.high ?? 0);
  const [low, high] = a.salesFen <= z.salesFen ? [a, z] : [z, a];
  return { base: baseOut, scenario, low, high };
}

// ───────────────────────────── Monte Carlo ─────────────────────────────

/** mulberry32: a small seeded PRNG, so a band is the same on every run and in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
export function sampleNormal(rand: () => number): number {
  const u = Math.max(Number.EPSILON, rand());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** The p-quantile (0…1) of sorted values, linear between ranks. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface ActivityBandInput {
  /** Past ordinary days' sales (fen) and units, the baseline and its day-to-day spread. */
  history: readonly { salesFen: number; units: number }[];
  /** Days the activity lasts. */
  days: number;
  /** Expected uplift factor of daily sales during the activity (1.8 = +80%) and its standard deviation. */
  uplift: number;
  upliftSd: number;
  runs?: number;
  seed?: number;
}
export interface Band {
  p10: number;
  p50: number;
  p90: number;
}

/**
 * Monte-Carlo band of an activity's sales and the units (stock) it needs: each run draws an uplift
 * from Normal(uplift, upliftSd) (floored at 0) and, for each day, a past day at random (bootstrap,
 * so the spread and the price mix are the shop's own), multiplying its sales and units by the
 * uplift. P10/P50/P90 of the run totals; stock to hold for a 90% chance of not running out = units P90.
 */
export function activityBand(input: ActivityBandInput): { salesFen: Band; units: Band; runs: number } | null {
  const hist = input.history.filter((d) => d.salesFen >= 0 && d.units >= 0);
  if (hist.length === 0 || input.days <= 0) return null;
  const runs = input.runs ?? 2000;
  const rand = seededRandom(input.seed ?? 1);
  const sales: number[] = [];
  const units: number[] = [];
  for (let r = 0; r < runs; r++) {
    const u = Math.max(0, input.uplift + input.upliftSd * sampleNormal(rand));
    let s = 0;
    let n = 0;
    for (let d = 0; d < input.days; d++) {
      const day = hist[Math.floor(rand() * hist.length)]!;
      s += day.salesFen * u;
      n += day.units * u;
    }
    sales.push(s);
    units.push(n);
  }
  sales.sort((a, b) => a - b);
  units.sort((a, b) => a - b);
  const band = (v: number[], round: (x: number) => number): Band => ({
    p10: round(quantileSorted(v, 0.1)),
    p50: round(quantileSorted(v, 0.5)),
    p90: round(quantileSorted(v, 0.9)),
  });
  return { salesFen: band(sales, Math.round), units: band(units, Math.ceil), runs };
}
