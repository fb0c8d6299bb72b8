/**
 * The pricing engine (issue 12, domain §5): prices a cart against a price list of promotions and
 * coupons, in integer fen, and explains every fen line by line. Pure: no I/O, no clock unless the
 * caller gives none.
 *
 * Stacking (docs/pricing.md states it for operators):
 *   1. item stage  a. unit prices — 会员价 / 单品折扣 / 限时折扣: each unit gets the lowest price
 *                     offered (they never combine on one unit); per-buyer limits cap the units;
 *                  b. 套餐 on the stage-a prices, then c. 买X送Y / 第二件半价 on units no set took;
 *   2. order stage — 满减 / 满折 / 满件折: thresholds measured on the in-scope amount after the item
 *      stage; each discount computed on the current amount, in priority order, and allocated to
 *      the in-scope lines by largest remainder;
 *   3. coupons — threshold on the in-scope amount after the order stage; allocated the same way;
 *   4. gifts (赠品) on the final goods amount; 5. shipping (包邮 / 满包邮) on the final goods amount.
 * Exclusive groups: promotions sharing `exclusiveGroup` never combine. Within a stage the member
 * that alone would save the buyer most wins (ties: priority, then id); once a member applied in an
 * earlier stage, later-stage members of its group are refused.
 * Price floor: no unit price and no line may end below cost ÷ (1 − minMargin). A unit price under
 * the floor is refused for that line; an order discount or coupon is first allocated in
 * proportion, then — if that breaks a floor — within each line's room above its floor; if the
 * room is too small the promotion is refused. Lines are processed in lineId order, so the result
 * does not depend on the order of the cart's lines.
 */
import { AppError } from '../errors.js';
import { allocate, formatFen } from '../money.js';
import type {
  AppliedPromotion,
  Cart,
  CartLine,
  Coupon,
  LineAdjustment,
  PriceCut,
  PriceList,
  PriceResult,
  PricedLine,
  PricingStage,
  Promotion,
  PromotionHint,
  PromotionKind,
  RefusedPromotion,
} from './types.js';
import { PROMOTION_KIND_LABELS, PROMOTION_STAGE } from './types.js';

// ───────────────────────────── compiled price list ─────────────────────────────

interface Compiled {
  ord: number;
  id: string;
  name: string;
  source: 'promotion' | 'coupon';
  kind: PromotionKind | 'coupon';
  stage: PricingStage;
  priority: number;
  group: string | undefined;
  promo: Promotion | undefined;
  coupon: Coupon | undefined;
  startMs: number;
  endMs: number;
  pricedStatus: boolean;
  weekdays: number; // bit mask, bit d for weekday d (1..7); 0 = every day
  shops: Set<string> | undefined;
  channels: Set<string> | undefined;
  levels: Set<string> | undefined;
  regions: Set<string> | undefined;
  exRegions: Set<string> | undefined;
  allItems: boolean;
  skus: Set<string> | undefined;
  products: Set<string> | undefined;
  categories: Set<string> | undefined;
  exclude: Set<string> | undefined;
  skuCuts: Map<string, PriceCut> | undefined;
  /** Scratch for one priceCart call (set when the promotion holds the cart): the lines in its scope. */
  /** 「类型「名称」」 as explanations start. */
  title: string;
  /** A bundle's items, one entry per SKU. */
  bundleItems: { skuId: string; qty: number }[];
  /** The note of an allocated share (the amount is the adjustment's amountFen): built once, not per line. */
  shareNote: string;
  /** Order-level tiers, ascending (sorted once here, not per cart). */
  tiers: readonly unknown[] | undefined;
  mark: number;
  lines: LineState[];
  active: number;
}

/** A price list prepared once (scopes indexed) and reused for many carts. */
export interface CompiledPriceList {
  readonly list: PriceList;
  readonly promos: readonly Compiled[];
  readonly bySku: ReadonlyMap<string, Compiled[]>;
  readonly byProduct: ReadonlyMap<string, Compiled[]>;
  readonly byCategory: ReadonlyMap<string, Compiled[]>;
  readonly allItems: readonly Compiled[];
  readonly coupons: ReadonlyMap<string, Compiled>;
}

const STAGE_ORDER: Record<PricingStage, number> = { item: 0, order: 1, coupon: 2, gift: 3, shipping: 4 };
const ITEM_SUBSTAGE: Partial<Record<PromotionKind, number>> = {
  member_price: 0,
  item_discount: 0,
  flash_sale: 0,
  bundle: 1,
  buy_x_get_y: 2,
};

const setOf = (xs: readonly string[] | undefined): Set<string> | undefined => (xs && xs.length > 0 ? new Set(xs) : undefined);
const timeOf = (iso: string | undefined, dflt: number): number => (iso === undefined ? dflt : Date.parse(iso));

function compileOne(
  ord: number,
  base: { id: string; name: string; startsAt?: string | undefined; endsAt?: string | undefined; scope: Promotion['scope'] },
  extra: Pick<Compiled, 'source' | 'kind' | 'stage' | 'priority' | 'group' | 'promo' | 'coupon' | 'pricedStatus' | 'weekdays'>,
): Compiled {
  const s = base.scope;
  const c: Compiled = {
    ord,
    id: base.id,
    name: base.name,
    ...extra,
    startMs: timeOf(base.startsAt, -Infinity),
    endMs: timeOf(base.endsAt, Infinity),
    shops: setOf(s.shopIds),
    channels: setOf(s.channels),
    levels: setOf(s.memberLevels),
    regions: setOf(s.regions),
    exRegions: setOf(s.excludeRegions),
    skus: setOf(s.skuIds),
    products: setOf(s.productIds),
    categories: setOf(s.categoryIds),
    exclude: setOf(s.excludeSkuIds),
    allItems: false,
    skuCuts: undefined,
    title: '',
    bundleItems: [],
    shareNote: '',
    tiers: undefined,
    mark: 0,
    lines: [],
    active: 0,
  };
  const rule = extra.promo?.rule;
  if (rule?.kind === 'bundle') {
    // A set is defined by its SKUs: those are its scope.
    c.skus = new Set(rule.items.map((i) => i.skuId));
    // The same SKU listed twice in a set counts once with the quantities added.
    const merged = new Map<string, number>();
    for (const it of rule.items) merged.set(it.skuId, (merged.get(it.skuId) ?? 0) + it.qty);
    c.bundleItems = [...merged].map(([skuId, qty]) => ({ skuId, qty }));
    c.products = undefined;
    c.categories = undefined;
  }
  if ((rule?.kind === 'item_discount' || rule?.kind === 'flash_sale') && rule.skuCuts?.length) {
    c.skuCuts = new Map(rule.skuCuts.map((x) => [x.skuId, x.cut]));
  }
  if (rule?.kind === 'full_reduction') c.tiers = [...rule.tiers].sort((a, b) => a.thresholdFen - b.thresholdFen);
  if (rule?.kind === 'full_discount') c.tiers = [...rule.tiers].sort((a, b) => a.thresholdFen - b.thresholdFen);
  if (rule?.kind === 'qty_discount') c.tiers = [...rule.tiers].sort((a, b) => a.minQty - b.minQty);
  c.allItems = !c.skus && !c.products && !c.categories;
  c.title = `${extra.kind === 'coupon' ? '优惠券' : PROMOTION_KIND_LABELS[extra.kind].zh}「${c.name}」`;
  c.shareNote = `${c.title}按金额比例分摊`;
  return c;
}

