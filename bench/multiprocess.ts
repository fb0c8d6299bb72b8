/**
 * `npm run bench -- multiprocess [--orders 50000] [--seconds 8] [--concurrency 20] [--rounds 2]
 *  [--workers 1,2] [--reuse]`: the gain from one to two server processes on one PostgreSQL database
 * (issue 10 item 5, docs/scaling.md "Several processes").
 *
 * bench/orders-child.ts loads N orders into one shop and makes 20 SKUs with ample stock (kept in
 * `yy_bench_mp_<N>` with --reuse); then for each worker count the real server is started as
 * `yunying start` with YUNYING_WORKERS=n (node:cluster, the workers share the port; ports
 * 3150/3151) and this process is the client, logged in as the owner, with `--concurrency` clients
 * for `--seconds` each:
 *
 * - order list, first page (newest first) → req/s, p50 / p95;
 * - order list, a filtered page (status 待发货 + amount ≥ ¥50) → req/s, p50 / p95;
 * - order creation, 1 line → orders/s, p50 / p95 / p99.
 *
 * The worker counts alternate for `--rounds` rounds (1, 2, 1, 2 …) so a change in the shared
 * machine's load falls on both; every figure carries the 1-minute load average when it was taken.
 * Prints a markdown table and writes bench/results/multiprocess.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import * as loadgen from './loadgen.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '../packages/server/bin/yunying.mjs');
const PG_ADMIN_URL = process.env.YUNYING_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PORT = Number(process.env.YUNYING_BENCH_PORT ?? 3150);

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    orders: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    workers: { type: 'string', default: '1,2' },
    reuse: { type: 'boolean', default: false },
  },
});
const N = Number(values.orders);
const SECONDS = Number(values.seconds);
const CONC = Number(values.concurrency);
const ROUNDS = Number(values.rounds);
const WORKERS = values.workers.split(',').map(Number);
if (!Number.isInteger(N) || N < 1) throw new Error('--orders 必须是正整数');
if (WORKERS.some((w) => !Number.isInteger(w) || w < 1)) throw new Error('--workers 形如 1,2');

/** A request to the server under test (bench/loadgen.ts on this benchmark's port). */
const request = (method: string, url: string, headers: Record<string, string>, body?: string) =>
  loadgen.request(PORT, method, url, headers, body);

