/**
 * The activity calendar (活动日历): activities with their promotions, target SKUs and preparation
 * checklist, the platforms' events and member days on a month; the stock check against forecast
 * sales; and after the end, the effect report against a baseline period, exported as
 * 店铺活动销售成果汇报表.
 */
import {
  addDays,
  AppError,
  businessDay,
  dayDiff,
  DEFAULT_TIMEZONE,
  newId,
  type ActivityInput,
  type ActivitySummary,
  type CalendarEntry,
  type EffectFigures,
  type EffectReport,
  type StockCheckRow,
} from '@yunying/core';
import ExcelJS from 'exceljs';
import type { Kysely, Transaction } from 'kysely';
import { assertShopVisible } from '../../db/kit.js';
import type { ActivitiesTable, ActivityTasksTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { fenToYuan, MONEY_FMT } from '../../lib/sheets.js';
import * as audit from '../audit/index.js';
import * as catalog from '../catalog/index.js';
import * as inventory from '../inventory/index.js';
import * as shops from '../shops/index.js';
import { eventsBetween } from './platform-events.js';
import { actOnPromotion, effectiveStatus, resolveScopeSkus, rowToSummary } from './promotions.service.js';

type Db = Kysely<DB> | Transaction<DB>;

function summary(a: ActivitiesTable, tasks: ActivityTasksTable[], today: string): ActivitySummary {
  return {
    id: a.id,
    shopId: a.shop_id,
    name: a.name,
    kind: a.kind as ActivitySummary['kind'],
    platformEvent: a.platform_event,
    startDay: a.start_day,
    endDay: a.end_day,
    baselineFrom: a.baseline_from,
    baselineTo: a.baseline_to,
    promotionIds: JSON.parse(a.promotion_ids) as string[],
    skuIds: JSON.parse(a.sku_ids) as string[],
    status: a.status as 'planned' | 'ended',
    note: a.note,
    tasks: tasks.map((t) => ({
      id: t.id,
      title: t.title,
      roleName: t.role_name,
      dueDay: t.due_day,
      done: !!Number(t.done),
      doneBy: t.done_by,
      overdue: !Number(t.done) && t.due_day < today,
    })),
  };
}

async function load(db: Db, actor: Actor, id: string) {
  const a = await db.selectFrom('activities').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!a) throw new AppError('not_found', `活动 ${id} 不存在或无权访问`);
  assertShopVisible(actor, a.shop_id, `活动 ${id} 不存在或无权访问`);
  const shop = await shops.getVisible(db, actor, a.shop_id);
  const tasks = await db.selectFrom('activity_tasks').selectAll().where('activity_id', '=', id).orderBy('seq').execute();
  return { a, tasks, shop, today: businessDay(Date.now(), shop.timezone || DEFAULT_TIMEZONE) };
}

export async function getActivity(db: Db, actor: Actor, id: string): Promise<ActivitySummary> {
  const { a, tasks, today } = await load(db, actor, id);
  return summary(a, tasks, today);
}

