/**
 * The client side of the HTTP benchmarks (analytics, orders, multiprocess): a keep-alive request to
 * the server under test, the owner's login and a closed-loop load of N concurrent callers with its latency percentiles.
 */
import http from 'node:http';
import os from 'node:os';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface Answer {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One request to 127.0.0.1:`port` over a kept-alive connection. */
export function request(port: number, method: string, url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Log in as the owner `admin`: the session cookie and the CSRF token for writes. */
export async function login(port: number, password: string): Promise<{ cookie: string; csrf: string }> {
  const res = await request(
    port,
    'POST',
    '/api/v1/auth/login',
    { 'content-type': 'application/json' },
    JSON.stringify({ username: 'admin', password }),
  );
  if (res.status !== 200) throw new Error(`登录失败 ${res.status}: ${res.body}`);
  const cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('yy_session='))!
    .split(';')[0]!;
  return { cookie, csrf: (JSON.parse(res.body) as { csrfToken: string }).csrfToken };
}

/** Close the kept-alive connections (at the end of a benchmark, so the process can exit). */
export function closeConnections(): void {
  agent.destroy();
}

export const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

export interface Figures {
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  n: number;
  /** The machine's 1-minute load average when the run ended (a shared machine: quote it with the figure). */
  load: number;
  /** Wall seconds the run took. */
  seconds: number;
}

/** Run `total` calls (or for `seconds`) with `concurrency` loops; latencies in ms. */
export async function load(
  concurrency: number,
  call: () => Promise<boolean>,
  opts: { total?: number; seconds?: number },
): Promise<Figures> {
  const lat: number[] = [];
  let errors = 0;
  let issued = 0;
  const t0 = performance.now();
  const until = opts.seconds ? t0 + opts.seconds * 1000 : Infinity;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while ((opts.total === undefined || issued < opts.total) && performance.now() < until) {
        issued++;
        const s = performance.now();
        const ok = await call();
        lat.push(performance.now() - s);
        if (!ok) errors++;
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    perSecond: r(lat.length / secs),
    p50: r(pct(lat, 50)),
    p95: r(pct(lat, 95)),
    p99: r(pct(lat, 99)),
    errors,
    n: lat.length,
    load: r(os.loadavg()[0]!),
    seconds: secs,
  };
}
