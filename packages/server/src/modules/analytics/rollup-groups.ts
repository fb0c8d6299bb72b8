/**
 * The rollup figures that need the source tree or the buyers' visits (issue 9):
 *
 * - First-level source rows (source_code '@free', '@paid' …, product_id ''): the distinct visitors
 *   of the group's sources that day. The sum of the second-level rows counts a visitor who came
 *   through 手淘搜索 and 猜你喜欢 twice; 生意参谋's 淘内免费 counts them once. Only uv, pv and the
 *   visitor-based step counts (detail, favourite, cart, checkout) are stored; order figures of a
 *   group are the sum of its sources (every order has one source). A day whose per-source visitors
 *   come from imported statistics has no group row (who visited is unknown there): readers then
 *   fall back to the sum and say so (`uvIsSum`).
 * - untracked_buyers: paying buyers of a row without a visit in it that day (manual, offline or
 *   imported orders). Product and source conversion count them as visitors too, so it never
 *   exceeds 100 % (METRICS.itemPayConversion).
 */
import { GROUP_ROLLUP_PREFIX, type SourceGroupCode } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB, RollupDailyTable } from '../../db/schema.js';
import * as traffic from '../traffic/index.js';

/** The first-level group of each source code of the shop's organisation, and the shop's time zone (null: no such shop). */
export async function sourceGroupsOf(
  db: Kysely<DB>,
  shopId: string,
): Promise<{ groupOf: Map<string, SourceGroupCode>; timezone: string | null }> {
  const shop = await db.selectFrom('shops').select(['org_id', 'timezone']).where('id', '=', shopId).executeTakeFirst();
  if (!shop) return { groupOf: new Map(), timezone: null };
  return { groupOf: new Map((await traffic.listSources(db, shop.org_id)).map((s) => [s.code, s.groupCode])), timezone: shop.timezone };
}

interface GroupEvent {
  visitor_id: string;
  source_code: string;
  type: string;
  n: number | string;
}

/** The group rows of one (shop, day) from its events; groups with imported per-source visitors are left out. */
export function groupRows(
  shopId: string,
  day: string,
  evs: readonly GroupEvent[],
  stats: readonly { product_id: string; source_code: string }[],
  groupOf: ReadonlyMap<string, SourceGroupCode>,
  now: number,
): RollupDailyTable[] {
  const group = (code: string): SourceGroupCode => groupOf.get(code) ?? 'other';
  const imported = new Set<SourceGroupCode>();
  for (const s of stats) if (s.product_id === '' && s.source_code !== '') imported.add(group(s.source_code));
  type G = {
    uv: Set<string>;
    pv: number;
    detail: Set<string>;
    detailVisits: number;
    fav: Set<string>;
    cart: Set<string>;
    checkout: Set<string>;
  };
  const gs = new Map<SourceGroupCode, G>();
  for (const e of evs) {
    const code = group(e.source_code);
    if (imported.has(code)) continue;
    let g = gs.get(code);
    if (!g)
      gs.set(
        code,
        (g = { uv: new Set(), pv: 0, detail: new Set(), detailVisits: 0, fav: new Set(), cart: new Set(), checkout: new Set() }),
      );
    const n = Number(e.n);
    g.uv.add(e.visitor_id);
    if (e.type === 'page_view') g.pv += n;
    else if (e.type === 'product_view') {
      g.detail.add(e.visitor_id);
      g.detailVisits += n;
    } else if (e.type === 'favorite') g.fav.add(e.visitor_id);
    else if (e.type === 'add_to_cart') g.cart.add(e.visitor_id);
    else if (e.type === 'begin_checkout') g.checkout.add(e.visitor_id);
  }
  return [...gs].map(([code, g]) => ({
    shop_id: shopId,
    day,
    product_id: '',
    source_code: GROUP_ROLLUP_PREFIX + code,
    uv: g.uv.size,
    pv: g.pv,
    detail_uv: g.detail.size,
    detail_visits: g.detailVisits,
    dwell_ms: 0,
    bounce_uv: 0,
    fav_uv: g.fav.size,
    cart_uv: g.cart.size,
    checkout_uv: g.checkout.size,
    order_uv: 0,
    paying_buyers: 0,
    paid_fen: 0,
    orders: 0,
    paid_orders: 0,
    units: 0,
    refund_fen: 0,
    refund_orders: 0,
    cost_fen: 0,
    untracked_buyers: 0,
    updated_at: now,
  }));
}