export async function createActivity(trx: Transaction<DB>, actor: Actor, input: ActivityInput): Promise<ActivitySummary> {
  const shop = await shops.getVisible(trx, actor, input.shopId);
  if (input.promotionIds.length) {
    const found = await trx
      .selectFrom('promotions')
      .select('id')
      .where('shop_id', '=', shop.id)
      .where('id', 'in', input.promotionIds)
      .execute();
    const missing = input.promotionIds.filter((p) => !found.some((f) => f.id === p));
    if (missing.length)
      throw new AppError('validation_failed', `所选营销活动不属于本店或不存在：${missing.join('、')}`, {}, [
        { path: 'promotionIds', message: '请重新选择营销活动' },
      ]);
  }
  const days = dayDiff(input.startDay, input.endDay) + 1;
  const now = Date.now();
  const row: ActivitiesTable = {
    id: newId('act'),
    org_id: actor.orgId,
    shop_id: shop.id,
    name: input.name,
    kind: input.kind,
    platform_event: input.platformEvent ?? null,
    start_day: input.startDay,
    end_day: input.endDay,
    baseline_from: input.baselineFrom ?? addDays(input.startDay, -days),
    baseline_to: input.baselineTo ?? addDays(input.startDay, -1),
    promotion_ids: JSON.stringify(input.promotionIds),
    sku_ids: JSON.stringify(input.skuIds),
    status: 'planned',
    note: input.note,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('activities').values(row).execute();
  const tasks: ActivityTasksTable[] = input.tasks.map((t, i) => ({
    id: newId('atk'),
    activity_id: row.id,
    title: t.title,
    role_name: t.roleName,
    due_day: t.dueDay,
    done: 0,
    done_by: null,
    done_at: null,
    seq: i + 1,
  }));
  if (tasks.length) await trx.insertInto('activity_tasks').values(tasks).execute();
  await audit.record(trx, actor, 'activity.create', {
    entityType: 'activity',
    entityId: row.id,
    shopId: shop.id,
    after: { name: row.name, startDay: row.start_day, endDay: row.end_day, tasks: tasks.length },
  });
  return summary(row, tasks, businessDay(now, shop.timezone || DEFAULT_TIMEZONE));
}

export async function setTaskDone(trx: Transaction<DB>, actor: Actor, id: string, taskId: string, done: boolean): Promise<ActivitySummary> {
  const { a } = await load(trx, actor, id);
  const res = await trx
    .updateTable('activity_tasks')
    .set({ done: done ? 1 : 0, done_by: done ? actor.displayName || actor.username : null, done_at: done ? Date.now() : null })
    .where('id', '=', taskId)
    .where('activity_id', '=', a.id)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw new AppError('not_found', `准备事项 ${taskId} 不存在`);
  await audit.record(trx, actor, 'activity.task', { entityType: 'activity', entityId: a.id, shopId: a.shop_id, after: { taskId, done } });
  return getActivity(trx, actor, id);
}

/** End an activity: its promotions still running end now, and the effect report becomes final. */
export async function endActivity(trx: Transaction<DB>, actor: Actor, id: string): Promise<ActivitySummary> {
  const { a, today } = await load(trx, actor, id);
  if (a.status === 'ended') throw new AppError('invalid_state', `活动「${a.name}」已结束`);
  for (const pid of JSON.parse(a.promotion_ids) as string[]) {
    const p = await trx.selectFrom('promotions').selectAll().where('id', '=', pid).executeTakeFirst();
    if (p && effectiveStatus(p) !== 'ended') await actOnPromotion(trx, actor, pid, 'end');
  }
  const endDay = a.end_day > today ? today : a.end_day;
  await trx
    .updateTable('activities')
    .set({ status: 'ended', end_day: endDay < a.start_day ? a.start_day : endDay, updated_at: Date.now() })
    .where('id', '=', a.id)
    .execute();
  await audit.record(trx, actor, 'activity.end', {
    entityType: 'activity',
    entityId: a.id,
    shopId: a.shop_id,
    before: { status: a.status, endDay: a.end_day },
    after: { status: 'ended', endDay },
  });
  return getActivity(trx, actor, id);
}

/** A month of the calendar: the shop's activities, promotions, member days and platform events. */
export async function month(db: Kysely<DB>, actor: Actor, shopId: string, ym: string) {
  const shop = await shops.getVisible(db, actor, shopId);
  const from = `${ym}-01`;
  const to = addDays(addDays(from, 31).slice(0, 8) + '01', -1);
  const entries: CalendarEntry[] = [];
  const acts = await db
    .selectFrom('activities')
    .selectAll()
    .where('shop_id', '=', shop.id)
    .where('start_day', '<=', to)
    .where('end_day', '>=', from)
    .orderBy('start_day')
    .execute();
  for (const a of acts)
    entries.push({
      type: a.kind === 'member_day' ? 'member_day' : 'activity',
      id: a.id,
      name: a.name,
      startDay: a.start_day,
      endDay: a.end_day,
      status: a.status,
    });
  const tz = shop.timezone || DEFAULT_TIMEZONE;
  const startMs = Date.parse(`${from}T00:00:00+08:00`) - 86_400_000;
  const endMs = Date.parse(`${to}T23:59:59+08:00`) + 86_400_000;
  const promos = await db
    .selectFrom('promotions')
    .selectAll()
    .where('shop_id', '=', shop.id)
    .where('status', '!=', 'draft')
    .where('starts_at', '<=', endMs)
    .where('ends_at', '>=', startMs)
    .orderBy('starts_at')
    .limit(500)
    .execute();
  for (const p of promos) {
    const s = rowToSummary(p);
    const pStart = businessDay(Number(p.starts_at), tz);
    const pEnd = businessDay(Number(p.ends_at) - 1, tz);
    if (s.weekdays.length) {
      // A weekly member day: one entry per matching day of the month inside the window.
      for (let d = from; d <= to; d = addDays(d, 1)) {
        const wd = ((new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
        if (d >= pStart && d <= pEnd && s.weekdays.includes(wd))
          entries.push({ type: 'member_day', id: p.id, name: `${p.name}（${s.summary}）`, startDay: d, endDay: d, status: s.status });
      }
    } else
      entries.push({ type: 'promotion', id: p.id, name: `${p.name}（${s.summary}）`, startDay: pStart, endDay: pEnd, status: s.status });
  }
  for (const e of eventsBetween(from, to, shop.channel))
    entries.push({ type: 'platform', id: e.key, name: e.name, startDay: e.startDay, endDay: e.endDay });
  return { shopId: shop.id, month: ym, from, to, entries, activities: await Promise.all(acts.map((a) => getActivity(db, actor, a.id))) };
}

const SALES_DAYS = 30;

/** Available stock of each target SKU against forecast sales: recent daily sales × the window's days. */
export async function stockCheck(
  db: Kysely<DB>,
  actor: Actor,
  id: string,
): Promise<{ days: number; rows: StockCheckRow[]; short: number }> {
  const { a } = await load(db, actor, id);
  let skuIds = JSON.parse(a.sku_ids) as string[];
  if (!skuIds.length) {
    // The promotions' SKUs when no target products were named.
    const pids = JSON.parse(a.promotion_ids) as string[];
    const promos = pids.length ? await db.selectFrom('promotions').selectAll().where('id', 'in', pids).execute() : [];
    const ids = new Set<string>();
    for (const p of promos) {
      const scoped = await resolveScopeSkus(db, actor.orgId, rowToSummary(p).scope);
      for (const id of scoped.ids) ids.add(id);
    }
    skuIds = [...ids].slice(0, 500);
  }
  const days = dayDiff(a.start_day, a.end_day) + 1;
  if (!skuIds.length) return { days, rows: [], short: 0 };
  const [skus, levels, sold] = await Promise.all([
    catalog.skuSummaries(db, actor.orgId, skuIds),
    inventory.levels(db, skuIds),
    inventory.unitsSold(db, actor.orgId, skuIds, SALES_DAYS),
  ]);
  const rows = skuIds
    .filter((s) => skus.has(s))
    .map((s) => {
      const sku = skus.get(s)!;
      const available = levels.filter((l) => l.skuId === s).reduce((n, l) => n + l.available, 0);
      const daily = (sold.get(s) ?? 0) / SALES_DAYS;
      const forecast = Math.ceil(daily * days);
      return {
        skuId: s,
        code: sku.code,
        title: sku.specText ? `${sku.productTitle} ${sku.specText}` : sku.productTitle,
        available,
        dailySales: Math.round(daily * 100) / 100,
        forecast,
        shortfall: Math.max(0, forecast - available),
      };
    })
    .sort((x, y) => y.shortfall - x.shortfall || x.code.localeCompare(y.code));
  return { days, rows, short: rows.filter((r) => r.shortfall > 0).length };
}

/**
 * Sales figures of a shop's paid, not cancelled orders with a paid day in [from, to]. With target
 * SKUs, only those SKUs' order lines count: sales = their paid − refunded amounts (no shipping),
 * orders and buyers = those with such a line, promotion cost = the lines' discounts, cost of goods
 * = the lines' costs.
 */
async function figures(db: Db, shopId: string, from: string, to: string, skuIds: readonly string[] = []): Promise<EffectFigures> {
  if (skuIds.length) return lineFigures(db, shopId, from, to, skuIds);
  const base = db
    .selectFrom('orders')
    .where('shop_id', '=', shopId)
    .where('paid_day', '>=', from)
    .where('paid_day', '<=', to)
    .where('status', '!=', 'cancelled');
  const [totals, lines, fresh] = await Promise.all([
    base
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number>('paid_fen'), eb.lit(0)).as('paid'),
        eb.fn.coalesce(eb.fn.sum<number>('refund_fen'), eb.lit(0)).as('refund'),
        eb.fn.coalesce(eb.fn.sum<number>('discount_fen'), eb.lit(0)).as('discount'),
        eb.fn.countAll<number>().as('orders'),
        eb.fn.count<number>('buyer_nick').distinct().as('buyers'),
      ])
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .where('orders.shop_id', '=', shopId)
      .where('orders.paid_day', '>=', from)
      .where('orders.paid_day', '<=', to)
      .where('orders.status', '!=', 'cancelled')
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number>(eb('order_lines.unit_cost_fen', '*', eb.ref('order_lines.qty'))), eb.lit(0)).as('cost'),
      ])
      .executeTakeFirstOrThrow(),
    base
      .select((eb) => eb.fn.count<number>('buyer_nick').distinct().as('n'))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('orders as prior')
              .select('prior.id')
              .whereRef('prior.shop_id', '=', 'orders.shop_id')
              .whereRef('prior.buyer_nick', '=', 'orders.buyer_nick')
              .where('prior.paid_day', '<', from)
              .where('prior.status', '!=', 'cancelled'),
          ),
        ),
      )
      .executeTakeFirstOrThrow(),
  ]);
  return finishFigures({
    paid: Number(totals.paid),
    refund: Number(totals.refund),
    discount: Number(totals.discount),
    orders: Number(totals.orders),
    buyers: Number(totals.buyers),
    newBuyers: Number(fresh.n),
    cost: Number(lines.cost),
  });
}

