import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Per-status order counters (issue 10): how many orders each shop has in each status, kept by
 * triggers on `orders` in the same transaction as every insert, delete and status change — by
 * whatever module writes the row (manual orders, imports, bulk loads, shipping, refunds, purges) —
 * so the order list's status tabs read a handful of counter rows instead of counting orders.
 *
 * SQLite: row triggers (an upsert per inserted row, two updates per status change). PostgreSQL:
 * statement triggers with transition tables, so a multi-row insert or COPY of thousands of orders
 * adds one grouped upsert, not one per row; rows are upserted in (shop, status) order, so two
 * transactions take the counter rows' locks in the same order (no deadlock between them).
 * PostgreSQL refuses column lists (`UPDATE OF status`) with transition tables: the update trigger
 * runs for every UPDATE of orders and finds no difference when no status or shop changed.
 *
 * The counters start from the orders already there.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('order_status_counts')
    .addColumn('shop_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('n', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('order_status_counts_pk', ['shop_id', 'status'])
    .execute();
  if (pg) {
    await sql`
      create function order_status_counts_apply() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into order_status_counts (shop_id, status, n)
          select shop_id, status, count(*) from new_rows group by shop_id, status order by shop_id, status
          on conflict (shop_id, status) do update set n = order_status_counts.n + excluded.n;
        elsif tg_op = 'DELETE' then
          update order_status_counts c set n = c.n - d.k
          from (select shop_id, status, count(*) as k from old_rows group by shop_id, status order by shop_id, status) d
          where c.shop_id = d.shop_id and c.status = d.status;
        else
          insert into order_status_counts (shop_id, status, n)
          select shop_id, status, sum(k) from (
            select shop_id, status, -1 as k from old_rows
            union all
            select shop_id, status, 1 as k from new_rows
          ) d group by shop_id, status having sum(k) <> 0 order by shop_id, status
          on conflict (shop_id, status) do update set n = order_status_counts.n + excluded.n;
        end if;
        return null;
      end $$`.execute(db);
    await sql`create trigger orders_status_counts_ins after insert on orders referencing new table as new_rows
      for each statement execute function order_status_counts_apply()`.execute(db);
    await sql`create trigger orders_status_counts_del after delete on orders referencing old table as old_rows
      for each statement execute function order_status_counts_apply()`.execute(db);
    await sql`create trigger orders_status_counts_upd after update on orders referencing old table as old_rows new table as new_rows
      for each statement execute function order_status_counts_apply()`.execute(db);
  } else {
    await sql`create trigger orders_status_counts_ins after insert on orders begin
      insert into order_status_counts (shop_id, status, n) values (new.shop_id, new.status, 1)
        on conflict (shop_id, status) do update set n = n + 1;
    end`.execute(db);
    await sql`create trigger orders_status_counts_del after delete on orders begin
      update order_status_counts set n = n - 1 where shop_id = old.shop_id and status = old.status;
    end`.execute(db);
    await sql`create trigger orders_status_counts_upd after update of status, shop_id on orders
      when old.status is not new.status or old.shop_id is not new.shop_id begin
      update order_status_counts set n = n - 1 where shop_id = old.shop_id and status = old.status;
      insert into order_status_counts (shop_id, status, n) values (new.shop_id, new.status, 1)
        on conflict (shop_id, status) do update set n = n + 1;
    end`.execute(db);
  }
  await sql`insert into order_status_counts (shop_id, status, n)
    select shop_id, status, count(*) from orders group by shop_id, status`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  for (const t of ['orders_status_counts_ins', 'orders_status_counts_del', 'orders_status_counts_upd']) {
    await sql`drop trigger if exists ${sql.raw(t)}${sql.raw(pg ? ' on orders' : '')}`.execute(db);
  }
  if (pg) await sql`drop function if exists order_status_counts_apply()`.execute(db);
  await db.schema.dropTable('order_status_counts').execute();
}
