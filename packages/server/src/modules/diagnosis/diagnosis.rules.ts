/**
 * The diagnosis rules (issue 15 §1, domain.md §9): each looks at one window of daily data of one
 * shop and returns the findings it supports — the change and its start day found by change-point
 * detection (core/changepoint.ts), the figures before vs after, the causes to check, the action
 * and the money at stake per day. Pure: the data comes from diagnosis.data.ts.
 *
 * Thresholds are stated here once (RULES) and documented in docs/decisions.md.
 */
import {
  formatFen,
  lastRateShift,
  lastShift,
  peakSegment,
  type EvidenceFigure,
  type FindingEvidence,
  type FindingKind,
  type FindingSeverity,
  type FindingSubjectType,
} from '@yunying/core';
import type { Sums } from '../analytics/index.js';
import type { SkuStock, WarehouseDay, Window } from './diagnosis.data.js';

export const RULES = {
  /** Days analysed (9 weeks: a change and enough of the level before it). */
  windowDays: 63,
  conversion: { minUvPerDay: 15, minBuyersBefore: 15, maxRatio: 0.7, minLostBuyers: 3, uvSteady: [0.7, 1.4] as const },
  traffic: { minUvPerDay: 20, maxRatio: 0.7 },
  aov: { minBuyersAfter: 30, maxRatio: 0.85 },
  refund: { minRefundsAfter: 5, minRatio: 1.5, minRise: 0.05 },
  late: { minShare: 0.2, minLate: 10 },
  stock: { velocityDays: 14, minUnitsPerDay: 1, defaultLeadDays: 7 },
  slow: { idleDays: 30, minValueFen: 100_000, carryingCostPerYear: 0.24 },
  /** An ad plan below its break-even ROI on each of the last N days (with spend), over the last `windowDays`. */
  ads: { belowDays: 3, windowDays: 14 },
  /** The same complaint (review tag) in at least `min` 中差评 of one product within the last `recentDays`. */
  complaints: { min: 3, recentDays: 30 },
  /** Severity by money at stake per day. */
  severity: { high: 50_000, medium: 10_000 },
} as const;