function finishFigures(x: {
  paid: number;
  refund: number;
  discount: number;
  orders: number;
  buyers: number;
  newBuyers: number;
  cost: number;
}) {
  const sales = x.paid - x.refund;
  const gross = sales - x.cost;
  return {
    salesFen: sales,
    orders: x.orders,
    buyers: x.buyers,
    newBuyers: x.newBuyers,
    aovFen: x.orders ? Math.round(x.paid / x.orders) : 0,
    promotionCostFen: x.discount,
    grossProfitFen: gross,
    marginBp: sales > 0 ? Math.round((gross * 10000) / sales) : null,
  };
}

/** The figures of the target SKUs' lines only (see figures). */
async function lineFigures(db: Db, shopId: string, from: string, to: string, skuIds: readonly string[]): Promise<EffectFigures> {
  const skus = [...skuIds];
  const lines = () =>
    db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .where('orders.shop_id', '=', shopId)
      .where('orders.paid_day', '>=', from)
      .where('orders.paid_day', '<=', to)
      .where('orders.status', '!=', 'cancelled')
      .where('order_lines.sku_id', 'in', skus);
  const [totals, fresh] = await Promise.all([
    lines()
      .select((eb) => [
        eb.fn.coalesce(eb.fn.sum<number>('order_lines.paid_fen'), eb.lit(0)).as('paid'),
        eb.fn.coalesce(eb.fn.sum<number>('order_lines.refund_fen'), eb.lit(0)).as('refund'),
        eb.fn.coalesce(eb.fn.sum<number>('order_lines.discount_fen'), eb.lit(0)).as('discount'),
        eb.fn.coalesce(eb.fn.sum<number>(eb('order_lines.unit_cost_fen', '*', eb.ref('order_lines.qty'))), eb.lit(0)).as('cost'),
        eb.fn.count<number>('orders.id').distinct().as('orders'),
        eb.fn.count<number>('orders.buyer_nick').distinct().as('buyers'),
      ])
      .executeTakeFirstOrThrow(),
    lines()
      .select((eb) => eb.fn.count<number>('orders.buyer_nick').distinct().as('n'))
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('orders as prior')
              .select('prior.id')
              .whereRef('prior.shop_id', '=', 'orders.shop_id')
              .whereRef('prior.buyer_nick', '=', 'orders.buyer_nick')
              .where('prior.paid_day', '<', from)
              .where('prior.status', '!=', 'cancelled'),
          ),
        ),
      )
      .executeTakeFirstOrThrow(),
  ]);
  return finishFigures({
    paid: Number(totals.paid),
    refund: Number(totals.refund),
    discount: Number(totals.discount),
    orders: Number(totals.orders),
    buyers: Number(totals.buyers),
    newBuyers: Number(fresh.n),
    cost: Number(totals.cost),
  });
}

