/**
 * Daily self-checks (自查, issue 15, domain §10): each role's list of things to check every day,
 * after the seed manual's 工作自查 (promotion, service, designer) plus the operator's diagnosis
 * round. The lists are seeded once per organisation (on first use), editable by holders of
 * targets.write, and ticked off per user per day; the ticks are the history.
 */
import {
  AppError,
  CHECKLIST_ROLES,
  addDays,
  daysBetween,
  newId,
  type ChecklistDay,
  type ChecklistHistoryDay,
  type ChecklistItemDto,
  type ChecklistRole,
  CreateChecklistItemBody,
  UpdateChecklistItemBody,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { z } from 'zod';
import { insertOrConflict } from '../../db/kit.js';
import type { ChecklistItemsTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { can } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as roles from '../roles/index.js';
import { today } from './tasks.service.js';

type Seed = { title: string; hint: string; link: string };

/** The lists every organisation starts with (worded for the console; editable afterwards). */
export const DEFAULT_CHECKLISTS: Record<ChecklistRole, Seed[]> = {
  operator: [
    { title: '查看店铺诊断，处理今天新出现的问题', hint: '按影响金额从高到低处理，能指派的指派成任务', link: '/diagnosis' },
    { title: '对照本月销售目标检查进度', hint: '落后于进度曲线时，看是访客、转化还是客单价拖了后腿', link: '/targets' },
    { title: '检查昨天的访客数、转化率和客单价哪一项变了', hint: '销售额 = 访客数 × 转化率 × 客单价', link: '/dashboard' },
    { title: '确认今天的任务都已完成或已改期', hint: '', link: '/tasks' },
  ],
  promotion: [
    { title: '检查流量走势，找出各来源升降的原因', hint: '付费、免费、站外分开看', link: '/analytics/traffic' },
    { title: '跟进各个活动和节日促销的准备进度', hint: '关键路径上的任务不能拖', link: '/plans' },
    { title: '核对明天的促销安排，通知美工改图、客服知晓', hint: '', link: '' },
    { title: '查看还有哪些平台活动没有报名', hint: '', link: '' },
    { title: '确认今天的任务都已完成或已改期', hint: '', link: '/tasks' },
  ],
  service: [
    { title: '今天遇到的问题都已登记（退换货、需补拍照片、问题件）', hint: '', link: '/aftersales' },
    { title: '今天该解决的问题件都已落实（退款、催单、补拍照片）', hint: '先处理已超时的售后', link: '/aftersales/overdue' },
    { title: '了解每款商品的库存和搭配销售情况', hint: '回答顾客前心中有数', link: '/inventory' },
    { title: '确认今天的任务都已完成或已改期', hint: '', link: '/tasks' },
  ],
  designer: [
    { title: '看销量最好的商品详情页，总结做得好的地方', hint: '按支付金额排序的商品排行', link: '/analytics/products' },
    { title: '给卖得不好的款式重新设计详情页和文案', hint: '转化率低于全店平均的商品优先', link: '/analytics/products' },
    { title: '检查首页内容是否简洁清楚，把想法汇报给主管', hint: '', link: '' },
  ],
  warehouse: [
    { title: '今天应发的订单都已发货', hint: '', link: '/orders' },
    { title: '退回的商品都已验收入库', hint: '', link: '/aftersales' },
    { title: '检查低于安全库存的商品并提醒采购', hint: '', link: '/inventory' },
  ],
  finance: [
    { title: '核对今天的退款与售后金额', hint: '', link: '/aftersales' },
    { title: '检查毛利率和本月目标的差距', hint: '', link: '/targets' },
  ],
  owner: [
    { title: '查看本月目标进度与五大指标', hint: '新客成本、全程ROI、复购率、毛利率、库存周转', link: '/targets' },
    { title: '查看团队今天的自查与任务完成情况', hint: '', link: '/tasks' },
  ],
};

export type NewChecklistItem = z.output<typeof CreateChecklistItemBody>;
export type ChecklistItemPatch = z.output<typeof UpdateChecklistItemBody>;

function itemToDto(r: ChecklistItemsTable): ChecklistItemDto {
  return {
    id: r.id,
    roleCode: r.role_code as ChecklistRole,
    title: r.title,
    hint: r.hint,
    link: r.link,
    position: r.position,
    archived: r.archived === 1,
  };
}

/**
 * Seed the organisation's lists the first time any list is read (a no-op once any item exists).
 * Two first reads at once insert the same titles; the unique (org, role, title) index keeps one.
 */
async function ensureSeeded(db: Kysely<DB>, orgId: string): Promise<void> {
  const any = await db.selectFrom('checklist_items').select('id').where('org_id', '=', orgId).limit(1).executeTakeFirst();
  if (any) return;
  const now = Date.now();
  const rows: ChecklistItemsTable[] = [];
  for (const role of CHECKLIST_ROLES)
    DEFAULT_CHECKLISTS[role].forEach((s, i) =>
      rows.push({
        id: newId('checkItem'),
        org_id: orgId,
        role_code: role,
        ...s,
        position: (i + 1) * 10,
        archived: 0,
        created_at: now,
        updated_at: now,
      }),
    );
  await db
    .insertInto('checklist_items')
    .values(rows)
    .onConflict((oc) => oc.columns(['org_id', 'role_code', 'title']).doNothing())
    .execute();
}

/** The roles of a user that have a list; a user with none of them sees the operator's list. */
async function rolesWithLists(db: Kysely<DB>, userId: string): Promise<ChecklistRole[]> {
  const held = ((await roles.rolesOfUsers(db, [userId])).get(userId) ?? []).map((r) => r.code);
  const mine = CHECKLIST_ROLES.filter((c) => held.includes(c));
  return mine.length ? mine : ['operator'];
}

function assertDay(day: string): void {
  const t = today();
  if (day > t)
    throw new AppError('validation_failed', '不能勾选未来日期的自查，请选择今天或之前的日期', {}, [
      { path: 'day', message: '日期晚于今天' },
    ]);
  if (day < addDays(t, -30))
    throw new AppError('validation_failed', '只能补勾最近 30 天的自查', {}, [{ path: 'day', message: '日期早于 30 天前' }]);
}

export async function checklistDay(db: Kysely<DB>, actor: Actor, day = today()): Promise<ChecklistDay> {
  await ensureSeeded(db, actor.orgId);
  const mine = await rolesWithLists(db, actor.userId);
  const items = await db
    .selectFrom('checklist_items')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('role_code', 'in', mine)
    .where('archived', '=', 0)
    .orderBy('role_code')
    .orderBy('position')
    .orderBy('id')
    .execute();
  const ticks = items.length
    ? await db
        .selectFrom('checklist_ticks')
        .selectAll()
        .where('user_id', '=', actor.userId)
        .where('day', '=', day)
        .where(
          'item_id',
          'in',
          items.map((i) => i.id),
        )
        .execute()
    : [];
  const byItem = new Map(ticks.map((t) => [t.item_id, t]));
  // The same check in two of the user's lists (e.g. 确认今天的任务) is shown once.
  const seen = new Set<string>();
  const out = items
    .filter((i) => (seen.has(i.title) ? false : (seen.add(i.title), true)))
    .map((i) => {
      const t = byItem.get(i.id);
      return { ...itemToDto(i), done: !!t, doneAt: t ? Number(t.ticked_at) : null, note: t?.note ?? '' };
    });
  return { day, roles: mine, items: out, done: out.filter((i) => i.done).length, total: out.length };
}

/** Tick (or untick) one item for the actor on a day (today or up to 30 days back). */
export async function tick(
  trx: Transaction<DB>,
  actor: Actor,
  input: { itemId: string; day: string; done: boolean; note: string },
): Promise<ChecklistDay> {
  assertDay(input.day);
  const item = await trx
    .selectFrom('checklist_items')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('id', '=', input.itemId)
    .executeTakeFirst();
  if (!item || item.archived) throw new AppError('not_found', '自查项不存在或已停用，请刷新页面', { itemId: input.itemId });
  const mine = await rolesWithLists(trx, actor.userId);
  if (!mine.includes(item.role_code as ChecklistRole))
    throw new AppError('forbidden', '这一项不在你的角色的自查清单里', { itemId: input.itemId });
  await trx
    .deleteFrom('checklist_ticks')
    .where('item_id', '=', item.id)
    .where('user_id', '=', actor.userId)
    .where('day', '=', input.day)
    .execute();
  if (input.done)
    await trx
      .insertInto('checklist_ticks')
      .values({ item_id: item.id, user_id: actor.userId, day: input.day, org_id: actor.orgId, note: input.note, ticked_at: Date.now() })
      .execute();
  return checklistDay(trx, actor, input.day);
}

/** Done / total per day for a user (default: the actor; another user needs targets.write). */
export async function history(
  db: Kysely<DB>,
  actor: Actor,
  q: { from: string; to: string; userId?: string | undefined },
): Promise<ChecklistHistoryDay[]> {
  if (q.from > q.to)
    throw new AppError('validation_failed', '开始日期不能晚于结束日期', {}, [{ path: 'from', message: '开始日期晚于结束日期' }]);
  const days = daysBetween(q.from, q.to);
  if (days.length > 92)
    throw new AppError('validation_failed', '自查记录一次最多查看 92 天，请缩短区间', {}, [{ path: 'from', message: '区间超过 92 天' }]);
  const userId = q.userId ?? actor.userId;
  if (userId !== actor.userId) {
    if (!can(actor, 'targets.write')) throw new AppError('forbidden', '查看他人的自查记录需要「制定销售目标、编辑自查清单」权限');
    const u = await db.selectFrom('users').select('id').where('org_id', '=', actor.orgId).where('id', '=', userId).executeTakeFirst();
    if (!u) throw new AppError('not_found', `用户 ${userId} 不存在`, { userId });
  }
  await ensureSeeded(db, actor.orgId);
  const mine = await rolesWithLists(db, userId);
  const total = new Set(
    (
      await db
        .selectFrom('checklist_items')
        .select('title')
        .where('org_id', '=', actor.orgId)
        .where('role_code', 'in', mine)
        .where('archived', '=', 0)
        .execute()
    ).map((r) => r.title),
  ).size;
  const ticks = await db
    .selectFrom('checklist_ticks')
    .innerJoin('checklist_items', 'checklist_items.id', 'checklist_ticks.item_id')
    .select([
      'checklist_ticks.day',
      'checklist_ticks.item_id',
      'checklist_items.title',
      'checklist_ticks.ticked_at',
      'checklist_ticks.note',
    ])
    .where('checklist_ticks.user_id', '=', userId)
    .where('checklist_ticks.org_id', '=', actor.orgId)
    .where('checklist_ticks.day', '>=', q.from)
    .where('checklist_ticks.day', '<=', q.to)
    .orderBy('checklist_ticks.ticked_at')
    .execute();
  return days.map((day) => {
    const items = ticks
      .filter((t) => t.day === day)
      .map((t) => ({ itemId: t.item_id, title: t.title, doneAt: Number(t.ticked_at), note: t.note }));
    return { day, done: items.length, total: Math.max(total, items.length), items };
  });
}

export async function listItems(db: Kysely<DB>, actor: Actor, role?: ChecklistRole): Promise<ChecklistItemDto[]> {
  await ensureSeeded(db, actor.orgId);
  let q = db.selectFrom('checklist_items').selectAll().where('org_id', '=', actor.orgId);
  if (role) q = q.where('role_code', '=', role);
  return (await q.orderBy('role_code').orderBy('position').orderBy('id').execute()).map(itemToDto);
}

export async function createItem(trx: Transaction<DB>, actor: Actor, input: NewChecklistItem): Promise<ChecklistItemDto> {
  await ensureSeeded(trx, actor.orgId);
  const last = await trx
    .selectFrom('checklist_items')
    .select((eb) => eb.fn.max('position').as('p'))
    .where('org_id', '=', actor.orgId)
    .where('role_code', '=', input.roleCode)
    .executeTakeFirst();
  const now = Date.now();
  const row: ChecklistItemsTable = {
    id: newId('checkItem'),
    org_id: actor.orgId,
    role_code: input.roleCode,
    title: input.title,
    hint: input.hint,
    link: input.link,
    position: Number(last?.p ?? 0) + 10,
    archived: 0,
    created_at: now,
    updated_at: now,
  };
  await insertOrConflict(trx.insertInto('checklist_items').values(row).execute(), `「${row.title}」已在这个角色的清单里`);
  await audit.record(trx, actor, 'checklist.item.create', {
    entityType: 'checklist_item',
    entityId: row.id,
    after: { roleCode: row.role_code, title: row.title },
  });
  return itemToDto(row);
}

export async function updateItem(trx: Transaction<DB>, actor: Actor, id: string, patch: ChecklistItemPatch): Promise<ChecklistItemDto> {
  const before = await trx
    .selectFrom('checklist_items')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!before) throw new AppError('not_found', `自查项 ${id} 不存在`, { itemId: id });
  const set: Partial<ChecklistItemsTable> = { updated_at: Date.now() };
  if (patch.title !== undefined) set.title = patch.title;
  if (patch.hint !== undefined) set.hint = patch.hint;
  if (patch.link !== undefined) set.link = patch.link;
  if (patch.position !== undefined) set.position = patch.position;
  if (patch.archived !== undefined) set.archived = patch.archived ? 1 : 0;
  await insertOrConflict(
    trx.updateTable('checklist_items').set(set).where('id', '=', id).execute(),
    `「${patch.title}」已在这个角色的清单里`,
  );
  const after = { ...before, ...set };
  await audit.record(trx, actor, 'checklist.item.update', {
    entityType: 'checklist_item',
    entityId: id,
    before: { title: before.title, hint: before.hint, link: before.link, archived: before.archived === 1 },
    after: { title: after.title, hint: after.hint, link: after.link, archived: after.archived === 1 },
  });
  return itemToDto(after);
}
