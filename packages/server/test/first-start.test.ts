/**
 * First start as a new user sees it: the one-time owner password is printed after the start-up
 * logs (so they do not scroll it away) together with the address to open, and it logs in; the log
 * is JSON lines when piped and readable lines on a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it, vi } from 'vitest';
import { describeEachDialect, freshDatabaseUrl } from './dialects.js';
import { HttpSession, freePort, startServerProcess, type ServerProcess } from './proc.js';

vi.setConfig({ testTimeout: 180_000 });
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/yunying.mjs');

/** The printed banner's password and address, and the output before and after it. */
function banner(out: string): { password: string; url: string; before: string; after: string } {
  const at = out.indexOf('已创建店长账号');
  expect(at, `no owner banner in:\n${out}`).toBeGreaterThan(-1);
  const password = /密码 password:\s+(\S+)/.exec(out.slice(at))?.[1];
  const url = /登录地址 open:\s+(\S+)/.exec(out.slice(at))?.[1];
  expect(password, out).toBeTruthy();
  expect(url, out).toBeTruthy();
  return { password: password!, url: url!, before: out.slice(0, at), after: out.slice(at) };
}

/** Wait until the output contains the text (the banner follows the last start-up line). */
async function waitFor(get: () => string, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!get().includes(text)) {
    if (Date.now() > deadline) throw new Error(`"${text}" not printed:\n${get()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeEachDialect('first start', (dialect) => {
  let server: ServerProcess | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await server?.kill('SIGTERM');
    server = undefined;
    await drop?.();
    drop = undefined;
  });

  it('prints the one-time password with the address after the start-up logs (JSON lines when piped), and it logs in', async () => {
    const f = await freshDatabaseUrl(dialect);
    drop = f.drop;
    server = await startServerProcess(f.url, { YUNYING_ADMIN_PASSWORD: '', LOG_LEVEL: 'info' });
    await waitFor(() => server!.stderr(), 'Shown only once');
    await waitFor(() => server!.stderr(), 'Server listening');
    const out = server.stderr();
    const b = banner(out);
    expect(b.url).toBe(server.base);
    // Every start-up log line (the listening one included) comes before the banner.
    const logLines = b.before.split('\n').filter((l) => l.startsWith('{'));
    expect(
      logLines.some((l) => (JSON.parse(l) as { msg: string }).msg.startsWith('Server listening')),
      out,
    ).toBe(true);
    expect(b.after).not.toContain('Server listening');
    // Never pretty-printed when nobody watches a terminal.
    expect(out).not.toMatch(/\bINFO\b.*Server listening/);
    const session = new HttpSession(server.base);
    await session.login('admin', b.password);
    expect((await session.send('GET', '/api/v1/auth/me')).status).toBe(200);
  });

  it('with a password from YUNYING_ADMIN_PASSWORD it says where the password came from, never printing it', async () => {
    const f = await freshDatabaseUrl(dialect);
    drop = f.drop;
    server = await startServerProcess(f.url, { YUNYING_ADMIN_PASSWORD: 'Given#2026pass', LOG_LEVEL: 'info' });
    await waitFor(() => server!.stderr(), 'YUNYING_ADMIN_PASSWORD');
    const out = server.stderr();
    expect(out).toContain(`登录地址 open:    ${server.base}`);
    expect(out).not.toContain('Given#2026pass');
  });

  it('LOG_FORMAT=pretty writes one readable line per entry, then the banner', async () => {
    const f = await freshDatabaseUrl(dialect);
    drop = f.drop;
    server = await startServerProcess(f.url, { YUNYING_ADMIN_PASSWORD: '', LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' });
    await waitFor(() => server!.stderr(), 'Shown only once');
    await fetch(`${server.base}/api/v1/nothing-here`);
    await waitFor(() => server!.stderr(), 'request completed 404');
    const out = server.stderr();
    const b = banner(out);
    expect(b.before).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Server listening at http:/m);
    expect(out.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
    expect(out).toMatch(/INFO: incoming request GET \/api\/v1\/nothing-here/);
  });
});

// A real terminal (a pseudo-terminal through util-linux `script`): logs are readable without setting
// LOG_FORMAT. Once, on SQLite: it checks the terminal guess, not the database.
const hasScript = spawnSync('script', ['--version']).status === 0;
it.skipIf(!hasScript)('on a terminal the log is readable by default', async () => {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-tty-'));
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${dir}/y.db`,
    YUNYING_DEMO: '0',
    YUNYING_ADMIN_PASSWORD: '',
    LOG_LEVEL: 'info',
    LOG_FORMAT: '',
  };
  const child = spawn('script', ['-qec', `${process.execPath} ${BIN} start`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor(() => out, 'Shown only once');
    // eslint-disable-next-line no-control-regex
    const plain = out.replace(/\u001b\[[0-9;]*m/g, '').replace(/\r/g, '');
    expect(plain).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Server listening at http:/m);
    expect(plain.split('\n').filter((l) => l.startsWith('{"level"'))).toEqual([]);
    expect(banner(plain).url).toBe(`http://127.0.0.1:${port}`);
  } finally {
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
