/**
 * The five KPIs of the seed manual's 绩效考核 on one board (issue 15): 新客成本, 全程ROI, 复购率,
 * 毛利率, 库存周转天数 — definitions in domain §2 (shown in the console's tooltips). Marketing cost
 * comes from the ads module (ad spend + 淘宝客 commission); without it the two cost KPIs say
 * 无推广数据 rather than showing a number.
 */
import { AppError, addDays, daysBetween, type KpiBoard, type KpiDto } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as ads from '../ads/index.js';
import * as analytics from '../analytics/index.js';
import * as customers from '../customers/index.js';

const NO_ADS = '无推广数据';

interface PeriodFigures {
  paidFen: number;
  costFen: number;
  units: number;
  days: number;
  marketingFen: number;
  newBuyers: number;
  buyers: number;
  repeatBuyers: number;
}

async function figures(db: Kysely<DB>, shopIds: string[], shopId: string, from: string, to: string): Promise<PeriodFigures> {
  const series = await analytics.dailySeries(db, shopIds, from, to);
  let paidFen = 0;
  let costFen = 0;
  let units = 0;
  for (const s of series.values()) {
    paidFen += s.paid_fen;
    costFen += s.cost_fen;
    units += s.units;
  }
  const ad = await ads.adSummary(db, shopId, from, to);
  // Repeat rate: buyers with ≥ 2 paid orders in the window ÷ buyers in the window (domain §2).
  const perBuyer = db
    .selectFrom('customer_orders')
    .select(['customer_id'])
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('shop_id', '=', shopId)
    .where('paid', '=', 1)
    .where('paid_day', '>=', from)
    .where('paid_day', '<=', to)
    .groupBy('customer_id');
  const rep = await db
    .selectFrom(perBuyer.as('b'))
    .select((eb) => [
      eb.fn.countAll<number>().as('buyers'),
      eb.fn.sum<number>(eb.case().when('b.n', '>=', 2).then(1).else(0).end()).as('repeat'),
    ])
    .executeTakeFirstOrThrow();
  const fresh = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('shop_id', '=', shopId)
    .where('merged_into', 'is', null)
    .where('first_paid_day', '>=', from)
    .where('first_paid_day', '<=', to)
    .executeTakeFirstOrThrow();
  return {
    paidFen,
    costFen,
    units,
    days: daysBetween(from, to).length,
    marketingFen: Number(ad.totalCostFen ?? 0),
    newBuyers: Number(fresh.n),
    buyers: Number(rep.buyers),
    repeatBuyers: Number(rep.repeat ?? 0),
  };
}

async function onHandUnits(db: Kysely<DB>, orgId: string): Promise<number> {
  const r = await db
    .selectFrom('stock')
    .select((eb) => eb.fn.sum<number>('on_hand').as('u'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return Number(r?.u ?? 0);
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

function kpisOf(f: PeriodFigures, onHand: number | null): Omit<KpiDto, 'previous'>[] {
  const ads = f.marketingFen > 0;
  return [
    {
      key: 'newCustomerCost',
      value: ads ? ratio(f.marketingFen, f.newBuyers) : null,
      missing: ads ? (f.newBuyers > 0 ? null : '无新客') : NO_ADS,
      parts: { marketingFen: f.marketingFen, newBuyers: f.newBuyers },
    },
    {
      key: 'fullRoi',
      value: ads ? ratio(f.paidFen, f.marketingFen) : null,
      missing: ads ? null : NO_ADS,
      parts: { paidFen: f.paidFen, marketingFen: f.marketingFen },
    },
    {
      key: 'repeatRate',
      value: ratio(f.repeatBuyers, f.buyers),
      missing: f.buyers > 0 ? null : '无成交',
      parts: { repeatBuyers: f.repeatBuyers, buyers: f.buyers },
    },
    {
      key: 'grossMargin',
      value: ratio(f.paidFen - f.costFen, f.paidFen),
      missing: f.paidFen > 0 ? null : '无成交',
      parts: { paidFen: f.paidFen, costFen: f.costFen },
    },
    {
      key: 'inventoryDays',
      value: onHand === null ? null : ratio(onHand, f.units / f.days),
      missing: onHand === null ? '仅当前期间可算' : f.units > 0 ? null : '期间无销量',
      parts: { onHandUnits: onHand ?? 0, unitsSold: f.units, days: f.days },
    },
  ];
}

/** The five KPIs over [from, to] and over the period of equal length before it. */
export async function kpiBoard(db: Kysely<DB>, actor: Actor, q: { shopId: string; from: string; to: string }): Promise<KpiBoard> {
  const scope = await analytics.resolveScope(db, actor, q.shopId);
  if (q.from > q.to)
    throw new AppError('validation_failed', '开始日期不能晚于结束日期', {}, [{ path: 'from', message: '开始日期晚于结束日期' }]);
  if (daysBetween(q.from, q.to).length > 366)
    throw new AppError('validation_failed', '指标区间最长 366 天，请缩短区间', {}, [{ path: 'from', message: '区间过长' }]);
  await customers.refreshShops(db, [q.shopId]);
  const n = daysBetween(q.from, q.to).length;
  const cur = await figures(db, scope.shopIds, q.shopId, q.from, q.to);
  const prev = await figures(db, scope.shopIds, q.shopId, addDays(q.from, -n), addDays(q.from, -1));
  const onHand = await onHandUnits(db, actor.orgId);
  const before = kpisOf(prev, null);
  return {
    shopId: q.shopId,
    from: q.from,
    to: q.to,
    kpis: kpisOf(cur, onHand).map((k, i) => ({ ...k, previous: before[i]!.value })),
  };
}
