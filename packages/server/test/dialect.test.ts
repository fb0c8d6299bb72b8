import type { Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.js';
import { listTables } from '../src/db/dialect.js';
import { DERIVED_TABLES, TABLE_ORDER } from '../src/db/schema.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from './dialects.js';

describeEachDialect('database layer', (dialect) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(dialect);
    await migrateToLatest(t.database);
    // A scratch table with the column types the migrations use for money, instants, flags, JSON.
    await t.database.db.schema
      .createTable('type_probe')
      .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('flag', 'integer', (c) => c.notNull())
      .addColumn('label', 'varchar(200)', (c) => c.notNull())
      .addColumn('doc', 'text')
      .execute();
  });
  afterAll(() => t?.drop());

  it('migrates from empty and again is a no-op', async () => {
    expect(await migrateToLatest(t.database)).toEqual([]);
  });

  it('lists every table it creates in TABLE_ORDER (used by backup/restore), but for the trigger-derived ones', async () => {
    expect((await listTables(t.database)).filter((n) => n !== 'type_probe' && !DERIVED_TABLES.includes(n))).toEqual(
      [...TABLE_ORDER].sort(),
    );
  });

  it('reads integer money, instants, booleans and text back identically', async () => {
    const rows = [
      { id: 'p1', amount_fen: 0, at: 0, flag: 0, label: '零', doc: null },
      { id: 'p2', amount_fen: 12_999, at: Date.UTC(2026, 10, 11, 16, 0, 0), flag: 1, label: '双11 ¥129.99', doc: '{"a":[1,2]}' },
      { id: 'p3', amount_fen: -500, at: 1_700_000_000_123, flag: 0, label: 'refund', doc: '' },
      // Largest sums we care about: beyond 2^31 fen (¥21,474,836.47) must survive.
      { id: 'p4', amount_fen: 9_007_199_254_740_991, at: 4_102_444_800_000, flag: 1, label: 'max safe', doc: null },
    ];
    await probe(t).insertInto('type_probe').values(rows).execute();
    const back = await probe(t).selectFrom('type_probe').selectAll().orderBy('id').execute();
    expect(back).toEqual(rows);
    for (const r of back) {
      expect(typeof r.amount_fen).toBe('number');
      expect(typeof r.at).toBe('number');
      expect(typeof r.flag).toBe('number');
    }
    const sum = await probe(t)
      .selectFrom('type_probe')
      .select((eb) => [eb.fn.sum<number>('amount_fen').as('s'), eb.fn.countAll<number>().as('n')])
      .where('id', '!=', 'p4')
      .executeTakeFirstOrThrow();
    expect(sum).toEqual({ s: 12_499, n: 3 });
  });
});

interface ProbeDB {
  type_probe: { id: string; amount_fen: number; at: number; flag: number; label: string; doc: string | null };
}
function probe(t: TestDatabase): Kysely<ProbeDB> {
  return t.database.db as unknown as Kysely<ProbeDB>;
}
