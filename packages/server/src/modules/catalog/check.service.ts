/**
 * Listing check (上架检查): title length per channel of the shops the product is listed in (or of
 * every active shop when it is not listed yet), missing images / prices / costs, and words of the
 * Advertising-Law list in the title, selling points, description and channel titles.
 */
import { checkTitle, scanBannedWords, type Channel, type CheckIssue, type ProductCheck, type ProductStatus } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as shopsModule from '../shops/index.js';
import { canSeeShop } from '../../db/kit.js';
import { scanWordsFor } from './words.service.js';

const FIELD_LABELS = { title: '标题', sellingPoints: '卖点', description: '描述', listingTitle: '渠道标题' } as const;
const RISK_ZH = { high: '高', medium: '中', low: '低' } as const;
const CHANNEL_ZH: Record<Channel, string> = {
  taobao: '淘宝',
  tmall: '天猫',
  jd: '京东',
  pdd: '拼多多',
  douyin: '抖音',
  own: '自有商城',
  offline: '线下门店',
};

export async function checkProducts(db: Kysely<DB>, actor: Actor, productIds?: readonly string[]): Promise<ProductCheck[]> {
  const orgId = actor.orgId;
  let pq = db.selectFrom('products').selectAll().where('org_id', '=', orgId);
  if (productIds) {
    if (!productIds.length) return [];
    pq = pq.where('id', 'in', productIds);
  }
  const products = await pq.orderBy('updated_at', 'desc').execute();
  if (!products.length) return [];
  const ids = products.map((p) => p.id);
  const inIds = <T>(rows: T[], key: (r: T) => string) => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
    return m;
  };
  const chunk = productIds ? ids : undefined; // all products: no IN list, scope by org
  const skusQ = db
    .selectFrom('skus')
    .select(['product_id', 'code', 'price_fen', 'cost_fen'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active');
  const imgQ = db.selectFrom('product_images').select(['product_id']).where('org_id', '=', orgId);
  const lstQ = db.selectFrom('listings').select(['product_id', 'shop_id', 'title']).where('org_id', '=', orgId);
  const [skus, images, listings, shops, wordsFor] = await Promise.all([
    (chunk ? skusQ.where('product_id', 'in', chunk) : skusQ).execute(),
    (chunk ? imgQ.where('product_id', 'in', chunk) : imgQ).execute(),
    (chunk ? lstQ.where('product_id', 'in', chunk) : lstQ).execute(),
    shopsModule.listVisible(db, actor),
    scanWordsFor(db, orgId),
  ]);
  const skusBy = inIds(skus, (r) => r.product_id);
  const imagesBy = inIds(images, (r) => r.product_id);
  const listingsBy = inIds(listings, (r) => r.product_id);
  const visible = (shopId: string) => canSeeShop(actor, shopId);
  const activeShops = shops.filter((s) => s.status === 'active' && visible(s.id));

  return products.map((p) => {
    const issues: CheckIssue[] = [];
    const words = wordsFor(p.id);
    const pl = (listingsBy.get(p.id) ?? []).filter((l) => visible(l.shop_id));
    // Title length: one check per channel (listed shops, else every active shop).
    const targets: { channel: Channel; shopId?: string; title: string; field: 'title' | 'listingTitle' }[] = [];
    if (pl.length) {
      for (const l of pl) {
        const shop = shops.find((s) => s.id === l.shop_id);
        if (shop)
          targets.push({
            channel: shop.channel as Channel,
            shopId: shop.id,
            title: l.title || p.title,
            field: l.title ? 'listingTitle' : 'title',
          });
      }
    } else {
      for (const c of new Set(activeShops.map((s) => s.channel as Channel))) targets.push({ channel: c, title: p.title, field: 'title' });
    }
    const done = new Set<string>();
    for (const t of targets) {
      const key = `${t.channel}\u0000${t.title}`;
      if (done.has(key)) continue;
      done.add(key);
      const c = checkTitle(t.title, t.channel);
      if (c && !c.ok)
        issues.push({
          kind: 'title_length',
          severity: 'error',
          channel: t.channel,
          ...(t.shopId ? { shopId: t.shopId } : {}),
          field: t.field,
          length: c.length,
          max: c.max,
          message:
            c.mode === 'width'
              ? `${CHANNEL_ZH[t.channel]}标题超长：${c.length} 个字符（汉字算 2 个），最多 ${c.max}，请删减 ${c.length - c.max} 个字符`
              : `${CHANNEL_ZH[t.channel]}标题超长：${c.length} 个字，最多 ${c.max}，请删减 ${c.length - c.max} 个字`,
        });
    }
    if (!(imagesBy.get(p.id) ?? []).length)
      issues.push({ kind: 'missing_image', severity: 'error', message: '没有商品图片，请至少上传一张主图' });
    const ps = skusBy.get(p.id) ?? [];
    if (!ps.length) issues.push({ kind: 'no_sku', severity: 'error', message: '没有启用的 SKU，请添加或启用 SKU' });
    const noPrice = ps.filter((s) => Number(s.price_fen) <= 0).map((s) => s.code);
    if (noPrice.length)
      issues.push({ kind: 'missing_price', severity: 'error', skuCodes: noPrice, message: `SKU ${noPrice.join('、')} 没有售价` });
    const noCost = ps.filter((s) => Number(s.cost_fen) <= 0).map((s) => s.code);
    if (noCost.length)
      issues.push({
        kind: 'missing_cost',
        severity: 'warning',
        skuCodes: noCost,
        message: `SKU ${noCost.join('、')} 没有填写成本，毛利将无法计算`,
      });
    const texts: { field: keyof typeof FIELD_LABELS; text: string }[] = [
      { field: 'title', text: p.title },
      { field: 'sellingPoints', text: p.selling_points },
      { field: 'description', text: p.description },
      ...pl.filter((l) => l.title).map((l) => ({ field: 'listingTitle' as const, text: l.title! })),
    ];
    for (const { field, text } of texts) {
      for (const h of scanBannedWords(text, words)) {
        issues.push({
          kind: 'banned_word',
          severity: h.risk === 'low' ? 'warning' : 'error',
          field,
          word: h.word,
          risk: h.risk,
          index: h.index,
          context: h.context,
          message: `${FIELD_LABELS[field]}含违禁词「${h.word}」（${RISK_ZH[h.risk]}风险，第 ${h.index + 1} 个字）：…${h.context}…${h.note ? `；${h.note}` : ''}`,
        });
      }
    }
    return { productId: p.id, title: p.title, code: p.code, status: p.status as ProductStatus, issues };
  });
}
