/**
 * `npm run bench -- orders [--orders 1000000] [--reuse] [--no-pg] [--no-sqlite] [--requests 400]
 *  [--seconds 8]`: for SQLite and PostgreSQL in turn, a child process (bench/orders-child.ts)
 * loads N orders into one shop (kept between runs with --reuse: the SQLite file and the
 * PostgreSQL database are named by N and only the missing orders are loaded) and serves them;
 * this process is the client, logged in as the owner:
 *
 * - order creation: `--requests` POST /api/v1/orders of 1 line and of 20 lines, at 10 and at 50
 *   concurrent clients → orders/s, p50 / p95 / p99;
 * - order list at 10 concurrent clients for `--seconds` each: the first page (newest first), a
 *   filtered page (status 待发货 + amount ≥ ¥50), a deep page (the cursor half-way down the list)
 *   → req/s, p50 / p95;
 * - the dashboard and the 30-day product ranking at 10 concurrent clients on the same database
 *   (each viewed once first: that view rebuilds the days the load marked; its time is printed).
 *
 * Every figure carries the machine's load average when it was measured (a shared machine).
 *
 * Prints a markdown table and writes bench/results/orders.json (the latest run; it names N).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { closeConnections, load, login, request, type Figures } from './loadgen.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PG_ADMIN_URL = process.env.YUNYING_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    orders: { type: 'string', default: '1000000' },
    reuse: { type: 'boolean', default: false },
    'no-pg': { type: 'boolean', default: false },
    'no-sqlite': { type: 'boolean', default: false },
    requests: { type: 'string', default: '400' },
    seconds: { type: 'string', default: '8' },
    // Only the creation runs (no list, dashboard or ranking): to iterate on the write path.
    'create-only': { type: 'boolean', default: false },
    // A V8 CPU profile of the server process during the creation runs, written to this folder.
    'cpu-prof': { type: 'string' },
  },
});
const N = Number(values.orders);
const REQUESTS = Number(values.requests);
const SECONDS = Number(values.seconds);
if (!Number.isInteger(N) || N < 1) throw new Error('--orders 必须是正整数');

interface Ready {
  port: number;
  adminPassword: string;
  shopId: string;
  skus: string[];
  deepCursor: string | null;
  loaded: number;
  kept: number;
  loadSeconds: number;
}

/** CPU ms (user + system) a process has used so far, from /proc (Linux); 0 where there is none. */
function cpuMsOf(pid: number): number {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) in clock ticks of 10 ms; the slice starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

interface Child {
  ready: Ready;
  pid: number;
  send: (line: string) => void;
  stop: () => Promise<void>;
}

function startChild(url: string): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'orders-child.ts'), url, String(N)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, YUNYING_RATE_LIMIT: '0' },
  });
  const lines = readline.createInterface({ input: proc.stdout });
  return new Promise((resolve, reject) => {
    proc.on('exit', (code) => reject(new Error(`服务进程退出（${code}）`)));
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { type: string } & Ready;
      if (msg.type === 'ready') {
        resolve({
          ready: msg,
          pid: proc.pid!,
          send: (l) => proc.stdin.write(l + '\n'),
          stop: () =>
            new Promise<void>((done) => {
              proc.removeAllListeners('exit');
              proc.on('exit', () => done());
              proc.stdin.write('stop\n');
            }),
        });
      }
    });
  });
}

/**
 * The CPU the server used per order: its own process's and, on PostgreSQL, that of the backends
 * connected to the benchmark's database (read from /proc; the server's pool keeps them open).
 */
async function cpuMeter(pid: number, pgDb: string | undefined) {
  const backends = async (): Promise<number[]> => {
    if (!pgDb) return [];
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const r = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
        pgDb,
      ]);
      return r.rows.map((x) => x.pid);
    } finally {
      await admin.end();
    }
  };
  const before = new Map((await backends()).map((p) => [p, cpuMsOf(p)]));
  const server = cpuMsOf(pid);
  return async () => {
    // Backends opened during the run count whole.
    let pgMs = 0;
    for (const p of new Set([...before.keys(), ...(await backends())])) pgMs += cpuMsOf(p) - (before.get(p) ?? 0);
    return { server: cpuMsOf(pid) - server, pg: pgMs };
  };
}