/** Index a price list once; price many carts with it (the bench prices 20-line carts in µs). */
export function compilePriceList(list: PriceList): CompiledPriceList {
  const sorted = [...list.promotions].sort(
    (a, b) =>
      STAGE_ORDER[PROMOTION_STAGE[a.rule.kind]] - STAGE_ORDER[PROMOTION_STAGE[b.rule.kind]] ||
      a.priority - b.priority ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const promos: Compiled[] = sorted.map((p, ord) =>
    compileOne(ord, p, {
      source: 'promotion',
      kind: p.rule.kind,
      stage: PROMOTION_STAGE[p.rule.kind],
      priority: p.priority,
      group: p.exclusiveGroup,
      promo: p,
      coupon: undefined,
      pricedStatus: p.status === 'active' || p.status === 'scheduled',
      weekdays: (p.weekdays ?? []).reduce((m, d) => m | (1 << d), 0),
    }),
  );
  const bySku = new Map<string, Compiled[]>();
  const byProduct = new Map<string, Compiled[]>();
  const byCategory = new Map<string, Compiled[]>();
  const allItems: Compiled[] = [];
  const push = (m: Map<string, Compiled[]>, k: string, c: Compiled) => {
    const xs = m.get(k);
    if (xs) xs.push(c);
    else m.set(k, [c]);
  };
  for (const c of promos) {
    if (!c.pricedStatus) continue;
    if (c.allItems) allItems.push(c);
    for (const k of c.skus ?? []) push(bySku, k, c);
    for (const k of c.products ?? []) push(byProduct, k, c);
    for (const k of c.categories ?? []) push(byCategory, k, c);
  }
  const coupons = new Map<string, Compiled>();
  list.coupons.forEach((cp, i) =>
    coupons.set(
      cp.id,
      compileOne(promos.length + i, cp, {
        source: 'coupon',
        kind: 'coupon',
        stage: 'coupon',
        priority: 0,
        group: cp.exclusiveGroup,
        promo: undefined,
        coupon: cp,
        pricedStatus: true,
        weekdays: 0,
      }),
    ),
  );
  return { list, promos, bySku, byProduct, byCategory, allItems, coupons };
}

// ───────────────────────────── arithmetic ─────────────────────────────

const SAFE_PRODUCT = 900_719_925_474; // × 10000 stays a safe integer

/** amount × bp / 10000, rounded half up, in whole fen. */
export function percentOf(amount: number, bp: number): number {
  if (amount <= SAFE_PRODUCT) return Math.floor((amount * bp + 5000) / 10000);
  return Math.round((amount / 10000) * bp);
}

/** The unit price after a cut (never below 0, never above the unit price). */
export function applyCut(unitFen: number, cut: PriceCut): number {
  const p = cut.type === 'percent' ? unitFen - percentOf(unitFen, cut.offBp) : cut.type === 'amount' ? unitFen - cut.offFen : cut.priceFen;
  return Math.max(0, Math.min(unitFen, p));
}

/** The lowest unit price a cost and a minimum gross margin allow: ⌈cost ÷ (1 − m)⌉. */
export function floorUnitPrice(costFen: number, minMarginBp: number): number {
  const d = 10000 - minMarginBp;
  if (costFen <= SAFE_PRODUCT) return Math.floor((costFen * 10000 + d - 1) / d);
  return Math.ceil((costFen * 10000) / d);
}

/**
 * Split `total` over lines in proportion to `weights` (largest remainder), without any line
 * getting more than its `room`. Returns null when the rooms together are too small.
 */
/**
 * Stable in-place insertion sort: the engine sorts many tiny arrays (a line's offers and price
 * tiers, a promotion's candidates), where Array.prototype.sort's set-up allocates more than the
 * sort costs. Larger arrays go to the built-in sort.
 */
function sortSmall<T>(xs: T[], cmp: (a: T, b: T) => number): void {
  const n = xs.length;
  if (n > 16) {
    xs.sort(cmp);
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = xs[i]!;
    let j = i - 1;
    while (j >= 0 && cmp(xs[j]!, x) > 0) {
      xs[j + 1] = xs[j]!;
      j--;
    }
    xs[j + 1] = x;
  }
}

let fracScratch = new Float64Array(64);
function byFracDesc(a: number, b: number): number {
  // an integer result: a fractional difference would be boxed on every comparison
  const fa = fracScratch[a]!;
  const fb = fracScratch[b]!;
  return fb > fa ? 1 : fb < fa ? -1 : a - b;
}

/**
 * money.allocate's largest-remainder split (same results: exact share (total × w) ÷ Σw, floors,
 * the remaining fen to the largest fractions, ties to the earlier index) without allocating a
 * record per weight — this runs for every order discount of every cart.
 */
function split(total: number, weights: readonly number[]): number[] {
  const n = weights.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i]!;
  if (sum === 0 || total < 0) return allocate(total, weights);
  if (fracScratch.length < n) fracScratch = new Float64Array(n * 2);
  const out = new Array<number>(n);
  const idx: number[] = new Array<number>(n);
  let rest = total;
  for (let i = 0; i < n; i++) {
    const x = (total * weights[i]!) / sum;
    const f = Math.floor(x);
    out[i] = f;
    fracScratch[i] = x - f;
    idx[i] = i;
    rest -= f;
  }
  if (rest > 0) {
    sortSmall(idx, byFracDesc);
    for (let k = 0; k < n && rest > 0; k++, rest--) out[idx[k]!]! += 1;
  }
  return out;
}

