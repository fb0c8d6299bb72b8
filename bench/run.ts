/**
 * Benchmarks. `npm run bench -- import [--lines 200000] [--no-pg] [--pg]`: generate a Taobao-format
 * order report + items file (GBK, 2 items per order) and import them into a fresh SQLite file
 * and a fresh PostgreSQL database (above 200,000 lines only with `--pg`), each in its own process;
 * then write the same number of order and line rows straight into another fresh database with the
 * import's bulk writer (`import-child.ts --raw`: no file, parsing, checks or lookups), so the import's
 * lines/s reads as a fraction of what the database itself takes. Print lines/s, the raw rate, the
 * fraction, CPU seconds, peak RSS and the load average as a markdown table and write
 * bench/results/import.json. With `--customers` each
 * database is imported twice more, with the customers module's marking switched off and on (as in
 * production, then the customers brought up to date), and the throughput loss is printed.
 * `npm run bench -- analytics [--profile large|small]`: see bench/analytics.ts.
 * `npm run bench -- orders [--orders 1000000] [--reuse]`: see bench/orders.ts.
 * `npm run bench -- pricing [--runs 20000]`: pricing engine p50/p99, see bench/pricing.ts.
 * `npm run bench -- service [--rows 20000]`: review/chat import, service figures, staffing, see bench/service.ts.
 * `npm run bench -- rfm [--customers 1000000] [--pg]`: RFM recompute at scale, see bench/rfm.ts.
 * `npm run bench -- login [--runs 7]`: the login page's time to interactive and bytes, see bench/login.ts.
 * `npm run bench -- customers [--orders 1000000] [--pg]`: whole-shop customers rebuild, see bench/customers.ts.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import iconv from 'iconv-lite';
import pg from 'pg';

// `npm run bench -- service …`: reviews/chats import, service figures and staffing (bench/service.ts).
if (process.argv[2] === 'service') {
  await import('./service.js');
  process.exit(0);
}
// `npm run bench -- login`: the login page's time to interactive and bytes (bench/login.ts).
if (process.argv[2] === 'login') {
  await import('./login.js');
  process.exit(0);
}
// `npm run bench -- analytics …`: demo load, analytics latency and collect throughput (bench/analytics.ts).
if (process.argv[2] === 'analytics') {
  await import('./analytics.js');
  process.exit(0);
}
// `npm run bench -- pricing …`: the pricing engine on 20- and 200-line carts (bench/pricing.ts).
if (process.argv[2] === 'pricing') {
  await import('./pricing.js');
  process.exit(0);
}
// `npm run bench -- rfm …`: RFM recompute over N customers (bench/rfm.ts).
if (process.argv[2] === 'rfm') {
  await import('./rfm.js');
  process.exit(0);
}
// `npm run bench -- customers …`: the whole-shop customers rebuild over N orders (bench/customers.ts).
if (process.argv[2] === 'customers') {
  await import('./customers.js');
  process.exit(0);
}
// `npm run bench -- orders …`: order creation and the order list at N orders (bench/orders.ts).
if (process.argv[2] === 'orders') {
  await import('./orders.js');
  process.exit(0);
}
// `npm run bench -- multiprocess …`: one and two server processes on one PostgreSQL (bench/multiprocess.ts).
if (process.argv[2] === 'multiprocess') {
  await import('./multiprocess.js');
  process.exit(0);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const PG_ADMIN_URL = process.env.YUNYING_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    lines: { type: 'string', default: '200000' },
    'no-pg': { type: 'boolean', default: false },
    pg: { type: 'boolean', default: false },
    customers: { type: 'boolean', default: false },
  },
});
const which = positionals[0] ?? 'import';
if (which !== 'import') {
  console.error(`未知的基准测试「${which}」：可用 import、analytics、orders`);
  process.exit(2);
}
const totalLines = Number(values.lines);
if (!Number.isInteger(totalLines) || totalLines < 2) throw new Error('--lines 必须是 ≥ 2 的整数');

const ORDER_HEADERS =
  '订单编号,买家会员名,买家应付货款,买家应付邮费,买家实际支付金额,订单状态,买家留言,收货人姓名,收货地址,联系手机,订单创建时间,订单付款时间,宝贝标题,物流单号,物流公司,订单备注,宝贝总数量,退款金额,发货时间';
const ITEM_HEADERS = '订单编号,标题,价格,购买数量,外部系统编号,商品属性,商家编码,订单状态,退款状态';
const STATUSES = ['买家已付款，等待卖家发货', '卖家已发货，等待买家确认', '交易成功', '交易成功', '交易关闭'];

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Write the two files in 10,000-order chunks (GBK), never holding them whole. */
function generate(dir: string, orders: number): { ordersFile: string; itemsFile: string } {
  const ordersFile = path.join(dir, 'orders.csv');
  const itemsFile = path.join(dir, 'items.csv');
  const fo = fs.openSync(ordersFile, 'w');
  const fi = fs.openSync(itemsFile, 'w');
  fs.writeSync(fo, iconv.encode(ORDER_HEADERS + '\r\n', 'gbk'));
  fs.writeSync(fi, iconv.encode(ITEM_HEADERS + '\r\n', 'gbk'));
  const base = Date.UTC(2026, 0, 1);
  for (let start = 0; start < orders; start += 10_000) {
    const o: string[] = [];
    const it: string[] = [];
    for (let i = start; i < Math.min(orders, start + 10_000); i++) {
      const no = String(3_000_000_000_000_000_000n + BigInt(i));
      const t = new Date(base + i * 37_000);
      const ts = `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())} ${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
      const p1 = 1990 + (i % 50) * 100;
      const p2 = 5900 + (i % 7) * 100;
      const q1 = 1 + (i % 3);
      const goods = p1 * q1 + p2;
      const shipping = i % 4 === 0 ? 600 : 0;
      const paid = goods + shipping - (i % 5 === 0 ? 500 : 0);
      const y = (f: number) => `${Math.floor(f / 100)}.${pad(f % 100)}`;
      const status = STATUSES[i % STATUSES.length]!;
      const shipped = status.startsWith('卖家已发货') || status === '交易成功';
      o.push(
        [
          `="${no}"`,
          `buyer_${i % 50_000}`,
          y(goods),
          y(shipping),
          y(paid),
          status,
          i % 10 === 0 ? '请尽快发货，谢谢' : '',
          `收货人${i % 1000}`,
          `浙江省 杭州市 西湖区 文三路 ${i % 500} 号`,
          `="138${String(i % 100_000_000).padStart(8, '0')}"`,
          ts,
          ts,
          '保温杯 500ml 等2件',
          shipped ? `="75${String(i).padStart(12, '0')}"` : '',
          shipped ? '中通快递' : '',
          '',
          String(q1 + 1),
          '0.00',
          shipped ? ts : '',
        ].join(','),
      );
      it.push(`="${no}",保温杯 500ml,${y(p1)},${q1},,颜色分类:蓝色,CUP-${i % 200},${status.includes('，') ? `"${status}"` : status},`);
      it.push(`="${no}",纯棉T恤,${y(p2)},1,TEE-${i % 5},尺码:M,,${status.includes('，') ? `"${status}"` : status},`);
    }
    fs.writeSync(fo, iconv.encode(o.join('\r\n') + '\r\n', 'gbk'));
    fs.writeSync(fi, iconv.encode(it.join('\r\n') + '\r\n', 'gbk'));
  }
  fs.closeSync(fo);
  fs.closeSync(fi);
  return { ordersFile, itemsFile };
}

interface RunResult {
  dialect: string;
  lines: number;
  orders: number;
  seconds: number;
  linesPerSecond: number;
  /** The orders file was read in a worker thread (≥ 4 cores or YUNYING_IMPORT_WORKER_BYTES). */
  readInWorker?: boolean;
  /** Peak RSS of the import itself; peakRssMb includes the customers' refresh after it. */
  importPeakRssMb?: number;
  peakRssMb: number;
  errors: number;
  cpuSeconds: number;
  customersSeconds: number;
  customersCpuSeconds: number;
  /** 1-minute load average when the import started and when it ended. */
  load?: [number, number];
  /** The same rows written straight into a fresh database (import-child.ts --raw). */
  raw?: { seconds: number; cpuSeconds: number; linesPerSecond: number; peakRssMb: number; load: [number, number] };
}

const load1 = () => Math.round(os.loadavg()[0]! * 10) / 10;

/** The raw insert rate of the same number of rows on a fresh database of the same kind. */
function runRaw(url: string, orders: number): NonNullable<RunResult['raw']> {
  const before = load1();
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(here, 'import-child.ts'), url, '--raw', String(orders)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const r = JSON.parse(out.trim().split('\n').pop()!) as Omit<NonNullable<RunResult['raw']>, 'load'>;
  return { ...r, load: [before, load1()] };
}

function runChild(url: string, files: { ordersFile: string; itemsFile: string }, customers = true): Omit<RunResult, 'dialect'> {
  const before = load1();
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'import-child.ts'), url, files.ordersFile, files.itemsFile],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, YUNYING_BENCH_CUSTOMERS: customers ? 'on' : 'off' },
    },
  );
  const last = out.trim().split('\n').pop()!;
  return { ...(JSON.parse(last) as Omit<RunResult, 'dialect'>), load: [before, load1()] };
}

// YUNYING_BENCH_KEEP=<dir>: generate there and keep the files (for profiling one import by hand).
const keep = process.env.YUNYING_BENCH_KEEP;
const dir = keep ? (fs.mkdirSync(keep, { recursive: true }), keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'yy-bench-'));
const results: RunResult[] = [];
/** --customers: the same import with the customers module's marking off (the baseline). */
const baselines: RunResult[] = [];
try {
  const orders = Math.floor(totalLines / 2);
  const t0 = performance.now();
  const files = generate(dir, orders);
  const mb = (f: string) => (fs.statSync(f).size / 1024 / 1024).toFixed(1);
  console.log(
    `生成 ${orders} 个订单 / ${orders * 2} 行商品（GBK）：订单文件 ${mb(files.ordersFile)} MB，宝贝文件 ${mb(files.itemsFile)} MB，用时 ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const sqliteFile = path.join(dir, 'bench.db');
  if (values.customers) {
    console.log('SQLite，客户标记关闭 …');
    baselines.push({ dialect: 'sqlite', ...runChild(`sqlite:${path.join(dir, 'bench-off.db')}`, files, false) });
  }
  console.log('SQLite …');
  results.push({ dialect: 'sqlite', ...runChild(`sqlite:${sqliteFile}`, files) });
  fs.rmSync(sqliteFile, { force: true });
  console.log('SQLite，裸插入 …');
  results.at(-1)!.raw = runRaw(`sqlite:${path.join(dir, 'bench-raw.db')}`, orders);
  fs.rmSync(path.join(dir, 'bench-raw.db'), { force: true });

  const skipPg = values['no-pg'] || (totalLines > 200_000 && !values.pg);
  if (!skipPg) {
    const name = `yy_bench_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
    let connected = false;
    try {
      await admin.connect();
      connected = true;
      await admin.query(`create database ${name}`);
      const u = new URL(PG_ADMIN_URL);
      if (values.customers) {
        await admin.query(`create database ${name}_off`);
        u.pathname = `/${name}_off`;
        console.log('PostgreSQL，客户标记关闭 …');
        baselines.push({ dialect: 'postgres', ...runChild(u.toString(), files, false) });
      }
      u.pathname = `/${name}`;
      console.log('PostgreSQL …');
      results.push({ dialect: 'postgres', ...runChild(u.toString(), files) });
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`create database ${name}_raw`);
      u.pathname = `/${name}_raw`;
      console.log('PostgreSQL，裸插入 …');
      results.at(-1)!.raw = runRaw(u.toString(), orders);
    } catch (err) {
      console.warn(`PostgreSQL 跳过：${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (connected) {
        await admin.query(`drop database if exists ${name} with (force)`).catch(() => {});
        await admin.query(`drop database if exists ${name}_off with (force)`).catch(() => {});
        await admin.query(`drop database if exists ${name}_raw with (force)`).catch(() => {});
        await admin.end();
      }
    }
  }
} finally {
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

const report = {
  benchmark: 'import',
  format: 'taobao (orders + items, GBK)',
  lines: totalLines,
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model ?? '',
  at: new Date().toISOString(),
  results,
  ...(values.customers ? { withoutCustomerMarking: baselines } : {}),
};
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
const outFile = path.join(
  here,
  'results',
  `import${totalLines === 200_000 ? '' : `-${totalLines}`}${values.customers ? '-customers' : ''}.json`,
);
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n');

// 占裸插入: the import's lines/s over the raw rate of the same rows on the same kind of database.
console.log(
  '\n| 数据库 | 商品行 | 订单 | 用时 (s) | 行/秒 | 裸插入 行/秒 | 占裸插入 | CPU s（导入/裸插入） | 峰值 RSS 导入 / 含客户刷新 (MB) | 问题行 | load（导入/裸插入） |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  const raw = r.raw;
  const load = (l?: [number, number]) => (l ? `${l[0]}–${l[1]}` : '?');
  console.log(
    `| ${r.dialect} | ${r.lines} | ${r.orders} | ${r.seconds.toFixed(1)} | ${r.linesPerSecond} | ${raw?.linesPerSecond ?? '–'} | ${raw ? `${Math.round((r.linesPerSecond / raw.linesPerSecond) * 100)} %` : '–'} | ${r.cpuSeconds.toFixed(1)} / ${raw?.cpuSeconds.toFixed(1) ?? '–'} | ${r.importPeakRssMb ?? '?'} / ${r.peakRssMb} | ${r.errors} | ${load(r.load)} / ${load(raw?.load)} |`,
  );
}
const modes = [...new Set(results.map((r) => (r.readInWorker ? '另一个线程' : '导入线程')))];
console.log(
  `\n文件在${modes.join('/')}里读取（${os.availableParallelism()} 核；YUNYING_IMPORT_WORKER_BYTES=${process.env.YUNYING_IMPORT_WORKER_BYTES ?? '未设置'}）`,
);
console.log(`结果已写入 ${path.relative(process.cwd(), outFile)}`);
if (values.customers) {
  // Loss: the import with marking against the one without; "with catch-up" adds the refresh that
  // brings the customers up to date (what the first customer read after the import runs).
  const pct = (off: number, on: number) => `${((1 - on / off) * 100).toFixed(1)} %`;
  console.log(
    '\n| 数据库 | 不标记 行/秒 | 标记 行/秒 | 损失 | 客户刷新 (s, CPU s) | 含刷新 行/秒 | 含刷新损失 | 导入 CPU s（关/开） | 含刷新 CPU 损失 | load |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const off of baselines) {
    const on = results.find((r) => r.dialect === off.dialect);
    if (!on) continue;
    const withRefresh = Math.round(on.lines / (on.seconds + on.customersSeconds));
    console.log(
      `| ${off.dialect} | ${off.linesPerSecond} | ${on.linesPerSecond} | ${pct(off.linesPerSecond, on.linesPerSecond)} | ${on.customersSeconds.toFixed(1)}, ${on.customersCpuSeconds.toFixed(1)} | ${withRefresh} | ${pct(off.linesPerSecond, withRefresh)} | ${off.cpuSeconds.toFixed(1)} / ${on.cpuSeconds.toFixed(1)} | ${(((on.cpuSeconds + on.customersCpuSeconds) / off.cpuSeconds - 1) * 100).toFixed(1)} % | ${os.loadavg()[0]!.toFixed(1)} |`,
    );
  }
}