export interface FindingDraft {
  kind: FindingKind;
  subjectType: FindingSubjectType;
  subjectId: string;
  subjectName: string;
  severity: FindingSeverity;
  startedOn: string;
  endedOn: string | null;
  moneyAtStakeFen: number;
  summary: string;
  evidence: FindingEvidence;
  causes: string[];
  action: { label: string; path: string };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const pick = <T>(arr: readonly T[], idx: readonly number[]) => idx.map((i) => arr[i]!);
const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const yuan = (fen: number) => formatFen(Math.round(fen), { symbol: true });
const severityOf = (fen: number): FindingSeverity =>
  fen >= RULES.severity.high ? 'high' : fen >= RULES.severity.medium ? 'medium' : 'low';

function evidence(
  w: Window,
  series: { label: string; unit: EvidenceFigure['unit']; values: number[] },
  before: number[],
  after: number[],
  figures: EvidenceFigure[],
): FindingEvidence {
  return {
    figures,
    series: { label: series.label, unit: series.unit, points: w.days.map((day, i) => ({ day, value: round4(series.values[i]!) })) },
    beforeFrom: before.length ? w.days[before[0]!]! : null,
    beforeTo: before.length ? w.days[before[before.length - 1]!]! : null,
    afterFrom: w.days[after[0]!]!,
    afterTo: w.days[after[after.length - 1]!]!,
  };
}
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

// ---------------------------------------------------------------- conversion drop per product

export function conversionDrops(
  w: Window,
  products: Map<string, Sums[]>,
  titles: Map<string, string>,
  /** The products' sums over every shop: a drop seen there is dated on it (more buyers, a sharper date). */
  orgProducts?: Map<string, Sums[]>,
): FindingDraft[] {
  const R = RULES.conversion;
  const out: FindingDraft[] = [];
  for (const [productId, days] of products) {
    const uv = days.map((d) => d.uv);
    const buyers = days.map((d) => d.paying_buyers);
    if (sum(uv) / w.days.length < R.minUvPerDay) continue;
    const conv = days.map((d) => ratio(d.paying_buyers, d.uv));
    const org = orgProducts?.get(productId);
    let s = org
      ? lastRateShift(
          org.map((d) => d.paying_buyers),
          org.map((d) => d.uv),
        )
      : null;
    if (s && s.afterMean > R.maxRatio * s.beforeMean) s = null;
    s ??= lastRateShift(buyers, uv);
    if (!s) continue;
    const uvB = sum(pick(uv, s.before)) / s.before.length;
    const uvA = sum(pick(uv, s.after)) / s.after.length;
    const buyersB = sum(pick(buyers, s.before));
    const convB = ratio(buyersB, sum(pick(uv, s.before)));
    const convA = ratio(sum(pick(buyers, s.after)), sum(pick(uv, s.after)));
    if (buyersB < R.minBuyersBefore || convA > R.maxRatio * convB) continue;
    if ((convB - convA) * sum(pick(uv, s.after)) < R.minLostBuyers) continue;
    const uvRatio = ratio(uvA, uvB);
    if (uvRatio < R.uvSteady[0] || uvRatio > R.uvSteady[1]) continue;
    const aovB = ratio(sum(pick(days, s.before).map((d) => d.paid_fen)), buyersB);
    const money = Math.round((convB - convA) * uvA * aovB);
    const title = titles.get(productId) ?? productId;
    out.push({
      kind: 'conversion_drop',
      subjectType: 'product',
      subjectId: productId,
      subjectName: title,
      severity: severityOf(money),
      startedOn: w.days[s.index]!,
      endedOn: null,
      moneyAtStakeFen: money,
      summary: `「${title}」自 ${w.days[s.index]} 起支付转化率从 ${pct(convB)} 降到 ${pct(convA)}，访客数基本不变（日均 ${Math.round(uvB)} → ${Math.round(uvA)}）`,
      evidence: evidence(w, { label: '支付转化率', unit: 'rate', values: conv }, s.before, s.after, [
        { key: 'conversion', label: '支付转化率', unit: 'rate', before: round4(convB), after: round4(convA) },
        { key: 'uvPerDay', label: '日均访客数', unit: 'count', before: Math.round(uvB), after: Math.round(uvA) },
        {
          key: 'aov',
          label: '客单价',
          unit: 'fen',
          before: Math.round(aovB),
          after: Math.round(ratio(sum(pick(days, s.after).map((d) => d.paid_fen)), sum(pick(buyers, s.after)))),
        },
      ]),
      causes: [
        '详情页或主图是否改过、加载是否变慢',
        '价格、优惠券或满减是否变化，是否被竞品低价截流',
        '近期差评、问大家里的负面回答',
        '热销 SKU 是否缺货或下架',
      ],
      action: { label: '检查商品详情页与价格', path: `/products/${productId}` },
    });
  }
  return out;
}

// ---------------------------------------------------------------- traffic drop per source

export function trafficDrops(w: Window, sources: Map<string, Sums[]>, names: Map<string, string>): FindingDraft[] {
  const R = RULES.traffic;
  const out: FindingDraft[] = [];
  for (const [code, days] of sources) {
    const uv = days.map((d) => d.uv);
    if (sum(uv) / w.days.length < R.minUvPerDay) continue;
    const s = lastShift(uv);
    if (!s) continue;
    const uvB = sum(pick(uv, s.before)) / s.before.length;
    const uvA = sum(pick(uv, s.after)) / s.after.length;
    if (uvA > R.maxRatio * uvB) continue;
    const valueB = ratio(sum(pick(days, s.before).map((d) => d.paid_fen)), sum(pick(uv, s.before)));
    const money = Math.round((uvB - uvA) * valueB);
    const name = names.get(code) ?? code;
    out.push({
      kind: 'traffic_drop',
      subjectType: 'source',
      subjectId: code,
      subjectName: name,
      severity: severityOf(money),
      startedOn: w.days[s.index]!,
      endedOn: null,
      moneyAtStakeFen: money,
      summary: `来源「${name}」自 ${w.days[s.index]} 起日均访客从 ${Math.round(uvB)} 降到 ${Math.round(uvA)}（${pct(uvA / uvB - 1)}）`,
      evidence: evidence(w, { label: '访客数', unit: 'count', values: uv }, s.before, s.after, [
        { key: 'uvPerDay', label: '日均访客数', unit: 'count', before: Math.round(uvB), after: Math.round(uvA) },
        {
          key: 'visitorValue',
          label: '访客价值',
          unit: 'fen',
          before: Math.round(valueB),
          after: Math.round(ratio(sum(pick(days, s.after).map((d) => d.paid_fen)), sum(pick(uv, s.after)))),
        },
      ]),
      causes: [
        '推广计划是否暂停、预算是否用完、出价是否被调低',
        '关键词排名或类目规则是否变化',
        '活动资源位是否到期',
        '主图点击率是否下降',
      ],
      action: { label: '查看流量来源', path: `/analytics/traffic?sources=${encodeURIComponent(code)}` },
    });
  }
  return out;
}

// ---------------------------------------------------------------- AOV drop (shop)

export function aovDrop(w: Window, shop: Sums[], shopId: string, shopName: string): FindingDraft[] {
  const R = RULES.aov;
  const aov = shop.map((d) => ratio(d.paid_fen, d.paying_buyers));
  const s = lastShift(aov);
  if (!s) return [];
  const buyersA = sum(pick(shop, s.after).map((d) => d.paying_buyers));
  const aovB = ratio(sum(pick(shop, s.before).map((d) => d.paid_fen)), sum(pick(shop, s.before).map((d) => d.paying_buyers)));
  const aovA = ratio(sum(pick(shop, s.after).map((d) => d.paid_fen)), buyersA);
  if (buyersA < R.minBuyersAfter || aovA > R.maxRatio * aovB) return [];
  const money = Math.round((aovB - aovA) * (buyersA / s.after.length));
  return [
    {
      kind: 'aov_drop',
      subjectType: 'shop',
      subjectId: shopId,
      subjectName: shopName,
      severity: severityOf(money),
      startedOn: w.days[s.index]!,
      endedOn: null,
      moneyAtStakeFen: money,
      summary: `自 ${w.days[s.index]} 起客单价从 ${yuan(aovB)} 降到 ${yuan(aovA)}`,
      evidence: evidence(w, { label: '客单价', unit: 'fen', values: aov }, s.before, s.after, [
        { key: 'aov', label: '客单价', unit: 'fen', before: Math.round(aovB), after: Math.round(aovA) },
        {
          key: 'buyersPerDay',
          label: '日均支付买家数',
          unit: 'count',
          before: Math.round(sum(pick(shop, s.before).map((d) => d.paying_buyers)) / s.before.length),
          after: Math.round(buyersA / s.after.length),
        },
      ]),
      causes: ['优惠力度是否加大（券、满减叠加）', '高价商品是否缺货或流量下降', '关联销售、搭配套餐是否下线', '低价引流款占比是否上升'],
      action: { label: '查看交易分析', path: '/analytics/trade' },
    },
  ];
}

// ---------------------------------------------------------------- refund rate rise (product / reason)

function refundRise(
  w: Window,
  refunds: number[],
  base: number[],
  paidFenPerDay: number,
): { s: NonNullable<ReturnType<typeof lastShift>>; rB: number; rA: number; money: number; series: number[] } | null {
  const R = RULES.refund;
  const series = refunds.map((r, i) => ratio(r, base[i]!));
  const s = lastRateShift(refunds, base);
  if (!s) return null;
  const refA = sum(pick(refunds, s.after));
  const rB = ratio(sum(pick(refunds, s.before)), sum(pick(base, s.before)));
  const rA = ratio(refA, sum(pick(base, s.after)));
  if (refA < R.minRefundsAfter || rA < R.minRatio * rB || rA - rB < R.minRise) return null;
  return { s, rB, rA, series, money: Math.round((rA - rB) * paidFenPerDay) };
}

export function productRefundRises(w: Window, products: Map<string, Sums[]>, titles: Map<string, string>): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const [productId, days] of products) {
    const r = refundRise(
      w,
      days.map((d) => d.refund_orders),
      days.map((d) => d.paid_orders),
      0,
    );
    if (!r) continue;
    const paidA = sum(pick(days, r.s.after).map((d) => d.paid_fen)) / r.s.after.length;
    const money = Math.round((r.rA - r.rB) * paidA);
    const title = titles.get(productId) ?? productId;
    out.push({
      kind: 'refund_rise',
      subjectType: 'product',
      subjectId: productId,
      subjectName: title,
      severity: severityOf(money),
      startedOn: w.days[r.s.index]!,
      endedOn: null,
      moneyAtStakeFen: money,
      summary: `「${title}」自 ${w.days[r.s.index]} 起退款率从 ${pct(r.rB)} 升到 ${pct(r.rA)}`,
      evidence: evidence(w, { label: '退款单数 / 支付订单数', unit: 'rate', values: r.series }, r.s.before, r.s.after, [
        { key: 'refundRate', label: '退款率（笔数）', unit: 'rate', before: round4(r.rB), after: round4(r.rA) },
        {
          key: 'refundsAfter',
          label: '变化后退款笔数',
          unit: 'count',
          before: null,
          after: sum(pick(days, r.s.after).map((d) => d.refund_orders)),
        },
      ]),
      causes: [
        '质量问题或批次问题（查看退货质检结果）',
        '描述与实物不符：尺码、颜色、材质',
        '发货错漏或物流破损',
        '售后原因分布中占比上升的原因',
      ],
      action: { label: '查看商品分析与售后', path: `/analytics/products/${productId}` },
    });
  }
  return out;
}

