#!/usr/bin/env node
// Modules own their tables (issue 8). Reads packages/server/src/db/owners.ts (table → owning
// module) and the "Foreign reads allowed" list in docs/decisions.md, then scans every server source
// file for the tables it touches: Kysely builders (selectFrom/insertInto/updateTable/deleteFrom and
// joins), the kit's insertBatched, and table names inside sql`` templates. Fails on
//   - a write to a table the file's module does not own (always), and
//   - a read of a foreign table not on the allowlist.
// A module's own code and db/ (migrations, backup, the kit) are exempt. Run by `npm run lint`.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const srcDir = join(root, 'packages/server/src');

export function loadOwners(text = readFileSync(join(srcDir, 'db/owners.ts'), 'utf8')) {
  const owners = new Map();
  for (const m of text.matchAll(/^\s*([a-z_]+): '([a-z-]+)',?\s*$/gm)) owners.set(m[1], m[2]);
  if (owners.size === 0) throw new Error('owners.ts: no table → owner entries found');
  return owners;
}

/** Rows of the table between the foreign-reads markers: | reader | tables | reason | */
export function loadAllowlist(text = readFileSync(join(root, 'docs/decisions.md'), 'utf8')) {
  const start = text.indexOf('<!-- foreign-reads:start -->');
  const end = text.indexOf('<!-- foreign-reads:end -->');
  if (start < 0 || end < start) throw new Error('docs/decisions.md: foreign-reads markers not found');
  const allowed = new Set();
  for (const line of text.slice(start, end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4 || !/^[a-z][a-z-]*$/.test(cells[1] ?? '') || cells[1] === 'reader') continue;
    const reason = cells[3] ?? '';
    if (reason.length < 10) throw new Error(`docs/decisions.md: foreign read ${cells[1]} needs a reason`);
    for (const t of cells[2]
      .split(',')
      .map((s) => s.replace(/`/g, '').trim())
      .filter(Boolean)) {
      allowed.add(`${cells[1]}:${t}`);
    }
  }
  return allowed;
}

function stripComments(code) {
  return code.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const BUILDER =
  /\.(selectFrom|insertInto|replaceInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*\[?\s*['"]([a-z_]+)(?:\s+as\s+[a-z_]+)?['"]/g;
const WRITES = new Set(['insertInto', 'replaceInto', 'updateTable', 'deleteFrom', 'mergeInto']);

/** Every table reference in a source text: { table, write, line }. */
export function tableRefs(code, tables) {
  const text = stripComments(code);
  const refs = [];
  const lineAt = (i) => text.slice(0, i).split('\n').length;
  for (const m of text.matchAll(BUILDER)) {
    if (tables.has(m[2])) refs.push({ table: m[2], write: WRITES.has(m[1]), line: lineAt(m.index) });
  }
  for (const m of text.matchAll(/\binsertBatched\(\s*[^,()]+,\s*['"]([a-z_]+)['"]/g)) {
    if (tables.has(m[1])) refs.push({ table: m[1], write: true, line: lineAt(m.index) });
  }
  for (const m of text.matchAll(/\bsql(?:<[^>`]*>)?`([^`]*)`/g)) {
    const body = m[1];
    for (const w of body.matchAll(/\b(from|join|update|insert\s+into|delete\s+from)\s+"?([a-z_]+)"?/gi)) {
      const table = w[2];
      if (!tables.has(table)) continue;
      const kind = w[1].toLowerCase();
      const write = kind === 'update' || kind.startsWith('insert') || kind.startsWith('delete');
      refs.push({ table, write, line: lineAt(m.index + 4 + w.index) });
    }
  }
  return refs;
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

/** The module a server source file belongs to: modules/<name>/…, or its top folder (http, lib, …). */
export function moduleOf(rel) {
  const parts = rel.split(sep).join('/').split('/');
  if (parts[0] === 'modules') return parts[1];
  if (parts.length === 1) return parts[0].replace(/\.tsx?$/, '');
  return parts[0];
}

export function check({ owners = loadOwners(), allowed = loadAllowlist(), files, srcRoot = srcDir } = {}) {
  files ??= walk(srcRoot);
  const tables = new Set(owners.keys());
  const problems = [];
  for (const file of files) {
    const rel = relative(srcRoot, file);
    const mod = moduleOf(rel);
    if (mod === 'db') continue; // migrations, backup/restore and the kit work on every table by design
    for (const ref of tableRefs(readFileSync(file, 'utf8'), tables)) {
      const owner = owners.get(ref.table);
      if (owner === mod) continue;
      const where = `packages/server/src/${rel.split(sep).join('/')}:${ref.line}`;
      if (ref.write) {
        problems.push(`${where}: ${mod} writes ${ref.table}, which belongs to ${owner} — call ${owner}'s index.ts`);
      } else if (!allowed.has(`${mod}:${ref.table}`) && !allowed.has(`${mod}:*`)) {
        problems.push(
          `${where}: ${mod} reads ${ref.table}, which belongs to ${owner} — call ${owner}'s index.ts, or record the read in docs/decisions.md (Foreign reads allowed) with its reason`,
        );
      }
    }
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = check();
  if (problems.length) {
    console.error(`Table ownership: ${problems.length} problem(s)\n` + problems.join('\n'));
    process.exit(1);
  }
  console.log('Table ownership: every write by the owner, every foreign read on the allowlist.');
}
