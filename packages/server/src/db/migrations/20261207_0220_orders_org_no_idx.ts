import type { Kysely } from 'kysely';

/**
 * A manual order's number is unique across the organisation's shops (batch shipping finds an
 * order by its number alone), so creating one checks `(org_id, order_no)` — which only the
 * (shop_id, order_no) constraint covered: the check read every order of the organisation through
 * another index (0.5 ms at 2,000 orders, growing with each one; issue 10). This index makes it
 * one probe, and serves batch shipping's look-up by number too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('orders_org_order_no_idx').on('orders').columns(['org_id', 'order_no']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('orders_org_order_no_idx').execute();
}