export function reasonRises(w: Window, reasons: Map<string, { name: string; daily: number[] }>, shop: Sums[]): FindingDraft[] {
  const out: FindingDraft[] = [];
  const paidOrders = shop.map((d) => d.paid_orders);
  for (const [reasonId, e] of reasons) {
    const r = refundRise(w, e.daily, paidOrders, 0);
    if (!r) continue;
    const paidA = sum(pick(shop, r.s.after).map((d) => d.paid_fen)) / r.s.after.length;
    const money = Math.round((r.rA - r.rB) * paidA);
    out.push({
      kind: 'refund_reason_rise',
      subjectType: 'reason',
      subjectId: reasonId,
      subjectName: e.name,
      severity: severityOf(money),
      startedOn: w.days[r.s.index]!,
      endedOn: null,
      moneyAtStakeFen: money,
      summary: `售后原因「${e.name}」自 ${w.days[r.s.index]} 起占支付订单的 ${pct(r.rB)} → ${pct(r.rA)}`,
      evidence: evidence(w, { label: '该原因售后单 / 支付订单', unit: 'rate', values: r.series }, r.s.before, r.s.after, [
        { key: 'reasonRate', label: '售后占比', unit: 'rate', before: round4(r.rB), after: round4(r.rA) },
        { key: 'casesAfter', label: '变化后售后单数', unit: 'count', before: null, after: sum(pick(e.daily, r.s.after)) },
      ]),
      causes: ['该原因集中在哪些商品与 SKU', '近期是否换了供应商、批次或包装', '详情页描述是否与实物一致', '客服话术与售后处理是否变化'],
      action: { label: '查看售后单', path: '/aftersales' },
    });
  }
  return out;
}