export function allocateWithin(total: number, weights: readonly number[], rooms: readonly number[]): number[] | null {
  const n = weights.length;
  let roomSum = 0;
  for (const r of rooms) roomSum += r;
  if (roomSum < total) return null;
  const first = split(total, weights);
  let fits = true;
  for (let i = 0; i < n && fits; i++) fits = first[i]! <= rooms[i]!;
  if (fits) return first;
  const res = new Array<number>(n).fill(0);
  let rest = total;
  let active = rooms.map((_, i) => i).filter((i) => rooms[i]! > 0);
  while (rest > 0 && active.length > 0) {
    const w = active.map((i) => weights[i]!);
    const ws = w.some((x) => x > 0) ? w : active.map((i) => rooms[i]!);
    const s = split(rest, ws);
    const over = active.filter((i, k) => s[k]! > rooms[i]! - res[i]!);
    if (over.length === 0) {
      active.forEach((i, k) => (res[i]! += s[k]!));
      rest = 0;
      break;
    }
    for (const i of over) {
      rest -= rooms[i]! - res[i]!;
      res[i] = rooms[i]!;
    }
    const overSet = new Set(over);
    active = active.filter((i) => !overSet.has(i));
  }
  return res;
}

/** ¥1,234.50 without a regular expression (the engine formats a few strings per line). */
function yuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) return formatFen(fen);
  const neg = fen < 0;
  const abs = neg ? -fen : fen;
  let y = Math.floor(abs / 100);
  const c = abs % 100;
  let head = '';
  while (y >= 1000) {
    const g = y % 1000;
    head = `,${g < 10 ? '00' : g < 100 ? '0' : ''}${g}${head}`;
    y = Math.floor(y / 1000);
  }
  return `${neg ? '-' : ''}¥${y}${head}.${c < 10 ? '0' : ''}${c}`;
}
const pct = (bp: number) => `${bp % 100 === 0 ? String(bp / 100) : (bp / 100).toFixed(2).replace(/0$/, '')}%`;
/** 8 折 / 8.5 折 from a percent-off in bp. */
const zhe = (offBp: number) => `${String((10000 - offBp) / 1000)} 折`;
const title = (c: Compiled) => c.title;

// ───────────────────────────── per-cart state ─────────────────────────────

interface Tier {
  qty: number;
  unitFen: number;
  /** Units no 套餐 / 买X送Y took yet. */
  avail: number;
}

interface LineState {
  line: CartLine;
  lineId: string;
  inputIdx: number;
  listFen: number;
  finalFen: number;
  floorFen: number | undefined;
  floorUnit: number | undefined;
  tiers: Tier[];
  adjustments: LineAdjustment[];
  /** Unit-price offers of the item stage (stageUnitPrices). */
  offers: LineOffer[];
}

interface Ctx {
  cart: Cart;
  at: number;
  weekday: number;
  minMarginBp: number;
  lines: LineState[]; // sorted by lineId
  applied: AppliedPromotion[];
  refused: RefusedPromotion[];
  hints: PromotionHint[];
  usedGroups: Map<string, string>;
}

function cartLevelReason(c: Compiled, ctx: Ctx): string | null {
  const cart = ctx.cart;
  if (!c.pricedStatus) return '活动未开始或已暂停/结束';
  if (ctx.at < c.startMs) return `尚未生效（${c.source === 'coupon' ? c.coupon!.startsAt : c.promo!.startsAt} 起）`;
  if (ctx.at >= c.endMs) return `已过期（${c.source === 'coupon' ? c.coupon!.endsAt : c.promo!.endsAt} 止）`;
  if (c.weekdays !== 0 && (c.weekdays & (1 << ctx.weekday)) === 0) return '今天不是活动日';
  if (c.shops && (cart.shopId === undefined || !c.shops.has(cart.shopId))) return '不适用于本店铺';
  if (c.channels && (cart.channel === undefined || !c.channels.has(cart.channel))) return '不适用于本渠道';
  if (c.levels && (cart.memberLevel === undefined || !c.levels.has(cart.memberLevel))) return '不适用于该会员等级';
  if (c.regions && (cart.region === undefined || !c.regions.has(cart.region))) return '不适用于收货地区';
  if (c.exRegions && cart.region !== undefined && c.exRegions.has(cart.region)) return '收货地区不参加';
  return null;
}

function itemInScope(c: Compiled, l: CartLine): boolean {
  if (c.exclude?.has(l.skuId)) return false;
  if (c.allItems) return true;
  return (
    (c.skus?.has(l.skuId) ?? false) ||
    (l.productId !== undefined && (c.products?.has(l.productId) ?? false)) ||
    (l.categoryId !== undefined && (c.categories?.has(l.categoryId) ?? false))
  );
}

function adjust(ctx: Ctx, ls: LineState, c: Compiled, amountFen: number, note: string, units?: number): void {
  if (amountFen === 0) return;
  ls.finalFen -= amountFen;
  const adj: LineAdjustment = { sourceId: c.id, source: c.source, kind: c.kind, name: c.name, stage: c.stage, amountFen, note };
  if (units !== undefined) adj.units = units;
  ls.adjustments.push(adj);
}

function refuse(ctx: Ctx, c: Compiled, reason: string, lineId?: string): void {
  const r: RefusedPromotion = { sourceId: c.id, source: c.source, name: c.name, reason };
  if (lineId !== undefined) r.lineId = lineId;
  ctx.refused.push(r);
}

function floorReason(ls: LineState, ctx: Ctx): string {
  return `保底价 ${yuan(ls.floorUnit!)}/件（成本 ${yuan(ls.line.costFen!)}，最低毛利率 ${pct(ctx.minMarginBp)}）`;
}

/** Keep, per exclusive group, the candidate with the largest saving; refuse the others and members of groups used earlier. */
function resolveGroups<T extends { c: Compiled; saving: number }>(ctx: Ctx, cands: T[]): T[] {
  let grouped = false;
  for (let i = 0; i < cands.length && !grouped; i++) grouped = cands[i]!.c.group !== undefined;
  if (!grouped) return cands;
  const best = new Map<string, T>();
  const out: T[] = [];
  for (const x of cands) {
    const g = x.c.group;
    if (g === undefined) continue;
    const used = ctx.usedGroups.get(g);
    if (used !== undefined) continue;
    const b = best.get(g);
    if (!b || x.saving > b.saving) best.set(g, x); // cands come in (priority, id) order: ties keep the first
  }
  for (const x of cands) {
    const g = x.c.group;
    if (g === undefined) {
      out.push(x);
      continue;
    }
    const used = ctx.usedGroups.get(g);
    if (used !== undefined) {
      refuse(ctx, x.c, `与已生效的「${used}」同属互斥组「${g}」，不能同时享受`);
      continue;
    }
    const b = best.get(g)!;
    if (b === x) out.push(x);
    else refuse(ctx, x.c, `与「${b.c.name}」同属互斥组「${g}」，取优惠更大者（${yuan(b.saving)} ≥ ${yuan(x.saving)}）`);
  }
  return out;
}

