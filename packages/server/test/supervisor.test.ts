/**
 * Issue 17: one bad upload took the server down and `npm start` did not bring it back. The
 * supervisor (packages/server/bin/supervisor.mjs, used by scripts/start.mjs) restarts a server that
 * exits unexpectedly, backs off and gives up on a crash loop, and passes a stop signal through for
 * a clean stop that is not restarted. Fake servers here are tiny Node scripts (fast); the last test
 * runs the real `npm start` script. No database is involved, so this file does not run per dialect.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl } from './dialects.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SUPERVISOR = pathToFileURL(path.resolve(here, '../bin/supervisor.mjs')).href;
const ROOT = path.resolve(here, '../../..');

interface Supervised {
  done: Promise<number>;
  stop: (signal?: NodeJS.Signals) => void;
  pid: () => number | undefined;
}
const { supervise } = (await import(SUPERVISOR)) as {
  supervise: (opts: Record<string, unknown>) => Supervised;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-supervisor-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * A fake server: each run appends a line to `runs`; the first `crashes` runs die (exit code 3,
 * then SIGKILL as the kernel's out-of-memory killer does, alternating); a later run stays up,
 * says `ready`, and on SIGTERM/SIGINT takes `stopMs` to close, writes `clean <signal>` and exits 0
 * (a second signal during that time would kill it, as it does the real server).
 */
function fakeServer(name: string, crashes: number, stopMs = 0): { script: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const script = path.join(dir, 'server.mjs');
  fs.writeFileSync(
    script,
    `import fs from 'node:fs';
import { followSupervisor } from ${JSON.stringify(SUPERVISOR)};
followSupervisor();
const dir = ${JSON.stringify(dir)};
fs.appendFileSync(dir + '/runs', process.pid + '\\n');
const n = fs.readFileSync(dir + '/runs', 'utf8').trim().split('\\n').length;
if (n <= ${crashes}) {
  if (n % 2) process.exit(3);
  process.kill(process.pid, 'SIGKILL');
}
for (const s of ['SIGTERM', 'SIGINT']) process.once(s, () => setTimeout(() => { fs.writeFileSync(dir + '/clean', s); process.exit(0); }, ${stopMs}));
fs.writeFileSync(dir + '/ready', String(process.pid));
setInterval(() => {}, 1000);
`,
  );
  return { script, dir };
}

