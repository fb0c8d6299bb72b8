/**
 * After-sales in bulk: cases with their lines and timelines written as given by the demo loader,
 * and removing a shop's cases again. Writes run in the caller's transaction; no refunds are applied
 * and no stock moves here (the caller wrote the orders and the ledger as they ended up).
 */
import type { Kysely } from 'kysely';
import { IN_CHUNK, chunk, insertBatched } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';

export interface BulkCaseEvent {
  id: string;
  fromStatus: string | null;
  toStatus: string;
  note: string;
  at: number;
}

export interface BulkCase {
  id: string;
  shopId: string;
  orderId: string;
  code: string;
  type: string;
  status: string;
  /** The name of one of the organisation's reasons (no reason if none has that name). */
  reason: string;
  responsibility: string;
  requestedFen: number;
  refundFen: number;
  note: string;
  slaDueAt: number;
  resolvedAt: number | null;
  createdAt: number;
  updatedAt: number;
  lines: readonly { orderLineId: string; qty: number; goodQty: number; defectiveQty: number }[];
  events: readonly BulkCaseEvent[];
}

/** Insert cases (no creator: system-made) with lines and events; `eventActor` names who did each event. */
export async function insertCases(
  trx: Kysely<DB>,
  opts: { orgId: string; cases: readonly BulkCase[]; eventActor: (e: BulkCaseEvent) => string },
): Promise<void> {
  const { cases } = opts;
  if (!cases.length) return;
  const reasons = new Map(
    (await trx.selectFrom('aftersale_reasons').select(['id', 'name']).where('org_id', '=', opts.orgId).execute()).map((r) => [
      r.name,
      r.id,
    ]),
  );
  await insertBatched(
    trx,
    'aftersales',
    cases.map((c) => ({
      id: c.id,
      org_id: opts.orgId,
      shop_id: c.shopId,
      order_id: c.orderId,
      code: c.code,
      type: c.type,
      status: c.status,
      reason_id: reasons.get(c.reason) ?? null,
      responsibility: c.responsibility,
      requested_fen: c.requestedFen,
      refund_fen: c.refundFen,
      replacement_order_id: null,
      note: c.note,
      sla_due_at: c.slaDueAt,
      resolved_at: c.resolvedAt,
      created_by: null,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
    })),
  );
  await insertBatched(
    trx,
    'aftersale_lines',
    cases.flatMap((c) =>
      c.lines.map((l) => ({
        aftersale_id: c.id,
        order_line_id: l.orderLineId,
        qty: l.qty,
        good_qty: l.goodQty,
        defective_qty: l.defectiveQty,
      })),
    ),
  );
  await insertBatched(
    trx,
    'aftersale_events',
    cases.flatMap((c) =>
      c.events.map((e) => ({
        id: e.id,
        aftersale_id: c.id,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        note: e.note,
        actor_name: opts.eventActor(e),
        at: e.at,
      })),
    ),
  );
}

/** Delete every after-sales case of these shops with its lines and timeline. */
export async function removeShopCases(trx: Kysely<DB>, shopIds: readonly string[]): Promise<void> {
  for (const c of chunk(shopIds, IN_CHUNK)) {
    const ids = trx.selectFrom('aftersales').select('id').where('shop_id', 'in', c);
    await trx.deleteFrom('aftersale_events').where('aftersale_id', 'in', ids).execute();
    await trx.deleteFrom('aftersale_lines').where('aftersale_id', 'in', ids).execute();
    await trx.deleteFrom('aftersales').where('shop_id', 'in', c).execute();
  }
}
