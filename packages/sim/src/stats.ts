/**
 * Per-day statistics for the days without raw tracker events (the large profile's older days):
 * visitor counts by shop, source and product, counted while sessions run, and the paying figures
 * booked by paid day as orders are paid.
 */
import type { SkuTable } from './ledger.js';
import type { ShopState } from './shops.js';
import type { SimEventType, SimOrder, SimProduct, SimTrafficStat, SimWorld } from './types.js';

interface Counts {
  uv: Set<number>;
  pv: number;
  cart: Set<number>;
  fav: Set<number>;
}

export interface DayStats extends Counts {
  bySource: Map<string, Counts>;
  byProduct: Map<number, Counts>;
}

export function newStats(): DayStats {
  return { uv: new Set(), pv: 0, cart: new Set(), fav: new Set(), bySource: new Map(), byProduct: new Map() };
}

/**
 * The counts of one session (one visitor, one source) on a statistics day: the shop's and the
 * source's visitor sets take the visitor once, at the session's first event, and each event then
 * touches only its product's counts. The same sets and sums as counting every event on its own.
 */
export class SessionCounter {
  private bs: Counts | null = null;

  constructor(
    private readonly st: DayStats,
    private readonly src: string,
    private readonly no: number,
  ) {}

  /** Count one tracker event of the session (on product `p` or another page). */
  count(type: SimEventType, p: number | null): void {
    const { st, no } = this;
    let bs = this.bs;
    if (!bs) {
      let known = st.bySource.get(this.src);
      if (!known) st.bySource.set(this.src, (known = { uv: new Set(), pv: 0, cart: new Set(), fav: new Set() }));
      this.bs = bs = known;
      st.uv.add(no);
      bs.uv.add(no);
    }
    let bp: Counts | undefined;
    if (p !== null) {
      bp = st.byProduct.get(p);
      if (!bp) st.byProduct.set(p, (bp = { uv: new Set(), pv: 0, cart: new Set(), fav: new Set() }));
      bp.uv.add(no);
    }
    if (type === 'page_view') {
      st.pv++;
      bs.pv++;
      if (bp) bp.pv++;
    } else if (type === 'add_to_cart') {
      st.cart.add(no);
      bs.cart.add(no);
      bp?.cart.add(no);
    } else if (type === 'favorite') {
      st.fav.add(no);
      bs.fav.add(no);
      bp?.fav.add(no);
    }
  }
}

/** The rows of one shop's day: the whole shop, each source, each product (paying figures 0). */
export function statRows(out: SimTrafficStat[], shopId: string, day: string, st: DayStats, products: readonly SimProduct[]): void {
  const row = (productId: string, sourceCode: string, x: Counts) =>
    out.push({
      shopId,
      day,
      productId,
      sourceCode,
      uv: x.uv.size,
      pv: x.pv,
      cartUv: x.cart.size,
      favUv: x.fav.size,
      payingBuyers: 0,
      paidFen: 0,
    });
  row('', '', st);
  for (const [src, x] of [...st.bySource.entries()].sort()) row('', src, x);
  for (const [p, x] of [...st.byProduct.entries()].sort((a, b) => a[0] - b[0])) row(products[p]!.id, '', x);
}

interface PaidRecord {
  shop: number;
  visitorNo: number;
  source: string;
  paidFen: number;
  /** [product index, paid fen] per line. */
  lines: [number, number][];
}

/** Payments booked by paid day (a presale balance is paid days after the order). */
export class PaidBook {
  private readonly byDay = new Map<string, PaidRecord[]>();

  constructor(
    private readonly w: SimWorld,
    private readonly skus: SkuTable,
  ) {}

  /** Book a paid order if its paid day is a statistics day of the window. */
  book(o: SimOrder, shop: number, visitorNo: number): void {
    if (o.paidDay === null || o.paidDay < this.w.startDay || o.paidDay >= this.w.rawEventsFrom) return;
    const list = this.byDay.get(o.paidDay) ?? [];
    list.push({
      shop,
      visitorNo,
      source: o.sourceCode,
      paidFen: o.paidFen,
      lines: o.lines.map((l) => [this.skus.list[this.skus.indexOf(l.skuId)]!.p, l.paidFen]),
    });
    this.byDay.set(o.paidDay, list);
  }

  /** Forget a day (raw days are rolled up from the orders themselves). */
  drop(day: string): void {
    this.byDay.delete(day);
  }

  /** Add the day's paying buyers and paid amounts to its statistics rows (adding rows as needed). */
  addTo(out: SimTrafficStat[], day: string, shops: readonly ShopState[]): void {
    const recs = this.byDay.get(day) ?? [];
    this.byDay.delete(day);
    const find = (shopId: string, productId: string, sourceCode: string) => {
      let r = out.find((x) => x.shopId === shopId && x.productId === productId && x.sourceCode === sourceCode);
      if (!r) {
        r = { shopId, day, productId, sourceCode, uv: 0, pv: 0, cartUv: 0, favUv: 0, payingBuyers: 0, paidFen: 0 };
        out.push(r);
      }
      return r;
    };
    const index = new Map<string, SimTrafficStat>();
    const get = (shopId: string, productId: string, sourceCode: string) => {
      const key = `${shopId}|${productId}|${sourceCode}`;
      let r = index.get(key);
      if (!r) index.set(key, (r = find(shopId, productId, sourceCode)));
      return r;
    };
    const buyers = new Set<string>();
    for (const r of recs) {
      const shopId = shops[r.shop]!.id;
      const add = (productId: string, sourceCode: string, fen: number) => {
        const row = get(shopId, productId, sourceCode);
        const key = `${shopId}|${productId}|${sourceCode}|${r.visitorNo}`;
        if (!buyers.has(key)) {
          buyers.add(key);
          row.payingBuyers++;
        }
        row.paidFen += fen;
      };
      add('', '', r.paidFen);
      add('', r.source, r.paidFen);
      for (const [p, fen] of r.lines) add(this.w.products[p]!.id, '', fen);
    }
  }
}
