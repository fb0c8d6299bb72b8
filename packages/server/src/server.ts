import type { FastifyServerOptions } from 'fastify';
import pinoPretty from 'pino-pretty';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/dialect.js';
import { bootstrap, type BootstrapResult } from './bootstrap.js';
import { isClusterWorker, reportReady, startCluster, startPeerLink, type PeerLink } from './cluster.js';
import { buildApp } from './http/app.js';
import { firstStartDemo } from './modules/demo/index.js';
import { startRollupTimer } from './modules/analytics/index.js';
import { startJobWorker } from './modules/jobs/index.js';
import { startDiagnosisTimer } from './modules/diagnosis/index.js';
import { startDigestTimer } from './modules/tasks/index.js';
import { startPointsExpiryTimer } from './modules/customers/index.js';
import { startOutreachTimer } from './modules/outreach/index.js';
import { jobHandlers } from './modules/jobs/registry.js';

/**
 * Logs as JSON lines for log collectors, or one readable line per entry when a person watches the
 * terminal (`LOG_FORMAT=pretty|json` overrides the guess). The pretty stream writes synchronously
 * in this thread, so everything logged before the password banner is on the screen before it.
 */
function loggerOptions(cfg: Config): FastifyServerOptions['logger'] {
  // JSON lines through process.stdout, like the banner, so they keep their order with it (pino's own
  // destination writes asynchronously and printed "Server listening" after the banner).
  if (cfg.logFormat === 'json') return { level: cfg.logLevel, stream: { write: (line: string) => void process.stdout.write(line) } };
  return {
    level: cfg.logLevel,
    stream: pinoPretty({
      sync: true,
      colorize: Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,req,res,responseTime',
      singleLine: true,
      // One short line per request instead of the request and response objects.
      messageFormat: (log, messageKey) => {
        const req = log.req as { method?: string; url?: string } | undefined;
        const res = log.res as { statusCode?: number } | undefined;
        const ms = typeof log.responseTime === 'number' ? ` ${Math.round(log.responseTime)} ms` : '';
        const what = req ? ` ${req.method} ${req.url}` : res ? ` ${res.statusCode}${ms}` : '';
        return `${String(log[messageKey] ?? '')}${what}`;
      },
    }),
  };
}

/** The owner account created on this start: where to log in, with which name and password. */
export function adminBanner(admin: { username: string; password: string; generated: boolean }, url: string): string {
  const line = '='.repeat(64);
  const lines = admin.generated
    ? [
        '  已创建店长账号 / Owner account created',
        `  登录地址 open:    ${url}`,
        `  用户名 username:  ${admin.username}`,
        `  密码 password:    ${admin.password}`,
        '  此密码只显示这一次，请登录后在“个人设置”中修改。',
        '  Shown only once: change it after logging in.',
      ]
    : [
        '  已创建店长账号 / Owner account created',
        `  登录地址 open:    ${url}`,
        `  用户名 username:  ${admin.username}`,
        '  密码取自环境变量 YUNYING_ADMIN_PASSWORD / password from YUNYING_ADMIN_PASSWORD',
      ];
  return `\n${line}\n${lines.join('\n')}\n${line}\n\n`;
}

/** Bring the database up to date and load the demo on a brand-new installation (once per start). */
async function prepareDatabase(cfg: Config): Promise<BootstrapResult> {
  const database = openDatabase(cfg.databaseUrl, { poolSize: 2 });
  try {
    return await prepareOpen(database, cfg);
  } finally {
    await database.close();
  }
}

async function prepareOpen(database: Database, cfg: Config): Promise<BootstrapResult> {
  const boot = await bootstrap(database, { adminPassword: cfg.adminPassword });
  // A brand-new installation gets a clearly labelled demo business (YUNYING_DEMO=0 skips it).
  await firstStartDemo(database).catch((err: unknown) => {
    process.stderr.write(`演示数据加载失败（不影响使用）：${err instanceof Error ? err.message : String(err)}\n`);
  });
  return boot;
}

