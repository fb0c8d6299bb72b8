import type { Kysely } from 'kysely';

/**
 * After-sales as the platforms show them (issue 9 items 5 and 7):
 * - `aftersales.requested_fen`: the amount the buyer asked for (申请金额), proposed from the chosen
 *   lines when the case is opened. Existing refund cases are backfilled with their lines' share
 *   (or what they refunded, when more), other cases with 0.
 * - `aftersales.replacement_order_id`: for 补发, the zero-price replacement order sent.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('aftersales')
    .addColumn('requested_fen', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('aftersales').addColumn('replacement_order_id', 'varchar(40)').execute();
  // Per case: Σ round(line paid × case qty ÷ line qty), at least what was refunded.
  const lines: { id: string; refund_fen: number | string; paid_fen: number | string; qty: number | string; line_qty: number | string }[] =
    await db
      .selectFrom('aftersales as a')
      .innerJoin('aftersale_lines as al', 'al.aftersale_id', 'a.id')
      .innerJoin('order_lines as ol', 'ol.id', 'al.order_line_id')
      .where('a.type', 'in', ['refund_only', 'return_refund'])
      .select(['a.id as id', 'a.refund_fen as refund_fen', 'ol.paid_fen as paid_fen', 'al.qty as qty', 'ol.qty as line_qty'])
      .execute();
  const byCase = new Map<string, { refund: number; share: number }>();
  for (const l of lines) {
    const c = byCase.get(l.id) ?? { refund: Number(l.refund_fen), share: 0 };
    c.share += Math.round((Number(l.paid_fen) * Number(l.qty)) / Math.max(1, Number(l.line_qty)));
    byCase.set(l.id, c);
  }
  for (const [id, c] of byCase) {
    await db
      .updateTable('aftersales')
      .set({ requested_fen: Math.max(c.share, c.refund) })
      .where('id', '=', id)
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('aftersales').dropColumn('replacement_order_id').execute();
  await db.schema.alterTable('aftersales').dropColumn('requested_fen').execute();
}
