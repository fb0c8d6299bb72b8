/**
 * Reading after-sales cases: the list, one case with its lines, timeline and what may happen next,
 * and the overdue sweep. A case's order and order lines come from the orders module.
 */
import {
  lineRefundShareFen,
  AFTERSALE_STATUS_LABELS,
  AFTERSALE_TYPE_LABELS,
  AppError,
  REFUND_TYPES,
  RETURN_TYPES,
  maskPhonesInText,
  type AftersaleDetail,
  type AftersaleFilter,
  type AftersaleStatus,
  type AftersaleSummary,
  type AftersaleType,
  type OrderDetail,
  type Page,
  type Responsibility,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import { anyTextMatch, canSeeShop, cappedCount, cursorPageOf, keysetPage, scopeToShops, searchTerm } from '../../db/kit.js';
import type { AftersalesTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as notifications from '../notifications/index.js';
import * as orders from '../orders/index.js';
import { TERMINAL, manualNext } from './aftersales.transitions.js';

export const typeZh = (t: string) => AFTERSALE_TYPE_LABELS[t as AftersaleType]?.zh ?? t;
export const statusZh = (s: string) => AFTERSALE_STATUS_LABELS[s as AftersaleStatus]?.zh ?? s;

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
    requestedFen: Number(r.requested_fen),
    refundFen: Number(r.refund_fen),
    replacementOrderId: r.replacement_order_id,
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
  const total = await cappedCount(db, q);
  // Newest first (overdue: soonest due first), keyset after the cursor for deep pages.
  const [col, dir] = f.overdue ? (['aftersales.sla_due_at', 'asc'] as const) : (['aftersales.created_at', 'desc'] as const);
  const { rows, nextCursor } = await keysetPage(
    q
      .selectAll('aftersales')
      .select(['orders.order_no', 'aftersale_reasons.name as reason_name'])
      .orderBy(col, dir)
      .orderBy('aftersales.id', dir),
    {
      columns: [col, 'aftersales.id'],
      desc: dir === 'desc',
      kinds: ['number', 'string'],
      of: (r) => [Number(f.overdue ? r.sla_due_at : r.created_at), r.id],
    },
    f,
  );
  const text = freeText(actor);
  return cursorPageOf(
    rows.map((r) => caseDto(r, r.order_no, r.reason_name ?? null, text, now)),
    total,
    f,
    nextCursor,
  );
}

export async function mustCase(db: Kysely<DB>, actor: Actor, id: string, lock = false): Promise<AftersalesTable> {
  if (lock)
    await db.updateTable('aftersales').set({ updated_at: Date.now() }).where('id', '=', id).where('org_id', '=', actor.orgId).execute();
  const r = await db.selectFrom('aftersales').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!r || !canSeeShop(actor, r.shop_id)) throw new AppError('not_found', `售后单 ${id} 不存在或无权访问`, { aftersaleId: id });
  return r;
}

/** The case's order, from the orders module (404 when the actor may not see it). */
export function caseOrder(db: Kysely<DB>, actor: Actor, r: AftersalesTable): Promise<OrderDetail> {
  return orders.getOrder(db, actor, r.order_id);
}

/** The case's lines joined to their order lines (taken from the case's order), in line order. */
export async function caseLines(db: Kysely<DB>, id: string, order: OrderDetail) {
  const rows = await db
    .selectFrom('aftersale_lines')
    .select(['order_line_id', 'qty', 'good_qty', 'defective_qty'])
    .where('aftersale_id', '=', id)
    .execute();
  const byId = new Map(order.lines.map((l) => [l.id, l]));
  return rows
    .flatMap((r) => {
      const l = byId.get(r.order_line_id);
      if (!l) return [];
      return [
        {
          ...r,
          title: l.title,
          spec_text: l.specText,
          merchant_code: l.merchantCode,
          sku_id: l.skuId,
          line_qty: l.qty,
          line_paid_fen: l.paidFen,
          line_refund_fen: l.refundFen,
          line_refunded_qty: l.refundedQty,
          line_no: l.lineNo,
        },
      ];
    })
    .sort((x, y) => x.line_no - y.line_no);
}

export type CaseLineRow = Awaited<ReturnType<typeof caseLines>>[number];

/** What may still be refunded per case line: its share of the line's paid amount, less refunds so far. */
export function refundWeights(lines: CaseLineRow[]): number[] {
  return lines.map((l) =>
    lineRefundShareFen({ paidFen: Number(l.line_paid_fen), refundFen: Number(l.line_refund_fen), qty: l.line_qty }, l.qty),
  );
}

export function canRefundIn(type: AftersaleType, status: AftersaleStatus): boolean {
  if (!REFUND_TYPES.includes(type)) return false;
  return type === 'refund_only' ? status === 'pending' || status === 'processing' : status === 'received';
}

export function canReshipIn(type: AftersaleType, status: AftersaleStatus, replacementOrderId: string | null): boolean {
  return type === 'resend' && replacementOrderId === null && (status === 'pending' || status === 'processing');
}

export function canInspectIn(type: AftersaleType, status: AftersaleStatus): boolean {
  return RETURN_TYPES.includes(type) && (status === 'processing' || status === 'awaiting_return');
}

export async function getCase(db: Kysely<DB>, actor: Actor, id: string): Promise<AftersaleDetail> {
  const r = await mustCase(db, actor, id);
  const order = await caseOrder(db, actor, r);
  const reason = r.reason_id
    ? await db.selectFrom('aftersale_reasons').select('name').where('id', '=', r.reason_id).executeTakeFirst()
    : undefined;
  const lines = await caseLines(db, id, order);
  const events = await db.selectFrom('aftersale_events').selectAll().where('aftersale_id', '=', id).orderBy('at').orderBy('id').execute();
  const type = r.type as AftersaleType;
  const status = r.status as AftersaleStatus;
  const text = freeText(actor);
  return {
    ...caseDto(r, order.orderNo, reason?.name ?? null, text),
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
      Math.min(refundWeights(lines).reduce((s, w) => s + w, 0) - Number(r.refund_fen), order.paidFen - order.refundFen),
    ),
    canInspect: canInspectIn(type, status),
    canRefund: canRefundIn(type, status),
    canReship: canReshipIn(type, status, r.replacement_order_id),
    order: {
      id: order.id,
      orderNo: order.orderNo,
      status: order.status,
      paidFen: order.paidFen,
      refundFen: order.refundFen,
      buyerNick: order.buyerNick,
    },
  };
}