function markGroup(ctx: Ctx, c: Compiled): void {
  if (c.group !== undefined && !ctx.usedGroups.has(c.group)) ctx.usedGroups.set(c.group, c.name);
}

function pushApplied(ctx: Ctx, c: Compiled, amountFen: number, explanation: string, units?: number): void {
  const a: AppliedPromotion = { sourceId: c.id, source: c.source, kind: c.kind, name: c.name, stage: c.stage, amountFen, explanation };
  if (units !== undefined) a.units = units;
  ctx.applied.push(a);
  markGroup(ctx, c);
}

/** Lines of a promotion (those whose item scope holds them), in lineId order. */
function linesOf(_ctx: Ctx, c: Compiled): LineState[] {
  return c.lines;
}

// ───────────────────────────── stage 1a: unit prices ─────────────────────────────

interface UnitOffer {
  ls: LineState;
  priceFen: number;
}
interface UnitCand {
  c: Compiled;
  saving: number;
  offers: UnitOffer[];
  /** Units left under the per-buyer limit; NO_LIMIT (−1) = none (an integer, never Infinity: keeps the field a small integer). */
  limit: number;
  left: number;
  amount: number;
  units: number;
}
interface LineOffer {
  cand: UnitCand;
  priceFen: number;
}

function unitCut(c: Compiled, ls: LineState, ctx: Ctx): PriceCut | undefined {
  const rule = c.promo!.rule;
  if (rule.kind === 'member_price') {
    const lvl = ctx.cart.memberLevel;
    return lvl === undefined ? undefined : rule.levels.find((x) => x.level === lvl)?.cut;
  }
  if (rule.kind === 'item_discount' || rule.kind === 'flash_sale') return c.skuCuts?.get(ls.line.skuId) ?? rule.cut;
  return undefined;
}

function byOfferPrice(a: LineOffer, b: LineOffer): number {
  return a.priceFen - b.priceFen || a.cand.c.ord - b.cand.c.ord;
}
function byUnitDesc(a: Tier, b: Tier): number {
  return b.unitFen - a.unitFen;
}

const NO_LIMIT = -1;

function stageUnitPrices(ctx: Ctx, active: Compiled[]): void {
  const cands: UnitCand[] = [];
  for (const c of active) {
    if (ITEM_SUBSTAGE[c.kind as PromotionKind] !== 0) continue;
    const rule = c.promo!.rule;
    let limit = NO_LIMIT;
    if ((rule.kind === 'item_discount' || rule.kind === 'flash_sale') && rule.perBuyerLimit !== undefined) {
      const used = ctx.cart.buyerUsage[c.id] ?? 0;
      limit = Math.max(0, rule.perBuyerLimit - used);
      if (limit === 0) {
        refuse(ctx, c, `已达每人限购 ${rule.perBuyerLimit} 件（此前已购 ${used} 件），按原价计`);
        continue;
      }
    }
    const offers: UnitOffer[] = [];
    let saving = 0;
    let left = limit;
    for (const ls of linesOf(ctx, c)) {
      const cut = unitCut(c, ls, ctx);
      if (!cut) continue;
      const unit = ls.line.unitPriceFen;
      const price = applyCut(unit, cut);
      if (price >= unit) continue;
      if (ls.floorUnit !== undefined && price < ls.floorUnit) {
        refuse(ctx, c, `活动价 ${yuan(price)} 低于${floorReason(ls, ctx)}，该商品不参加`, ls.lineId);
        continue;
      }
      offers.push({ ls, priceFen: price });
      const n = left === NO_LIMIT ? ls.line.qty : Math.min(left, ls.line.qty);
      if (left !== NO_LIMIT) left -= n;
      saving += (unit - price) * n;
    }
    if (offers.length > 0) cands.push({ c, saving, offers, limit, left: limit, amount: 0, units: 0 });
  }
  const kept = resolveGroups(ctx, cands);
  if (kept.length === 0) return;
  // Per line: offers sorted by price (then compiled order); units go to the cheapest offer within its limit.
  for (const cand of kept) for (const o of cand.offers) o.ls.offers.push({ cand, priceFen: o.priceFen });
  for (const ls of ctx.lines) {
    const offers = ls.offers;
    if (offers.length === 0) continue;
    sortSmall(offers, byOfferPrice);
    const unit = ls.line.unitPriceFen;
    let rest = ls.line.qty;
    const tiers: Tier[] = [];
    for (const o of offers) {
      if (rest === 0) break;
      const n = o.cand.left === NO_LIMIT ? rest : Math.min(rest, o.cand.left);
      if (n === 0) continue;
      if (o.cand.left !== NO_LIMIT) o.cand.left -= n;
      rest -= n;
      tiers.push({ qty: n, unitFen: o.priceFen, avail: n });
      const amount = (unit - o.priceFen) * n;
      const c = o.cand.c;
      adjust(ctx, ls, c, amount, `${title(c)}${n} 件 × 减 ${yuan(unit - o.priceFen)}（${yuan(unit)} → ${yuan(o.priceFen)}）`, n);
      o.cand.amount += amount;
      o.cand.units += n;
    }
    if (rest > 0) tiers.push({ qty: rest, unitFen: unit, avail: rest });
    sortSmall(tiers, byUnitDesc);
    ls.tiers = tiers;
  }
  for (const t of kept) {
    const c = t.c;
    if (t.units === 0) continue;
    const rule = c.promo!.rule;
    const lim =
      (rule.kind === 'item_discount' || rule.kind === 'flash_sale') && rule.perBuyerLimit !== undefined
        ? `（每人限购 ${rule.perBuyerLimit} 件，本单 ${t.units} 件）`
        : '';
    pushApplied(ctx, c, t.amount, `${title(c)}：${t.units} 件按活动价，共减 ${yuan(t.amount)}${lim}`, t.units);
  }
}

// ───────────────────────────── stage 1b/1c: sets and multi-buys ─────────────────────────────

