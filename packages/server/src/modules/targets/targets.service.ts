/**
 * Sales targets (issue 15, domain §1): a month's (or an activity's) sales target per shop, split
 * into the visitors, conversion and AOV it needs with last month's or last year's ratios (or the
 * user's own), and the month's progress against a pace curve shaped by the past six months' daily
 * shares (core/planning.ts). Figures come from the analytics rollups (analytics' index.ts).
 */
import {
  AppError,
  addDays,
  businessDay,
  decomposeTarget,
  daysBetween,
  newId,
  paceCurve,
  paceStatus,
  shiftCalendarMonths,
  type SetTargetInput,
  type TargetBasisDto,
  type TargetBoard,
  type TargetDto,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { insertOrConflict } from '../../db/kit.js';
import type { DB, SalesTargetsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as analytics from '../analytics/index.js';
import * as audit from '../audit/index.js';

/** First and last day of a 'YYYY-MM' month. */
export function monthRange(month: string): { from: string; to: string } {
  const from = `${month}-01`;
  const next = shiftCalendarMonths(from, 1);
  return { from, to: addDays(next, -1) };
}

function targetRowToDto(r: SalesTargetsTable): TargetDto {
  const salesFen = Number(r.sales_fen);
  const visitors = Number(r.visitors);
  const buyers = Number(r.buyers);
  return {
    id: r.id,
    shopId: r.shop_id,
    kind: r.kind as 'month' | 'activity',
    name: r.name,
    startOn: r.start_on,
    endOn: r.end_on,
    salesFen,
    visitors,
    buyers,
    conversion: buyers / visitors,
    aovFen: salesFen / buyers,
    basis: r.basis as TargetDto['basis'],
    updatedAt: Number(r.updated_at),
  };
}

type Daily = Map<string, analytics.Sums>;

function sumDays(series: Daily, from: string, to: string) {
  let salesFen = 0;
  let visitors = 0;
  let buyers = 0;
  for (const [d, s] of series) {
    if (d < from || d > to) continue;
    salesFen += s.paid_fen;
    visitors += s.uv;
    buyers += s.paying_buyers;
  }
  return { salesFen, visitors, buyers };
}

function basisOf(basis: TargetBasisDto['basis'], series: Daily, from: string, to: string): TargetBasisDto {
  const t = sumDays(series, from, to);
  return {
    basis,
    from,
    to,
    ...t,
    conversion: t.visitors > 0 && t.buyers > 0 ? t.buyers / t.visitors : null,
    aovFen: t.buyers > 0 ? t.salesFen / t.buyers : null,
  };
}

/** The basis periods of a target period: the same length right before it (a month: last month) and a year earlier. */
function basisPeriods(kind: 'month' | 'activity', from: string, to: string) {
  if (kind === 'month') {
    const lm = monthRange(shiftCalendarMonths(from, -1).slice(0, 7));
    const ly = monthRange(shiftCalendarMonths(from, -12).slice(0, 7));
    return { last_month: lm, last_year: ly };
  }
  const n = daysBetween(from, to).length;
  return {
    last_month: { from: addDays(from, -n), to: addDays(from, -1) },
    last_year: { from: shiftCalendarMonths(from, -12), to: shiftCalendarMonths(to, -12) },
  };
}

async function readBases(
  db: Kysely<DB>,
  shopIds: string[],
  kind: 'month' | 'activity',
  from: string,
  to: string,
): Promise<TargetBasisDto[]> {
  const p = basisPeriods(kind, from, to);
  const a = await analytics.dailySeries(db, shopIds, p.last_month.from, p.last_month.to);
  const b = await analytics.dailySeries(db, shopIds, p.last_year.from, p.last_year.to);
  return [basisOf('last_month', a, p.last_month.from, p.last_month.to), basisOf('last_year', b, p.last_year.from, p.last_year.to)];
}

export async function setTarget(trx: Transaction<DB>, actor: Actor, input: SetTargetInput): Promise<TargetDto> {
  const scope = await analytics.resolveScope(trx, actor, input.shopId);
  const { from, to } = input.kind === 'month' ? monthRange(input.month!) : { from: input.startOn!, to: input.endOn! };
  if (daysBetween(from, to).length > 92)
    throw new AppError('validation_failed', '活动目标最长 92 天；更长的周期请按月设目标', {}, [{ path: 'endOn', message: '超过 92 天' }]);
  const name = input.kind === 'month' ? input.month! : input.name!;
  let split: { conversion: number; aovFen: number };
  if (input.basis === 'manual') split = { conversion: input.conversion!, aovFen: input.aovFen! };
  else {
    const b = (await readBases(trx, scope.shopIds, input.kind, from, to)).find((x) => x.basis === input.basis)!;
    if (b.conversion === null || b.aovFen === null) {
      const what = input.basis === 'last_month' ? (input.kind === 'month' ? '上月' : '活动前同等天数') : '去年同期';
      throw new AppError(
        'validation_failed',
        `${what}（${b.from} 至 ${b.to}）没有访客或成交数据，无法按它的比例拆分；请改用另一个基准，或选择“手动”并填写转化率和客单价`,
        { basis: input.basis },
        [{ path: 'basis', message: `${what}没有数据` }],
      );
    }
    split = { conversion: b.conversion, aovFen: b.aovFen };
  }
  const s = decomposeTarget(input.salesFen, split);
  const now = Date.now();
  const same = await trx
    .selectFrom('sales_targets')
    .selectAll()
    .where('shop_id', '=', input.shopId)
    .where('kind', '=', input.kind)
    .where('start_on', '=', from)
    .where('name', '=', name)
    .executeTakeFirst();
  let before = same;
  if (input.id) {
    before = await trx
      .selectFrom('sales_targets')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (!before || before.shop_id !== input.shopId || before.kind !== input.kind)
      throw new AppError('not_found', `要修改的目标 ${input.id} 不存在或不属于这个店铺，请刷新目标看板后再改`, { targetId: input.id });
    if (same && same.id !== before.id)
      throw new AppError('conflict', `这个店铺已有从 ${from} 开始的活动目标“${name}”，请换一个活动名称或开始日期`, { targetId: same.id }, [
        { path: 'name', message: '同名同日的活动目标已存在' },
      ]);
  }
  const values = {
    name,
    start_on: from,
    end_on: to,
    sales_fen: s.salesFen,
    visitors: s.visitors,
    buyers: s.buyers,
    aov_fen: Math.round(s.aovFen),
    basis: input.basis,
    updated_at: now,
  };
  let row: SalesTargetsTable;
  if (before) {
    await insertOrConflict(
      trx.updateTable('sales_targets').set(values).where('id', '=', before.id).execute(),
      '这个目标刚被别人设置过，请刷新后再改',
    );
    row = { ...before, ...values };
  } else {
    row = {
      id: newId('target'),
      org_id: actor.orgId,
      shop_id: input.shopId,
      kind: input.kind,
      created_by: actor.userId || null,
      created_at: now,
      ...values,
    };
    await insertOrConflict(trx.insertInto('sales_targets').values(row).execute(), '这个目标刚被别人设置过，请刷新后再改');
  }
  await audit.record(trx, actor, 'target.set', {
    shopId: input.shopId,
    entityType: 'sales_target',
    entityId: row.id,
    before: before
      ? {
          salesFen: Number(before.sales_fen),
          basis: before.basis,
          ...(input.kind === 'activity' ? { name: before.name, startOn: before.start_on, endOn: before.end_on } : {}),
        }
      : undefined,
    after: {
      kind: input.kind,
      name,
      salesFen: s.salesFen,
      visitors: s.visitors,
      buyers: s.buyers,
      basis: input.basis,
      ...(input.kind === 'activity' ? { startOn: from, endOn: to } : {}),
    },
  });
  return targetRowToDto(row);
}

export async function listTargets(db: Kysely<DB>, actor: Actor, shopId: string, from: string, to: string): Promise<TargetDto[]> {
  await analytics.resolveScope(db, actor, shopId);
  const rows = await db
    .selectFrom('sales_targets')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('shop_id', '=', shopId)
    .where('start_on', '<=', to)
    .where('end_on', '>=', from)
    .orderBy('start_on')
    .orderBy('id')
    .execute();
  return rows.map(targetRowToDto);
}

export async function deleteTarget(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const row = await trx.selectFrom('sales_targets').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('not_found', `目标 ${id} 不存在`, { targetId: id });
  await analytics.resolveScope(trx, actor, row.shop_id);
  await trx.deleteFrom('sales_targets').where('id', '=', id).execute();
  await audit.record(trx, actor, 'target.delete', {
    shopId: row.shop_id,
    entityType: 'sales_target',
    entityId: id,
    before: { name: row.name, salesFen: Number(row.sales_fen) },
  });
}

const PACE_MONTHS = 6;
const PACE_ACTIVITIES = 6;

type TargetRow = SalesTargetsTable;

/** Daily sales of each window, in order (for `paceCurve`). */
async function windowsSales(db: Kysely<DB>, shopIds: string[], windows: { from: string; to: string }[]): Promise<number[][]> {
  if (!windows.length) return [];
  const lo = windows.reduce((a, w) => (w.from < a ? w.from : a), windows[0]!.from);
  const hi = windows.reduce((a, w) => (w.to > a ? w.to : a), windows[0]!.to);
  const series = await analytics.dailySeries(db, shopIds, lo, hi);
  return windows.map((w) => daysBetween(w.from, w.to).map((d) => series.get(d)?.paid_fen ?? 0));
}

/**
 * The pace curve of an activity's window: shaped by the shop's past activity targets that are over
 * (their daily sales read at the same relative position of their windows, up to six, most recent
 * first), else by the same window a year earlier, else a straight line.
 */
async function activityCurve(db: Kysely<DB>, shopIds: string[], row: TargetRow, days: number) {
  const past = await db
    .selectFrom('sales_targets')
    .select(['start_on', 'end_on'])
    .where('shop_id', '=', row.shop_id)
    .where('kind', '=', 'activity')
    .where('id', '!=', row.id)
    .where('end_on', '<', row.start_on)
    .orderBy('end_on', 'desc')
    .limit(PACE_ACTIVITIES)
    .execute();
  const fromPast = paceCurve(
    await windowsSales(
      db,
      shopIds,
      past.map((p) => ({ from: p.start_on, to: p.end_on })),
    ),
    days,
  );
  if (fromPast.shaped) return { ...fromPast, shapedBy: 'activities' as const };
  const ly = { from: shiftCalendarMonths(row.start_on, -12), to: shiftCalendarMonths(row.end_on, -12) };
  const fromLastYear = paceCurve(await windowsSales(db, shopIds, [ly]), days);
  return { ...fromLastYear, shapedBy: fromLastYear.shaped ? ('last_year' as const) : ('linear' as const) };
}

async function monthCurve(db: Kysely<DB>, shopIds: string[], from: string, days: number) {
  // Past months' daily sales shape the curve (only months that are over).
  const windows: { from: string; to: string }[] = [];
  for (let k = PACE_MONTHS; k >= 1; k--) windows.push(monthRange(shiftCalendarMonths(from, -k).slice(0, 7)));
  const c = paceCurve(await windowsSales(db, shopIds, windows), days);
  return { ...c, shapedBy: c.shaped ? ('months' as const) : ('linear' as const) };
}

/**
 * The board of a month (`month`, default this month) or of one activity target (`targetId`): the
 * target and its split, the bases, the pace curve and where the period stands.
 */
export async function board(
  db: Kysely<DB>,
  actor: Actor,
  q: { shopId: string; month?: string | undefined; targetId?: string | undefined },
  now = Date.now(),
): Promise<TargetBoard> {
  const scope = await analytics.resolveScope(db, actor, q.shopId, now);
  const today = businessDay(now, scope.timezone);
  let target: TargetRow | null;
  let kind: 'month' | 'activity';
  let from: string;
  let to: string;
  if (q.targetId) {
    const row = await db
      .selectFrom('sales_targets')
      .selectAll()
      .where('org_id', '=', actor.orgId)
      .where('shop_id', '=', q.shopId)
      .where('id', '=', q.targetId)
      .executeTakeFirst();
    if (!row)
      throw new AppError('not_found', `目标 ${q.targetId} 不存在或不属于这个店铺：请在目标看板上重新选择活动`, { targetId: q.targetId });
    target = row;
    kind = row.kind as 'month' | 'activity';
    from = row.start_on;
    to = row.end_on;
  } else {
    const month = q.month ?? today.slice(0, 7);
    ({ from, to } = monthRange(month));
    kind = 'month';
    target =
      (await db
        .selectFrom('sales_targets')
        .selectAll()
        .where('shop_id', '=', q.shopId)
        .where('kind', '=', 'month')
        .where('start_on', '=', from)
        .where('name', '=', month)
        .executeTakeFirst()) ?? null;
  }
  const bases = await readBases(db, scope.shopIds, kind, from, to);
  const days = daysBetween(from, to);
  const curve =
    kind === 'activity' && target
      ? await activityCurve(db, scope.shopIds, target, days.length)
      : await monthCurve(db, scope.shopIds, from, days.length);
  const lastActual = today > to ? to : today;
  const current = from <= lastActual ? await analytics.dailySeries(db, scope.shopIds, from, lastActual) : new Map<string, analytics.Sums>();
  const targetDto = target ? targetRowToDto(target) : null;
  let cum = 0;
  const paceDays = days.map((d, i) => {
    const s = current.get(d);
    const actualFen = d <= lastActual && s ? s.paid_fen : d <= lastActual ? 0 : null;
    if (actualFen !== null) cum += actualFen;
    return {
      day: d,
      expectedCumFen: targetDto ? Math.round(targetDto.salesFen * curve.cumulative[i]!) : null,
      actualFen,
      actualCumFen: actualFen === null ? null : cum,
    };
  });
  // Whole days only: today is still running.
  const elapsed = days.filter((d) => d < today).length;
  const done = sumDays(current, from, elapsed > 0 ? days[elapsed - 1]! : addDays(from, -1));
  const st = targetDto ? paceStatus(targetDto.salesFen, curve.cumulative, done.salesFen, elapsed) : null;
  return {
    shopId: q.shopId,
    shopName: scope.shopName ?? '',
    kind,
    month: from.slice(0, 7),
    startOn: from,
    endOn: to,
    today,
    target: targetDto,
    bases,
    pace: { months: curve.months, shaped: curve.shaped, shapedBy: curve.shapedBy, days: paceDays },
    status: {
      elapsed,
      actualFen: done.salesFen,
      expectedFen: st?.expectedFen ?? null,
      gapFen: st?.gapFen ?? null,
      ratio: st?.ratio ?? null,
      forecastFen: st?.forecastFen ?? null,
      visitors: done.visitors,
      buyers: done.buyers,
      conversion: done.visitors > 0 ? done.buyers / done.visitors : null,
      aovFen: done.buyers > 0 ? done.salesFen / done.buyers : null,
    },
  };
}
