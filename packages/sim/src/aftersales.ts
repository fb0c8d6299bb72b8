/**
 * After-sales: refunds asked before shipping, returns and partial refunds after delivery, and
 * complaints. Each case moves through the console's statuses by its age, with SLA due times;
 * some recent ones get stuck (overdue). Refunds flow into the order lines and the order.
 */
import { allocate, proposedRefundFen } from '@yunying/core';
import { DAY_MS, HOUR, compact, dayOf } from './calendar.js';
import type { Ledger, SkuTable } from './ledger.js';
import type { IdMaker, Rng } from './prng.js';
import type { SimAftersale, SimAftersaleStatus, SimAftersaleType, SimOrder, SimOrderLine, SimWorld } from './types.js';
import type { ProductModel } from './world.js';

/** Hours an after-sales case may sit in a status (mirrors the console's SLA table). */
const SLA_HOURS: Record<SimAftersaleType, Partial<Record<SimAftersaleStatus, number>>> = {
  refund_only: { pending: 48, processing: 24 },
  return_refund: { pending: 48, processing: 48, awaiting_return: 7 * 24, received: 48 },
  complaint: { pending: 24, processing: 72 },
};
const FAR = 100 * 365 * DAY_MS;

interface NewCase {
  type: SimAftersaleType;
  reason: string;
  responsibility: SimAftersale['responsibility'];
  createdAt: number;
  lines: SimAftersale['lines'];
  note: string;
}

interface Refund {
  parts: { line: SimOrderLine; qty: number; amount: number }[];
  at: number;
  note: string;
  shippingFen?: number;
}

export interface PreShipRefund {
  askAt: number;
  shipAt: number;
  /** Shipping is late: the buyer asks because of it. */
  slow: boolean;
  /** Release the order's reserved stock. */
  release: (at: number, note: string) => void;
}

export interface PostDeliveryCase {
  line: SimOrderLine;
  model: ProductModel;
  deliverAt: number;
  wh: number;
}

export class Aftersales {
  private asSeq = 0;
  private cases: SimAftersale[] = [];

  constructor(
    private readonly w: SimWorld,
    private readonly ids: IdMaker,
    private readonly skus: SkuTable,
    private readonly ledger: Ledger,
  ) {}

  /** The order of each case opened since the last call. */
  private orderOf = new Map<string, SimOrder>();

  /**
   * The cases opened since the last call (their orders are complete by then). An order with a
   * refund case still open today is 退款中, as the console puts it: the 退款中 tab lists exactly the
   * orders with open refund cases.
   */
  takeCases(): SimAftersale[] {
    const out = this.cases;
    this.cases = [];
    for (const c of out) {
      const o = this.orderOf.get(c.id);
      if (!o || c.type === 'complaint' || c.resolvedAt !== null || o.status === 'refunding' || o.status === 'refunded') continue;
      const at = Math.max(c.createdAt, o.updatedAt);
      o.events.push({
        id: this.ids.make('oev', at),
        type: 'status',
        fromStatus: o.status,
        toStatus: 'refunding',
        note: `售后单 ${c.code}`,
        at,
      });
      o.status = 'refunding';
      o.updatedAt = at;
    }
    this.orderOf.clear();
    return out;
  }

  /** 仅退款 before shipping (the whole order): refunded within hours, or withdrawn once shipped. */
  preShipRefund(rng: Rng, o: SimOrder, x: PreShipRefund): void {
    const { askAt, shipAt, slow } = x;
    const reason = slow ? '未按约定时间发货' : rng.pick(['七天无理由', '其他', '七天无理由']);
    const c = this.open(o, {
      type: 'refund_only',
      reason,
      responsibility: slow ? 'service' : 'buyer',
      createdAt: askAt,
      lines: o.lines.map((l) => ({ orderLineId: l.id, qty: l.qty, goodQty: 0, defectiveQty: 0 })),
      note: slow ? '买家反映迟迟未发货，申请退款' : '买家未发货前申请退款',
    });
    // Most are refunded within hours; some recent ones wait (and go overdue). Old ones were all handled.
    if (rng.chance(0.12) && this.recent(askAt)) return;
    const doneAt = askAt + Math.floor(rng.logNormal(3 * HOUR, 0.8));
    if (doneAt >= shipAt) {
      this.step(c, 'closed', shipAt, '商家已发货，买家撤销退款申请');
      return;
    }
    if (doneAt > this.w.now) return;
    c.refundFen = this.refundOrder(o, {
      parts: o.lines.map((l) => ({ line: l, qty: l.qty, amount: l.paidFen })),
      at: doneAt,
      note: `售后单 ${c.code}`,
      shippingFen: o.shippingFen,
    });
    this.step(c, 'completed', doneAt, `退款 ¥${(c.refundFen / 100).toFixed(2)}`);
    o.stockMode = 'released';
    x.release(doneAt, `订单 ${o.orderNo} 退款，释放预占`);
  }