async function measure(dialect: string, url: string, pgDb?: string) {
  console.log(`${dialect}：准备 ${N} 个订单 …`);
  const { ready, stop, pid, send } = await startChild(url);
  console.log(`  载入 ${ready.loaded} 个（保留 ${ready.kept} 个），用时 ${ready.loadSeconds.toFixed(1)} s`);
  const port = ready.port;
  try {
    const { cookie, csrf } = await login(port, ready.adminPassword);
    const get = async (u: string) => (await request(port, 'GET', u, { cookie })).status === 200;
    let failure = '';
    const create = (lines: number) => async () => {
      const body = JSON.stringify({
        shopId: ready.shopId,
        lines: ready.skus.slice(0, lines).map((skuId) => ({ skuId, qty: 1 })),
        buyerNick: 'tb_压测',
        receiverName: '压测',
        receiverPhone: '13812345678',
        receiverAddress: '浙江省杭州市西湖区文三路 100 号',
        paid: true,
      });
      const res = await request(port, 'POST', '/api/v1/orders', { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body);
      if (res.status !== 201 && !failure) failure = `${res.status} ${res.body.slice(0, 200)}`;
      return res.status === 201;
    };
    const rows: { figure: string; concurrency: number; r: Figures; firstMs?: number; cpuMsPerOrder?: { server: number; pg: number } }[] =
      [];
    // Warm-up (statement caches, JIT).
    await load(5, create(1), { total: 50 });
    if (values['cpu-prof']) send(`prof-start`);
    for (const lines of [1, 20]) {
      for (const concurrency of [10, 50]) {
        // One request per client first, so every client has its keep-alive connection before the
        // clock starts (as load tools do): connections opened while the server is saturated were
        // served only after the others' whole run (p95 = the run's length; see docs/scaling.md).
        await load(concurrency, create(lines), { total: concurrency });
        const meter = await cpuMeter(pid, pgDb);
        const r = await load(concurrency, create(lines), { total: REQUESTS });
        const used = await meter();
        const cpu = { server: Math.round((used.server / r.n) * 100) / 100, pg: Math.round((used.pg / r.n) * 100) / 100 };
        rows.push({ figure: `创建订单 ${lines} 行`, concurrency, r, cpuMsPerOrder: cpu });
        console.log(
          `  创建订单 ${lines} 行 并发 ${concurrency}: ${r.perSecond} 单/秒 p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms，CPU 每单 服务 ${cpu.server} ms${pgDb ? ` + PostgreSQL ${cpu.pg} ms` : ''}（负载 ${r.load}）${r.errors ? ` 失败 ${r.errors}（${failure}）` : ''}`,
        );
      }
    }
    if (values['cpu-prof']) {
      const file = path.resolve(values['cpu-prof'], `orders-${dialect}-${Date.now()}.cpuprofile`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      send(`prof-stop ${file}`);
      console.log(`  CPU 剖析：${file}`);
    }
    if (values['create-only']) return { dialect, loadSeconds: ready.loadSeconds, loaded: ready.loaded, rows };
    const lists: [string, string][] = [
      ['订单列表 首页', '/api/v1/orders?page=1&pageSize=20'],
      ['订单列表 筛选页', `/api/v1/orders?page=1&pageSize=20&status=paid&minPaid=50&shopId=${ready.shopId}`],
      ['订单列表 深页（游标）', `/api/v1/orders?page=2500&pageSize=20&cursor=${encodeURIComponent(ready.deepCursor ?? '')}`],
    ];
    // The dashboard and the 30-day product ranking on the loaded database (the shop's business
    // days; the first view rebuilds the days the load marked, so each is viewed once first).
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const from = new Date(Date.parse(today) - 29 * 86_400_000).toISOString().slice(0, 10);
    const reads: [string, string][] = [
      ...lists,
      ['看板', '/api/v1/analytics/dashboard'],
      ['商品排行 30 天', `/api/v1/analytics/products?from=${from}&to=${today}`],
    ];
    for (const [figure, u] of reads) {
      const t0 = performance.now();
      if (!(await get(u))) throw new Error(`${figure} 请求失败：${u}`);
      const first = Math.round(performance.now() - t0);
      await load(2, () => get(u), { total: 10 });
      const r = await load(10, () => get(u), { seconds: SECONDS });
      rows.push({ figure, concurrency: 10, r, firstMs: first });
      console.log(
        `  ${figure} 并发 10: ${r.perSecond} 次/秒 p50 ${r.p50} p95 ${r.p95} ms（首次 ${first} ms，负载 ${r.load}）${r.errors ? ` 失败 ${r.errors}` : ''}`,
      );
    }
    return { dialect, loadSeconds: ready.loadSeconds, loaded: ready.loaded, rows };
  } finally {
    await stop();
  }
}

const startLoad = os.loadavg();
const results = [];
const dataDir = path.join(os.tmpdir(), 'yy-bench-orders');
fs.mkdirSync(dataDir, { recursive: true });
if (!values['no-sqlite']) {
  const file = path.join(dataDir, `orders-${N}.db`);
  if (!values.reuse) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  results.push(await measure('sqlite', `sqlite:${file}`));
}
if (!values['no-pg']) {
  const name = `yy_bench_orders_${N}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount;
    if (exists && !values.reuse) await admin.query(`drop database ${name} with (force)`);
    if (!exists || !values.reuse) await admin.query(`create database ${name}`);
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${name}`;
    results.push(await measure('postgres', u.toString(), name));
  } catch (err) {
    console.warn(`PostgreSQL 跳过：${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await admin.end().catch(() => {});
  }
}
closeConnections();

const report = {
  benchmark: 'orders',
  orders: N,
  reuse: values.reuse,
  requests: REQUESTS,
  seconds: SECONDS,
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? '',
  cpuList: os.cpus().map((c) => ({ model: c.model, speedMhz: c.speed })),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  memoryGb: Math.round(os.totalmem() / 1024 ** 3),
  loadAverage: { atStart: startLoad, atEnd: os.loadavg() },
  at: new Date().toISOString(),
  results,
};
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
// The latest run, whatever its size (the report names the order count).
const outFile = path.join(here, 'results', 'orders.json');
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');

console.log(
  `\n${N} 个订单，${os.cpus().length} 核 ${report.cpu}，Node ${process.version}；负载（1/5/15 分钟）开始 ${startLoad.map((x) => x.toFixed(2)).join(' / ')}，结束 ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ')}\n`,
);
console.log('| 数据库 | 项目 | 并发 | 每秒 | p50 (ms) | p95 (ms) | p99 (ms) | CPU 每单 服务 + PG (ms) | 失败 | 负载 |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const res of results) {
  for (const { figure, concurrency, r, cpuMsPerOrder: c } of res.rows) {
    console.log(
      `| ${res.dialect} | ${figure} | ${concurrency} | ${r.perSecond} | ${r.p50} | ${r.p95} | ${r.p99} | ${c ? `${c.server} + ${c.pg}` : ''} | ${r.errors} | ${r.load} |`,
    );
  }
}
console.log(`\n结果已写入 ${path.relative(process.cwd(), outFile)}`);
process.exit(0);