interface Take {
  ls: LineState;
  tier: Tier;
  n: number;
}

interface LinePlan {
  c: Compiled;
  saving: number;
  /** Amount off per line. */
  shares: Map<LineState, number>;
  takes: Take[];
  units: number;
  explanation: string;
  notes: Map<LineState, string>;
}

function byRunDesc(a: { ls: LineState; tier: Tier }, b: { ls: LineState; tier: Tier }): number {
  return b.tier.unitFen - a.tier.unitFen || (a.ls.lineId < b.ls.lineId ? -1 : a.ls.lineId > b.ls.lineId ? 1 : 0);
}

/** Units of the given lines, most expensive first (ties: lineId), as (line, tier) runs. */
function unitRuns(lines: LineState[]): { ls: LineState; tier: Tier }[] {
  const runs: { ls: LineState; tier: Tier }[] = [];
  for (const ls of lines) for (const tier of ls.tiers) if (tier.avail > 0) runs.push({ ls, tier });
  sortSmall(runs, byRunDesc);
  return runs;
}

function planBundle(ctx: Ctx, c: Compiled, lines: LineState[], commitRefusals: boolean): LinePlan | null {
  const rule = c.promo!.rule;
  if (rule.kind !== 'bundle') return null;
  let sets = rule.maxSetsPerOrder ?? Infinity;
  const bySku = new Map<string, LineState[]>();
  for (const ls of lines) {
    const xs = bySku.get(ls.line.skuId);
    if (xs) xs.push(ls);
    else bySku.set(ls.line.skuId, [ls]);
  }
  for (const it of c.bundleItems) {
    let avail = 0;
    for (const ls of bySku.get(it.skuId) ?? []) for (const t of ls.tiers) avail += t.avail;
    sets = Math.min(sets, Math.floor(avail / it.qty));
  }
  if (!(sets > 0)) return null;
  const takes: Take[] = [];
  const value = new Map<LineState, number>();
  let total = 0;
  for (const it of c.bundleItems) {
    let need = it.qty * sets;
    for (const { ls, tier } of unitRuns(bySku.get(it.skuId) ?? [])) {
      if (need === 0) break;
      const n = Math.min(need, tier.avail);
      need -= n;
      takes.push({ ls, tier, n });
      value.set(ls, (value.get(ls) ?? 0) + n * tier.unitFen);
      total += n * tier.unitFen;
    }
  }
  const saving = total - sets * rule.priceFen;
  if (saving <= 0) return null;
  const ls = [...value.keys()].sort((a, b) => (a.lineId < b.lineId ? -1 : 1));
  const shares = allocateWithin(
    saving,
    ls.map((l) => value.get(l)!),
    ls.map((l) => room(l)),
  );
  if (!shares) {
    if (commitRefusals) refuse(ctx, c, `套餐价会使商品低于保底价（最低毛利率 ${pct(ctx.minMarginBp)}），未应用`);
    return null;
  }
  const m = new Map<LineState, number>();
  const notes = new Map<LineState, string>();
  ls.forEach((l, i) => {
    m.set(l, shares[i]!);
    notes.set(l, `${title(c)}${sets} 套 × ${yuan(rule.priceFen)}，按单买金额分摊 ${yuan(shares[i]!)}`);
  });
  return {
    c,
    saving,
    shares: m,
    takes,
    units: sets,
    explanation: `${title(c)}：${sets} 套，单买 ${yuan(total)}，套餐价 ${yuan(sets * rule.priceFen)}，省 ${yuan(saving)}`,
    notes,
  };
}

/** Discounted positions in [0, n) of groups of g = x + y units: the last y of each complete group. */
function freeBefore(n: number, x: number, g: number): number {
  return Math.floor(n / g) * (g - x) + Math.max(0, (n % g) - x);
}

function planBuyXGetY(ctx: Ctx, c: Compiled, lines: LineState[], commitRefusals: boolean): LinePlan | null {
  const rule = c.promo!.rule;
  if (rule.kind !== 'buy_x_get_y') return null;
  const g = rule.buyQty + rule.getQty;
  const pools: LineState[][] = [];
  if (rule.pool === 'scope') pools.push(lines);
  else {
    const bySku = new Map<string, LineState[]>();
    for (const ls of lines) {
      const xs = bySku.get(ls.line.skuId);
      if (xs) xs.push(ls);
      else bySku.set(ls.line.skuId, [ls]);
    }
    pools.push(...bySku.values());
  }
  const shares = new Map<LineState, number>();
  const units = new Map<LineState, number>();
  const takes: Take[] = [];
  for (const pool of pools) {
    const runs = unitRuns(pool);
    let n = 0;
    for (const r of runs) n += r.tier.avail;
    const limit = Math.floor(n / g) * g;
    let pos = 0;
    for (const r of runs) {
      if (pos >= limit) break;
      const take = Math.min(r.tier.avail, limit - pos);
      const free = freeBefore(pos + take, rule.buyQty, g) - freeBefore(pos, rule.buyQty, g);
      pos += take;
      takes.push({ ls: r.ls, tier: r.tier, n: take });
      if (free > 0) {
        shares.set(r.ls, (shares.get(r.ls) ?? 0) + free * percentOf(r.tier.unitFen, rule.getOffBp));
        units.set(r.ls, (units.get(r.ls) ?? 0) + free);
      }
    }
  }
  let saving = 0;
  const notes = new Map<LineState, string>();
  let freeUnits = 0;
  const what = rule.getOffBp === 10000 ? '免费' : `享 ${zhe(rule.getOffBp)}`;
  for (const [ls, amount] of [...shares].sort((a, b) => (a[0].lineId < b[0].lineId ? -1 : 1))) {
    if (amount > room(ls)) {
      if (commitRefusals) refuse(ctx, c, `优惠后将低于${floorReason(ls, ctx)}，该商品不参加`, ls.lineId);
      shares.delete(ls);
      continue;
    }
    saving += amount;
    freeUnits += units.get(ls)!;
    notes.set(ls, `${title(c)}每 ${g} 件中 ${rule.getQty} 件${what}：本行 ${units.get(ls)} 件`);
  }
  if (saving === 0) return null;
  return {
    c,
    saving,
    shares,
    takes: takes.filter((t) => shares.has(t.ls)),
    units: freeUnits,
    explanation: `${title(c)}：每 ${g} 件中 ${rule.getQty} 件${what}，共 ${freeUnits} 件，减 ${yuan(saving)}`,
    notes,
  };
}