  /** 退货退款 (or a partial 仅退款 for a flaw) of one line after delivery. */
  postDeliveryCase(rng: Rng, o: SimOrder, x: PostDeliveryCase): void {
    const { line, model: m, deliverAt, wh } = x;
    const askAt = deliverAt + Math.floor(rng.logNormal(1.5 * DAY_MS, 0.7));
    if (askAt > this.w.now) return;
    const apparel = ['T恤', '家居服', '内衣袜子'].includes(m.category);
    const r = rng.next();
    const reason = apparel && r < 0.45 ? '尺码不合适' : r < 0.65 ? '七天无理由' : r < 0.85 ? '质量问题' : r < 0.93 ? '物流破损' : '发错货';
    const responsibility = (
      { 尺码不合适: 'buyer', 七天无理由: 'buyer', 质量问题: 'product', 物流破损: 'logistics', 发错货: 'service' } as const
    )[reason];
    const partial = (reason === '质量问题' || reason === '物流破损') && rng.chance(0.35);
    const qty = partial ? 1 : line.qty;
    const c = this.open(o, {
      type: partial ? 'refund_only' : 'return_refund',
      reason,
      responsibility,
      createdAt: askAt,
      lines: [{ orderLineId: line.id, qty, goodQty: 0, defectiveQty: 0 }],
      note: partial ? '买家反馈商品瑕疵，协商部分退款' : '买家申请退货退款',
    });
    const stuck = rng.chance(0.1) && this.recent(askAt);
    const t1 = askAt + Math.floor(rng.logNormal(8 * HOUR, 0.8));
    if (stuck || !this.step(c, 'processing', t1, '客服同意')) return;
    const share = allocate(
      line.paidFen,
      Array.from({ length: line.qty }, () => 1),
    );
    const full = share.slice(0, qty).reduce((a, b) => a + b, 0);
    if (partial) {
      const amount = Math.max(100, Math.round((full * (0.2 + rng.next() * 0.3)) / 100) * 100);
      const t2 = t1 + Math.floor(rng.logNormal(5 * HOUR, 0.6));
      if (t2 > this.w.now) return;
      c.refundFen = this.refundOrder(o, {
        parts: [{ line, qty: 0, amount: Math.min(amount, full) }],
        at: t2,
        note: `售后单 ${c.code} 部分退款`,
      });
      this.step(c, 'completed', t2, `部分退款 ¥${(c.refundFen / 100).toFixed(2)}`);
      return;
    }
    if (!this.step(c, 'awaiting_return', t1 + 60_000, '等待买家寄回')) return;
    const t3 = t1 + Math.floor(rng.logNormal(3 * DAY_MS, 0.4));
    if (rng.chance(0.04)) {
      this.step(c, 'closed', t1 + 7 * DAY_MS, '买家超时未寄回，售后关闭');
      return;
    }
    if (!this.step(c, 'received', t3, '仓库验收')) return;
    const bad = reason === '质量问题' || reason === '物流破损' ? qty : rng.chance(0.08) ? 1 : 0;
    const good = qty - bad;
    c.lines[0]!.goodQty = good;
    c.lines[0]!.defectiveQty = bad;
    const skuIdx = this.skus.indexOf(line.skuId);
    const ref = { skuIdx, wh, at: t3, refType: 'aftersale', refId: c.id, immediate: false } as const;
    if (good > 0) this.ledger.move({ ...ref, type: 'return', qty: good, note: `售后 ${c.code} 退货验收良品入库` });
    if (bad > 0) this.ledger.move({ ...ref, type: 'defective', qty: bad, note: `售后 ${c.code} 退货验收次品` });
    if (rng.chance(0.08) && this.recent(t3)) return; // waiting for finance: overdue after 48 h
    const t4 = t3 + Math.floor(rng.logNormal(10 * HOUR, 0.6));
    if (t4 > this.w.now) return;
    c.refundFen = this.refundOrder(o, { parts: [{ line, qty, amount: full }], at: t4, note: `售后单 ${c.code}` });
    this.step(c, 'completed', t4, `退款 ¥${(c.refundFen / 100).toFixed(2)}`);
  }