/**
 * The background checks. With several processes on one database they run in the leader only
 * (cluster.ts); each is also safe to run twice (claims and unique keys in the database).
 */
function startTimers(db: Database['db'], log: { error(obj: unknown, msg: string): void }): () => void {
  // Days marked stale by late events, imports or refunds are rebuilt in the background too.
  const rollups = startRollupTimer(db, { onError: (err) => log.error({ err }, 'rollup timer') });
  // Each shop's diagnosis for its yesterday runs once a day (checked every 30 minutes), as a job.
  const diagnosis = startDiagnosisTimer(db, { onError: (err) => log.error({ err }, 'diagnosis timer') });
  // Each member's morning digest (bell, and email if they opted in) from 08:00, once per day.
  const digest = startDigestTimer(db, { onError: (err) => log.error({ err }, 'digest timer') });
  // Outreach campaigns waiting for quiet hours or the hourly limit are queued again when due.
  const outreach = startOutreachTimer(db, { onError: (err) => log.error({ err }, 'outreach timer') });
  // Members' points past the organisation's expiry rule expire once a day per shop.
  const pointsExpiry = startPointsExpiryTimer(db, { onError: (err) => log.error({ err }, 'points expiry timer') });
  return () => {
    rollups.stop();
    diagnosis.stop();
    digest.stop();
    outreach.stop();
    pointsExpiry.stop();
  };
}

/**
 * Start the console: migrate, seed, listen. Returns a function that stops it cleanly. With
 * `YUNYING_WORKERS` > 1 this process starts the workers instead (cluster.ts) and each of them
 * comes here with the database already prepared.
 */
export async function startServer(cfg: Config): Promise<{ url: string; close: () => Promise<void> }> {
  if (cfg.workers > 1 && !isClusterWorker()) {
    let boot: BootstrapResult | undefined;
    const primary = await startCluster(cfg, async () => {
      boot = await prepareDatabase(cfg);
    });
    process.stdout.write(`运营台已启动 / Yunying is running: ${primary.url}  (数据库 postgres，${cfg.workers} 个服务进程)\n`);
    if (boot?.createdAdmin) process.stdout.write(adminBanner(boot.createdAdmin, primary.url));
    return primary;
  }
  const worker = isClusterWorker();
  const database = openDatabase(cfg.databaseUrl);
  const boot = worker ? undefined : await prepareOpen(database, cfg);
  const app = await buildApp({
    database,
    config: cfg,
    logger: loggerOptions(cfg),
  });
  await app.listen({ port: cfg.port, host: cfg.host });
  // Every process takes jobs: a job is claimed by one of them only (FOR UPDATE SKIP LOCKED).
  startJobWorker(database.db, jobHandlers(database.db), { onError: (err) => app.log.error({ err }, 'job worker') });
  let stopTimers: (() => void) | null = null;
  let link: PeerLink | null = null;
  if (database.dialect === 'postgres') {
    // Other processes may share this database: timers in the leader only, caches told of changes.
    link = startPeerLink(cfg.databaseUrl, {
      leaderDuties: () => startTimers(database.db, app.log),
      onError: (err) => app.log.warn({ err }, 'peer link'),
    });
  } else {
    stopTimers = startTimers(database.db, app.log);
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  const url = `http://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${port}`;
  if (worker) reportReady(url);
  else process.stdout.write(`运营台已启动 / Yunying is running: ${url}  (数据库 ${database.dialect})\n`);
  // Last, after the start-up logs, so the one-time password is not scrolled away by them.
  if (boot?.createdAdmin) process.stdout.write(adminBanner(boot.createdAdmin, url));
  return {
    url,
    close: async () => {
      stopTimers?.();
      // Ends the leader lock too: another process takes the timers over.
      await link?.stop();
      // The app's close hook stops the job worker first: a running import finishes the batch at
      // hand, records where it stands in that batch's transaction and goes back to the queue, so the
      // next start goes on from there (its uploaded files are kept).
      await app.close();
      await database.close();
    },
  };
}
