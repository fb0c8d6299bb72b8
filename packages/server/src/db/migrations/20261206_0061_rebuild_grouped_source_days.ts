import type { Kysely } from 'kysely';

/**
 * Days rolled up before the per-channel source trees (migration 0060) hold their first-level
 * source rows as the sum of their second-level rows; rebuilt now they hold distinct visitors (issue
 * 9 item 1). Every stored day is marked for rebuilding: the analytics rebuild marked days of a shop
 * before its next read (and in the background), so an upgraded console never shows the old sums.
 * A fresh database has no days: nothing to do.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const days: { shop_id: string; day: string }[] = await db
    .selectFrom('rollup_daily')
    .select(['shop_id', 'day'])
    .distinct()
    .where('product_id', '=', '')
    .execute();
  const now = Date.now();
  for (let i = 0; i < days.length; i += 500) {
    await db
      .insertInto('rollup_dirty')
      .values(days.slice(i, i + 500).map((d) => ({ shop_id: d.shop_id, day: d.day, marked_at: now, urgent: 0, rebuilding_since: null })))
      .onConflict((oc) => oc.columns(['shop_id', 'day']).doNothing())
      .execute();
  }
}

export async function down(): Promise<void> {
  // Marks only: nothing to undo (a rebuilt day is correct under either version).
}