/**
 * The same group rows from a day's accumulated event state (rollup-build.ts `EventState`): a
 * group's visitors are the union of its sources' visitors (the state's ('', source) rows), its
 * page views and detail visits their sum. Equal to `groupRows` over the events the state holds.
 */
export function groupRowsOfState(
  shopId: string,
  day: string,
  sourceAccs: Iterable<[string, GroupAcc]>,
  stats: readonly { product_id: string; source_code: string }[],
  groupOf: ReadonlyMap<string, SourceGroupCode>,
  now: number,
): RollupDailyTable[] {
  const group = (code: string): SourceGroupCode => groupOf.get(code) ?? 'other';
  const imported = new Set<SourceGroupCode>();
  for (const s of stats) if (s.product_id === '' && s.source_code !== '') imported.add(group(s.source_code));
  const gs = new Map<
    SourceGroupCode,
    { uv: Set<string>; pv: number; detail: Set<string>; detailVisits: number; fav: Set<string>; cart: Set<string>; checkout: Set<string> }
  >();
  for (const [source, a] of sourceAccs) {
    const code = group(source);
    if (imported.has(code)) continue;
    let g = gs.get(code);
    if (!g)
      gs.set(
        code,
        (g = { uv: new Set(), pv: 0, detail: new Set(), detailVisits: 0, fav: new Set(), cart: new Set(), checkout: new Set() }),
      );
    for (const v of a.uv) g.uv.add(v);
    for (const v of a.detail) g.detail.add(v);
    for (const v of a.fav) g.fav.add(v);
    for (const v of a.cart) g.cart.add(v);
    for (const v of a.checkout) g.checkout.add(v);
    g.pv += a.pv;
    g.detailVisits += a.detailVisits;
  }
  return [...gs].map(([code, g]) => ({
    shop_id: shopId,
    day,
    product_id: '',
    source_code: GROUP_ROLLUP_PREFIX + code,
    uv: g.uv.size,
    pv: g.pv,
    detail_uv: g.detail.size,
    detail_visits: g.detailVisits,
    dwell_ms: 0,
    bounce_uv: 0,
    fav_uv: g.fav.size,
    cart_uv: g.cart.size,
    checkout_uv: g.checkout.size,
    order_uv: 0,
    paying_buyers: 0,
    paid_fen: 0,
    orders: 0,
    paid_orders: 0,
    units: 0,
    refund_fen: 0,
    refund_orders: 0,
    cost_fen: 0,
    untracked_buyers: 0,
    updated_at: now,
  }));
}

/** The event part of a source's accumulator that `groupRowsOfState` reads. */
export interface GroupAcc {
  uv: ReadonlySet<string>;
  pv: number;
  detail: ReadonlySet<string>;
  detailVisits: number;
  fav: ReadonlySet<string>;
  cart: ReadonlySet<string>;
  checkout: ReadonlySet<string>;
}

/**
 * Paying buyers of a row without a visit in it: those not among its visitors; where the visitors
 * are imported counts (no identities), the buyers beyond that count.
 */
export function untrackedBuyers(
  paying: ReadonlySet<string>,
  visitors: ReadonlySet<string>,
  importedUv: number | undefined,
  payingCount = paying.size,
): number {
  if (importedUv !== undefined) return Math.max(0, payingCount - importedUv);
  let n = 0;
  for (const b of paying) if (!visitors.has(b)) n++;
  return n;
}

/**
 * What an imported statistics row replaces in its rollup row: the traffic counts always; on a
 * source row (the platform attributes buyers and payments to its sources, which the orders'
 * export does not carry) also the paying buyers and amount, so a marketplace shop's sources show
 * their conversion.
 */
export function statOverride(s: {
  product_id: string;
  source_code: string;
  uv: number | string;
  pv: number | string;
  cart_uv: number | string;
  fav_uv: number | string;
  paying_buyers: number | string;
  paid_fen: number | string;
}): { uv: number; pv: number; cart: number; fav: number; buyers?: number; paidFen?: number } {
  const o = { uv: Number(s.uv), pv: Number(s.pv), cart: Number(s.cart_uv), fav: Number(s.fav_uv) };
  const buyers = Number(s.paying_buyers);
  const paidFen = Number(s.paid_fen);
  return s.product_id === '' && s.source_code !== '' && (buyers > 0 || paidFen > 0) ? { ...o, buyers, paidFen } : o;
}

/** Whether a day's statistics attribute payments to sources (then orders without a source are not filed under 其他). */
export function statsAttributePayments(stats: readonly Parameters<typeof statOverride>[0][]): boolean {
  return stats.some((s) => statOverride(s).buyers !== undefined);
}
