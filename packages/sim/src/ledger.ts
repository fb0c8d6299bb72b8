/**
 * Stock: the SKU table (every SKU with its product, indexed), the per SKU × warehouse counters,
 * the ledger rows that move them, and a min-heap of future changes applied when the clock passes
 * them (a movement dated later than the order that causes it).
 */
import type { Rng } from './prng.js';
import type { SimMovement, SimMovementType, SimProduct, SimSku, SimWorld } from './types.js';
import type { ProductModel } from './world.js';

/** Every SKU in catalogue order, with the product it belongs to. */
export class SkuTable {
  readonly list: { p: number; sku: SimSku }[] = [];
  /** `start[p]` … `start[p + 1] - 1` are the SKUs of product p. */
  readonly start: number[] = [];
  private readonly byId = new Map<string, number>();

  constructor(products: readonly SimProduct[]) {
    products.forEach((p, pi) => {
      this.start.push(this.list.length);
      for (const sku of p.skus) this.list.push({ p: pi, sku });
    });
    this.start.push(this.list.length);
  }

  get length(): number {
    return this.list.length;
  }

  indexOf(skuId: string): number {
    let i = this.byId.get(skuId);
    if (i === undefined) {
      i = this.list.findIndex((x) => x.sku.id === skuId);
      this.byId.set(skuId, i);
    }
    return i;
  }

  /** A SKU of product p, drawn by the product's SKU weights. */
  pick(rng: Rng, p: number, model: ProductModel): number {
    const ws = model.skuWeights;
    let x = rng.next() * ws.reduce((a, b) => a + b, 0);
    for (let j = 0; j < ws.length; j++) {
      x -= ws[j]!;
      if (x <= 0) return this.start[p]! + j;
    }
    return this.start[p]! + ws.length - 1;
  }
}

export interface Movement {
  skuIdx: number;
  wh: number;
  type: SimMovementType;
  qty: number;
  at: number;
  refType: SimMovement['refType'];
  refId: string;
  note: string;
  /** Apply to the counters now (else when the clock passes `at`). */
  immediate: boolean;
}

interface Pending {
  at: number;
  seq: number;
  k: number;
  dA: number;
  dR: number;
  dO: number;
  dD: number;
  onOrder: number;
}

/** Min-heap of future stock changes, applied when the clock passes them. */
class Heap {
  private a: Pending[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Pending | undefined {
    return this.a[0];
  }
  push(x: Pending): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(a[p]!, a[i]!)) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): Pending | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
function less(x: Pending, y: Pending): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

/** Counter deltas [available, reserved, on hand, defective] of one unit of each movement type. */
const DELTAS: Record<SimMovementType, [number, number, number, number]> = {
  inbound: [1, 0, 1, 0],
  reserve: [-1, 1, 0, 0],
  release: [1, -1, 0, 0],
  ship: [0, -1, -1, 0],
  return: [1, 0, 1, 0],
  defective: [0, 0, 0, 1],
};

export class Ledger {
  readonly nWh: number;
  readonly avail: Float64Array;
  readonly reserved: Float64Array;
  readonly onHand: Float64Array;
  readonly defective: Float64Array;
  /** Units bought but not yet received. */
  readonly onOrder: Float64Array;
  /** Expected units per day (an estimate, then an EWMA of what sold), for reorders. */
  readonly demand: Float64Array;
  readonly unitsToday: Float64Array;
  private readonly heap = new Heap();
  private seq = 0;
  private movements: SimMovement[] = [];

  constructor(
    private readonly w: SimWorld,
    private readonly skus: SkuTable,
  ) {
    this.nWh = w.warehouses.length;
    const n = skus.length * this.nWh;
    this.avail = new Float64Array(n);
    this.reserved = new Float64Array(n);
    this.onHand = new Float64Array(n);
    this.defective = new Float64Array(n);
    this.onOrder = new Float64Array(n);
    this.demand = new Float64Array(n);
    this.unitsToday = new Float64Array(n);
  }

  /** Index of a SKU × warehouse in the counters. */
  k(skuIdx: number, wh: number): number {
    return skuIdx * this.nWh + wh;
  }

  /** Apply every future change dated up to `until`. */
  flush(until: number): void {
    for (let top = this.heap.peek(); top && top.at <= until; top = this.heap.peek()) {
      this.heap.pop();
      this.avail[top.k]! += top.dA;
      this.reserved[top.k]! += top.dR;
      this.onHand[top.k]! += top.dO;
      this.defective[top.k]! += top.dD;
      this.onOrder[top.k]! -= top.onOrder;
    }
  }

  /** Write a ledger row and move the counters (now, or when the clock passes it). */
  move(m: Movement): void {
    const { skuIdx, wh, type, qty, at } = m;
    const d = DELTAS[type].map((x) => x * qty) as [number, number, number, number];
    const kk = this.k(skuIdx, wh);
    if (m.immediate) {
      this.avail[kk]! += d[0];
      this.reserved[kk]! += d[1];
      this.onHand[kk]! += d[2];
      this.defective[kk]! += d[3];
    } else {
      this.heap.push({ at, seq: this.seq++, k: kk, dA: d[0], dR: d[1], dO: d[2], dD: d[3], onOrder: type === 'inbound' ? qty : 0 });
    }
    this.movements.push({
      skuId: this.skus.list[skuIdx]!.sku.id,
      warehouseId: this.w.warehouses[wh]!.id,
      type,
      dOnHand: d[2],
      dReserved: d[1],
      dAvailable: d[0],
      dDefective: d[3],
      refType: m.refType,
      refId: m.refId,
      note: m.note,
      at,
    });
  }

  /** Learn demand (EWMA of today's units) for the next reorder. */
  learnDemand(): void {
    for (let kk = 0; kk < this.demand.length; kk++) this.demand[kk] = this.demand[kk]! * 0.93 + this.unitsToday[kk]! * 0.07;
  }

  /** The ledger rows written since the last call. */
  takeMovements(): SimMovement[] {
    const out = this.movements;
    this.movements = [];
    return out;
  }
}
