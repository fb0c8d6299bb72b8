/**
 * `npm run bench -- analytics [--profile large|small] [--seed N] [--no-pg] [--requests 200]
 *  [--users 10] [--concurrency 32] [--seconds 20] [--keep] [--reuse kept.db] [--load-only]`: for SQLite (a fresh file) and PostgreSQL (a fresh database)
 * in turn, a child process loads the demo profile (timed: the demo load figure) and starts the
 * real server on a free port; this process is the client, so it never shares the server's event
 * loop:
 *
 * - analytics latency: after 20 warm-up requests, `--requests` sequential GETs each of
 *   /analytics/dashboard and traffic / products / trade for the last 30 days, logged in as the
 *   owner → p50 / p95 / max. The server rebuilds a shop's *today* on a read when its rollup is
 *   older than 60 s; the table says whether a window could include such a rebuild.
 * - the same under concurrency: `--users` sessions (10) at once each asking again as soon as
 *   answered, `--requests` answers in all, for the dashboard and the 30-day product ranking →
 *   req/s, p50 / p95 / p99 (issue 10's target: p95 < 150 ms on the large profile).
 * - collect throughput: `--concurrency` client loops POST /api/v1/collect with 50 events per
 *   request (one write key, created through the API) for `--seconds` → accepted events per
 *   second, and the server process's CPU time. The collector's limits (per key, per client IP,
 *   per visitor) would cap one load client far below the server's capacity, so the server runs
 *   with YUNYING_COLLECT_*_BURST / _RATE raised: this measures the server, not the limiter.
 *
 * `--load-only` stops each child once the demo is loaded: only the load figure (wall clock, CPU
 * seconds, peak RSS, the 1-minute load average before and after), written to
 * bench/results/analytics-load.json (large) or analytics-load-small.json. With
 * YUNYING_BENCH_NODE_ARGS=--cpu-prof the child's profile is then the load's.
 *
 * Prints a markdown table and writes bench/results/analytics.json (large) or analytics-small.json.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { closeConnections, login, request } from './loadgen.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PG_ADMIN_URL = process.env.YUNYING_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    profile: { type: 'string', default: 'large' },
    seed: { type: 'string', default: '20261122' },
    'no-pg': { type: 'boolean', default: false },
    'no-sqlite': { type: 'boolean', default: false },
    /** Keep the loaded databases (their names are printed) for EXPLAIN and the like. */
    keep: { type: 'boolean', default: false },
    /** Measure again on a kept database (a SQLite file or a postgres:// URL) instead of loading one (load figures read 0). */
    reuse: { type: 'string' },
    requests: { type: 'string', default: '200' },
    /** People reading the dashboard and the product ranking at the same time. */
    users: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '20' },
    /** Load the demo and stop: the load figure alone, without the requests. */
    'load-only': { type: 'boolean', default: false },
  },
});
const LOAD_ONLY = values['load-only'];
const profile = values.profile;
if (profile !== 'small' && profile !== 'large') throw new Error('--profile 只能是 small 或 large');
const REQUESTS = Number(values.requests);
const USERS = Number(values.users);
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);
const WARMUP = 20;
const BATCH = 50;

// ---------------------------------------------------------------- HTTP client

/**
 * The load generator's connection: one keep-alive socket, requests written as ready-made
 * HTTP/1.1 text and answers read by Content-Length (the way load tools such as autocannon work).
 * node:http's client costs several times more CPU per request, and on this two-core machine every
 * client cycle is taken from the server being measured.
 */
