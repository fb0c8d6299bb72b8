// `npm test`: lint, type-check, build the console if needed, then every test (core, server on
// SQLite and PostgreSQL, browser). PostgreSQL or Chromium missing is announced loudly, and under
// CI=true it is a failure, not a skip. Ends with one summary line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CI = process.env.CI === 'true';
const CHROMIUM = process.env.YUNYING_CHROMIUM ?? '/usr/bin/chromium';
const PG_URL = process.env.YUNYING_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function step(name, cmd, args) {
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n✗ ${name} failed`);
    console.log('0 passed, 1 failed');
    process.exit(r.status ?? 1);
  }
}

function banner(lines) {
  const bar = '!'.repeat(72);
  console.error(`\n${bar}\n${lines.map((l) => `!! ${l}`).join('\n')}\n${bar}\n`);
}

async function pgProblem() {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await c.end().catch(() => {});
  }
}

const missing = [];
const pgErr = await pgProblem();
if (pgErr)
  missing.push(`PostgreSQL 不可用 (${PG_URL}): ${pgErr} — 启动：pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`);
if (!fs.existsSync(CHROMIUM)) missing.push(`找不到 Chromium (${CHROMIUM}) — 安装：apt-get install -y chromium`);
if (missing.length) {
  banner([
    ...missing,
    CI
      ? 'CI=true：缺少必需的测试环境，测试失败。'
      : '相关测试将被跳过（在 CI 中这会导致失败）。 Those tests will be SKIPPED here and FAIL under CI.',
  ]);
  if (CI) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

step('lint', 'npm', ['run', '--silent', 'lint']);
step('type-check', 'npm', ['run', '--silent', 'typecheck']);

// The browser tests run against the built console: rebuild when sources are newer than the build.
const dist = path.join(root, 'packages/web/dist/index.html');
const newest = (dir) => {
  let t = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }
  return t;
};
const srcTime = Math.max(newest(path.join(root, 'packages/web/src')), newest(path.join(root, 'packages/core/src')));
if (!fs.existsSync(dist) || fs.statSync(dist).mtimeMs < srcTime) step('build console', 'npm', ['run', '--silent', 'build']);

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yy-vitest-')), 'report.json');
console.log('\n▶ tests: vitest run');
const r = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], {
  cwd: root,
  stdio: 'inherit',
});
let summary = null;
try {
  const j = JSON.parse(fs.readFileSync(report, 'utf8'));
  summary = {
    passed: j.numPassedTests,
    failed: j.numFailedTests + (j.numRuntimeErrorTestSuites ?? 0),
    skipped: j.numPendingTests + j.numTodoTests,
  };
} catch {
  /* vitest crashed before writing its report */
}
if (missing.length) banner(missing);
if (summary) console.log(`\n${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
else console.log('\n0 passed, 1 failed');
process.exit(r.status === 0 && summary && summary.failed === 0 ? 0 : 1);
