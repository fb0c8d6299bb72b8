/**
 * The shops as the simulation runs them: per-shop state (visitor pools, order numbers, product
 * weights, page URLs) and what differs by channel (URLs, referrers, order-number formats).
 */
import { DEFAULT_SOURCES } from '@yunying/core';
import type { ShopTemplate } from './catalog.js';
import { compact } from './calendar.js';
import { type Rng, Weighted, hash32 } from './prng.js';
import type { SimWorld } from './types.js';
import type { ProductModel } from './world.js';

/** Visitor numbers seen recently (a ring), to draw returning visitors from. */
export class Pool {
  private buf: Int32Array;
  private n = 0;
  private head = 0;
  constructor(cap: number) {
    this.buf = new Int32Array(Math.max(16, cap));
  }
  add(v: number): void {
    this.buf[this.head] = v;
    this.head = (this.head + 1) % this.buf.length;
    if (this.n < this.buf.length) this.n++;
  }
  get size(): number {
    return this.n;
  }
  pick(rng: Rng): number {
    return this.buf[Math.floor(rng.next() * this.n)]!;
  }
}

export interface ShopState {
  t: ShopTemplate;
  id: string;
  /** Recent visitors, to draw returning ones from. */
  pool: Pool;
  /** Recent paying buyers (they come back and buy again). */
  buyers: Pool;
  nextVisitor: number;
  mix: Weighted<string>;
  sources: string[];
  orderSeq: number;
  productWeights: Weighted<number>;
  /** Channel item id by product index. */
  itemIds: string[];
  urls: { item: (p: number) => string; home: string; list: string; activity: string; orders: string };
}

export function buildShops(w: SimWorld, templates: readonly ShopTemplate[], models: readonly ProductModel[]): ShopState[] {
  const profile = w.profile;
  return templates.map((t, si) => {
    const shop = w.shops[si]!;
    const sources = Object.keys(t.mix);
    const itemIds = w.listings.filter((l) => l.shopId === shop.id).map((l) => l.channelItemId);
    const base = shopBase(t.channel);
    return {
      t,
      id: shop.id,
      pool: new Pool(t.baseUv[profile] * 30),
      buyers: new Pool(t.baseUv[profile] * 6),
      nextVisitor: 1,
      mix: new Weighted(sources.map((s) => [s, t.mix[s]!] as const)),
      sources,
      orderSeq: hash32(w.seed, t.key, 'orders') % 100_000,
      productWeights: new Weighted(models.map((m, i) => [i, m.popularity] as const)),
      itemIds,
      urls: {
        item: (p: number) => base.item(itemIds[p]!),
        home: base.home,
        list: base.list,
        activity: base.activity,
        orders: base.orders,
      },
    };
  });
}

export function visitorIdOf(seed: number, shopKey: string, no: number): string {
  const a = hash32(seed, 'visitor', shopKey, no);
  const b = hash32(no, shopKey, seed, 'v');
  return `v_${a.toString(36).padStart(7, '0')}${b.toString(36).padStart(7, '0')}`;
}

export const TRACKING_PREFIX: Record<string, string> = {
  顺丰速运: 'SF',
  中通快递: '78',
  圆通速递: 'YT',
  韵达快递: '43',
  极兔速递: 'JT',
  京东物流: 'JDV',
};

export function orderNoOf(channel: string, day: string, seq: number, rng: Rng): string {
  const n = String(seq).padStart(9, '0');
  switch (channel) {
    case 'tmall':
      return `${compact(day).slice(2)}${n}${rng.chars(4, '0123456789')}`;
    case 'jd':
      return `3${n}${rng.chars(2, '0123456789')}`;
    case 'douyin':
      return `69${compact(day).slice(2)}${n}${rng.chars(2, '0123456789')}`;
    default:
      return `QM${compact(day)}${n.slice(-6)}`;
  }
}

function shopBase(channel: string) {
  switch (channel) {
    case 'tmall':
      return {
        item: (id: string) => `https://detail.tmall.com/item.htm?id=${id}`,
        home: 'https://qimushenghuo.tmall.com/',
        list: 'https://qimushenghuo.tmall.com/search.htm',
        activity: 'https://qimushenghuo.tmall.com/p/promo.htm',
        orders: 'https://buyertrade.taobao.com/orders',
      };
    case 'jd':
      return {
        item: (id: string) => `https://item.jd.com/${id}.html`,
        home: 'https://mall.jd.com/index-1000396211.html',
        list: 'https://mall.jd.com/view_search-1000396211.html',
        activity: 'https://pro.jd.com/mall/active/qimu/index.html',
        orders: 'https://order.jd.com/orders',
      };
    case 'douyin':
      return {
        item: (id: string) => `https://haohuo.jinritemai.com/views/product/item2?id=${id}`,
        home: 'https://haohuo.jinritemai.com/views/shop/index?id=QMSH',
        list: 'https://haohuo.jinritemai.com/views/shop/search?id=QMSH',
        activity: 'https://haohuo.jinritemai.com/views/activity/qimu',
        orders: 'https://haohuo.jinritemai.com/views/orders',
      };
    default:
      return {
        item: (code: string) => `https://shop.qimu-life.cn/p/${code}`,
        home: 'https://shop.qimu-life.cn/',
        list: 'https://shop.qimu-life.cn/c/all',
        activity: 'https://shop.qimu-life.cn/promo',
        orders: 'https://shop.qimu-life.cn/my/orders',
      };
  }
}

export function referrerOf(channel: string, src: string): string {
  switch (src) {
    case 'search':
      return channel === 'jd'
        ? 'https://search.jd.com/'
        : channel === 'own'
          ? 'https://www.baidu.com/'
          : channel === 'douyin'
            ? 'https://www.douyin.com/search'
            : 'https://s.taobao.com/';
    case 'social':
      return 'https://servicewechat.com/';
    case 'email_sms':
      return '';
    case 'content':
      return channel === 'own'
        ? 'https://www.xiaohongshu.com/'
        : channel === 'douyin'
          ? 'https://www.douyin.com/'
          : channel === 'jd'
            ? 'https://h5.m.jd.com/'
            : 'https://live.taobao.com/';
    case 'external':
      return 'https://www.zhihu.com/';
    default:
      return '';
  }
}

const SOURCE_LABELS: Record<string, string> = {
  search: '搜索',
  recommend: '推荐',
  activity: '活动',
  content: '内容/直播',
  paid_search: '直通车',
  display: '展位广告',
  affiliate: '淘宝客',
  feed_ads: '信息流',
  shop: '店铺页',
  cart_fav: '购物车/收藏',
  my_orders: '我的订单',
  direct: '直接访问',
  social: '社群',
  email_sms: '短信',
  external: '站外',
};

const TREE_NAMES = new Map(DEFAULT_SOURCES.map((s) => [s.code, s.zh]));

/** How an order's timeline names its source: Taobao's short words, other channels' own source names. */
export function sourceLabel(code: string): string {
  return SOURCE_LABELS[code] ?? TREE_NAMES.get(code) ?? code;
}