class LoadConnection {
  private static all: LoadConnection[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: string }) => void) | null = null;
  private failed: ((e: Error) => void) | null = null;

  private constructor(
    private readonly socket: net.Socket,
    private readonly port: number,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      this.tryParse();
    });
    socket.on('error', (e) => this.failed?.(e));
    socket.on('close', () => this.failed?.(new Error('connection closed')));
  }

  static open(port: number): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        const c = new LoadConnection(socket, port);
        LoadConnection.all.push(c);
        resolve(c);
      });
      socket.once('error', reject);
    });
  }

  static closeAll(): void {
    for (const c of LoadConnection.all.splice(0)) c.socket.destroy();
  }

  post(path: string, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
      this.socket.write(
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1:${this.port}\r\ncontent-type: application/json\r\n` +
          `user-agent: Mozilla/5.0 (bench)\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
  }

  private tryParse(): void {
    const head = this.buf.indexOf('\r\n\r\n');
    if (head < 0) return;
    const headers = this.buf.toString('latin1', 0, head);
    const m = /content-length:\s*(\d+)/i.exec(headers);
    if (!m) throw new Error(`bench client: answer without content-length: ${headers}`);
    const total = head + 4 + Number(m[1]);
    if (this.buf.length < total) return;
    const status = Number(headers.slice(9, 12));
    const body = this.buf.toString('utf8', head + 4, total);
    this.buf = this.buf.subarray(total);
    const done = this.waiting;
    this.waiting = null;
    this.failed = null;
    done?.({ status, body });
  }
}

class Session {
  cookie = '';
  csrf = '';
  constructor(readonly port: number) {}
  async login(password: string): Promise<void> {
    ({ cookie: this.cookie, csrf: this.csrf } = await login(this.port, password));
  }
  async get<T>(url: string): Promise<T> {
    const res = await request(this.port, 'GET', url, { cookie: this.cookie });
    if (res.status !== 200) throw new Error(`GET ${url} ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }
  async post<T>(url: string, body: unknown): Promise<T> {
    const res = await request(
      this.port,
      'POST',
      url,
      { cookie: this.cookie, 'x-csrf-token': this.csrf, 'content-type': 'application/json' },
      JSON.stringify(body),
    );
    if (res.status >= 300) throw new Error(`POST ${url} ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }
}

// ---------------------------------------------------------------- the server child

interface LoadFigures {
  seconds: number;
  writeSeconds: number;
  /** Of writeSeconds: the loader waiting for the simulation thread. */
  simWaitSeconds: number;
  rollupSeconds: number;
  /** Of rollupSeconds: the customers' rebuild. */
  customersSeconds: number;
  shopDays: number;
  shops: number;
  skus: number;
  orders: number;
  events: number;
  trafficStats: number;
  peakRssMb: number;
  /** CPU seconds of the server process (user + system) when the load ended, the migration included. */
  cpuSeconds: number;
  /** The machine's 1-minute load average when the child started and when the load ended. */
  loadAvg: [number, number];
}
interface Child {
  proc: ChildProcessByStdio<import('node:stream').Writable, import('node:stream').Readable, null>;
  next(): Promise<Record<string, unknown>>;
  send(cmd: string): void;
}

function startChild(url: string): Child {
  // YUNYING_BENCH_NODE_ARGS: extra node flags for the server process (e.g. --cpu-prof to profile it).
  const nodeArgs = (process.env.YUNYING_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', path.join(here, 'analytics-child.ts'), url, profile!, values.seed!],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: {
        ...process.env,
        YUNYING_COLLECT_BURST: '1000000',
        YUNYING_COLLECT_RATE: '1000000',
        // One client address sends every request: the per-IP and per-visitor limits are raised too.
        YUNYING_COLLECT_IP_BURST: '1000000',
        YUNYING_COLLECT_IP_RATE: '1000000',
        YUNYING_COLLECT_VISITOR_BURST: '1000000',
        YUNYING_COLLECT_VISITOR_RATE: '1000000',
        ...(values.reuse ? { YUNYING_BENCH_REUSE: '1' } : {}),
      },
    },
  );
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  let exited = false;
  readline.createInterface({ input: proc.stdout }).on('line', (l) => {
    if (!l.startsWith('{')) return;
    const w = waiters.shift();
    if (w) w(l);
    else lines.push(l);
  });
  proc.on('exit', () => {
    exited = true;
    for (const w of waiters.splice(0)) w('{"type":"exit"}');
  });
  return {
    proc,
    send: (cmd) => proc.stdin.write(cmd + '\n'),
    next: () =>
      new Promise((resolve) => {
        const l = lines.shift();
        if (l) resolve(JSON.parse(l) as Record<string, unknown>);
        else if (exited) resolve({ type: 'exit' });
        else waiters.push((x) => resolve(JSON.parse(x) as Record<string, unknown>));
      }),
  };
}

