/**
 * The demo's reviews and service conversations, derived from the orders the simulation already
 * produced (a stream of its own, so nothing of the simulation or its golden hashes changes):
 *
 * - Reviews: about a third of delivered orders are reviewed 1–7 days after delivery. Most are
 *   好评; the product of the planted conversion drop draws quality complaints (质量/做工) four times
 *   as often, and orders from the slow warehouse during its delay complain about logistics
 *   (物流慢) with low 物流服务 scores — so 评价分析's repeated complaints and the DSR dip show them.
 * - Conversations: each shop has three agents (千牛-style `店铺名:小美` sub-accounts). About 45 % of
 *   paid orders were preceded by an enquiry from the same buyer (2–90 min before ordering), and
 *   as many again are enquiries that never buy, at the same times of day as the orders — so
 *   询单转化率 is about half and the staffing history follows the shop's daily rhythm. First
 *   responses are log-normal around 12 s (the newest agent slower), 3 % are never answered.
 *
 * Use: `const book = new ServiceBook(world); for (const d of g.days()) book.add(d); book.finish()`.
 */
import { Rng, hash32 } from './prng.js';
import type { SimDay, SimOrder, SimWorld } from './types.js';

export interface SimReview {
  shopId: string;
  platform: string;
  reviewKey: string;
  orderNo: string;
  productTitle: string;
  skuText: string;
  buyerNick: string;
  rating: number;
  content: string;
  imageCount: number;
  appendContent: string;
  dsrDesc: number;
  dsrService: number;
  dsrLogistics: number;
  reviewedAt: number;
}

export interface SimChat {
  shopId: string;
  chatKey: string;
  agent: string;
  customer: string;
  startedAt: number;
  firstResponseS: number | null;
  messages: number;
  endedAt: number | null;
  orderNo: string;
}

const GOOD = [
  '质量很好，和描述一致',
  '物流很快，包装完好',
  '性价比很高，会回购',
  '颜色很正，尺码标准',
  '客服态度很好，耐心解答',
  '做工精细，很满意',
];
const NEUTRAL = ['一般般，尺码偏大一点', '还行，就是物流有点慢', '颜色和图片有点色差', '包装有点简陋', '质量一般，对得起价格'];
const BAD_QUALITY = ['质量太差了，用了两天就开线', '做工粗糙，有瑕疵', '质量不行，和描述不符'];
const BAD_LOGISTICS = ['物流太慢了，等了一个星期', '发货慢，催了好几次', '快递太慢，还没到就想退了'];
const BAD_OTHER = ['色差严重，和图片不一样', '尺码偏小，穿不上', '客服态度差，不回复'];
const APPEND_GOOD = ['用了一段时间，还是很好', '回购了，家人也喜欢'];
const AGENTS = ['小美', '阿强', '小丽'];
const PLATFORM_OF_CHANNEL: Record<string, string> = { tmall: 'taobao', taobao: 'taobao', jd: 'jd', pdd: 'pdd', douyin: 'douyin' };
const MIN = 60_000;
const DAY = 86_400_000;

export class ServiceBook {
  private readonly rng: Rng;
  private readonly reviews: SimReview[] = [];
  private readonly chats: SimChat[] = [];
  private seq = 0;

  constructor(private readonly w: SimWorld) {
    this.rng = Rng.of(w.seed, 'reviews-service');
  }

  add(day: SimDay): void {
    const byShop = new Map<string, SimOrder[]>();
    for (const o of day.orders) {
      const list = byShop.get(o.shopId);
      if (list) list.push(o);
      else byShop.set(o.shopId, [o]);
    }
    for (const shop of this.w.shops) {
      const orders = byShop.get(shop.id) ?? [];
      for (const o of orders) {
        this.review(o, shop.channel);
        if (o.paidAt !== null && this.rng.chance(0.45)) this.chat(shop, o.buyerNick, o.orderedAt - this.rng.int(2, 90) * MIN, o.orderNo);
      }
      // Enquiries that never buy, at the times of day the shop's orders come in.
      const browsing = this.rng.poisson(orders.length * 0.45);
      for (let i = 0; i < browsing && orders.length; i++) {
        const like = this.rng.pick(orders);
        const at = like.orderedAt + Math.round(this.rng.normal() * 30 * MIN);
        this.chat(shop, `访客${hash32(this.w.seed, shop.id, day.day, i) % 100_000}`, at, '');
      }
    }
  }