  /** A complaint about the courier a day or so after delivery. */
  complaint(rng: Rng, o: SimOrder, deliverAt: number): void {
    const at = deliverAt + Math.floor(rng.logNormal(DAY_MS, 0.6));
    if (at > this.w.now) return;
    const c = this.open(o, {
      type: 'complaint',
      reason: '其他',
      responsibility: 'logistics',
      createdAt: at,
      lines: [],
      note: '买家投诉快递员态度差、未送货上门',
    });
    const t1 = at + Math.floor(rng.logNormal(6 * HOUR, 0.7));
    if (!this.step(c, 'processing', t1, '客服跟进')) return;
    this.step(c, 'completed', t1 + Math.floor(rng.logNormal(20 * HOUR, 0.5)), '已致歉并补偿优惠券');
  }

  /** Cases still open today are recent: a shop does not leave a case unanswered for months. */
  private recent(at: number): boolean {
    return this.w.now - at < 14 * DAY_MS;
  }

  private open(o: SimOrder, x: NewCase): SimAftersale {
    const { type, createdAt } = x;
    const c: SimAftersale = {
      id: this.ids.make('as', createdAt),
      shopId: o.shopId,
      orderId: o.id,
      code: `AS${compact(dayOf(createdAt, this.w.timezone))}${String(++this.asSeq).padStart(5, '0')}`,
      type,
      status: 'pending',
      reason: x.reason,
      responsibility: x.responsibility,
      requestedFen:
        type === 'complaint'
          ? 0
          : proposedRefundFen(
              x.lines.map((cl) => {
                const l = o.lines.find((ol) => ol.id === cl.orderLineId);
                return { paidFen: l?.paidFen ?? 0, refundFen: l?.refundFen ?? 0, qty: l?.qty ?? 1, caseQty: cl.qty };
              }),
            ),
      refundFen: 0,
      note: x.note,
      slaDueAt: createdAt + (SLA_HOURS[type].pending ?? 48) * HOUR,
      resolvedAt: null,
      createdAt,
      updatedAt: createdAt,
      lines: x.lines,
      events: [{ id: this.ids.make('ase', createdAt), fromStatus: null, toStatus: 'pending', note: '买家申请售后', at: createdAt }],
    };
    this.cases.push(c);
    this.orderOf.set(c.id, o);
    o.events.push({
      id: this.ids.make('oev', createdAt),
      type: 'aftersale',
      fromStatus: null,
      toStatus: null,
      note: `售后单 ${c.code} 已创建`,
      at: createdAt,
    });
    return c;
  }

  /** Move a case on if the step is due before now; returns false when it stays put. */
  private step(c: SimAftersale, to: SimAftersaleStatus, at: number, note: string): boolean {
    if (at > this.w.now) return false;
    c.events.push({ id: this.ids.make('ase', at), fromStatus: c.status, toStatus: to, note, at });
    c.status = to;
    c.updatedAt = at;
    const h = SLA_HOURS[c.type][to];
    c.slaDueAt = h === undefined ? at + FAR : at + h * HOUR;
    if (to === 'completed' || to === 'closed') c.resolvedAt = at;
    return true;
  }

  /** Refund order lines (and shipping): the order is 已退款 once everything paid is refunded. */
  private refundOrder(o: SimOrder, x: Refund): number {
    const { at } = x;
    let total = x.shippingFen ?? 0;
    const day = dayOf(at, this.w.timezone);
    for (const p of x.parts) {
      p.line.refundFen += p.amount;
      p.line.refundedQty += p.qty;
      total += p.amount;
      if (p.amount > 0)
        o.refunds.push({ id: this.ids.make('rfd', at), orderLineId: p.line.id, qty: p.qty, amountFen: p.amount, at, day, note: x.note });
    }
    if (x.shippingFen)
      o.refunds.push({ id: this.ids.make('rfd', at), orderLineId: null, qty: 0, amountFen: x.shippingFen, at, day, note: x.note });
    o.refundFen += total;
    o.updatedAt = Math.max(o.updatedAt, at);
    const full = o.refundFen >= o.paidFen || o.lines.every((l) => l.refundedQty >= l.qty && l.refundFen >= l.paidFen);
    o.events.push({
      id: this.ids.make('oev', at),
      type: 'refund',
      fromStatus: null,
      toStatus: null,
      note: `退款 ¥${(total / 100).toFixed(2)}（${x.note}），累计已退 ¥${(o.refundFen / 100).toFixed(2)}`,
      at,
    });
    if (full) {
      o.events.push({ id: this.ids.make('oev', at), type: 'status', fromStatus: o.status, toStatus: 'refunded', note: '全额退款', at });
      o.status = 'refunded';
    }
    return total;
  }
}
