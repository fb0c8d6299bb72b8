import type { Kysely } from 'kysely';

/**
 * Everyday order handling (issue 9 item 5):
 * - `orders.flag_color`: the seller's flag (旗帜) — red / yellow / green / blue / purple, NULL = none.
 * - the permission `orders.memo` (seller memos, flags and 催单 marks), split from `orders.write` so
 *   customer service may mark and annotate orders without creating or editing them. Roles that could
 *   write memos before (every role holding `orders.write`) keep that ability; the built-in customer
 *   service role gains it. New organisations get it from the seeded roles.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('flag_color', 'varchar(10)').execute();
  const writers = await db.selectFrom('role_permissions').select('role_id').where('permission', '=', 'orders.write').execute();
  const service = await db.selectFrom('roles').select('id as role_id').where('code', '=', 'service').execute();
  const ids = [...new Set([...writers, ...service].map((r: { role_id: string }) => r.role_id))];
  if (ids.length === 0) return;
  const have = new Set(
    (await db.selectFrom('role_permissions').select('role_id').where('permission', '=', 'orders.memo').execute()).map(
      (r: { role_id: string }) => r.role_id,
    ),
  );
  const rows = ids.filter((id) => !have.has(id)).map((role_id) => ({ role_id, permission: 'orders.memo' }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('role_permissions')
      .values(rows.slice(i, i + 500))
      .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('role_permissions').where('permission', '=', 'orders.memo').execute();
  await db.schema.alterTable('orders').dropColumn('flag_color').execute();
}
