/**
 * Shop diagnosis (店铺诊断, issue 15 §1): run the rules for one shop and day, keep one open finding
 * per cause (shop, kind, subject) — updated by later runs — and let people assign, resolve,
 * dismiss or reopen a finding with a note (audited).
 */
import {
  AppError,
  addDays,
  businessDay,
  dayStart,
  newId,
  type Finding,
  type FindingEvidence,
  FINDING_KIND_LABELS,
  type FindingKind,
  type FindingListQuery,
  type FindingSeverity,
  type FindingStatus,
  type FindingSubjectType,
  type Page,
  type UpdateFindingBody,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import type { DB, DiagnosisFindingsTable } from '../../db/schema.js';
import { assertShopVisible, pageOf, scopeToShops, withPage } from '../../db/kit.js';
import { systemActor, type Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as ads from '../ads/index.js';
import * as marketing from '../marketing/index.js';
import * as reviews from '../reviews/index.js';
import * as shopsSvc from '../shops/index.js';
import * as tasks from '../tasks/index.js';
import * as users from '../users/index.js';
import {
  casesByReason,
  listedProducts,
  orgUnits,
  productTitles,
  purchaseFacts,
  readRollups,
  shippingByWarehouse,
  skuSales,
  skuStock,
  sourceNames,
  windowOf,
  type ShopRef,
} from './diagnosis.data.js';
import {
  RULES,
  adsBelowBreakEven,
  aovDrop,
  conversionDrops,
  lateShipments,
  repeatedComplaints,
  productRefundRises,
  reasonRises,
  slowMovers,
  stockouts,
  trafficDrops,
  type ComplaintGroup,
  type FindingDraft,
} from './diagnosis.rules.js';

const DAY_MS = 86_400_000;

export function shopRef(row: { id: string; org_id: string; name: string; timezone: string; channel: string }): ShopRef {
  return { id: row.id, orgId: row.org_id, name: row.name, timezone: row.timezone, channel: row.channel };
}

/** The day a run analyses by default: yesterday in the shop's zone (today is not over). */
export function defaultDate(shop: ShopRef, now = Date.now()): string {
  return addDays(businessDay(now, shop.timezone), -1);
}

/** Every rule over the window ending on `date`; the findings, not yet stored. */
export async function diagnose(db: Kysely<DB>, shop: ShopRef, date: string, now = Date.now()): Promise<FindingDraft[]> {
  const w = windowOf(date, RULES.windowDays);
  const others = (await shopsSvc.listVisible(db, systemActor(shop.orgId, '店铺诊断'))).map((s) =>
    shopRef({ id: s.id, org_id: shop.orgId, name: s.name, timezone: s.timezone, channel: s.channel }),
  );
  const roll = await readRollups(db, shop, w, now, others.some((s) => s.id === shop.id) ? others : [shop]);
  const productIds = [...roll.products.keys()];

  // Stock: this shop's SKU sales over the window, their stock, every shop's recent units, lead times.
  const sales = await skuSales(db, shop, w.from, w.date);
  const daily = new Map<string, { qty: number[]; paidFen: number[] }>();
  const idx = new Map(w.days.map((d, i) => [d, i]));
  for (const s of sales) {
    const i = idx.get(s.day);
    if (i === undefined) continue;
    let e = daily.get(s.skuId);
    if (!e) daily.set(s.skuId, (e = { qty: w.days.map(() => 0), paidFen: w.days.map(() => 0) }));
    e.qty[i] = s.qty;
    e.paidFen[i] = s.paidFen;
  }
  const soldSkus = [...daily.keys()];
  const [sold, stocked] = await Promise.all([skuStock(db, shop.orgId, soldSkus), skuStock(db, shop.orgId, null)]);
  const velocityFrom = addDays(date, -(RULES.stock.velocityDays - 1));
  const [recentUnits, idleUnits, purchase, listed] = await Promise.all([
    orgUnits(db, shop.orgId, soldSkus, velocityFrom, date),
    orgUnits(
      db,
      shop.orgId,
      stocked.map((s) => s.skuId),
      addDays(date, -(RULES.slow.idleDays - 1)),
      date,
    ),
    purchaseFacts(db, soldSkus),
    listedProducts(db, shop),
  ]);
  const titles = await productTitles(db, shop.orgId, [
    ...new Set([...productIds, ...sold.map((s) => s.productId), ...stocked.map((s) => s.productId)]),
  ]);
  const [names, shipping, reasons] = await Promise.all([
    sourceNames(db, shop),
    shippingByWarehouse(db, shop, w, now),
    casesByReason(db, shop, w),
  ]);

  const adPlans = await adPlanDays(db, shop, date);
  const promoted = await promotedSkus(db, shop, date, sold, now);
  const complaints = await complaintGroups(db, shop, w.days);
  const productByTitle = new Map([...titles].map(([id, title]) => [title, id]));

  return [
    ...adsBelowBreakEven(w, adPlans),
    ...conversionDrops(w, roll.products, titles, roll.orgProducts ?? undefined),
    ...trafficDrops(w, roll.sources, names),
    ...aovDrop(w, roll.shop, shop.id, shop.name),
    ...productRefundRises(w, roll.products, titles),
    ...reasonRises(w, reasons, roll.shop),
    ...lateShipments(w, shipping.days, shipping.names),
    ...stockouts(w, {
      skus: sold,
      titles,
      daily,
      orgUnits: recentUnits,
      leadDays: purchase.leadDays,
      incoming: purchase.incoming,
      promoted,
    }),
    ...repeatedComplaints(w, complaints, roll.shop, productByTitle, roll.products),
    ...slowMovers(w, stocked, idleUnits, listed, titles, roll.products, now),
  ];
}

/** The sold SKUs in a promotion of the shop running at the end of the analysed day (marketing's index.ts). */
async function promotedSkus(db: Kysely<DB>, shop: ShopRef, date: string, skus: { skuId: string; productId: string }[], now: number) {
  const at = Math.min(now, dayStart(addDays(date, 1), shop.timezone) - 1);
  const promos = (await marketing.runningPromotions(db, shop.id, at)).filter((p) => p.endsAt);
  const out = new Map<string, { name: string; endsOn: string; daysLeft: number }>();
  for (const p of promos) {
    const end = Date.parse(p.endsAt!);
    const sc = p.scope;
    const whole = !sc.skuIds?.length && !sc.productIds?.length && !sc.categoryIds?.length;
    for (const s of skus) {
      if (sc.excludeSkuIds?.includes(s.skuId)) continue;
      if (!whole && !sc.skuIds?.includes(s.skuId) && !sc.productIds?.includes(s.productId)) continue;
      const daysLeft = (end - at) / DAY_MS;
      const cur = out.get(s.skuId);
      if (!cur || daysLeft > cur.daysLeft) out.set(s.skuId, { name: p.name, endsOn: businessDay(end - 1, shop.timezone), daysLeft });
    }
  }
  return out;
}

/** Each ad plan of the shop with spend in the last days: its daily ROI and break-even ROI (ads' index.ts). */
async function adPlanDays(db: Kysely<DB>, shop: ShopRef, date: string) {
  const actor = systemActor(shop.orgId, '店铺诊断');
  const from = addDays(date, -(RULES.ads.windowDays - 1));
  const plans = (await ads.plansWithFigures(db, actor, shop.id, from, date)).filter((p) => p.spendFen > 0 && p.breakEvenRoi !== null);
  const out = [];
  for (const p of plans) {
    const d = await ads.planDetail(db, actor, p.id, from, date);
    out.push({
      id: p.id,
      name: p.name,
      breakEvenRoi: p.breakEvenRoi,
      days: (d.days as { day: string; spendFen: number; salesFen: number; roi: number | null; profitAfterAdsFen: number | null }[]).map(
        (x) => ({
          day: x.day,
          spendFen: x.spendFen,
          salesFen: x.salesFen,
          roi: x.roi,
          profitAfterAdsFen: x.profitAfterAdsFen,
        }),
      ),
    });
  }
  return out;
}

/** 中差评 of the shop over the window grouped by product title and complaint tag (reviews' index.ts, 200 a page). */
async function complaintGroups(db: Kysely<DB>, shop: ShopRef, days: string[]): Promise<ComplaintGroup[]> {
  const actor = systemActor(shop.orgId, '店铺诊断');
  const idx = new Map(days.map((d, i) => [d, i]));
  const groups = new Map<string, ComplaintGroup>();
  let cursor: string | undefined;
  for (let page = 1; page <= 50; page++) {
    const r = await reviews.listReviews(db, actor, {
      shopId: shop.id,
      level: 'negative',
      from: days[0]!,
      to: days[days.length - 1]!,
      page,
      pageSize: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const x of r.items) {
      const i = idx.get(x.reviewDay);
      if (i === undefined || !x.productTitle) continue;
      for (const tag of x.tags) {
        const k = `${x.productTitle}\u0000${tag}`;
        let g = groups.get(k);
        if (!g) groups.set(k, (g = { productTitle: x.productTitle, tag, daily: days.map(() => 0) }));
        g.daily[i]! += 1;
      }
    }
    if (r.items.length < 200 || !r.nextCursor) break;
    cursor = r.nextCursor;
  }
  return [...groups.values()];
}

export interface RunResult {
  shopId: string;
  date: string;
  found: number;
  created: number;
  updated: number;
  /** Closed findings of the same episode (started within 2 days) that were not reopened. */
  skipped: number;
}

/**
 * Run the rules and store the findings: an open finding of the same cause is updated (its start
 * day follows the latest detection, last seen moves forward only); a cause closed by a person for
 * the same episode (start day within 2 days) stays closed; anything else opens a new finding.
 */
export async function runDiagnosis(db: Kysely<DB>, shop: ShopRef, date: string, now = Date.now()): Promise<RunResult> {
  const drafts = await diagnose(db, shop, date, now);
  const result: RunResult = { shopId: shop.id, date, found: drafts.length, created: 0, updated: 0, skipped: 0 };
  await db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('diagnosis_findings').selectAll().where('shop_id', '=', shop.id).execute();
    const open = new Map(existing.filter((r) => r.status === 'open').map((r) => [`${r.kind}|${r.subject_id}`, r]));
    for (const d of drafts) {
      const key = `${d.kind}|${d.subjectId}`;
      const cur = open.get(key);
      const values = {
        severity: d.severity,
        subject_name: d.subjectName,
        started_on: d.startedOn,
        ended_on: d.endedOn,
        money_fen: d.moneyAtStakeFen,
        summary: d.summary,
        evidence_json: JSON.stringify(d.evidence),
        causes_json: JSON.stringify(d.causes),
        action_label: d.action.label,
        action_path: d.action.path,
        updated_at: now,
      };
      if (cur) {
        if (date < cur.last_seen_on) continue; // an older day re-run never overwrites a newer one
        await trx
          .updateTable('diagnosis_findings')
          .set({ ...values, last_seen_on: date })
          .where('id', '=', cur.id)
          .execute();
        result.updated++;
        continue;
      }
      const closedSame = existing.some(
        (r) =>
          r.status !== 'open' && r.kind === d.kind && r.subject_id === d.subjectId && Math.abs(dayDiff(r.started_on, d.startedOn)) <= 2,
      );
      if (closedSame) {
        result.skipped++;
        continue;
      }
      await trx
        .insertInto('diagnosis_findings')
        .values({
          id: newId('dgn'),
          org_id: shop.orgId,
          shop_id: shop.id,
          kind: d.kind,
          subject_type: d.subjectType,
          subject_id: d.subjectId,
          status: 'open',
          first_seen_on: date,
          last_seen_on: date,
          assignee_id: null,
          note: '',
          created_at: now,
          closed_at: null,
          ...values,
        })
        .execute();
      result.created++;
    }
    await trx.deleteFrom('diagnosis_runs').where('shop_id', '=', shop.id).where('day', '=', date).execute();
    await trx
      .insertInto('diagnosis_runs')
      .values({ shop_id: shop.id, day: date, org_id: shop.orgId, findings: drafts.length, ran_at: now })
      .execute();
  });
  return result;
}

function dayDiff(a: string, b: string): number {
  return Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / DAY_MS);
}