// ---------------------------------------------------------------- late shipments per warehouse

export function lateShipments(w: Window, warehouses: Map<string, WarehouseDay[]>, names: Map<string, string>): FindingDraft[] {
  const R = RULES.late;
  const out: FindingDraft[] = [];
  for (const [whId, days] of warehouses) {
    const share = days.map((d) => ratio(d.late, d.orders));
    const p = peakSegment(share);
    if (!p) continue;
    const seg = Array.from({ length: p.segment.end - p.segment.start }, (_, j) => p.segment.start + j);
    const lateN = sum(pick(days, seg).map((d) => d.late));
    const shareA = ratio(lateN, sum(pick(days, seg).map((d) => d.orders)));
    const shareB = ratio(sum(pick(days, p.baselineIdx).map((d) => d.late)), sum(pick(days, p.baselineIdx).map((d) => d.orders)));
    if (shareA < R.minShare || shareA < 2 * shareB + 0.05 || lateN < R.minLate) continue;
    const refund = (ix: number[]) => ratio(sum(pick(days, ix).map((d) => d.refunded)), sum(pick(days, ix).map((d) => d.allOrders)));
    const hours = (ix: number[]) => ratio(sum(pick(days, ix).map((d) => d.hours)), sum(pick(days, ix).map((d) => d.orders)));
    const refundA = refund(seg);
    const refundB = refund(p.baselineIdx);
    const paidPerDay = sum(pick(days, seg).map((d) => d.paidFen)) / seg.length;
    const ended = p.segment.end < days.length;
    const money = Math.max(0, Math.round((refundA - refundB) * paidPerDay));
    const name = names.get(whId) ?? whId;
    const startedOn = w.days[p.segment.start]!;
    const endedOn = ended ? w.days[p.segment.end - 1]! : null;
    out.push({
      kind: 'late_shipments',
      subjectType: 'warehouse',
      subjectId: whId,
      subjectName: name,
      severity: ended ? 'low' : severityOf(money) === 'low' ? 'medium' : severityOf(money),
      startedOn,
      endedOn,
      moneyAtStakeFen: money,
      summary: `「${name}」${startedOn} 起${endedOn ? `至 ${endedOn} ` : ''}付款的订单 ${pct(shareA)} 超过 ${48} 小时才发货（平时 ${pct(shareB)}），退款率 ${pct(refundB)} → ${pct(refundA)}${ended ? '；已恢复，请复盘并跟进受影响买家' : ''}`,
      evidence: evidence(w, { label: '超 48 小时发货占比', unit: 'rate', values: share }, p.baselineIdx, seg, [
        { key: 'lateShare', label: '超时发货占比', unit: 'rate', before: round4(shareB), after: round4(shareA) },
        {
          key: 'shipHours',
          label: '平均发货时长',
          unit: 'hours',
          before: Math.round(hours(p.baselineIdx) * 10) / 10,
          after: Math.round(hours(seg) * 10) / 10,
        },
        { key: 'refundRate', label: '退款订单占比', unit: 'rate', before: round4(refundB), after: round4(refundA) },
        { key: 'lateOrders', label: '超时订单数', unit: 'count', before: null, after: lateN },
      ]),
      causes: ['仓库人手或排班不足、爆单积压', '快递揽收延误或网点停运', '缺货导致等货发出', 'DSR 物流分与催单、退款是否随之变化'],
      action: { label: '处理待发货订单', path: '/orders?status=paid' },
    });
  }
  return out;
}

