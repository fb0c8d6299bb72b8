/**
 * Settling a case: inspection of returned goods (good units back to stock, defective units to
 * defective stock, through inventory) and refunds that flow into the order through
 * `orders.applyRefund`.
 */
import {
  AppError,
  REFUND_TYPES,
  RETURN_TYPES,
  allocate,
  formatFen,
  type AftersaleDetail,
  type AftersaleInspectInput,
  type AftersaleRefundInput,
  type AftersaleReshipInput,
  type AftersaleStatus,
  type AftersaleType,
  type FieldError,
} from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as inventory from '../inventory/index.js';
import * as orders from '../orders/index.js';
import {
  canInspectIn,
  canRefundIn,
  canReshipIn,
  caseLines,
  caseOrder,
  getCase,
  mustCase,
  refundWeights,
  statusZh,
  typeZh,
} from './aftersales.queries.js';
import { caseEvent, moveCase } from './aftersales.service.js';

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
  const order = await caseOrder(trx, actor, r);
  const lines = await caseLines(trx, id, order);
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

  const wh = order.warehouseId ?? (await inventory.defaultWarehouseId(trx, actor.orgId));
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
  const after = await caseLines(trx, id, order);
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
  const lines = await caseLines(trx, id, await caseOrder(trx, actor, r));
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

/**
 * 补发: create the zero-price replacement order (orders module) for the case's lines — or the
 * lines given — link it to the case and complete the case. Once per case.
 */
export async function reship(trx: Transaction<DB>, actor: Actor, id: string, input: AftersaleReshipInput): Promise<AftersaleDetail> {
  const r = await mustCase(trx, actor, id, true);
  const type = r.type as AftersaleType;
  if (!canReshipIn(type, r.status as AftersaleStatus, r.replacement_order_id)) {
    throw new AppError(
      'invalid_state',
      type !== 'resend'
        ? `${typeZh(type)}售后不创建补发单；如需补发请新建「补发」售后单`
        : r.replacement_order_id
          ? `售后单 ${r.code} 已创建过补发单，不能重复补发`
          : `售后单状态为「${statusZh(r.status)}」，不能补发`,
      { aftersaleId: id },
    );
  }
  const lines = await caseLines(trx, id, await caseOrder(trx, actor, r));
  const chosen = input.lines ?? lines.map((l) => ({ orderLineId: l.order_line_id, qty: l.qty }));
  const inCase = new Map(lines.map((l) => [l.order_line_id, l]));
  const errors: FieldError[] = [];
  chosen.forEach((x, i) => {
    const l = inCase.get(x.orderLineId);
    if (!l) errors.push({ path: `lines.${i}.orderLineId`, message: `第 ${i + 1} 项不在本售后单中` });
    else if (x.qty > l.qty) errors.push({ path: `lines.${i}.qty`, message: `「${l.title}」最多补发 ${l.qty} 件（售后数量）` });
  });
  if (errors.length) throw new AppError('validation_failed', `补发有误：${errors.map((e) => e.message).join('；')}`, {}, errors);
  const replacement = await orders.createReplacementOrder(trx, actor, {
    originalOrderId: r.order_id,
    lines: chosen,
    reason: `售后单 ${r.code}${input.note ? `：${input.note}` : ''}`,
  });
  await trx.updateTable('aftersales').set({ replacement_order_id: replacement.id }).where('id', '=', id).execute();
  await audit.record(trx, actor, 'aftersale.reship', {
    entityType: 'aftersale',
    entityId: id,
    shopId: r.shop_id,
    after: { replacementOrderNo: replacement.orderNo, lines: chosen },
  });
  let current = { ...r, replacement_order_id: replacement.id };
  if (current.status === 'pending') {
    await moveCase(trx, actor, current, 'processing', '同意补发');
    current = { ...current, status: 'processing' };
  }
  await moveCase(trx, actor, current, 'completed', `已创建补发单 ${replacement.orderNo}（0 元），待仓库发货`);
  return getCase(trx, actor, id);
}