function commitPlan(ctx: Ctx, p: LinePlan): void {
  for (const t of p.takes) t.tier.avail -= t.n;
  for (const ls of ctx.lines) {
    const s = p.shares.get(ls);
    if (s) adjust(ctx, ls, p.c, s, p.notes.get(ls) ?? title(p.c));
  }
  pushApplied(ctx, p.c, p.saving, p.explanation, p.units);
}

function stageMultiUnit(ctx: Ctx, active: Compiled[], sub: 1 | 2): void {
  const cs = active.filter((c) => ITEM_SUBSTAGE[c.kind as PromotionKind] === sub);
  if (cs.length === 0) return;
  const plan = (c: Compiled, commit: boolean) =>
    sub === 1 ? planBundle(ctx, c, linesOf(ctx, c), commit) : planBuyXGetY(ctx, c, linesOf(ctx, c), commit);
  const grouped = cs.filter((c) => c.group !== undefined);
  let keep: Set<Compiled> | undefined;
  if (grouped.length > 0) {
    const cands = cs.map((c) => ({ c, saving: plan(c, false)?.saving ?? 0 }));
    keep = new Set(resolveGroups(ctx, cands).map((x) => x.c));
  }
  for (const c of cs) {
    if (keep && !keep.has(c)) continue;
    const p = plan(c, true);
    if (p) commitPlan(ctx, p);
  }
}

// ───────────────────────────── stage 2/3: order discounts and coupons ─────────────────────────────

const room = (ls: LineState) => Math.max(0, ls.finalFen - (ls.floorFen ?? 0));

interface OrderPlan {
  c: Compiled;
  saving: number;
  lines: LineState[];
  explanation: string;
}

function sumFinal(lines: LineState[]): number {
  let s = 0;
  for (const ls of lines) s += ls.finalFen;
  return s;
}

/** What an order-level promotion or coupon takes off, on the current amounts; null with a hint when not reached. */
function hint(ctx: Ctx, c: Compiled, withHint: boolean, message: string): null {
  if (withHint) ctx.hints.push({ sourceId: c.id, source: c.source, name: c.name, message });
  return null;
}

/** The highest tier whose threshold `value` reaches (tiers ascending), or undefined. */
function reachedTier<T>(tiers: readonly T[], value: number, of: (t: T) => number): T | undefined {
  let r: T | undefined;
  for (const t of tiers) if (of(t) <= value) r = t;
  return r;
}
const thresholdOf = (t: { thresholdFen: number }) => t.thresholdFen;
const minQtyOf = (t: { minQty: number }) => t.minQty;

function planOrder(ctx: Ctx, c: Compiled, lines: LineState[], base: number, withHint: boolean): OrderPlan | null {
  const cur = sumFinal(lines);
  let qty = 0;
  for (const ls of lines) qty += ls.line.qty;
  let off = 0;
  let explanation = '';
  if (c.coupon) {
    const cp = c.coupon;
    if (cur < cp.thresholdFen) {
      if (withHint)
        refuse(ctx, c, `未达使用门槛：适用商品 ${yuan(cur)}，需满 ${yuan(cp.thresholdFen)}（还差 ${yuan(cp.thresholdFen - cur)}）`);
      return null;
    }
    const v = cp.value;
    if (v.type === 'amount') {
      off = v.offFen;
      explanation = `${title(c)}：${cp.thresholdFen > 0 ? `满 ${yuan(cp.thresholdFen)} ` : ''}减 ${yuan(v.offFen)}`;
    } else {
      off = percentOf(cur, v.offBp);
      if (v.capFen !== undefined) off = Math.min(off, v.capFen);
      explanation = `${title(c)}：${zhe(v.offBp)}${v.capFen !== undefined ? `（最多减 ${yuan(v.capFen)}）` : ''}，${yuan(cur)} 减 ${yuan(off)}`;
    }
  } else {
    const rule = c.promo!.rule;
    if (rule.kind === 'full_reduction') {
      const tiers = c.tiers as typeof rule.tiers;
      if (rule.repeat) {
        const t = tiers[0]!;
        const times = t.thresholdFen > 0 ? Math.floor(base / t.thresholdFen) : 1;
        if (times === 0)
          return hint(ctx, c, withHint, `还差 ${yuan(t.thresholdFen - base)} 可享满 ${yuan(t.thresholdFen)} 减 ${yuan(t.offFen)}`);
        off = times * t.offFen;
        explanation = `${title(c)}：每满 ${yuan(t.thresholdFen)} 减 ${yuan(t.offFen)}，${yuan(base)} 满 ${times} 次，减 ${yuan(off)}`;
      } else {
        const reached = reachedTier(tiers, base, thresholdOf);
        if (!reached)
          return hint(
            ctx,
            c,
            withHint,
            `还差 ${yuan(tiers[0]!.thresholdFen - base)} 可享满 ${yuan(tiers[0]!.thresholdFen)} 减 ${yuan(tiers[0]!.offFen)}`,
          );
        off = reached.offFen;
        explanation = `${title(c)}：${yuan(base)} 满 ${yuan(reached.thresholdFen)} 减 ${yuan(reached.offFen)}`;
      }
    } else if (rule.kind === 'full_discount') {
      const tiers = c.tiers as typeof rule.tiers;
      const reached = reachedTier(tiers, base, thresholdOf);
      if (!reached)
        return hint(
          ctx,
          c,
          withHint,
          `还差 ${yuan(tiers[0]!.thresholdFen - base)} 可享满 ${yuan(tiers[0]!.thresholdFen)} 打 ${zhe(tiers[0]!.offBp)}`,
        );
      off = percentOf(cur, reached.offBp);
      explanation = `${title(c)}：满 ${yuan(reached.thresholdFen)} 打 ${zhe(reached.offBp)}，${yuan(cur)} 减 ${yuan(off)}`;
    } else if (rule.kind === 'qty_discount') {
      const tiers = c.tiers as typeof rule.tiers;
      const reached = reachedTier(tiers, qty, minQtyOf);
      if (!reached)
        return hint(ctx, c, withHint, `再买 ${tiers[0]!.minQty - qty} 件可享满 ${tiers[0]!.minQty} 件打 ${zhe(tiers[0]!.offBp)}`);
      off = percentOf(cur, reached.offBp);
      explanation = `${title(c)}：${qty} 件满 ${reached.minQty} 件打 ${zhe(reached.offBp)}，${yuan(cur)} 减 ${yuan(off)}`;
    } else return null;
    if (rule.capFen !== undefined && off > rule.capFen) {
      off = rule.capFen;
      explanation += `（封顶 ${yuan(rule.capFen)}）`;
    }
  }
  off = Math.min(off, cur);
  if (off <= 0) return null;
  return { c, saving: off, lines, explanation };
}