// ---------------------------------------------------------------- stock running out within lead time

export interface StockFacts {
  skus: SkuStock[];
  titles: Map<string, string>;
  /** This shop's units and paid amount per SKU per day over the window. */
  daily: Map<string, { qty: number[]; paidFen: number[] }>;
  /** Units sold in every shop over the velocity days. */
  orgUnits: Map<string, number>;
  leadDays: Map<string, number>;
  incoming: Map<string, number>;
  /** SKUs in a running promotion (marketing): its name, last day and the days left until it ends. */
  promoted?: Map<string, { name: string; endsOn: string; daysLeft: number }>;
}

export function stockouts(w: Window, f: StockFacts): FindingDraft[] {
  const R = RULES.stock;
  const out: FindingDraft[] = [];
  const recent = Array.from({ length: R.velocityDays }, (_, j) => w.days.length - R.velocityDays + j);
  for (const sku of f.skus) {
    const d = f.daily.get(sku.skuId);
    if (!d) continue;
    const shopUnits = sum(pick(d.qty, recent));
    const orgPerDay = (f.orgUnits.get(sku.skuId) ?? shopUnits) / R.velocityDays;
    if (shopUnits === 0 || orgPerDay < R.minUnitsPerDay) continue;
    const incoming = f.incoming.get(sku.skuId) ?? 0;
    const cover = (Math.max(0, sku.available) + incoming) / orgPerDay;
    const lead = f.leadDays.get(sku.skuId) ?? R.defaultLeadDays;
    const promo = f.promoted?.get(sku.skuId);
    // Out before the replenishment arrives, or — for a promoted item — before its activity ends.
    const horizon = Math.max(lead, promo ? promo.daysLeft : 0);
    if (cover >= horizon) continue;
    const money = Math.round(sum(pick(d.paidFen, recent)) / R.velocityDays);
    const title = f.titles.get(sku.productId) ?? sku.productId;
    const name = `${title} · ${sku.spec || sku.code}`;
    const startedOn = w.date;
    const after = [w.days.length - 1];
    out.push({
      kind: 'stockout_risk',
      subjectType: 'sku',
      subjectId: sku.skuId,
      subjectName: name,
      severity: cover < horizon / 2 ? 'high' : 'medium',
      startedOn,
      endedOn: null,
      moneyAtStakeFen: money,
      summary:
        `「${name}」（${sku.code}）可售 ${sku.available} 件${incoming ? `、在途 ${incoming} 件` : ''}，按近 ${R.velocityDays} 天日均 ${orgPerDay.toFixed(1)} 件只够 ${cover.toFixed(1)} 天` +
        (cover < lead ? `，短于补货周期 ${lead} 天` : '') +
        (promo && cover < promo.daysLeft ? `；正在参加活动「${promo.name}」，活动 ${promo.endsOn} 结束前就会卖完` : ''),
      evidence: evidence(w, { label: '本店日销量（件）', unit: 'count', values: d.qty }, recent.slice(0, -1), after, [
        { key: 'available', label: '可售库存', unit: 'count', before: null, after: sku.available },
        { key: 'incoming', label: '采购在途', unit: 'count', before: null, after: incoming },
        { key: 'unitsPerDay', label: '日均销量（全部店铺）', unit: 'count', before: null, after: Math.round(orgPerDay * 10) / 10 },
        { key: 'coverDays', label: '可售天数', unit: 'days', before: null, after: Math.round(cover * 10) / 10 },
        { key: 'leadDays', label: '补货周期', unit: 'days', before: null, after: lead },
        ...(promo
          ? [
              {
                key: 'promoDaysLeft',
                label: `活动「${promo.name}」剩余天数`,
                unit: 'days' as const,
                before: null,
                after: Math.round(promo.daysLeft * 10) / 10,
              },
            ]
          : []),
      ]),
      causes: ['采购单是否已下、供应商能否提前交货', '是否在做活动或推广（销量会更快）', '其他仓库能否调拨', '是否需要限购或暂停推广'],
      action: { label: '创建采购单补货', path: '/purchasing/orders' },
    });
  }
  return out;
}