// ---------------------------------------------------------------- measurements

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Latency {
  endpoint: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Seconds since the load finished at the window's start and end (a today rebuild can happen from 60 s on). */
  windowFrom: number;
  windowTo: number;
}

interface Concurrent {
  endpoint: string;
  users: number;
  requests: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
}

/**
 * `--users` people (each logged in on its own session) each asking for `url` again as soon as the
 * previous answer arrived, `--requests` answers in all after one warm-up round → req/s and
 * p50 / p95 / p99 over every answer.
 */
async function concurrentLatency(sessions: Session[], name: string, url: string): Promise<Concurrent> {
  await Promise.all(sessions.map((s) => s.get(url)));
  const ms: number[] = [];
  let left = REQUESTS;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    sessions.map(async (s) => {
      while (left > 0) {
        left--;
        const t = performance.now();
        try {
          await s.get(url);
        } catch {
          errors++;
        }
        ms.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    endpoint: name,
    users: sessions.length,
    requests: ms.length,
    perSecond: r(ms.length / seconds),
    p50: r(pct(ms, 50)),
    p95: r(pct(ms, 95)),
    p99: r(pct(ms, 99)),
    max: r(ms[ms.length - 1]!),
    errors,
  };
}

async function latency(s: Session, name: string, url: string, readyAt: number): Promise<Latency> {
  for (let i = 0; i < WARMUP; i++) await s.get(url);
  const from = (Date.now() - readyAt) / 1000;
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await s.get(url);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    endpoint: name,
    requests: REQUESTS,
    p50: r(pct(ms, 50)),
    p95: r(pct(ms, 95)),
    p99: r(pct(ms, 99)),
    max: r(ms[ms.length - 1]!),
    windowFrom: Math.round(from),
    windowTo: Math.round((Date.now() - readyAt) / 1000),
  };
}

const TYPES = [
  ...Array<string>(10).fill('page_view'),
  ...Array<string>(6).fill('product_view'),
  'favorite',
  'add_to_cart',
  'add_to_cart',
  'begin_checkout',
];
const REFERRERS = [
  { referrer: 'https://s.taobao.com/search?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF' },
  { referrer: 'https://www.baidu.com/s?wd=t-shirt' },
  { referrer: '', utm: { source: 'ztc', medium: 'cpc', campaign: 'autumn' } },
  { referrer: 'https://weixin.qq.com/' },
  { referrer: '' },
  { referrer: 'https://www.douyin.com/video/1' },
];

/**
 * Pre-built request bodies (varied visitors, types, products, sources), so the client spends its
 * CPU on sending. Each body is kept as the text around its 50 `at` values, which are stamped at
 * send time (the batch's events 20 ms apart, ending now): a storefront's events arrive in time
 * order, and re-sending old timestamps would not be what a server sees.
 */
const AT_MARK = 987654321012345;
function collectBodies(key: string, productIds: string[], n: number): string[][] {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
  const bodies: string[][] = [];
  for (let b = 0; b < n; b++) {
    const events = [];
    for (let i = 0; i < BATCH; i++) {
      const type = TYPES[Math.floor(rnd() * TYPES.length)]!;
      const product = type === 'page_view' && rnd() < 0.5 ? undefined : productIds[Math.floor(rnd() * productIds.length)];
      const visitor = `bv_${Math.floor(rnd() * 200_000)}`;
      const ref = REFERRERS[Math.floor(rnd() * REFERRERS.length)]!;
      events.push({
        type,
        at: AT_MARK,
        visitorId: visitor,
        sessionId: `${visitor}_s1`,
        url: product ? `https://shop.example.com/item/${product}?spm=a1` : 'https://shop.example.com/',
        ...(ref.referrer ? { referrer: ref.referrer } : {}),
        ...(ref.utm ? { utm: ref.utm } : {}),
        ...(product ? { productId: product } : {}),
        ...(type === 'product_view' ? { dwellMs: Math.floor(rnd() * 120_000) } : {}),
      });
    }
    bodies.push(JSON.stringify({ key, events }).split(String(AT_MARK)));
  }
  return bodies;
}

/** A body with its events stamped 20 ms apart, the last one now. */
function stamp(parts: string[]): string {
  const now = Date.now();
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i++) out += String(now - (parts.length - 1 - i) * 20) + parts[i]!;
  return out;
}