function commitOrder(ctx: Ctx, p: OrderPlan): void {
  const n = p.lines.length;
  const weights = new Array<number>(n);
  const rooms = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    weights[i] = p.lines[i]!.finalFen;
    rooms[i] = room(p.lines[i]!);
  }
  const shares = allocateWithin(p.saving, weights, rooms);
  if (!shares) {
    let r = 0;
    for (const l of p.lines) r += room(l);
    refuse(
      ctx,
      p.c,
      `优惠 ${yuan(p.saving)} 超过适用商品在保底价之上的空间 ${yuan(r)}（最低毛利率 ${pct(ctx.minMarginBp)}），会低于保底价，未应用`,
    );
    return;
  }
  for (let i = 0; i < n; i++) adjust(ctx, p.lines[i]!, p.c, shares[i]!, p.c.shareNote);
  pushApplied(ctx, p.c, p.saving, p.explanation);
}

function stageOrder(ctx: Ctx, cs: Compiled[]): void {
  if (cs.length === 0) return;
  const cands: { c: Compiled; lines: LineState[]; base: number; saving: number }[] = [];
  for (const c of cs) {
    let lines: LineState[];
    if (c.source === 'coupon') {
      lines = [];
      for (const ls of ctx.lines) if (itemInScope(c, ls.line)) lines.push(ls);
      if (lines.length === 0) {
        refuse(ctx, c, '购物车中没有该券适用的商品');
        continue;
      }
    } else lines = linesOf(ctx, c);
    if (lines.length === 0) continue;
    const base = sumFinal(lines);
    const saving = c.group !== undefined ? (planOrder(ctx, c, lines, base, false)?.saving ?? 0) : 0;
    cands.push({ c, lines, base, saving });
  }
  for (const e of resolveGroups(ctx, cands)) {
    const p = planOrder(ctx, e.c, e.lines, e.base, true);
    if (p) commitOrder(ctx, p);
  }
}

// ───────────────────────────── stage 4/5: gifts and shipping ─────────────────────────────

function stageGifts(ctx: Ctx, cs: Compiled[], gifts: PricedLine[]): void {
  const cands = cs.map((c) => ({ c, saving: 0, lines: linesOf(ctx, c) })).filter((x) => x.lines.length > 0);
  for (const { c, lines } of resolveGroups(ctx, cands)) {
    const rule = c.promo!.rule;
    if (rule.kind !== 'gift') continue;
    const amount = sumFinal(lines);
    let qty = 0;
    for (const ls of lines) qty += ls.line.qty;
    if (amount < rule.thresholdFen) {
      ctx.hints.push({ sourceId: c.id, source: c.source, name: c.name, message: `还差 ${yuan(rule.thresholdFen - amount)} 可获赠品` });
      continue;
    }
    if (rule.minQty !== undefined && qty < rule.minQty) {
      ctx.hints.push({ sourceId: c.id, source: c.source, name: c.name, message: `再买 ${rule.minQty - qty} 件可获赠品` });
      continue;
    }
    let sets = rule.repeat && rule.thresholdFen > 0 ? Math.floor(amount / rule.thresholdFen) : 1;
    if (rule.maxSets !== undefined) sets = Math.min(sets, rule.maxSets);
    const names: string[] = [];
    for (const g of rule.gifts) {
      const line: PricedLine = {
        lineId: `gift:${c.id}:${g.skuId}`,
        skuId: g.skuId,
        qty: g.qty * sets,
        unitPriceFen: 0,
        listFen: 0,
        finalFen: 0,
        adjustments: [],
        isGift: true,
        giftOf: c.id,
        stockRelevant: true,
      };
      if (g.name !== undefined) line.name = g.name;
      gifts.push(line);
      names.push(`${g.name ?? g.skuId} × ${g.qty * sets}`);
    }
    pushApplied(
      ctx,
      c,
      0,
      `${title(c)}：${rule.thresholdFen > 0 ? `满 ${yuan(rule.thresholdFen)} ` : ''}赠 ${names.join('、')}（0 元，占库存）`,
      sets,
    );
  }
}

function stageShipping(ctx: Ctx, cs: Compiled[]): number {
  const shipping = ctx.cart.shippingFen;
  const cands = cs.map((c) => ({ c, saving: shipping, lines: linesOf(ctx, c) })).filter((x) => x.lines.length > 0);
  for (const { c, lines } of resolveGroups(ctx, cands)) {
    const rule = c.promo!.rule;
    if (rule.kind !== 'free_shipping') continue;
    const amount = sumFinal(lines);
    let qty = 0;
    for (const ls of lines) qty += ls.line.qty;
    if (amount < rule.thresholdFen) {
      if (shipping > 0)
        ctx.hints.push({ sourceId: c.id, source: c.source, name: c.name, message: `还差 ${yuan(rule.thresholdFen - amount)} 可包邮` });
      continue;
    }
    if (rule.minQty !== undefined && qty < rule.minQty) {
      if (shipping > 0) ctx.hints.push({ sourceId: c.id, source: c.source, name: c.name, message: `再买 ${rule.minQty - qty} 件可包邮` });
      continue;
    }
    if (shipping === 0) return 0;
    const where = ctx.cart.region !== undefined && c.regions ? `（${ctx.cart.region}）` : '';
    pushApplied(
      ctx,
      c,
      shipping,
      `${title(c)}：${rule.thresholdFen > 0 ? `满 ${yuan(rule.thresholdFen)} ` : ''}包邮${where}，免运费 ${yuan(shipping)}`,
    );
    return shipping;
  }
  return 0;
}

// ───────────────────────────── entry point ─────────────────────────────

/** Weekday 1 (Mon) … 7 (Sun) in China time (UTC+8, no daylight saving). */
export function chinaWeekday(at: number): number {
  const d = new Date(at + 8 * 3600_000).getUTCDay();
  return d === 0 ? 7 : d;
}

/**
 * Price a cart. `list` may be compiled once with compilePriceList (fast path for many carts).
 * `at` (epoch ms or ISO) overrides cart.at; without both, the current time is used.
 * Throws AppError('validation_failed') for a cart that cannot be priced (duplicate line ids).
 */
