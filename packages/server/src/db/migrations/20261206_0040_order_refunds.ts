import type { Kysely } from 'kysely';

/**
 * `order_refunds`: the refunds ledger (issue 9 item 2). One row per refunded part — an order line
 * (qty and amount) or the shipping/order-level remainder (`order_line_id` NULL) — with the instant
 * the refund succeeded and its business day in the shop's zone (`refund_day`). The rollups count
 * 退款金额 on `refund_day` (生意参谋's 成功退款金额), so a closed day no longer changes when an old
 * order is refunded later.
 *
 * Backfill: every order that already carries refunds gets one row per refunded line and one for
 * the remainder (order refund − Σ line refunds), dated at its last `refund` timeline event, else
 * its cancellation or last update — the best instant the old data holds.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('order_refunds')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('order_id', 'varchar(40)', (c) => c.notNull().references('orders.id').onDelete('cascade'))
    .addColumn('order_line_id', 'varchar(40)')
    .addColumn('qty', 'integer', (c) => c.notNull())
    .addColumn('amount_fen', 'bigint', (c) => c.notNull())
    .addColumn('refunded_at', 'bigint', (c) => c.notNull())
    .addColumn('refund_day', 'varchar(10)', (c) => c.notNull())
    .addColumn('note', 'varchar(200)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('order_refunds_shop_day_idx').on('order_refunds').columns(['shop_id', 'refund_day']).execute();
  await db.schema.createIndex('order_refunds_order_idx').on('order_refunds').columns(['order_id']).execute();

  const orders: {
    id: string;
    org_id: string;
    shop_id: string;
    refund_fen: number | string;
    updated_at: number | string;
    cancelled_at: number | string | null;
  }[] = await db
    .selectFrom('orders')
    .select(['id', 'org_id', 'shop_id', 'refund_fen', 'updated_at', 'cancelled_at'])
    .where('refund_fen', '>', 0)
    .execute();
  if (orders.length === 0) return;
  const zones = new Map<string, string>(
    (await db.selectFrom('shops').select(['id', 'timezone']).execute()).map((s: { id: string; timezone: string }) => [s.id, s.timezone]),
  );
  const fmt = new Map<string, Intl.DateTimeFormat>();
  const dayOf = (at: number, tz: string) => {
    let f = fmt.get(tz);
    if (!f) fmt.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' })));
    return f.format(new Date(at));
  };
  let seq = 0;
  for (let i = 0; i < orders.length; i += 500) {
    const part = orders.slice(i, i + 500);
    const ids = part.map((o) => o.id);
    const lines: { id: string; order_id: string; refund_fen: number | string; refunded_qty: number | string }[] = await db
      .selectFrom('order_lines')
      .select(['id', 'order_id', 'refund_fen', 'refunded_qty'])
      .where('order_id', 'in', ids)
      .where('refund_fen', '>', 0)
      .execute();
    const lastRefund = (await db
      .selectFrom('order_events')
      .select((eb) => ['order_id', eb.fn.max('at').as('at')])
      .where('order_id', 'in', ids)
      .where('type', '=', 'refund')
      .groupBy('order_id')
      .execute()) as { order_id: string; at: number | string | null }[];
    const atOf = new Map(lastRefund.map((r) => [r.order_id, r.at === null ? null : Number(r.at)]));
    const rows: Record<string, unknown>[] = [];
    for (const o of part) {
      const at = atOf.get(o.id) ?? (o.cancelled_at !== null ? Number(o.cancelled_at) : Number(o.updated_at));
      const day = dayOf(at, zones.get(o.shop_id) ?? 'Asia/Shanghai');
      const base = { org_id: o.org_id, shop_id: o.shop_id, order_id: o.id, refunded_at: at, refund_day: day, note: '历史退款（迁移补记）' };
      let lineSum = 0;
      for (const l of lines.filter((x) => x.order_id === o.id)) {
        lineSum += Number(l.refund_fen);
        rows.push({
          ...base,
          id: `rfd_m${String(seq++).padStart(10, '0')}`,
          order_line_id: l.id,
          qty: Number(l.refunded_qty),
          amount_fen: Number(l.refund_fen),
        });
      }
      const rest = Number(o.refund_fen) - lineSum;
      if (rest > 0) rows.push({ ...base, id: `rfd_m${String(seq++).padStart(10, '0')}`, order_line_id: null, qty: 0, amount_fen: rest });
    }
    for (let j = 0; j < rows.length; j += 500)
      await db
        .insertInto('order_refunds')
        .values(rows.slice(j, j + 500))
        .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_refunds').execute();
}