  private review(o: SimOrder, channel: string): void {
    if (o.deliveredAt === null || (o.status !== 'delivered' && o.status !== 'completed')) return;
    const rng = this.rng;
    if (!rng.chance(0.35)) return;
    const at = o.deliveredAt + rng.int(1, 7) * DAY - rng.int(0, 600) * MIN;
    if (at > this.w.now) return;
    const line = o.lines[0];
    if (!line) return;
    const p = this.w.problems;
    const badProduct = o.lines.some((l) => l.productId === p.conversionDrop.productId);
    const paidDay = o.paidDay ?? o.orderDay;
    const slowShip =
      o.warehouseId === p.shippingDelay.warehouseId && paidDay >= p.shippingDelay.fromDay && paidDay <= p.shippingDelay.toDay;
    const badP = badProduct ? 0.2 : slowShip ? 0.16 : 0.05;
    const r = rng.next();
    const rating = r < badP * 0.6 ? 1 : r < badP ? 2 : r < badP + 0.05 ? 3 : r < badP + 0.17 ? 4 : 5;
    let content: string;
    if (rating >= 4) content = rng.pick(GOOD);
    else if (rating === 3) content = slowShip ? '还行，就是物流有点慢' : rng.pick(NEUTRAL);
    else content = badProduct ? rng.pick(BAD_QUALITY) : slowShip ? rng.pick(BAD_LOGISTICS) : rng.pick(BAD_OTHER);
    const clamp = (x: number) => Math.max(1, Math.min(5, Math.round(x)));
    this.reviews.push({
      shopId: o.shopId,
      platform: PLATFORM_OF_CHANNEL[channel] ?? 'generic',
      reviewKey: `${hash32(this.w.seed, o.id, 'review')}${String(++this.seq).padStart(7, '0')}`,
      orderNo: o.orderNo,
      productTitle: line.title,
      skuText: line.specText,
      buyerNick: o.buyerNick,
      rating,
      content,
      imageCount: rating >= 4 ? (rng.chance(0.3) ? rng.int(1, 4) : 0) : rng.int(0, 3),
      appendContent: rating >= 4 && rng.chance(0.1) ? rng.pick(APPEND_GOOD) : '',
      dsrDesc: clamp(rating + (badProduct ? -0.4 : 0) + rng.normal() * 0.3),
      dsrService: clamp(Math.max(rating, 4) + rng.normal() * 0.3),
      dsrLogistics: clamp((slowShip ? 2.5 : 4.9) + rng.normal() * 0.4),
      reviewedAt: at,
    });
  }

  private chat(shop: { id: string; name: string }, customer: string, startedAt: number, orderNo: string): void {
    const rng = this.rng;
    if (startedAt > this.w.now) return;
    const ai = rng.int(0, AGENTS.length - 1);
    // The newest agent (小丽) answers slower.
    const first = rng.chance(0.03) ? null : Math.min(900, Math.round(rng.logNormal(ai === 2 ? 25 : 12, 0.8)));
    const handling = Math.round(rng.logNormal(4 * MIN, 0.6));
    this.chats.push({
      shopId: shop.id,
      chatKey: `Q${hash32(this.w.seed, shop.id, 'chat') % 1000}${String(++this.seq).padStart(8, '0')}`,
      agent: `${shop.name}:${AGENTS[ai]}`,
      customer,
      startedAt,
      firstResponseS: first,
      messages: first === null ? rng.int(1, 3) : rng.int(4, 24),
      endedAt: Math.min(this.w.now, startedAt + (first ?? 0) * 1000 + handling),
      orderNo,
    });
  }

  finish(): { reviews: SimReview[]; chats: SimChat[] } {
    return { reviews: this.reviews, chats: this.chats };
  }
}