interface Collect {
  concurrency: number;
  seconds: number;
  requests: number;
  events: number;
  eventsPerSecond: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  serverCpuPercent: number;
  /** This (client) process's CPU time during the run: near 100 % means the client, not the server, is the limit. */
  clientCpuPercent: number;
}

async function collectLoad(port: number, bodies: string[][], child: Child): Promise<Collect> {
  child.send('stats');
  const cpu0 = (await child.next()).cpuMs as number;
  const client0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + SECONDS * 1000;
  let requests = 0;
  let events = 0;
  let errors = 0;
  let firstError = '';
  const ms: number[] = [];
  const loop = async (k: number) => {
    let i = k;
    const conn = await LoadConnection.open(port);
    while (performance.now() < end) {
      const body = stamp(bodies[i++ % bodies.length]!);
      const t = performance.now();
      const res = await conn.post('/api/v1/collect', body);
      ms.push(performance.now() - t);
      requests++;
      if (res.status === 202) events += (JSON.parse(res.body) as { accepted: number }).accepted;
      else {
        errors++;
        firstError ||= `${res.status} ${res.body.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, k) => loop(k * 7)));
  LoadConnection.closeAll();
  const seconds = (performance.now() - t0) / 1000;
  const client = process.cpuUsage(client0);
  child.send('stats');
  const cpu1 = (await child.next()).cpuMs as number;
  if (firstError) console.warn(`  collect 错误示例：${firstError}`);
  ms.sort((a, b) => a - b);
  return {
    concurrency: CONCURRENCY,
    seconds: Math.round(seconds * 10) / 10,
    requests,
    events,
    eventsPerSecond: Math.round(events / seconds),
    errors,
    p50Ms: Math.round(pct(ms, 50) * 10) / 10,
    p95Ms: Math.round(pct(ms, 95) * 10) / 10,
    serverCpuPercent: Math.round(((cpu1 - cpu0) / 10 / seconds) * 10) / 10,
    clientCpuPercent: Math.round(((client.user + client.system) / 10_000 / seconds) * 10) / 10,
  };
}

interface RunResult {
  dialect: string;
  load: LoadFigures;
  latency: Latency[];
  concurrent: Concurrent[];
  /** null with --load-only. */
  collect: Collect | null;
  /** Two dashboard reads right after the collect run (the first may rebuild today with the collected events). */
  dashboardAfterCollectMs: number[];
}

const load1 = () => Math.round(os.loadavg()[0]! * 100) / 100;

async function run(dialect: string, url: string): Promise<RunResult> {
  const loadBefore = load1();
  const child = startChild(url);
  try {
    const ready = await child.next();
    if (ready.type !== 'ready') throw new Error(`服务进程没有启动：${JSON.stringify(ready)}`);
    const load: LoadFigures = { ...(ready.load as Omit<LoadFigures, 'loadAvg'>), loadAvg: [loadBefore, load1()] };
    console.log(
      `  加载 ${profile}：${load.seconds.toFixed(1)} s（写入 ${load.writeSeconds.toFixed(1)} s，其中等待模拟 ${load.simWaitSeconds.toFixed(1)} s；汇总 ${load.rollupSeconds.toFixed(1)} s = ${(load.shopDays / load.rollupSeconds).toFixed(1)} 店·天/秒，其中客户重建 ${load.customersSeconds.toFixed(1)} s；CPU ${load.cpuSeconds.toFixed(1)} s，峰值 RSS ${load.peakRssMb} MB，负载 ${load.loadAvg.join(' → ')}）`,
    );
    if (LOAD_ONLY) return { dialect, load, latency: [], concurrent: [], collect: null, dashboardAfterCollectMs: [] };
    const port = ready.port as number;
    const readyAt = ready.readyAt as number;
    const s = new Session(port);
    await s.login(ready.adminPassword as string);
    const dash = await s.get<{ shopIds: string[] }>('/api/v1/analytics/dashboard');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const from = new Date(Date.parse(today) - 29 * 86_400_000).toISOString().slice(0, 10);
    const period = `from=${from}&to=${today}`;
    const lat: Latency[] = [];
    for (const [name, u] of [
      ['dashboard', '/api/v1/analytics/dashboard'],
      ['traffic 30d', `/api/v1/analytics/traffic?${period}`],
      ['products 30d', `/api/v1/analytics/products?${period}`],
      ['trade 30d', `/api/v1/analytics/trade?${period}`],
    ] as const) {
      const l = await latency(s, name, u, readyAt);
      console.log(`  ${name}: p50 ${l.p50} ms, p95 ${l.p95} ms, max ${l.max} ms（加载后 ${l.windowFrom}–${l.windowTo} s）`);
      lat.push(l);
    }
    // 10 people at once (--users): the dashboard and the 30-day product ranking (and trade, the baseline).
    // One login shared by the clients (ten logins at once trip the login lock's failure counter
    // on a loaded machine); each client is its own connection loop, as ten browsers would be.
    const sessions = Array.from({ length: USERS }, () => s);
    const conc: Concurrent[] = [];
    for (const [name, u] of [
      ['dashboard', '/api/v1/analytics/dashboard'],
      ['products 30d', `/api/v1/analytics/products?${period}`],
      // The cheapest read of the four, as a baseline: what ten queued requests cost on this machine whatever they compute.
      ['trade 30d', `/api/v1/analytics/trade?${period}`],
    ] as const) {
      const c = await concurrentLatency(sessions, name, u);
      console.log(`  ${name} ×${c.users}: ${c.perSecond} 次/秒, p50 ${c.p50} ms, p95 ${c.p95} ms, p99 ${c.p99} ms, max ${c.max} ms`);
      conc.push(c);
    }
    const products = await s.get<{ items: { productId: string }[] }>(`/api/v1/analytics/products?${period}&pageSize=50`);
    const key = await s.post<{ key: string }>('/api/v1/traffic/keys', { shopId: dash.shopIds[0], allowedOrigins: [] });
    const bodies = collectBodies(
      key.key,
      products.items.map((p) => p.productId),
      400,
    );
    const collect = await collectLoad(port, bodies, child);
    console.log(
      `  collect：${collect.eventsPerSecond} 事件/秒（${collect.requests} 次请求，${collect.errors} 错误，服务进程 CPU ${collect.serverCpuPercent}%，客户端 CPU ${collect.clientCpuPercent}%）`,
    );
    const after: number[] = [];
    for (let i = 0; i < 2; i++) {
      const t = performance.now();
      await s.get('/api/v1/analytics/dashboard');
      after.push(Math.round(performance.now() - t));
    }
    console.log(`  collect 后工作台：${after.join(' ms, ')} ms`);
    return { dialect, load, latency: lat, concurrent: conc, collect, dashboardAfterCollectMs: after };
  } finally {
    child.send('stop');
    const done = await Promise.race([child.next(), new Promise<null>((r) => setTimeout(() => r(null), 30_000))]);
    if (!done) child.proc.kill();
  }
}

// ---------------------------------------------------------------- main

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-bench-analytics-'));
const results: RunResult[] = [];
try {
  if (values.reuse) {
    const pgUrl = /^postgres(ql)?:\/\//.test(values.reuse);
    console.log(`重新测量 ${values.reuse} …`);
    results.push(await run(pgUrl ? 'postgres' : 'sqlite', pgUrl ? values.reuse : `sqlite:${values.reuse}`));
  }
  if (!values.reuse && !values['no-sqlite']) {
    console.log('SQLite …');
    results.push(await run('sqlite', `sqlite:${path.join(dir, 'bench.db')}`));
  }
  if (!values.reuse && !values['no-pg']) {
    const name = `yy_bench_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    let connected = false;
    try {
      await admin.connect();
      connected = true;
      await admin.query(`create database ${name}`);
      const u = new URL(PG_ADMIN_URL);
      u.pathname = `/${name}`;
      console.log('PostgreSQL …');
      results.push(await run('postgres', u.toString()));
    } catch (err) {
      console.warn(`PostgreSQL 跳过：${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (connected) {
        if (values.keep) console.log(`保留 PostgreSQL 数据库 ${name}`);
        else await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
        await admin.end();
      }
    }
  }
} finally {
  closeConnections();
  if (values.keep) console.log(`保留 SQLite 数据库 ${path.join(dir, 'bench.db')}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

const report = {
  benchmark: 'analytics',
  profile,
  seed: Number(values.seed),
  requests: REQUESTS,
  warmup: WARMUP,
  collect: { concurrency: CONCURRENCY, seconds: SECONDS, batch: BATCH, rateLimit: 'raised (YUNYING_COLLECT_*_BURST/_RATE=1000000)' },
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? '',
  loadavg: os.loadavg(),
  at: new Date().toISOString(),
  results,
};
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
const outName = LOAD_ONLY ? 'analytics-load' : 'analytics';
const outFile = path.join(here, 'results', profile === 'large' ? `${outName}.json` : `${outName}-${profile}.json`);
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');

console.log(`\n演示数据 ${profile}（种子 ${values.seed}）\n`);
console.log('| 数据库 | 加载 (s) | 写入 (s) | 汇总 (s) | 汇总 店·天/秒 | CPU (s) | 峰值 RSS (MB) | 负载 (前 → 后) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const l = r.load;
  console.log(
    `| ${r.dialect} | ${l.seconds.toFixed(1)} | ${l.writeSeconds.toFixed(1)} | ${l.rollupSeconds.toFixed(1)} | ${(l.shopDays / l.rollupSeconds).toFixed(1)} | ${l.cpuSeconds.toFixed(1)} | ${l.peakRssMb} | ${l.loadAvg.join(' → ')} |`,
  );
}
if (LOAD_ONLY) {
  console.log(`
结果已写入 ${path.relative(process.cwd(), outFile)}`);
  process.exit(0);
}
console.log(`\n| 数据库 | 接口 | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | 加载后 (s) |`);
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const r of results)
  for (const l of r.latency)
    console.log(`| ${r.dialect} | ${l.endpoint} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} | ${l.windowFrom}–${l.windowTo} |`);
console.log(`\n| 数据库 | 接口 | 同时在线 | 次/秒 | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | 错误 |`);
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results)
  for (const c of r.concurrent)
    console.log(`| ${r.dialect} | ${c.endpoint} | ${c.users} | ${c.perSecond} | ${c.p50} | ${c.p95} | ${c.p99} | ${c.max} | ${c.errors} |`);
console.log(
  `\n| 数据库 | 并发 | 事件/秒 | 请求 | 错误 | 请求 p50 (ms) | 请求 p95 (ms) | 服务进程 CPU | 客户端 CPU | collect 后工作台 (ms) |`,
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
for (const r of results) {
  const c = r.collect;
  if (!c) continue;
  console.log(
    `| ${r.dialect} | ${c.concurrency} | ${c.eventsPerSecond} | ${c.requests} | ${c.errors} | ${c.p50Ms} | ${c.p95Ms} | ${c.serverCpuPercent}% | ${c.clientCpuPercent}% | ${r.dashboardAfterCollectMs.join(' / ')} |`,
  );
}
console.log(`\n加载后 60 s 起，读取会重建当天汇总（每店每分钟至多一次），落在该时间窗内的请求可能包含重建。`);
console.log(`结果已写入 ${path.relative(process.cwd(), outFile)}`);