// ---------------------------------------------------------------- slow movers tying up stock

export function slowMovers(
  w: Window,
  skus: SkuStock[],
  soldRecently: Map<string, number>,
  listed: Set<string>,
  titles: Map<string, string>,
  products: Map<string, Sums[]>,
  nowMs: number,
): FindingDraft[] {
  const R = RULES.slow;
  const byProduct = new Map<string, { value: number; units: number; codes: string[] }>();
  for (const s of skus) {
    if (!listed.has(s.productId) || s.onHand <= 0) continue;
    if ((soldRecently.get(s.skuId) ?? 0) > 0) continue;
    if (nowMs - s.createdAt < R.idleDays * 86_400_000) continue;
    const e = byProduct.get(s.productId) ?? { value: 0, units: 0, codes: [] };
    e.value += s.onHand * s.costFen;
    e.units += s.onHand;
    e.codes.push(s.code);
    byProduct.set(s.productId, e);
  }
  const out: FindingDraft[] = [];
  for (const [productId, e] of byProduct) {
    if (e.value < R.minValueFen) continue;
    const money = Math.round((e.value * R.carryingCostPerYear) / 365);
    const title = titles.get(productId) ?? productId;
    const last = [w.days.length - 1];
    out.push({
      kind: 'slow_mover',
      subjectType: 'product',
      subjectId: productId,
      subjectName: title,
      severity: e.value >= 1_000_000 ? 'medium' : 'low',
      startedOn: w.days[w.days.length - R.idleDays]!,
      endedOn: null,
      moneyAtStakeFen: money,
      summary: `「${title}」近 ${R.idleDays} 天没有销量，压着 ${e.units} 件库存、成本 ${yuan(e.value)}（资金占用成本约 ${yuan(money)}/天）`,
      evidence: evidence(
        w,
        { label: '本店日销量（件）', unit: 'count', values: products.get(productId)?.map((d) => d.units) ?? w.days.map(() => 0) },
        [],
        last,
        [
          { key: 'stockValue', label: '库存成本', unit: 'fen', before: null, after: e.value },
          { key: 'units', label: '在库件数', unit: 'count', before: null, after: e.units },
          { key: 'idleDays', label: '无销量天数（至少）', unit: 'days', before: null, after: R.idleDays },
        ],
      ),
      causes: [
        '价格是否偏高、主图与卖点是否吸引人',
        '是否缺少流量入口（未参加活动、无推广）',
        '季节是否已过',
        `涉及 SKU：${e.codes.slice(0, 5).join('、')}${e.codes.length > 5 ? ' 等' : ''}`,
      ],
      action: { label: '安排清仓或促销', path: `/analytics/products/${productId}` },
    });
  }
  return out;
}