/** Run for a shop the actor may see (on demand from the page or the CLI). */
export async function runForActor(db: Kysely<DB>, actor: Actor, shopId: string, date?: string, now = Date.now()): Promise<RunResult> {
  const row = await shopsSvc.getVisible(db, actor, shopId);
  const shop = shopRef(row);
  const day = date ?? defaultDate(shop, now);
  if (day > businessDay(now, shop.timezone))
    throw new AppError('validation_failed', '诊断日期不能晚于今天', { date: day }, [{ path: 'date', message: '请选今天或更早的日期' }]);
  return runDiagnosis(db, shop, day, now);
}

/** The shops whose diagnosis for their yesterday has not run yet. */
export async function dueShops(db: Kysely<DB>, shops: ShopRef[], now = Date.now()): Promise<{ shop: ShopRef; date: string }[]> {
  if (!shops.length) return [];
  const wanted = shops.map((s) => ({ shop: s, date: defaultDate(s, now) }));
  const done = await db
    .selectFrom('diagnosis_runs')
    .select(['shop_id', 'day'])
    .where(
      'shop_id',
      'in',
      shops.map((s) => s.id),
    )
    .where('day', 'in', [...new Set(wanted.map((x) => x.date))])
    .execute();
  const seen = new Set(done.map((r) => `${r.shop_id}|${r.day}`));
  return wanted.filter((x) => !seen.has(`${x.shop.id}|${x.date}`));
}