let callEpoch = 0;
/** Shared empty scratch (collect gives each promotion a fresh array before pushing). */
const NO_LINES: LineState[] = [];
const byOrd = (a: Compiled, b: Compiled) => a.ord - b.ord;
const byLineId = (a: LineState, b: LineState) => (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0);

/** Add the active promotions of `xs` whose item scope holds the line (once per line). */
function collect(ctx: Ctx, epoch: number, ls: LineState, xs: readonly Compiled[] | undefined, touched: Compiled[]): void {
  if (!xs) return;
  for (let i = 0; i < xs.length; i++) {
    const c = xs[i]!;
    if (c.mark !== epoch) {
      c.mark = epoch;
      c.lines = [];
      c.active = cartLevelReason(c, ctx) === null ? 1 : 2;
    }
    if (c.active !== 1) continue;
    const last = c.lines[c.lines.length - 1];
    if (last === ls || !itemInScope(c, ls.line)) continue;
    if (c.lines.length === 0) touched.push(c);
    c.lines.push(ls);
  }
}

export function priceCart(list: PriceList | CompiledPriceList, cart: Cart, opts: { at?: number | string } = {}): PriceResult {
  const compiled = 'bySku' in list ? list : compilePriceList(list);
  const atOpt = opts.at ?? cart.at;
  const at = atOpt === undefined ? Date.now() : typeof atOpt === 'number' ? atOpt : Date.parse(atOpt);
  if (!Number.isFinite(at)) throw new AppError('validation_failed', `计价时间无效：${String(atOpt)}`);
  const minMarginBp = compiled.list.settings.minMarginBp;

  const seen = new Map<string, number>();
  const states: LineState[] = cart.lines.map((line, i) => {
    const lineId = line.lineId ?? line.skuId;
    const prev = seen.get(lineId);
    if (prev !== undefined)
      throw new AppError(
        'validation_failed',
        `购物车第 ${i + 1} 行与第 ${prev + 1} 行的行 ID「${lineId}」重复：同一 SKU 请合并数量，或为每行填写不同的 lineId`,
        { line: i + 1 },
      );
    seen.set(lineId, i);
    const listFen = line.unitPriceFen * line.qty;
    const floorUnit = line.costFen === undefined ? undefined : floorUnitPrice(line.costFen, minMarginBp);
    return {
      line,
      lineId,
      inputIdx: i,
      listFen,
      finalFen: listFen,
      floorUnit,
      floorFen: floorUnit === undefined ? undefined : floorUnit * line.qty,
      tiers: [{ qty: line.qty, unitFen: line.unitPriceFen, avail: line.qty }],
      adjustments: [],
      offers: [],
    };
  });
  const lines = [...states];
  sortSmall(lines, byLineId);
  const ctx: Ctx = {
    cart,
    at,
    weekday: chinaWeekday(at),
    minMarginBp,
    lines,
    applied: [],
    refused: [],
    hints: [],
    usedGroups: new Map(),
  };

  // Promotions that hold the cart (time, shop, channel, level, region) and the lines in their
  // scope. The compiled promotions carry per-call scratch (mark/lines/active), so this is a few
  // map lookups per line; priceCart is synchronous, nothing else runs in between.
  const epoch = ++callEpoch;
  const touched: Compiled[] = [];
  for (const ls of lines) {
    const l = ls.line;
    collect(ctx, epoch, ls, compiled.allItems, touched);
    collect(ctx, epoch, ls, compiled.bySku.get(l.skuId), touched);
    if (l.productId !== undefined) collect(ctx, epoch, ls, compiled.byProduct.get(l.productId), touched);
    if (l.categoryId !== undefined) collect(ctx, epoch, ls, compiled.byCategory.get(l.categoryId), touched);
  }
  sortSmall(touched, byOrd);
  const stages: Record<PricingStage, Compiled[]> = { item: [], order: [], coupon: [], gift: [], shipping: [] };
  for (const c of touched) stages[c.stage].push(c);

  const items = stages.item;
  stageUnitPrices(ctx, items);
  stageMultiUnit(ctx, items, 1);
  stageMultiUnit(ctx, items, 2);
  stageOrder(ctx, stages.order);

  // Coupons the buyer applies, in id order.
  const couponIds = [...new Set(cart.couponIds)].sort();
  const coupons: Compiled[] = [];
  for (const id of couponIds) {
    const c = compiled.coupons.get(id);
    if (!c) {
      ctx.refused.push({ sourceId: id, source: 'coupon', name: id, reason: '价目表中没有这张优惠券，请检查券 ID' });
      continue;
    }
    const why = cartLevelReason(c, ctx);
    if (why) refuse(ctx, c, `优惠券${why}`);
    else coupons.push(c);
  }
  stageOrder(ctx, coupons);

  const gifts: PricedLine[] = [];
  stageGifts(ctx, stages.gift, gifts);
  const shippingDiscountFen = stageShipping(ctx, stages.shipping);

  // Drop the per-call scratch so a cached price list does not keep this cart alive.
  for (const c of touched) c.lines = NO_LINES;

  const priced: PricedLine[] = states.map((ls) => {
    const p: PricedLine = {
      lineId: ls.lineId,
      skuId: ls.line.skuId,
      qty: ls.line.qty,
      unitPriceFen: ls.line.unitPriceFen,
      listFen: ls.listFen,
      finalFen: ls.finalFen,
      adjustments: ls.adjustments,
      isGift: false,
      stockRelevant: true,
    };
    if (ls.line.name !== undefined) p.name = ls.line.name;
    if (ls.floorFen !== undefined) p.floorFen = ls.floorFen;
    return p;
  });
  priced.push(...gifts);

  let listFen = 0;
  let goodsFen = 0;
  const byStageFen: Record<PricingStage, number> = { item: 0, order: 0, coupon: 0, gift: 0, shipping: 0 };
  for (const p of priced) {
    listFen += p.listFen;
    goodsFen += p.finalFen;
    for (const a of p.adjustments) byStageFen[a.stage] += a.amountFen;
  }
  const shippingFen = cart.shippingFen;
  return {
    at: new Date(at).toISOString(),
    lines: priced,
    totals: {
      listFen,
      itemDiscountFen: byStageFen.item,
      orderDiscountFen: byStageFen.order,
      couponDiscountFen: byStageFen.coupon,
      goodsFen,
      shippingFen,
      shippingDiscountFen,
      payableFen: goodsFen + shippingFen - shippingDiscountFen,
      discountFen: listFen - goodsFen + shippingDiscountFen,
    },
    applied: ctx.applied,
    refused: ctx.refused,
    hints: ctx.hints,
  };
}