// ---------------------------------------------------------------- ad plan below break-even

export interface AdPlanDays {
  id: string;
  name: string;
  breakEvenRoi: number | null;
  days: { day: string; spendFen: number; salesFen: number; roi: number | null; profitAfterAdsFen: number | null }[];
}

export function adsBelowBreakEven(w: Window, plans: AdPlanDays[]): FindingDraft[] {
  const R = RULES.ads;
  const out: FindingDraft[] = [];
  for (const p of plans) {
    const be = p.breakEvenRoi;
    if (be === null || !p.days.length || p.days[p.days.length - 1]!.day !== w.date) continue;
    // The streak of days ending on the analysed day, each with spend and ROI below break-even.
    let k = p.days.length;
    while (k > 0 && p.days[k - 1]!.spendFen > 0 && (p.days[k - 1]!.roi ?? 0) < be) k--;
    const streak = p.days.slice(k);
    if (streak.length < R.belowDays) continue;
    const rest = p.days.slice(0, k).filter((d) => d.spendFen > 0);
    const roiOf = (ds: typeof streak) => ratio(sum(ds.map((d) => d.salesFen)), sum(ds.map((d) => d.spendFen)));
    const loss = -sum(streak.map((d) => d.profitAfterAdsFen ?? 0)) / streak.length;
    const money = Math.max(0, Math.round(loss));
    const startedOn = streak[0]!.day;
    const series = w.days.slice(-R.windowDays);
    const byDay = new Map(p.days.map((d) => [d.day, d.roi ?? 0]));
    const ww: Window = { date: w.date, from: series[0]!, days: series };
    const afterIdx = series.map((d, i) => (d >= startedOn ? i : -1)).filter((i) => i >= 0);
    const beforeIdx = series.map((d, i) => (d < startedOn && rest.some((r) => r.day === d) ? i : -1)).filter((i) => i >= 0);
    out.push({
      kind: 'ads_below_break_even',
      subjectType: 'plan',
      subjectId: p.id,
      subjectName: p.name,
      severity: severityOf(money) === 'low' ? 'medium' : severityOf(money),
      startedOn,
      endedOn: null,
      moneyAtStakeFen: money,
      summary: `推广计划「${p.name}」自 ${startedOn} 起连续 ${streak.length} 天 ROI ${roiOf(streak).toFixed(2)}，低于保本 ROI ${be.toFixed(2)}，每天约亏 ${yuan(money)}`,
      evidence: evidence(ww, { label: 'ROI', unit: 'count', values: series.map((d) => byDay.get(d) ?? 0) }, beforeIdx, afterIdx, [
        { key: 'roi', label: 'ROI', unit: 'count', before: rest.length ? round4(roiOf(rest)) : null, after: round4(roiOf(streak)) },
        { key: 'breakEvenRoi', label: '保本 ROI', unit: 'count', before: null, after: round4(be) },
        {
          key: 'spendPerDay',
          label: '日均花费',
          unit: 'fen',
          before: null,
          after: Math.round(sum(streak.map((d) => d.spendFen)) / streak.length),
        },
        { key: 'belowDays', label: '连续低于保本天数', unit: 'days', before: null, after: streak.length },
      ]),
      causes: [
        '关键词出价过高或点击成本上涨',
        '引流到的访客与商品不匹配（关键词、人群定向）',
        '落地商品转化率下降或缺货',
        '活动结束后客单价回落',
      ],
      action: { label: '调整推广计划', path: `/ads/plans/${p.id}` },
    });
  }
  return out;
}

