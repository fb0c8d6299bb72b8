/** Queries of the orders module that deserve a name. */
import { sql, type Kysely } from 'kysely';
import type { DB, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { canSeeShop, isPostgres } from '../../db/kit.js';

/** The order row if it exists in the actor's organisation and a shop the actor may see. */
export async function findVisible(db: Kysely<DB>, actor: Actor, id: string): Promise<OrdersTable | undefined> {
  const row = await db.selectFrom('orders').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!row) return undefined;
  if (!canSeeShop(actor, row.shop_id)) return undefined;
  return row;
}

/**
 * Take the order's row lock for the rest of the transaction (PostgreSQL) — a no-op UPDATE works on
 * both dialects, where `SELECT … FOR UPDATE` does not exist in SQLite — then read it.
 */
export async function lockVisible(db: Kysely<DB>, actor: Actor, id: string): Promise<OrdersTable | undefined> {
  await db.updateTable('orders').set({ updated_at: Date.now() }).where('id', '=', id).where('org_id', '=', actor.orgId).execute();
  return findVisible(db, actor, id);
}

/** Increment and return the manual-order sequence of an organisation's business day (row created at 1). */
export async function nextOrderSeq(trx: Kysely<DB>, orgId: string, day: string): Promise<number> {
  const r = await trx
    .insertInto('order_no_counters')
    .values({ org_id: orgId, day, seq: 1 })
    .onConflict((oc) => oc.columns(['org_id', 'day']).doUpdateSet((eb) => ({ seq: eb('order_no_counters.seq', '+', 1) })))
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(r.seq);
}

/**
 * Increment the manual-order sequence of an organisation's business day (row created at 1) and
 * say whether the number it makes — `prefix` + the sequence in at least 6 digits — is already an
 * order number in the organisation (an old random one): one statement on both dialects, where
 * `nextOrderSeq` + `orderNoTaken` were two.
 */
export async function takeOrderSeq(db: Kysely<DB>, orgId: string, day: string, prefix: string): Promise<{ seq: number; taken: boolean }> {
  const r = isPostgres(db)
    ? await sql<{ seq: string | number; taken: boolean }>`with c as (
        insert into order_no_counters (org_id, day, seq) values (${orgId}, ${day}, 1)
        on conflict (org_id, day) do update set seq = order_no_counters.seq + 1 returning seq)
      select c.seq, exists (select 1 from orders o where o.org_id = ${orgId}
        and o.order_no = ${prefix} || lpad(c.seq::text, greatest(6, length(c.seq::text)), '0')) as taken from c`.execute(db)
    : await sql<{ seq: number; taken: number }>`insert into order_no_counters (org_id, day, seq) values (${orgId}, ${day}, 1)
        on conflict (org_id, day) do update set seq = order_no_counters.seq + 1
        returning seq, exists (select 1 from orders o where o.org_id = ${orgId} and o.order_no = ${prefix} || printf('%06d', seq)) as taken`.execute(
        db,
      );
  const row = r.rows[0]!;
  return { seq: Number(row.seq), taken: Boolean(row.taken) };
}

/** Whether any shop of the organisation already has this order number. */
export async function orderNoTaken(db: Kysely<DB>, orgId: string, orderNo: string): Promise<boolean> {
  const r = await db.selectFrom('orders').select('id').where('org_id', '=', orgId).where('order_no', '=', orderNo).executeTakeFirst();
  return r !== undefined;
}

/** Each order's first line (lowest line number): its title, and its SKU for the list thumbnail. */
export async function firstTitles(db: Kysely<DB>, orderIds: string[]): Promise<Map<string, { title: string; skuId: string | null }>> {
  if (orderIds.length === 0) return new Map();
  // Only each order's first line is read: the lowest line number per order comes from the
  // (order_id, line_no) index alone, so a page of 20-line orders reads 20 lines, not 400 sorted.
  const rows = await db
    .selectFrom(
      db
        .selectFrom('order_lines')
        .select((eb) => ['order_id', eb.fn.min('line_no').as('first')])
        .where('order_id', 'in', orderIds)
        .groupBy('order_id')
        .as('m'),
    )
    .innerJoin('order_lines as l', (j) => j.onRef('l.order_id', '=', 'm.order_id').onRef('l.line_no', '=', 'm.first'))
    .select(['l.order_id', 'l.title', 'l.sku_id'])
    .execute();
  const out = new Map<string, { title: string; skuId: string | null }>();
  for (const r of rows) out.set(r.order_id, { title: r.title, skuId: r.sku_id });
  return out;
}