// ---------------------------------------------------------------- reads

function toFinding(r: DiagnosisFindingsTable, shopNames: Map<string, string>, userNames: Map<string, string>): Finding {
  return {
    id: r.id,
    shopId: r.shop_id,
    shopName: shopNames.get(r.shop_id) ?? '',
    kind: r.kind as FindingKind,
    severity: r.severity as FindingSeverity,
    status: r.status as FindingStatus,
    subjectType: r.subject_type as FindingSubjectType,
    subjectId: r.subject_id,
    subjectName: r.subject_name,
    startedOn: r.started_on,
    endedOn: r.ended_on,
    firstSeenOn: r.first_seen_on,
    lastSeenOn: r.last_seen_on,
    moneyAtStakeFen: Number(r.money_fen),
    summary: r.summary,
    evidence: JSON.parse(r.evidence_json) as FindingEvidence,
    causes: JSON.parse(r.causes_json) as string[],
    action: { label: r.action_label, path: r.action_path },
    assigneeId: r.assignee_id,
    assigneeName: r.assignee_id ? (userNames.get(r.assignee_id) ?? null) : null,
    note: r.note,
    updatedAt: Number(r.updated_at),
  };
}

async function names(db: Kysely<DB>, actor: Actor, rows: DiagnosisFindingsTable[]) {
  const shopNames = new Map((await shopsSvc.listVisible(db, actor)).map((s) => [s.id, s.name]));
  const userNames = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.assignee_id).filter((x): x is string => !!x))) {
    const u = await users.findById(db, id);
    if (u) userNames.set(id, u.display_name || u.username);
  }
  return { shopNames, userNames };
}