// ---------------------------------------------------------------- repeated complaints about one product

export interface ComplaintGroup {
  productTitle: string;
  tag: string;
  /** 中差评 with the tag per day of the window. */
  daily: number[];
}

export function repeatedComplaints(
  w: Window,
  groups: ComplaintGroup[],
  shop: Sums[],
  productByTitle: Map<string, string>,
  products: Map<string, Sums[]>,
): FindingDraft[] {
  const R = RULES.complaints;
  const out: FindingDraft[] = [];
  const recent = Array.from({ length: R.recentDays }, (_, j) => w.days.length - R.recentDays + j);
  for (const g of groups) {
    const n = sum(pick(g.daily, recent));
    if (n < R.min) continue;
    // The start: the latest rise of complaints per paid order, else the first complaint of the recent days.
    const s = lastRateShift(
      g.daily,
      shop.map((d) => d.paid_orders),
    );
    const startIdx = s && s.afterMean > 1.5 * s.beforeMean ? s.index : recent.find((i) => g.daily[i]! > 0)!;
    const after = Array.from({ length: w.days.length - startIdx }, (_, j) => startIdx + j);
    const before = Array.from({ length: startIdx }, (_, j) => j);
    const productId = productByTitle.get(g.productTitle) ?? null;
    const days = productId ? products.get(productId) : undefined;
    // Each complaint taken as one buyer lost (an assumption): complaints a day × the product's AOV.
    const aov = days ? ratio(sum(days.map((d) => d.paid_fen)), sum(days.map((d) => d.paying_buyers))) : 0;
    const perDay = sum(pick(g.daily, after)) / after.length;
    const money = Math.round(perDay * aov);
    out.push({
      kind: 'repeated_complaints',
      subjectType: 'product',
      subjectId: `${productId ?? g.productTitle}|${g.tag}`.slice(0, 80),
      subjectName: `${g.productTitle} · ${g.tag}`,
      severity: n >= 2 * R.min ? 'high' : 'medium',
      startedOn: w.days[startIdx]!,
      endedOn: null,
      moneyAtStakeFen: money,
      summary: `「${g.productTitle}」近 ${R.recentDays} 天有 ${n} 条中差评提到「${g.tag}」（自 ${w.days[startIdx]} 起）`,
      evidence: evidence(w, { label: `提到「${g.tag}」的中差评（条）`, unit: 'count', values: g.daily }, before, after, [
        { key: 'complaints', label: `近 ${R.recentDays} 天「${g.tag}」中差评`, unit: 'count', before: null, after: n },
        {
          key: 'perDay',
          label: '每天条数',
          unit: 'count',
          before: before.length ? round4(sum(pick(g.daily, before)) / before.length) : null,
          after: round4(perDay),
        },
      ]),
      causes: [
        `逐条阅读提到「${g.tag}」的评价，确认是否同一批次或同一 SKU`,
        '与供应商核对质量与包装',
        '详情页描述、尺码表与实物是否一致',
        '回复评价并联系买家补救',
      ],
      action: productId
        ? { label: '查看评价并修改商品', path: `/reviews?productTitle=${encodeURIComponent(g.productTitle)}&level=negative` }
        : { label: '查看评价', path: '/reviews?level=negative' },
    });
  }
  return out;
}
