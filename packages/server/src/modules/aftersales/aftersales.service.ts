/**
 * After-sales (售后): reasons, cases linked to order lines, the per-type status machine with SLA
 * clocks, inspection of returned goods back into stock (good) or defective stock, and refunds that
 * flow into the order through `orders.applyRefund`.
 */
import {
  AFTERSALE_STATUS_LABELS,
  AFTERSALE_TYPE_LABELS,
  AppError,
  DEFAULT_AFTERSALE_REASONS,
  REFUND_TYPES,
  RETURN_TYPES,
  allocate,
  businessDay,
  clipText,
  formatFen,
  keepHiddenPhones,
  maskPhonesInText,
  newId,
  type AftersaleDetail,
  type AftersaleReason,
  type AftersaleStatus,
  type AftersaleSummary,
  type AftersaleType,
  type FieldError,
  type OrderStatus,
  type Page,
  type Responsibility,
  type AftersaleFilter,
  type AftersaleInspectInput,
  type AftersaleReasonInput,
  type AftersaleRefundInput,
  type CreateAftersaleInput,
  type UpdateAftersaleInput,
  type UpdateAftersaleReasonInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '../../db/dialect.js';
import { anyTextMatch, canSeeShop, scopeToShops, searchTerm } from '../../db/kit.js';
import type { AftersalesTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as inventory from '../inventory/index.js';
import * as notifications from '../notifications/index.js';
import * as orders from '../orders/index.js';
import { TERMINAL, assertMove, canMove, manualNext, slaDueAt } from './aftersales.transitions.js';

const typeZh = (t: string) => AFTERSALE_TYPE_LABELS[t as AftersaleType]?.zh ?? t;
const statusZh = (s: string) => AFTERSALE_STATUS_LABELS[s as AftersaleStatus]?.zh ?? s;

// ---------------------------------------------------------------- reasons

/** Seed the starter reasons the first time an organisation uses after-sales. */
export async function ensureReasons(db: Kysely<DB>, orgId: string): Promise<void> {
  const any = await db.selectFrom('aftersale_reasons').select('id').where('org_id', '=', orgId).executeTakeFirst();
  if (any) return;
  await db
    .insertInto('aftersale_reasons')
    .values(
      DEFAULT_AFTERSALE_REASONS.map((r, i) => ({
        id: newId('aftersaleReason'),
        org_id: orgId,
        name: r.name,
        responsibility: r.responsibility,
        sort: (i + 1) * 10,
        enabled: 1,
      })),
    )
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .execute();
}

function reasonDto(r: { id: string; name: string; responsibility: string; sort: number; enabled: number }): AftersaleReason {
  return { id: r.id, name: r.name, responsibility: r.responsibility as Responsibility, sort: r.sort, enabled: r.enabled === 1 };
}

export async function listReasons(db: Kysely<DB>, actor: Actor): Promise<AftersaleReason[]> {
  await ensureReasons(db, actor.orgId);
  const rows = await db
    .selectFrom('aftersale_reasons')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .orderBy('sort')
    .orderBy('name')
    .execute();
  return rows.map(reasonDto);
}

function reasonTaken(name: string): AppError {
  return new AppError('conflict', `已有名为「${name}」的售后原因，请换一个名称`, { name }, [{ path: 'name', message: '原因名称已存在' }]);
}

export async function createReason(trx: Transaction<DB>, actor: Actor, input: AftersaleReasonInput): Promise<AftersaleReason> {
  await ensureReasons(trx, actor.orgId);
  const row = {
    id: newId('aftersaleReason'),
    org_id: actor.orgId,
    name: input.name,
    responsibility: input.responsibility,
    sort: input.sort ?? 1000,
    enabled: 1,
  };
  const dup = await trx
    .selectFrom('aftersale_reasons')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('name', '=', input.name)
    .executeTakeFirst();
  if (dup) throw reasonTaken(input.name);
  await trx.insertInto('aftersale_reasons').values(row).execute();
  await audit.record(trx, actor, 'aftersale.reason.create', { entityType: 'aftersale_reason', entityId: row.id, after: reasonDto(row) });
  return reasonDto(row);
}

export async function updateReason(
  trx: Transaction<DB>,
  actor: Actor,
  id: string,
  input: UpdateAftersaleReasonInput,
): Promise<AftersaleReason> {
  const before = await trx
    .selectFrom('aftersale_reasons')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (!before) throw new AppError('not_found', `售后原因 ${id} 不存在`, { reasonId: id });
  if (input.name !== undefined && input.name !== before.name) {
    const dup = await trx
      .selectFrom('aftersale_reasons')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (dup) throw reasonTaken(input.name);
  }
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.responsibility !== undefined ? { responsibility: input.responsibility } : {}),
    ...(input.sort !== undefined ? { sort: input.sort } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
  };
  if (Object.keys(patch).length) await trx.updateTable('aftersale_reasons').set(patch).where('id', '=', id).execute();
  const after = { ...before, ...patch };
  await audit.record(trx, actor, 'aftersale.reason.update', {
    entityType: 'aftersale_reason',
    entityId: id,
    before: reasonDto(before),
    after: reasonDto(after),
  });
  return reasonDto(after);
}

// ---------------------------------------------------------------- cases: reading

function isOpen(status: string): boolean {
  return !(TERMINAL as readonly string[]).includes(status);
}

/**
 * Case notes and timeline entries are free text that often repeats the buyer's phone number
 * ("请联系 138…"): without `customers.pii.read` they are masked like the receiver's phone.
 */
function freeText(actor: Actor): (text: string) => string {
  return orders.canSeePii(actor) ? (t) => t : (t) => maskPhonesInText(t);
}

function caseDto(
  r: AftersalesTable,
  orderNo: string,
  reasonName: string | null,
  text: (t: string) => string,
  now = Date.now(),
): AftersaleSummary {
  return {
    id: r.id,
    code: r.code,
    shopId: r.shop_id,
    orderId: r.order_id,
    orderNo,
    type: r.type as AftersaleType,
    status: r.status as AftersaleStatus,
    reasonId: r.reason_id,
    reasonName,
    responsibility: r.responsibility as Responsibility,
    refundFen: Number(r.refund_fen),
    note: text(r.note),
    slaDueAt: Number(r.sla_due_at),
    overdue: isOpen(r.status) && Number(r.sla_due_at) < now,
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * Raise an `aftersale_overdue` alert for every open case past its SLA (once per case), and close
 * alerts of cases that are no longer overdue. Returns how many are overdue now.
 */
export async function checkOverdue(db: Kysely<DB>, orgId: string): Promise<number> {
  const now = Date.now();
  const late = await db
    .selectFrom('aftersales')
    .innerJoin('orders', 'orders.id', 'aftersales.order_id')
    .select([
      'aftersales.id',
      'aftersales.code',
      'aftersales.type',
      'aftersales.status',
      'aftersales.shop_id',
      'aftersales.sla_due_at',
      'orders.order_no',
    ])
    .where('aftersales.org_id', '=', orgId)
    .where('aftersales.status', 'not in', [...TERMINAL])
    .where('aftersales.sla_due_at', '<', now)
    .execute();
  for (const c of late) {
    const hours = Math.max(1, Math.round((now - Number(c.sla_due_at)) / 3600_000));
    await notifications.raise(db, {
      orgId,
      shopId: c.shop_id,
      type: 'aftersale_overdue',
      level: 'warning',
      title: `售后超时：${c.code}`,
      body: `订单 ${c.order_no} 的${typeZh(c.type)}售后单 ${c.code} 在「${statusZh(c.status)}」已超时约 ${hours} 小时，请尽快处理。`,
      permission: 'aftersales.read',
      entityType: 'aftersale',
      entityId: c.id,
      dedupeKey: `aftersale_overdue:${c.id}`,
    });
  }
  return late.length;
}

export async function listCases(db: Kysely<DB>, actor: Actor, f: AftersaleFilter): Promise<Page<AftersaleSummary>> {
  let q = db
    .selectFrom('aftersales')
    .innerJoin('orders', 'orders.id', 'aftersales.order_id')
    .leftJoin('aftersale_reasons', 'aftersale_reasons.id', 'aftersales.reason_id')
    .where('aftersales.org_id', '=', actor.orgId);
  q = scopeToShops(q, actor, 'aftersales.shop_id');
  if (f.status?.length) q = q.where('aftersales.status', 'in', f.status);
  if (f.type) q = q.where('aftersales.type', '=', f.type);
  if (f.orderId) q = q.where('aftersales.order_id', '=', f.orderId);
  if (f.shopId) q = q.where('aftersales.shop_id', '=', f.shopId);
  const term = searchTerm(f.q);
  if (term) q = q.where(anyTextMatch(['aftersales.code', 'orders.order_no'], term, 'prefix'));
  const now = Date.now();
  if (f.overdue) q = q.where('aftersales.status', 'not in', [...TERMINAL]).where('aftersales.sla_due_at', '<', now);
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('aftersales')
    .select(['orders.order_no', 'aftersale_reasons.name as reason_name'])
    .orderBy(f.overdue ? 'aftersales.sla_due_at' : 'aftersales.created_at', f.overdue ? 'asc' : 'desc')
    .orderBy('aftersales.id', 'desc')
    .limit(f.pageSize)
    .offset((f.page - 1) * f.pageSize)
    .execute();
  const text = freeText(actor);
  return {
    items: rows.map((r) => caseDto(r, r.order_no, r.reason_name ?? null, text, now)),
    total: Number(total),
    page: f.page,
    pageSize: f.pageSize,
  };
}

async function mustCase(db: Kysely<DB>, actor: Actor, id: string, lock = false): Promise<AftersalesTable> {
  if (lock)
    await db.updateTable('aftersales').set({ updated_at: Date.now() }).where('id', '=', id).where('org_id', '=', actor.orgId).execute();
  const r = await db.selectFrom('aftersales').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!r || !canSeeShop(actor, r.shop_id)) throw new AppError('not_found', `售后单 ${id} 不存在或无权访问`, { aftersaleId: id });
  return r;
}

async function caseLines(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('aftersale_lines')
    .innerJoin('order_lines', 'order_lines.id', 'aftersale_lines.order_line_id')
    .select([
      'aftersale_lines.order_line_id',
      'aftersale_lines.qty',
      'aftersale_lines.good_qty',
      'aftersale_lines.defective_qty',
      'order_lines.title',
      'order_lines.spec_text',
      'order_lines.merchant_code',
      'order_lines.sku_id',
      'order_lines.qty as line_qty',
      'order_lines.paid_fen as line_paid_fen',
      'order_lines.refund_fen as line_refund_fen',
      'order_lines.refunded_qty as line_refunded_qty',
      'order_lines.line_no',
    ])
    .where('aftersale_lines.aftersale_id', '=', id)
    .orderBy('order_lines.line_no')
    .execute();
}

type CaseLineRow = Awaited<ReturnType<typeof caseLines>>[number];

/** What may still be refunded per case line: its share of the line's paid amount, less refunds so far. */
function refundWeights(lines: CaseLineRow[]): number[] {
  return lines.map((l) => {
    const left = Number(l.line_paid_fen) - Number(l.line_refund_fen);
    const share = Math.round((Number(l.line_paid_fen) * l.qty) / Math.max(1, l.line_qty));
    return Math.max(0, Math.min(left, share));
  });
}

function canRefundIn(type: AftersaleType, status: AftersaleStatus): boolean {
  if (!REFUND_TYPES.includes(type)) return false;
  return type === 'refund_only' ? status === 'pending' || status === 'processing' : status === 'received';
}

function canInspectIn(type: AftersaleType, status: AftersaleStatus): boolean {
  return RETURN_TYPES.includes(type) && (status === 'processing' || status === 'awaiting_return');
}

export async function getCase(db: Kysely<DB>, actor: Actor, id: string): Promise<AftersaleDetail> {
  const r = await mustCase(db, actor, id);
  const order = await db.selectFrom('orders').selectAll().where('id', '=', r.order_id).executeTakeFirstOrThrow();
  const reason = r.reason_id
    ? await db.selectFrom('aftersale_reasons').select('name').where('id', '=', r.reason_id).executeTakeFirst()
    : undefined;
  const lines = await caseLines(db, id);
  const events = await db.selectFrom('aftersale_events').selectAll().where('aftersale_id', '=', id).orderBy('at').orderBy('id').execute();
  const type = r.type as AftersaleType;
  const status = r.status as AftersaleStatus;
  const text = freeText(actor);
  return {
    ...caseDto(r, order.order_no, reason?.name ?? null, text),
    lines: lines.map((l) => ({
      orderLineId: l.order_line_id,
      title: l.title,
      specText: l.spec_text,
      merchantCode: l.merchant_code,
      skuId: l.sku_id,
      qty: l.qty,
      goodQty: l.good_qty,
      defectiveQty: l.defective_qty,
      linePaidFen: Number(l.line_paid_fen),
      lineQty: l.line_qty,
      lineRefundFen: Number(l.line_refund_fen),
    })),
    events: events.map((e) => ({
      id: e.id,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      note: text(e.note),
      actorName: e.actor_name,
      at: Number(e.at),
    })),
    nextStatuses: manualNext(type, status),
    refundableFen: Math.max(
      0,
      Math.min(refundWeights(lines).reduce((s, w) => s + w, 0) - Number(r.refund_fen), Number(order.paid_fen) - Number(order.refund_fen)),
    ),
    canInspect: canInspectIn(type, status),
    canRefund: canRefundIn(type, status),
    order: {
      id: order.id,
      orderNo: order.order_no,
      status: order.status as OrderStatus,
      paidFen: Number(order.paid_fen),
      refundFen: Number(order.refund_fen),
      buyerNick: order.buyer_nick,
    },
  };
}

// ---------------------------------------------------------------- cases: writing

async function caseEvent(trx: Kysely<DB>, actor: Actor, id: string, from: string | null, to: string | null, note: string): Promise<void> {
  await trx
    .insertInto('aftersale_events')
    .values({
      id: newId('aftersaleEvent'),
      aftersale_id: id,
      from_status: from,
      to_status: to,
      note: clipText(note, 1000),
      actor_name: orders.actorName(actor),
      at: Date.now(),
    })
    .execute();
}

async function newCode(trx: Kysely<DB>, orgId: string): Promise<string> {
  for (;;) {
    const bytes = new Uint8Array(6);
    globalThis.crypto.getRandomValues(bytes);
    const code = `AS${businessDay(Date.now()).replace(/-/g, '')}${Array.from(bytes, (b) => b % 10).join('')}`;
    const hit = await trx.selectFrom('aftersales').select('id').where('org_id', '=', orgId).where('code', '=', code).executeTakeFirst();
    if (!hit) return code;
  }
}

export async function createCase(trx: Transaction<DB>, actor: Actor, input: CreateAftersaleInput): Promise<AftersaleDetail> {
  const order = await orders.getOrder(trx, actor, input.orderId);
  if (order.status === 'pending_payment' || order.status === 'cancelled') {
    throw new AppError('invalid_state', `订单状态为「${order.status === 'cancelled' ? '已取消' : '待付款'}」，不能发起售后`, {
      orderId: order.id,
    });
  }
  if (order.status === 'refunded' && input.type !== 'complaint') {
    throw new AppError('invalid_state', '订单已全额退款，只能发起投诉类售后', { orderId: order.id });
  }
  await ensureReasons(trx, actor.orgId);
  let responsibility: Responsibility = input.responsibility ?? 'other';
  if (input.reasonId) {
    const reason = await trx
      .selectFrom('aftersale_reasons')
      .selectAll()
      .where('id', '=', input.reasonId)
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!reason || reason.enabled !== 1) {
      throw new AppError('validation_failed', '售后原因不存在或已停用，请重新选择', {}, [
        { path: 'reasonId', message: '请选择有效的售后原因' },
      ]);
    }
    responsibility = input.responsibility ?? (reason.responsibility as Responsibility);
  }
  const byId = new Map(order.lines.map((l) => [l.id, l]));
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  input.lines.forEach((x, i) => {
    const l = byId.get(x.orderLineId);
    if (!l) return void errors.push({ path: `lines.${i}.orderLineId`, message: `第 ${i + 1} 项不是本订单的商品` });
    if (seen.has(l.id)) return void errors.push({ path: `lines.${i}.orderLineId`, message: `「${l.title}」重复选择` });
    seen.add(l.id);
    const max = REFUND_TYPES.includes(input.type) ? l.qty - l.refundedQty : l.qty;
    if (x.qty > max) errors.push({ path: `lines.${i}.qty`, message: `「${l.title}」最多可申请 ${max} 件` });
  });
  if (errors.length) throw new AppError('validation_failed', `售后商品有误：${errors.map((e) => e.message).join('；')}`, {}, errors);

  const now = Date.now();
  const id = newId('aftersale');
  const code = await newCode(trx, actor.orgId);
  const row: AftersalesTable = {
    id,
    org_id: actor.orgId,
    shop_id: order.shopId,
    order_id: order.id,
    code,
    type: input.type,
    status: 'pending',
    reason_id: input.reasonId ?? null,
    responsibility,
    refund_fen: 0,
    note: input.note,
    sla_due_at: slaDueAt(input.type, 'pending', now),
    resolved_at: null,
    created_by: actor.userId || null,
    created_at: now,
    updated_at: now,
  };
  try {
    await trx.insertInto('aftersales').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', '售后单号冲突，请重试');
    throw err;
  }
  await trx
    .insertInto('aftersale_lines')
    .values(input.lines.map((l) => ({ aftersale_id: id, order_line_id: l.orderLineId, qty: l.qty, good_qty: 0, defective_qty: 0 })))
    .execute();
  await caseEvent(trx, actor, id, null, 'pending', `发起${typeZh(input.type)}${input.note ? `：${input.note}` : ''}`);
  await orders.recordEvent(trx, order.id, {
    type: 'aftersale',
    note: `发起${typeZh(input.type)}售后 ${code}`,
    actorName: orders.actorName(actor),
  });
  if (REFUND_TYPES.includes(input.type) && order.status !== 'refunding') {
    await orders.markRefunding(trx, actor, order.id, `售后单 ${code}（${typeZh(input.type)}）`);
  }
  await audit.record(trx, actor, 'aftersale.create', {
    entityType: 'aftersale',
    entityId: id,
    shopId: order.shopId,
    after: { code, orderNo: order.orderNo, type: input.type, responsibility, lines: input.lines },
  });
  return getCase(trx, actor, id);
}

async function moveCase(trx: Transaction<DB>, actor: Actor, r: AftersalesTable, to: AftersaleStatus, note: string): Promise<void> {
  const type = r.type as AftersaleType;
  assertMove(type, r.status as AftersaleStatus, to);
  const now = Date.now();
  const terminal = (TERMINAL as readonly string[]).includes(to);
  const res = await trx
    .updateTable('aftersales')
    .set({ status: to, sla_due_at: slaDueAt(type, to, now), resolved_at: terminal ? now : null, updated_at: now })
    .where('id', '=', r.id)
    .where('status', '=', r.status)
    .executeTakeFirst();
  if (res.numUpdatedRows !== 1n) throw new AppError('conflict', `售后单 ${r.code} 刚被其他人修改，请刷新后重试`);
  await caseEvent(trx, actor, r.id, r.status, to, note);
  await notifications.resolve(trx, actor.orgId, `aftersale_overdue:${r.id}`);
  await audit.record(trx, actor, 'aftersale.status', {
    entityType: 'aftersale',
    entityId: r.id,
    shopId: r.shop_id,
    before: { status: r.status },
    after: { status: to, note },
  });
}

/** A plain status change picked by the user (agree, ask for the return, reject, close, complete). */
export async function transitionCase(
  trx: Transaction<DB>,
  actor: Actor,
  id: string,
  to: AftersaleStatus,
  note: string,
): Promise<AftersaleDetail> {
  const r = await mustCase(trx, actor, id, true);
  const type = r.type as AftersaleType;
  if (!manualNext(type, r.status as AftersaleStatus).includes(to)) {
    if (canMove(type, r.status as AftersaleStatus, to)) {
      throw new AppError(
        'invalid_state',
        to === 'received' ? '请用「验收退货」登记退回的商品，系统会自动改为已收货' : '请用「退款」完成此售后单，退款后自动完成',
      );
    }
    assertMove(type, r.status as AftersaleStatus, to);
  }
  await moveCase(trx, actor, r, to, note);
  if ((to === 'rejected' || to === 'closed') && REFUND_TYPES.includes(type)) {
    const otherOpen = await trx
      .selectFrom('aftersales')
      .select('id')
      .where('order_id', '=', r.order_id)
      .where('id', '!=', r.id)
      .where('type', 'in', [...REFUND_TYPES])
      .where('status', 'not in', [...TERMINAL])
      .executeTakeFirst();
    if (!otherOpen) await orders.leaveRefunding(trx, actor, r.order_id, `售后单 ${r.code} ${statusZh(to)}，订单恢复`);
  }
  return getCase(trx, actor, id);
}

const NOTE_FIELD = { label: '售后说明', path: 'note', max: 1000 };

export async function updateCase(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateAftersaleInput): Promise<AftersaleDetail> {
  const r = await mustCase(trx, actor, id, true);
  // A user who saw the note masked sends it back masked: keep the numbers they did not touch.
  const note = input.note === undefined || orders.canSeePii(actor) ? input.note : keepHiddenPhones(r.note, input.note, NOTE_FIELD);
  const patch = {
    ...(input.responsibility !== undefined ? { responsibility: input.responsibility } : {}),
    ...(note !== undefined ? { note } : {}),
  };
  if (Object.keys(patch).length === 0) return getCase(trx, actor, id);
  await trx.updateTable('aftersales').set(patch).where('id', '=', id).execute();
  await caseEvent(
    trx,
    actor,
    id,
    null,
    null,
    `修改${input.responsibility !== undefined ? '责任方' : ''}${input.note !== undefined ? ' 备注' : ''}`.trim(),
  );
  await audit.record(trx, actor, 'aftersale.update', {
    entityType: 'aftersale',
    entityId: id,
    shopId: r.shop_id,
    before: { responsibility: r.responsibility, note: r.note },
    after: { responsibility: patch.responsibility ?? r.responsibility, note: patch.note ?? r.note },
  });
  return getCase(trx, actor, id);
}

/**
 * Receive returned goods (质量回检): good units go back to available stock ('return'), defective
 * units to defective stock ('defective', on hand unchanged). Never more than the case quantity.
 */
export async function inspect(trx: Transaction<DB>, actor: Actor, id: string, input: AftersaleInspectInput): Promise<AftersaleDetail> {
  const r = await mustCase(trx, actor, id, true);
  const type = r.type as AftersaleType;
  if (!canInspectIn(type, r.status as AftersaleStatus)) {
    throw new AppError(
      'invalid_state',
      RETURN_TYPES.includes(type)
        ? `售后单状态为「${statusZh(r.status)}」，不能验收退货（需为处理中或待退货）`
        : `${typeZh(type)}售后没有退回的商品，不需要验收`,
      { aftersaleId: id },
    );
  }
  const lines = await caseLines(trx, id);
  const byId = new Map(lines.map((l) => [l.order_line_id, l]));
  const errors: FieldError[] = [];
  input.lines.forEach((x, i) => {
    const l = byId.get(x.orderLineId);
    if (!l) return void errors.push({ path: `lines.${i}.orderLineId`, message: `第 ${i + 1} 项不在本售后单中` });
    const done = l.good_qty + l.defective_qty;
    if (done + x.goodQty + x.defectiveQty > l.qty) {
      errors.push({
        path: `lines.${i}.goodQty`,
        message: `「${l.title}」本次验收 ${x.goodQty + x.defectiveQty} 件，超过售后数量 ${l.qty} 件（已验收 ${done} 件）`,
      });
    }
    if (!l.sku_id && x.goodQty + x.defectiveQty > 0) {
      errors.push({ path: `lines.${i}.orderLineId`, message: `「${l.title}」未关联 SKU，不能入库；请先在订单中匹配商品` });
    }
  });
  if (input.lines.every((x) => x.goodQty + x.defectiveQty === 0)) errors.push({ path: 'lines', message: '请至少验收 1 件商品' });
  if (errors.length) throw new AppError('validation_failed', `验收有误：${errors.map((e) => e.message).join('；')}`, {}, errors);

  const order = await trx.selectFrom('orders').select(['warehouse_id', 'order_no']).where('id', '=', r.order_id).executeTakeFirstOrThrow();
  const wh = order.warehouse_id ?? (await inventory.defaultWarehouseId(trx, actor.orgId));
  let good = 0;
  let bad = 0;
  for (const x of input.lines) {
    const l = byId.get(x.orderLineId)!;
    const ref = { refType: 'aftersale', refId: id };
    if (x.goodQty > 0) {
      await inventory.moveQty(trx, actor, 'return', l.sku_id!, wh, x.goodQty, { ...ref, note: `售后 ${r.code} 退货验收良品入库` });
    }
    if (x.defectiveQty > 0) {
      await inventory.moveQty(trx, actor, 'defective', l.sku_id!, wh, x.defectiveQty, { ...ref, note: `售后 ${r.code} 退货验收次品` });
    }
    good += x.goodQty;
    bad += x.defectiveQty;
    await trx
      .updateTable('aftersale_lines')
      .set({ good_qty: l.good_qty + x.goodQty, defective_qty: l.defective_qty + x.defectiveQty })
      .where('aftersale_id', '=', id)
      .where('order_line_id', '=', x.orderLineId)
      .execute();
  }
  const note = `验收退货：良品 ${good} 件入库，次品 ${bad} 件${input.note ? `；${input.note}` : ''}`;
  await audit.record(trx, actor, 'aftersale.inspect', {
    entityType: 'aftersale',
    entityId: id,
    shopId: r.shop_id,
    after: { lines: input.lines, warehouseId: wh },
  });
  const after = await caseLines(trx, id);
  const complete = after.every((l) => l.good_qty + l.defective_qty >= l.qty);
  if (complete) await moveCase(trx, actor, r, 'received', note);
  else await caseEvent(trx, actor, id, null, null, `${note}（部分）`);
  return getCase(trx, actor, id);
}

/** Refund the buyer for this case: the amount spreads over the case lines and flows into the order. */
export async function refund(trx: Transaction<DB>, actor: Actor, id: string, input: AftersaleRefundInput): Promise<AftersaleDetail> {
  const r = await mustCase(trx, actor, id, true);
  const type = r.type as AftersaleType;
  const status = r.status as AftersaleStatus;
  if (!canRefundIn(type, status)) {
    throw new AppError(
      'invalid_state',
      !REFUND_TYPES.includes(type)
        ? `${typeZh(type)}售后不涉及退款；如需退款请新建「仅退款」或「退货退款」售后单`
        : type === 'return_refund'
          ? `退货退款需先验收退回的商品（当前状态「${statusZh(status)}」）`
          : `售后单状态为「${statusZh(status)}」，不能退款`,
      { aftersaleId: id },
    );
  }
  const lines = await caseLines(trx, id);
  const weights = refundWeights(lines);
  // What this case may still refund: its lines' share less what the case already refunded.
  const refundable = Math.max(0, weights.reduce((s, w) => s + w, 0) - Number(r.refund_fen));
  if (input.amountFen > refundable) {
    throw new AppError(
      'validation_failed',
      `退款金额 ${formatFen(input.amountFen)} 超过本售后单可退金额 ${formatFen(refundable)}，请调低金额`,
      { refundableFen: refundable },
      [{ path: 'amountFen', message: `最多可退 ${formatFen(refundable)}` }],
    );
  }
  const parts = allocate(input.amountFen, weights);
  const result = await orders.applyRefund(trx, actor, r.order_id, {
    lines: lines.map((l, i) => ({
      orderLineId: l.order_line_id,
      qty: Math.min(l.qty, l.line_qty - l.line_refunded_qty),
      amountFen: parts[i]!,
    })),
    reason: `售后单 ${r.code}${input.note ? `：${input.note}` : ''}`,
  });
  await trx
    .updateTable('aftersales')
    .set({ refund_fen: Number(r.refund_fen) + input.amountFen })
    .where('id', '=', id)
    .execute();
  await audit.record(trx, actor, 'aftersale.refund', {
    entityType: 'aftersale',
    entityId: id,
    shopId: r.shop_id,
    before: { refundFen: Number(r.refund_fen) },
    after: { refundFen: Number(r.refund_fen) + input.amountFen, amountFen: input.amountFen, orderStatus: result.status },
  });
  await moveCase(
    trx,
    actor,
    { ...r, refund_fen: Number(r.refund_fen) + input.amountFen },
    'completed',
    `退款 ${formatFen(input.amountFen)}，订单累计退款 ${formatFen(result.refundFen)}`,
  );
  return getCase(trx, actor, id);
}