export async function effectReport(db: Kysely<DB>, actor: Actor, id: string): Promise<EffectReport> {
  const { a } = await load(db, actor, id);
  // An activity with target products is judged on those products' lines; otherwise the whole shop.
  const skuIds = JSON.parse(a.sku_ids) as string[];
  const [current, baseline] = await Promise.all([
    figures(db, a.shop_id, a.start_day, a.end_day, skuIds),
    figures(db, a.shop_id, a.baseline_from, a.baseline_to, skuIds),
  ]);
  const scale = (dayDiff(a.start_day, a.end_day) + 1) / (dayDiff(a.baseline_from, a.baseline_to) + 1);
  const cost = current.promotionCostFen;
  return {
    activity: {
      id: a.id,
      name: a.name,
      startDay: a.start_day,
      endDay: a.end_day,
      baselineFrom: a.baseline_from,
      baselineTo: a.baseline_to,
    },
    current,
    baseline,
    roi: cost > 0 ? Math.round((current.salesFen / cost) * 100) / 100 : null,
    incrementalRoi: cost > 0 ? Math.round(((current.grossProfitFen - baseline.grossProfitFen * scale) / cost) * 100) / 100 : null,
    scope: skuIds.length ? 'products' : 'shop',
    targetSkus: skuIds.length,
  };
}

