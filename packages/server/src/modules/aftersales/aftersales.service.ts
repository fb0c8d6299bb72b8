/**
 * After-sales cases (售后) are opened on order lines and moved through the per-type status machine
 * with SLA clocks (aftersales.transitions.ts). Reading is in aftersales.queries.ts, inspection of
 * returned goods and refunds in aftersales.returns.ts, reasons in aftersales.reasons.ts.
 */
import {
  AppError,
  REFUND_TYPES,
  businessDay,
  clipText,
  keepHiddenPhones,
  formatFen,
  proposedRefundFen,
  newId,
  type AftersaleDetail,
  type AftersaleStatus,
  type AftersaleType,
  type CreateAftersaleInput,
  type FieldError,
  type Responsibility,
  type UpdateAftersaleInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { insertOrConflict } from '../../db/kit.js';
import type { AftersalesTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as notifications from '../notifications/index.js';
import * as orders from '../orders/index.js';
import { getCase, mustCase, statusZh, typeZh } from './aftersales.queries.js';
import { ensureReasons } from './aftersales.reasons.js';
import { TERMINAL, assertMove, canMove, manualNext, slaDueAt } from './aftersales.transitions.js';

export async function caseEvent(
  trx: Kysely<DB>,
  actor: Actor,
  id: string,
  from: string | null,
  to: string | null,
  note: string,
): Promise<void> {
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
  // 申请金额: proposed from the chosen lines; a refund case may ask for less, never for more.
  const refundCase = REFUND_TYPES.includes(input.type);
  const proposed = refundCase ? proposedRefundFen(input.lines.map((x) => ({ ...byId.get(x.orderLineId)!, caseQty: x.qty }))) : 0;
  if (input.requestedFen !== undefined && input.requestedFen > proposed) {
    const msg = refundCase
      ? `申请金额 ${formatFen(input.requestedFen)} 超过所选商品可退金额 ${formatFen(proposed)}，请调低金额或增加商品`
      : `${typeZh(input.type)}售后不涉及退款，申请金额应为 0`;
    throw new AppError('validation_failed', msg, { proposedFen: proposed }, [{ path: 'requestedFen', message: msg }]);
  }
  const requestedFen = input.requestedFen ?? proposed;

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
    requested_fen: requestedFen,
    refund_fen: 0,
    replacement_order_id: null,
    note: input.note,
    sla_due_at: slaDueAt(input.type, 'pending', now),
    resolved_at: null,
    created_by: actor.userId || null,
    created_at: now,
    updated_at: now,
  };
  await insertOrConflict(trx.insertInto('aftersales').values(row).execute(), '售后单号冲突，请重试');
  await trx
    .insertInto('aftersale_lines')
    .values(input.lines.map((l) => ({ aftersale_id: id, order_line_id: l.orderLineId, qty: l.qty, good_qty: 0, defective_qty: 0 })))
    .execute();
  await caseEvent(
    trx,
    actor,
    id,
    null,
    'pending',
    `发起${typeZh(input.type)}${refundCase ? `，申请 ${formatFen(requestedFen)}` : ''}${input.note ? `：${input.note}` : ''}`,
  );
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
    after: { code, orderNo: order.orderNo, type: input.type, responsibility, requestedFen, lines: input.lines },
  });
  return getCase(trx, actor, id);
}

export async function moveCase(trx: Transaction<DB>, actor: Actor, r: AftersalesTable, to: AftersaleStatus, note: string): Promise<void> {
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
  // 拒绝 as the platforms do it: the buyer reads why, so a rejection without a reason is refused.
  if (to === 'rejected' && note.trim() === '')
    throw new AppError('validation_failed', '拒绝售后需要填写拒绝理由（买家会看到），请在“说明”中写明原因', { to }, [
      { path: 'note', message: '请填写拒绝理由' },
    ]);
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