async function freshDatabase(): Promise<string> {
  const name = `yy_bench_mp_${N}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  await admin.connect();
  try {
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (exists && !values.reuse) await admin.query(`drop database ${name} with (force)`);
    if (!exists || !values.reuse) await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

interface Seeded {
  adminPassword: string;
  shopId: string;
  skus: string[];
}

/** Load the orders and the SKUs with bench/orders-child.ts, then stop it. */
function seed(url: string): Promise<Seeded> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'orders-child.ts'), url, String(N)], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, YUNYING_BENCH_PORT: String(PORT + 1) },
  });
  const lines = readline.createInterface({ input: proc.stdout });
  return new Promise((resolve, reject) => {
    proc.on('exit', (code) => reject(new Error(`载入进程退出（${code}）`)));
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as { type: string } & Seeded;
      if (msg.type !== 'ready') return;
      proc.removeAllListeners('exit');
      proc.on('exit', () => resolve(msg));
      proc.stdin.write('stop\n');
    });
  });
}

async function startServer(url: string, workers: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: url,
      YUNYING_WORKERS: String(workers),
      YUNYING_DEMO: '0',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`服务进程退出（${child.exitCode}）`);
    try {
      if ((await request('GET', '/readyz', {})).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('服务 120 秒内未就绪');
    await new Promise((r) => setTimeout(r, 200));
  }
  // With a cluster, /readyz answers once the first worker listens; the primary prints its line
  // when all are ready. Give the others the same chance before measuring.
  if (workers > 1) await new Promise((r) => setTimeout(r, 3000));
  return child;
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Figures extends loadgen.Figures {
  /** Share of all cores busy during the run (Linux /proc/stat; -1 elsewhere): the headroom left. */
  busy: number;
  /** CPU used by the server processes during the run, in % of one core (Linux). */
  serverCpu: number;
}

/** CPU jiffies (user + system, 1/100 s) of a process and its children (the cluster's workers). */
function processJiffies(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(f[11]) + Number(f[12]);
    const kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return own + kids.reduce((a, k) => a + processJiffies(k), 0);
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of all cores (the first line of /proc/stat). */
function cpuTimes(): { busy: number; total: number } | null {
  try {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** loadgen's load, with how busy the cores and the server processes were meanwhile. */
async function load(
  concurrency: number,
  call: () => Promise<boolean>,
  opts: { total?: number; seconds?: number; serverPid?: number | undefined },
): Promise<Figures> {
  const server0 = processJiffies(opts.serverPid);
  const cpu0 = cpuTimes();
  const f = await loadgen.load(concurrency, call, opts);
  const cpu1 = cpuTimes();
  return {
    ...f,
    serverCpu: Math.round((processJiffies(opts.serverPid) - server0) / f.seconds),
    busy: cpu0 && cpu1 && cpu1.total > cpu0.total ? Math.round(((cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total)) * 100) : -1,
  };
}

interface Row {
  workers: number;
  round: number;
  figure: string;
  r: Figures;
}

async function measure(url: string, seeded: Seeded, workers: number, round: number): Promise<Row[]> {
  const server = await startServer(url, workers);
  const rows: Row[] = [];
  try {
    const { cookie, csrf } = await loadgen.login(PORT, seeded.adminPassword);
    let failure = '';
    const get = (u: string) => async () => {
      const res = await request('GET', u, { cookie });
      if (res.status !== 200 && !failure) failure = `${res.status} ${res.body.slice(0, 200)}`;
      return res.status === 200;
    };
    const create = async () => {
      const body = JSON.stringify({
        shopId: seeded.shopId,
        lines: [{ skuId: seeded.skus[0], qty: 1 }],
        buyerNick: 'tb_多进程压测',
        receiverName: '压测',
        receiverPhone: '13812345678',
        receiverAddress: '浙江省杭州市西湖区文三路 100 号',
        paid: true,
      });
      const res = await request('POST', '/api/v1/orders', { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body);
      if (res.status !== 201 && !failure) failure = `${res.status} ${res.body.slice(0, 200)}`;
      return res.status === 201;
    };
    const runs: [string, () => Promise<boolean>][] = [
      ['订单列表 首页', get('/api/v1/orders?page=1&pageSize=20')],
      ['订单列表 筛选页', get(`/api/v1/orders?page=1&pageSize=20&status=paid&minPaid=50&shopId=${seeded.shopId}`)],
      ['创建订单 1 行', create],
    ];
    // Warm-up of every figure before any is measured: each process compiles its hot paths on its
    // own (two processes spend twice the JIT time, which fell on the first figure otherwise), and
    // every client's keep-alive connection is open before the clock starts (the cluster's primary
    // hands each new connection to the next worker in turn).
    for (const [, call] of runs) await load(CONC, call, { seconds: 3 });
    for (const [figure, call] of runs) {
      const r = await load(CONC, call, { seconds: SECONDS, serverPid: server.pid });
      rows.push({ workers, round, figure, r });
      console.log(
        `  ${workers} 个进程 第 ${round} 轮 ${figure} 并发 ${CONC}: ${r.perSecond}/秒 p50 ${r.p50} p95 ${r.p95} p99 ${r.p99} ms（负载 ${r.load}，CPU 忙 ${r.busy}%，服务进程 ${r.serverCpu}% 核）${r.errors ? ` 失败 ${r.errors}（${failure}）` : ''}`,
      );
    }
  } finally {
    await stopServer(server);
  }
  return rows;
}

console.log(`多进程基准：PostgreSQL，${N} 个订单，并发 ${CONC}，每项 ${SECONDS} 秒，进程数 ${WORKERS.join(' / ')}，${ROUNDS} 轮`);
console.log(
  `机器：${os.cpus().length} 核 ${os.cpus()[0]?.model ?? ''}，负载 ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
const url = await freshDatabase();
const t0 = Date.now();
const seeded = await seed(url);
console.log(`  载入用时 ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const rows: Row[] = [];
for (let round = 1; round <= ROUNDS; round++) for (const w of WORKERS) rows.push(...(await measure(url, seeded, w, round)));

// Per figure and worker count: the mean over the rounds; the gain against the first count.
const figures = [...new Set(rows.map((r) => r.figure))];
const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)) * 10) / 10;
console.log(`\n| 指标（并发 ${CONC}） | ${WORKERS.map((w) => `${w} 个进程 /秒（p95 ms）`).join(' | ')} | 提升 | 负载 | CPU 忙 |`);
console.log(`|---|${WORKERS.map(() => '---|').join('')}---|---|---|`);
const summary = figures.map((figure) => {
  const by = WORKERS.map((w) => rows.filter((r) => r.figure === figure && r.workers === w));
  const rates = by.map((rs) => mean(rs.map((x) => x.r.perSecond)));
  const p95s = by.map((rs) => mean(rs.map((x) => x.r.p95)));
  const loads = rows.filter((r) => r.figure === figure).map((r) => r.r.load);
  const gain = rates[0] ? Math.round((rates[rates.length - 1]! / rates[0]) * 100) / 100 : 0;
  const busy = rows.filter((r) => r.figure === figure).map((r) => r.r.busy);
  console.log(
    `| ${figure} | ${rates.map((r, i) => `${r}（${p95s[i]}）`).join(' | ')} | ×${gain} | ${Math.min(...loads)}–${Math.max(...loads)} | ${Math.min(...busy)}–${Math.max(...busy)}% |`,
  );
  return { figure, workers: WORKERS, perSecond: rates, p95: p95s, gain, load: [Math.min(...loads), Math.max(...loads)] };
});
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(
  path.join(here, 'results', 'multiprocess.json'),
  JSON.stringify(
    {
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', memGiB: Math.round(os.totalmem() / 2 ** 30) },
      orders: N,
      concurrency: CONC,
      seconds: SECONDS,
      rounds: rows,
      summary,
    },
    null,
    2,
  ),
);
loadgen.closeConnections();
