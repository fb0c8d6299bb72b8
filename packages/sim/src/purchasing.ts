/**
 * Purchasing: the demand estimate that sizes stock, opening receipts before the window, reorder
 * POs when cover falls under 14 days, and emergency receipts (one PO per supplier each time).
 */
import { addDays, dayStart } from '@yunying/core';
import { supplierFor, type ShopTemplate } from './catalog.js';
import { DAY_MS, HOUR, compact, dayOf } from './calendar.js';
import type { Ledger, SkuTable } from './ledger.js';
import type { IdMaker } from './prng.js';
import type { SimPurchaseOrder, SimWorld } from './types.js';
import type { ProductModel } from './world.js';

export interface PurchaseRequest {
  wh: number;
  items: { skuIdx: number; qty: number }[];
  createdAt: number;
  /** Received then (if not after now; otherwise the PO is still 已下单). */
  receiveAt: number;
  note: string;
}

export class Purchasing {
  private poSeq = 0;
  private purchaseOrders: SimPurchaseOrder[] = [];

  constructor(
    private readonly w: SimWorld,
    private readonly models: readonly ProductModel[],
    private readonly skus: SkuTable,
    private readonly ids: IdMaker,
    private readonly ledger: Ledger,
  ) {}

  /** Rough expected units per SKU × warehouse per day, to size opening stock and reorders. */
  estimateDemand(shops: readonly ShopTemplate[]): void {
    const { models, skus, ledger } = this;
    const totalW = models.reduce((s, m) => s + m.popularity * m.convFactor, 0);
    for (const t of shops) {
      const orders = t.baseUv[this.w.profile] * 0.95 * t.conv;
      const wh = t.warehouse;
      models.forEach((m, p) => {
        const units = (orders * 1.4 * m.popularity * m.convFactor) / totalW;
        const sw = m.skuWeights.reduce((a, b) => a + b, 0);
        for (let j = skus.start[p]!; j < skus.start[p + 1]!; j++) {
          ledger.demand[j * ledger.nWh + wh]! += (units * m.skuWeights[j - skus.start[p]!]!) / sw;
        }
      });
    }
  }

  purchase(req: PurchaseRequest): void {
    const { wh, items, createdAt, receiveAt, note } = req;
    const supplierOf = (skuIdx: number) => supplierFor(this.models[this.skus.list[skuIdx]!.p]!.category);
    // One PO per supplier.
    const bySupplier = new Map<number, number[]>();
    items.forEach((x, i) => {
      const sup = supplierOf(x.skuIdx);
      const list = bySupplier.get(sup) ?? [];
      list.push(i);
      bySupplier.set(sup, list);
    });
    for (const [sup, idx] of [...bySupplier.entries()].sort((a, b) => a[0] - b[0])) {
      const received = receiveAt <= this.w.now;
      const id = this.ids.make('po', createdAt);
      const code = `PO${compact(dayOf(createdAt, this.w.timezone))}${String(++this.poSeq).padStart(4, '0')}`;
      const po: SimPurchaseOrder = {
        id,
        code,
        supplierId: this.w.suppliers[sup]!.id,
        warehouseId: this.w.warehouses[wh]!.id,
        status: received ? 'received' : 'ordered',
        note,
        createdAt,
        expectedAt: receiveAt,
        receivedAt: received ? receiveAt : null,
        lines: idx.map((i) => {
          const sku = this.skus.list[items[i]!.skuIdx]!.sku;
          return {
            id: this.ids.make('pol', createdAt),
            skuId: sku.id,
            qty: items[i]!.qty,
            receivedQty: received ? items[i]!.qty : 0,
            unitCostFen: sku.costFen,
          };
        }),
      };
      this.purchaseOrders.push(po);
      idx.forEach((i) => {
        const { skuIdx, qty } = items[i]!;
        const kk = this.ledger.k(skuIdx, wh);
        if (received) {
          const immediate = receiveAt <= createdAt;
          this.ledger.move({
            skuIdx,
            wh,
            type: 'inbound',
            qty,
            at: receiveAt,
            refType: 'purchase_order',
            refId: id,
            note: `采购单 ${code} 入库`,
            immediate,
          });
          if (!immediate) this.ledger.onOrder[kk]! += qty;
        } else {
          this.ledger.onOrder[kk]! += qty; // never arrives within the window
        }
      });
    }
  }

  /** 期初备货: receipts the day before the window, sized from the demand estimate. */
  openingStock(first: number): void {
    const { ledger } = this;
    for (let wh = 0; wh < ledger.nWh; wh++) {
      const items: PurchaseRequest['items'] = [];
      for (let s = 0; s < this.skus.length; s++) {
        const d = ledger.demand[ledger.k(s, wh)]!;
        if (d <= 0) continue;
        items.push({ skuIdx: s, qty: roundUp(Math.max(30, d * 40), 10) });
      }
      if (items.length)
        this.purchase({ wh, items, createdAt: first - 3 * DAY_MS, receiveAt: first - DAY_MS + 10 * HOUR, note: '期初备货' });
    }
  }

  /** 补货 at `t` on `day` for every SKU whose cover is under 14 days; received 3 days later. */
  reorder(day: string, t: number): void {
    const { ledger } = this;
    for (let wh = 0; wh < ledger.nWh; wh++) {
      const items: PurchaseRequest['items'] = [];
      for (let s = 0; s < this.skus.length; s++) {
        const kk = ledger.k(s, wh);
        const d = ledger.demand[kk]!;
        if (d <= 0) continue;
        if (ledger.avail[kk]! + ledger.onOrder[kk]! < d * 14) items.push({ skuIdx: s, qty: roundUp(Math.max(20, d * 30), 10) });
      }
      if (items.length) {
        this.purchase({ wh, items, createdAt: t, receiveAt: dayStart(addDays(day, 3), this.w.timezone) + 15 * HOUR, note: '补货' });
      }
    }
  }

  /** 紧急补货: make sure `qty` of a SKU is available at `at` (received an hour before). */
  ensureAvailable(skuIdx: number, wh: number, qty: number, at: number): void {
    const kk = this.ledger.k(skuIdx, wh);
    if (this.ledger.avail[kk]! >= qty) return;
    const units = roundUp(Math.max(qty, this.ledger.demand[kk]! * 10, 10), 10);
    this.purchase({ wh, items: [{ skuIdx, qty: units }], createdAt: at - 2 * HOUR, receiveAt: at - HOUR, note: '紧急补货' });
    this.ledger.flush(at);
  }

  /** The purchase orders written since the last call. */
  takePurchaseOrders(): SimPurchaseOrder[] {
    const out = this.purchaseOrders;
    this.purchaseOrders = [];
    return out;
  }
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}