const change = (cur: number, base: number) => (base ? (cur - base) / base : null);

/** 店铺活动销售成果汇报表: a title, the two periods, each figure with its change, money in ¥ cells. */
export async function effectWorkbook(db: Kysely<DB>, actor: Actor, id: string): Promise<{ body: Buffer; filename: string }> {
  const r = await effectReport(db, actor, id);
  const { shop } = await load(db, actor, id);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Yunying 运营台';
  const ws = wb.addWorksheet('活动销售成果');
  ws.columns = [{ width: 18 }, { width: 20 }, { width: 20 }, { width: 14 }];
  ws.mergeCells('A1:D1');
  const title = ws.getCell('A1');
  title.value = '店铺活动销售成果汇报表';
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center' };
  ws.addRow([`店铺：${shop.name}`, `活动：${r.activity.name}`]);
  ws.addRow([`活动期：${r.activity.startDay} 至 ${r.activity.endDay}`, `对比期：${r.activity.baselineFrom} 至 ${r.activity.baselineTo}`]);
  ws.addRow([]);
  const head = ws.addRow(['指标', '活动期', '对比期', '变化']);
  head.eachCell((c) => {
    c.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF1677FF' } };
    c.alignment = { horizontal: 'center' };
  });
  const money = (label: string, cur: number, base: number) => {
    const row = ws.addRow([label, fenToYuan(cur), fenToYuan(base), change(cur, base)]);
    row.getCell(2).numFmt = MONEY_FMT;
    row.getCell(3).numFmt = MONEY_FMT;
    row.getCell(4).numFmt = '0.0%';
  };
  const count = (label: string, cur: number, base: number) => {
    const row = ws.addRow([label, cur, base, change(cur, base)]);
    row.getCell(4).numFmt = '0.0%';
  };
  const c = r.current;
  const b = r.baseline;
  money('销售额', c.salesFen, b.salesFen);
  count('订单数', c.orders, b.orders);
  count('成交买家数', c.buyers, b.buyers);
  count('新买家数', c.newBuyers, b.newBuyers);
  money('客单价', c.aovFen, b.aovFen);
  money('优惠成本', c.promotionCostFen, b.promotionCostFen);
  money('毛利', c.grossProfitFen, b.grossProfitFen);
  const m = ws.addRow(['毛利率', c.marginBp === null ? null : c.marginBp / 10000, b.marginBp === null ? null : b.marginBp / 10000, null]);
  m.getCell(2).numFmt = '0.0%';
  m.getCell(3).numFmt = '0.0%';
  ws.addRow([]);
  ws.addRow(['ROI（销售额 ÷ 优惠成本）', r.roi]);
  ws.addRow(['增量 ROI（毛利增量 ÷ 优惠成本）', r.incrementalRoi]);
  ws.addRow([]);
  ws.addRow([
    r.scope === 'products'
      ? `统计范围：活动目标商品（${r.targetSkus} 个 SKU）的订单行——销售额 = 这些行的实付 − 退款（不含运费），订单/买家 = 含目标商品的订单及其买家，优惠成本 = 这些行的优惠。`
      : '统计范围：全店订单。',
  ]);
  ws.addRow([
    '说明：销售额 = 实付 − 退款（不含已取消订单），按付款日统计；新买家 = 此前在本店没有付款订单的买家；增量毛利按天数折算对比期。',
  ]);
  for (let i = 5; i <= ws.rowCount; i++) ws.getRow(i).getCell(1).font = { ...(ws.getRow(i).getCell(1).font ?? {}), bold: i === 5 };
  const body = Buffer.from(await wb.xlsx.writeBuffer());
  return { body, filename: `店铺活动销售成果汇报表-${r.activity.name}-${r.activity.startDay}.xlsx` };
}