/** Findings of the visible shops, ranked by money at stake (the page's order). */
export async function listFindings(db: Kysely<DB>, actor: Actor, f: z.output<typeof FindingListQuery>): Promise<Page<Finding>> {
  let q = db.selectFrom('diagnosis_findings').where('org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'diagnosis_findings.shop_id');
  if (f.shopId) q = q.where('shop_id', '=', f.shopId);
  if (f.status !== 'all') q = q.where('status', '=', f.status);
  if (f.kind) q = q.where('kind', '=', f.kind);
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await withPage(q.selectAll().orderBy('money_fen', 'desc').orderBy('id'), f).execute();
  const n = await names(db, actor, rows);
  return pageOf(
    rows.map((r) => toFinding(r, n.shopNames, n.userNames)),
    Number(total),
    f,
  );
}

async function loadRow(db: Kysely<DB>, actor: Actor, id: string): Promise<DiagnosisFindingsTable> {
  const row = await db
    .selectFrom('diagnosis_findings')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  const missing = `诊断 ${id} 不存在或无权访问`;
  if (!row) throw new AppError('not_found', missing, { id });
  assertShopVisible(actor, row.shop_id, missing, { id });
  return row;
}

export async function getFinding(db: Kysely<DB>, actor: Actor, id: string): Promise<Finding> {
  const row = await loadRow(db, actor, id);
  const n = await names(db, actor, [row]);
  return toFinding(row, n.shopNames, n.userNames);
}

/** Assign, resolve, dismiss (a note saying why is required) or reopen; audited in the same transaction. */
export async function updateFinding(
  trx: Transaction<DB>,
  actor: Actor,
  id: string,
  body: z.output<typeof UpdateFindingBody>,
  now = Date.now(),
): Promise<Finding> {
  const row = await loadRow(trx, actor, id);
  const set: Partial<DiagnosisFindingsTable> = { updated_at: now };
  let taskId: string | undefined;
  if (body.note) set.note = body.note;
  if (body.action === 'assign') {
    if (row.status !== 'open') throw new AppError('invalid_state', '只能指派未处理的诊断；请先重新打开', { status: row.status });
    const assignee = body.assigneeId ?? null;
    if (assignee) {
      const u = await users.findById(trx, assignee);
      const sees =
        u &&
        u.org_id === actor.orgId &&
        u.status === 'active' &&
        (u.all_shops === 1 || (await users.shopIdsOf(trx, u.id)).includes(row.shop_id));
      if (!sees)
        throw new AppError('validation_failed', '指派对象不存在、已停用或看不到这个店铺，请换一个人', { assigneeId: assignee }, [
          { path: 'assigneeId', message: '请选择能查看该店铺的在职成员' },
        ]);
    }
    set.assignee_id = assignee;
    if (assignee) {
      const task = await tasks.createTask(
        trx,
        {
          shopId: row.shop_id,
          title: `处理诊断：${FINDING_KIND_LABELS[row.kind as FindingKind].zh} · ${row.subject_name}`.slice(0, 200),
          note: `${row.summary}\n建议：${row.action_label}（${row.action_path}）${body.note ? `\n${body.note}` : ''}`.slice(0, 2000),
          assigneeId: assignee,
          dueOn: body.dueOn ?? null,
          link: { kind: 'finding', id: row.id, label: row.subject_name.slice(0, 200) },
        },
        actor,
      );
      taskId = task.id;
    }
  } else if (body.action === 'reopen') {
    if (row.status === 'open') throw new AppError('invalid_state', '这条诊断本来就是未处理状态', { status: row.status });
    const other = await trx
      .selectFrom('diagnosis_findings')
      .select('id')
      .where('shop_id', '=', row.shop_id)
      .where('kind', '=', row.kind)
      .where('subject_id', '=', row.subject_id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (other) throw new AppError('conflict', '同一原因已有一条未处理的诊断，请直接处理那一条', { openId: other.id });
    set.status = 'open';
    set.closed_at = null;
  } else {
    if (row.status !== 'open') throw new AppError('invalid_state', '这条诊断已经处理过了', { status: row.status });
    set.status = body.action === 'resolve' ? 'resolved' : 'dismissed';
    set.closed_at = now;
  }
  await trx.updateTable('diagnosis_findings').set(set).where('id', '=', id).execute();
  await audit.record(trx, actor, `diagnosis.${body.action}`, {
    entityType: 'diagnosis_finding',
    entityId: id,
    shopId: row.shop_id,
    before: { status: row.status, assigneeId: row.assignee_id, note: row.note },
    after: {
      status: set.status ?? row.status,
      assigneeId: set.assignee_id === undefined ? row.assignee_id : set.assignee_id,
      note: set.note ?? row.note,
      ...(taskId ? { taskId } : {}),
    },
  });
  const finding = await getFinding(trx, actor, id);
  return taskId ? { ...finding, taskId } : finding;
}

/** The open findings assigned to a user (their morning digest), most money at stake first. */
export async function openFindingsOf(
  db: Kysely<DB>,
  actor: Actor,
  userId: string,
  limit = 5,
): Promise<{ total: number; items: Finding[] }> {
  let q = db
    .selectFrom('diagnosis_findings')
    .where('org_id', '=', actor.orgId)
    .where('assignee_id', '=', userId)
    .where('status', '=', 'open');
  q = scopeToShops(q, actor, 'diagnosis_findings.shop_id');
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q.selectAll().orderBy('money_fen', 'desc').orderBy('id').limit(limit).execute();
  const n = await names(db, actor, rows);
  return { total: Number(total), items: rows.map((r) => toFinding(r, n.shopNames, n.userNames)) };
}
