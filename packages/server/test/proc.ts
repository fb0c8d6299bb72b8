/**
 * The real server as a child process (`yunying start`), for fault tests that kill it: start on a
 * free port against a given database URL, wait until it answers /readyz, talk to it over HTTP
 * with a logged-in session, and SIGKILL it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADMIN_PASSWORD = 'Admin12345';
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/yunying.mjs');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  /** What the process wrote to stderr (for failure messages). */
  stderr(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      YUNYING_DEMO: '0',
      YUNYING_ADMIN_PASSWORD: ADMIN_PASSWORD,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  // The log (stdout, LOG_LEVEL warn) and stderr together, for failure messages.
  child.stdout!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-200_000);
  });
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready:\n${err}`);
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready after 120 s:\n${err}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    child,
    stderr: () => err,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A cookie session against a server process. */
export class HttpSession {
  private cookie = '';
  private csrf = '';
  constructor(readonly base: string) {}

  async login(username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
    const r = await fetch(`${this.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
    const set = r.headers.getSetCookie().find((c) => c.startsWith('yy_session='));
    this.cookie = set!.split(';')[0]!;
    this.csrf = ((await r.json()) as { csrfToken: string }).csrfToken;
  }

  async send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    if (body === undefined) return this.sendRaw(method, url, undefined, headers);
    return this.sendRaw(method, url, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  }

  /** A request with a body as given (e.g. a multipart upload from fixtures' `multipart`). */
  async sendRaw(
    method: string,
    url: string,
    body: string | Buffer | undefined,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    const r = await fetch(`${this.base}${url}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}),
    });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: r.status, body: parsed };
  }
}
