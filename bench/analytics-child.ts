/**
 * The server side of `npm run bench -- analytics`, in its own process: migrate a fresh database,
 * load the demo profile (timed: that is the demo load figure), then start the real server on a
 * free port (buildApp + listen, plus the rollup timer the server runs) and print one JSON line
 * `{ "type": "ready", … }`. Commands on stdin, one per line: `stats` (prints CPU time and memory
 * of this process), `stop` (closes the server, prints `{ "type": "done" }` and exits).
 * Usage: node --import tsx bench/analytics-child.ts <database-url> <small|large> <seed>
 */
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import readline from 'node:readline';
import { bootstrap } from '../packages/server/src/bootstrap.js';
import { loadConfig } from '../packages/server/src/config.js';
import { openDatabase } from '../packages/server/src/db/dialect.js';
import { buildApp } from '../packages/server/src/http/app.js';
import { startRollupTimer } from '../packages/server/src/modules/analytics/index.js';
import { loadDemo } from '../packages/server/src/modules/demo/index.js';

const ADMIN_PASSWORD = 'Bench12345';

function vmHwmMb(): number {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}
const send = (o: object) => process.stdout.write(JSON.stringify(o) + '\n');

const [url, profile, seed] = process.argv.slice(2);
if (!url || (profile !== 'small' && profile !== 'large')) throw new Error('usage: analytics-child.ts <database-url> <small|large> <seed>');
const database = openDatabase(url);
await bootstrap(database, { adminPassword: ADMIN_PASSWORD });
const t0 = performance.now();
// YUNYING_BENCH_REUSE=1: the database already holds a kept run's demo data (see --reuse); no load.
const summary = process.env.YUNYING_BENCH_REUSE
  ? { writeMs: 0, simWaitMs: 0, rollupMs: 0, customersMs: 0, shops: 0, skus: 0, orders: 0, events: 0, trafficStats: 0, from: '', to: '' }
  : await loadDemo(database, { profile, seed: Number(seed) });
const loadSeconds = (performance.now() - t0) / 1000;
const loadPeakRssMb = vmHwmMb();
const loadCpu = process.cpuUsage();

const config = { ...loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1' }), logLevel: 'silent' };
const app = await buildApp({ database, config });
// YUNYING_BENCH_PORT: a fixed port (a shared machine hands out port ranges), else a free one.
await app.listen({ port: Number(process.env.YUNYING_BENCH_PORT ?? 0), host: '127.0.0.1' });
const rollups = startRollupTimer(database.db);
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
const readyAt = Date.now();
send({
  type: 'ready',
  port,
  readyAt,
  adminPassword: ADMIN_PASSWORD,
  load: {
    seconds: loadSeconds,
    writeSeconds: summary.writeMs / 1000,
    simWaitSeconds: summary.simWaitMs / 1000,
    rollupSeconds: summary.rollupMs / 1000,
    customersSeconds: summary.customersMs / 1000,
    shopDays:
      summary.shops * (summary.from <= summary.to ? Math.round((Date.parse(summary.to) - Date.parse(summary.from)) / 86_400_000) + 1 : 0),
    shops: summary.shops,
    skus: summary.skus,
    orders: summary.orders,
    events: summary.events,
    trafficStats: summary.trafficStats,
    peakRssMb: loadPeakRssMb,
    cpuSeconds: (loadCpu.user + loadCpu.system) / 1e6,
  },
});

const rl = readline.createInterface({ input: process.stdin });
// YUNYING_BENCH_PROFILE=<file.cpuprofile>: profile this process between the first and the second
// `stats` command (the collect run), not the demo load.
const profileFile = process.env.YUNYING_BENCH_PROFILE;
let profiler: inspector.Session | null = null;
let statsSeen = 0;
async function toggleProfile(): Promise<void> {
  statsSeen++;
  if (!profileFile) return;
  if (statsSeen === 1) {
    profiler = new inspector.Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  } else if (statsSeen === 2 && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.writeFileSync(profileFile, JSON.stringify(profile));
    profiler.disconnect();
  }
}

rl.on('line', (line) => {
  const cmd = line.trim();
  if (cmd === 'stats') {
    void toggleProfile();
    const cpu = process.cpuUsage();
    send({ type: 'stats', cpuMs: (cpu.user + cpu.system) / 1000, rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024) });
  } else if (cmd === 'stop') {
    rl.close();
    rollups.stop();
    void app
      .close()
      .then(() => database.close())
      .then(() => {
        send({ type: 'done', peakRssMb: vmHwmMb() });
        process.exit(0);
      });
  }
});