const runs = (dir: string) => (fs.existsSync(`${dir}/runs`) ? fs.readFileSync(`${dir}/runs`, 'utf8').trim().split('\n').length : 0);

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start keeps the server running', () => {
  it('restarts a server that crashed or was killed, then passes SIGTERM through for a clean stop that is not restarted', async () => {
    const { script, dir } = fakeServer('restart', 2);
    const log: string[] = [];
    const s = supervise({ args: [script], backoffMs: 5, handleSignals: false, log: (l: string) => log.push(l) });
    await until('the third run to be ready', () => fs.existsSync(`${dir}/ready`));
    expect(runs(dir)).toBe(3);
    expect(log.join('\n')).toMatch(/意外退出（退出码 exit code 3）.*第 1 次/);
    expect(log.join('\n')).toMatch(/意外退出（信号 signal SIGKILL.*第 2 次/);
    const pid = Number(fs.readFileSync(`${dir}/ready`, 'utf8'));
    s.stop('SIGTERM');
    expect(await s.done).toBe(0);
    expect(fs.readFileSync(`${dir}/clean`, 'utf8')).toBe('SIGTERM');
    expect(alive(pid)).toBe(false);
    await new Promise((r) => setTimeout(r, 100));
    expect(runs(dir)).toBe(3);
  });

  it('gives up on a crash loop with a Chinese message and a failing exit code', async () => {
    const { script, dir } = fakeServer('loop', 1000);
    const log: string[] = [];
    const s = supervise({ args: [script], backoffMs: 1, maxCrashes: 3, handleSignals: false, log: (l: string) => log.push(l) });
    expect(await s.done).not.toBe(0);
    expect(runs(dir)).toBe(4);
    expect(log.at(-1)).toMatch(/连续 4 次.*不再重启/);
  });

  it('a run that lasted resets the count: only quick crashes in a row count towards giving up', async () => {
    const { script, dir } = fakeServer('stable', 1000);
    const log: string[] = [];
    // Every run counts as stable (stableMs 0): the server is restarted however often it crashes.
    const s = supervise({
      args: [script],
      backoffMs: 1,
      maxCrashes: 2,
      stableMs: 0,
      handleSignals: false,
      log: (l: string) => log.push(l),
    });
    await until('six runs', () => runs(dir) >= 6);
    s.stop();
    await s.done;
    expect(log.some((l) => l.includes('不再重启'))).toBe(false);
  });

  it('as a process: passes Ctrl-C (SIGINT) through once, and the server stops when the supervisor is killed', async () => {
    const { script, dir } = fakeServer('signals', 0, 300);
    const wrapper = path.join(dir, 'start.mjs');
    fs.writeFileSync(
      wrapper,
      `import { supervise } from ${JSON.stringify(SUPERVISOR)};\nprocess.exit(await supervise({ args: [${JSON.stringify(script)}], backoffMs: 5 }).done);\n`,
    );
    const sup = spawn(process.execPath, [wrapper], { stdio: 'ignore' });
    await until('ready', () => fs.existsSync(`${dir}/ready`));
    const exited = new Promise<number | null>((r) => sup.on('exit', (code) => r(code)));
    // Under `npm start` one Ctrl-C arrives twice: from the terminal and passed on by npm.
    sup.kill('SIGINT');
    sup.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(fs.readFileSync(`${dir}/clean`, 'utf8')).toBe('SIGINT');
    expect(runs(dir)).toBe(1);

    // The supervisor killed outright (no chance to pass anything on): the server notices and stops.
    fs.rmSync(`${dir}/ready`);
    fs.rmSync(`${dir}/clean`);
    const sup2 = spawn(process.execPath, [wrapper], { stdio: 'ignore' });
    await until('ready again', () => fs.existsSync(`${dir}/ready`));
    const pid = Number(fs.readFileSync(`${dir}/ready`, 'utf8'));
    sup2.kill('SIGKILL');
    await until('the orphaned server to stop', () => !alive(pid));
    expect(fs.readFileSync(`${dir}/clean`, 'utf8')).toBe('SIGTERM');
  });

  it('the real `npm start` brings the server back after it is killed, and stops cleanly on SIGTERM', async () => {
    const db = await freshDatabaseUrl('sqlite');
    const out: string[] = [];
    const start: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'scripts/start.mjs')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', YUNYING_DEMO: '0', YUNYING_ADMIN_PASSWORD: 'Admin12345' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start.stdout!.on('data', (c: Buffer) => out.push(c.toString()));
    start.stderr!.on('data', (c: Buffer) => out.push(c.toString()));
    const exited = new Promise<number | null>((r) => start.on('exit', (code) => r(code)));
    try {
      const urls = () => [...out.join('').matchAll(/Yunying is running: (http:\/\/\S+)/g)].map((m) => m[1]!);
      await until('the server to start', () => urls().length === 1, 60_000);
      const health = async (url: string) => (await fetch(`${url}/healthz`)).status;
      expect(await health(urls()[0]!)).toBe(200);
      // Kill the server as the out-of-memory killer would: the supervisor starts it again.
      const serverPid = Number(fs.readFileSync(`/proc/${start.pid}/task/${start.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      process.kill(serverPid, 'SIGKILL');
      await until('the server to come back', () => urls().length === 2, 60_000);
      expect(out.join('')).toMatch(/服务器进程意外退出（信号 signal SIGKILL/);
      expect(await health(urls()[1]!)).toBe(200);
      start.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(urls()).toHaveLength(2);
    } finally {
      start.kill('SIGKILL');
      await db.drop();
    }
  }, 150_000);
});
