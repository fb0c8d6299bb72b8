// The ownership check must fail on a planted foreign write or an unlisted foreign read, and pass
// what the owner or the allowlist permits. Runs in the `core` vitest project (no database).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, loadAllowlist, loadOwners, moduleOf, tableRefs } from './check-ownership.mjs';

const owners = new Map([
  ['orders', 'orders'],
  ['order_lines', 'orders'],
  ['skus', 'catalog'],
  ['stock', 'inventory'],
]);
const tables = new Set(owners.keys());

const srcRoot = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yy-own-')), 'packages/server/src');

function srcFile(rel, text) {
  const file = path.join(srcRoot, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

describe('table ownership check', () => {
  it('finds builder, join, batched and raw-SQL references, reads and writes apart', () => {
    const code = `
      await db.selectFrom('orders').innerJoin('skus as s', 's.id', 'orders.sku_id').selectAll().execute();
      await trx.updateTable('stock').set({ on_hand: 1 }).execute();
      await insertBatched(trx, 'order_lines', rows);
      await sql\`UPDATE stock SET on_hand = 0; SELECT * FROM skus JOIN order_lines ON 1=1\`.execute(db);
      // await db.deleteFrom('skus') — a comment is not a reference
      const label = 'skus';
    `;
    const refs = tableRefs(code, tables).map((r) => `${r.write ? 'W' : 'R'}:${r.table}`);
    expect(refs.sort()).toEqual(['R:order_lines', 'R:orders', 'R:skus', 'R:skus', 'W:order_lines', 'W:stock', 'W:stock'].sort());
  });

  it('fails on a foreign write even when the read is allowlisted', () => {
    const file = srcFile('modules/purchasing/po.ts', "await trx.updateTable('skus').set({ cost_fen: 1 }).execute();");
    const problems = check({ owners, allowed: new Set(['purchasing:skus']), files: [file], srcRoot });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/purchasing writes skus, which belongs to catalog/);
  });

  it('fails on an unlisted foreign read and passes a listed one and the owner', () => {
    const reader = srcFile('modules/analytics/x.ts', "await db.selectFrom('orders').selectAll().execute();");
    const owner = srcFile('modules/orders/y.ts', "await db.deleteFrom('orders').execute();");
    expect(check({ owners, allowed: new Set(), files: [reader, owner], srcRoot })).toHaveLength(1);
    expect(check({ owners, allowed: new Set(['analytics:orders']), files: [reader, owner], srcRoot })).toEqual([]);
  });

  it('names the module of a file', () => {
    expect(moduleOf('modules/orders/import/reader.ts')).toBe('orders');
    expect(moduleOf('http/security.ts')).toBe('http');
    expect(moduleOf('bootstrap.ts')).toBe('bootstrap');
  });

  it('reads the real map and allowlist, and every allowlist row names a known module and table', () => {
    const real = loadOwners();
    const allowed = loadAllowlist();
    for (const entry of allowed) {
      const table = entry.split(':')[1];
      expect(real.has(table) || table === '*', entry).toBe(true);
    }
    expect(real.get('stock')).toBe('inventory');
  });

  it('an allowlist row without a reason is refused', () => {
    const md =
      '<!-- foreign-reads:start -->\n| reader | tables | reason |\n| --- | --- | --- |\n| analytics | orders | x |\n<!-- foreign-reads:end -->';
    expect(() => loadAllowlist(md)).toThrow(/needs a reason/);
  });
});
