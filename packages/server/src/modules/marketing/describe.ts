/**
 * One-line Chinese descriptions of promotion rules and coupons (lists, the calendar, the effect
 * report), and the unit price an item-level rule leaves — the margin check's projection.
 */
import { formatFen, PROMOTION_KIND_LABELS, type PriceCut, type PromotionRule } from '@yunying/core';

const pct = (bp: number) => `${(bp / 100).toFixed(bp % 100 === 0 ? 0 : 2)}%`;
/** 1500 bp off = 8.5 折. */
export const zhe = (offBp: number) => `${((10000 - offBp) / 1000).toFixed(2).replace(/\.?0+$/, '')} 折`;

function cutText(c: PriceCut): string {
  if (c.type === 'percent') return zhe(c.offBp);
  if (c.type === 'amount') return `立减 ${formatFen(c.offFen)}`;
  return `活动价 ${formatFen(c.priceFen)}`;
}

export function describeRule(rule: PromotionRule): string {
  const label = PROMOTION_KIND_LABELS[rule.kind].zh;
  switch (rule.kind) {
    case 'item_discount':
    case 'flash_sale':
      return `${label}：${cutText(rule.cut)}${rule.skuCuts?.length ? `（${rule.skuCuts.length} 个 SKU 单独定价）` : ''}${rule.perBuyerLimit ? `，每人限 ${rule.perBuyerLimit} 件` : ''}`;
    case 'member_price':
      return `${label}：${rule.levels.map((l) => `${l.level} ${cutText(l.cut)}`).join('，')}`;
    case 'bundle':
      return `${label}：${rule.items.map((i) => `${i.qty} 件`).join(' + ')} 套餐价 ${formatFen(rule.priceFen)}`;
    case 'buy_x_get_y':
      return rule.getOffBp === 10000
        ? `买 ${rule.buyQty} 送 ${rule.getQty}`
        : `买 ${rule.buyQty} 件，再买 ${rule.getQty} 件 ${zhe(rule.getOffBp)}`;
    case 'full_reduction':
      return `${rule.repeat ? '每满' : '满'}${rule.tiers.map((t) => ` ${formatFen(t.thresholdFen)} 减 ${formatFen(t.offFen)}`).join('，')}${rule.capFen ? `，最多减 ${formatFen(rule.capFen)}` : ''}`;
    case 'full_discount':
      return `满${rule.tiers.map((t) => ` ${formatFen(t.thresholdFen)} 打 ${zhe(t.offBp)}`).join('，')}${rule.capFen ? `，最多减 ${formatFen(rule.capFen)}` : ''}`;
    case 'qty_discount':
      return `满${rule.tiers.map((t) => ` ${t.minQty} 件 ${zhe(t.offBp)}`).join('，')}`;
    case 'gift':
      return `${rule.thresholdFen ? `满 ${formatFen(rule.thresholdFen)} ` : ''}送 ${rule.gifts.map((g) => `${g.name ?? '赠品'} × ${g.qty}`).join('、')}`;
    case 'free_shipping':
      return rule.thresholdFen ? `满 ${formatFen(rule.thresholdFen)} 包邮` : '包邮';
  }
}

export function describeCoupon(t: { kind: string; thresholdFen: number; amountFen: number; offBp: number; capFen: number | null }): string {
  const cond = t.thresholdFen > 0 ? `满 ${formatFen(t.thresholdFen)} ` : '无门槛';
  if (t.kind === 'amount') return `${cond}减 ${formatFen(t.amountFen)}`;
  return `${cond}打 ${zhe(t.offBp)}${t.capFen ? `（最多减 ${formatFen(t.capFen)}）` : ''}`;
}

function cutUnit(priceFen: number, c: PriceCut): number {
  if (c.type === 'percent') return priceFen - Math.round((priceFen * c.offBp) / 10000);
  if (c.type === 'amount') return Math.max(0, priceFen - c.offFen);
  return Math.min(priceFen, c.priceFen);
}

/**
 * The lowest unit price the rule can leave on a SKU listed at `priceFen` (the margin check's
 * projection): item cuts as given, the deepest member level, the average unit of a 买X送Y group,
 * a bundle's price spread over its list prices, and order-level rules at their deepest rate
 * (highest reduction ÷ threshold, the deepest 折, capped amounts ignored). Gifts and free shipping
 * leave the unit price as it is (null).
 */
export function projectedUnitPrice(rule: PromotionRule, skuId: string, priceFen: number, bundleListFen?: number): number | null {
  switch (rule.kind) {
    case 'item_discount':
    case 'flash_sale': {
      const own = rule.skuCuts?.find((c) => c.skuId === skuId);
      return cutUnit(priceFen, own?.cut ?? rule.cut);
    }
    case 'member_price':
      return Math.min(...rule.levels.map((l) => cutUnit(priceFen, l.cut)));
    case 'buy_x_get_y': {
      const n = rule.buyQty + rule.getQty;
      return Math.round((priceFen * n - Math.round((priceFen * rule.getQty * rule.getOffBp) / 10000)) / n);
    }
    case 'bundle':
      return bundleListFen ? Math.round((priceFen * rule.priceFen) / bundleListFen) : null;
    case 'full_reduction': {
      const ratio = Math.max(...rule.tiers.map((t) => (t.thresholdFen > 0 ? t.offFen / t.thresholdFen : 1)));
      return Math.max(0, priceFen - Math.round(priceFen * Math.min(1, ratio)));
    }
    case 'full_discount':
    case 'qty_discount': {
      const bp = Math.max(...rule.tiers.map((t) => t.offBp));
      return priceFen - Math.round((priceFen * bp) / 10000);
    }
    case 'gift':
    case 'free_shipping':
      return null;
  }
}

export { pct };
