import type { Config } from './config.js';
import { openDatabase } from './db/dialect.js';
import { bootstrap } from './bootstrap.js';
import { buildApp } from './http/app.js';
import { firstStartDemo } from './modules/demo/index.js';
import { startRollupTimer } from './modules/analytics/index.js';
import { startJobWorker } from './modules/jobs/index.js';
import { jobHandlers } from './modules/jobs/registry.js';

/** Start the console: migrate, seed, listen. Returns a function that stops it cleanly. */
export async function startServer(cfg: Config): Promise<{ url: string; close: () => Promise<void> }> {
  const database = openDatabase(cfg.databaseUrl);
  const boot = await bootstrap(database, { adminPassword: cfg.adminPassword });
  if (boot.createdAdmin) {
    const { username, password, generated } = boot.createdAdmin;
    const line = '='.repeat(64);
    if (generated) {
      process.stdout.write(
        `\n${line}\n  已创建店长账号 / Owner account created\n  用户名 username: ${username}\n  密码 password:   ${password}\n  此密码只显示这一次，请登录后在“个人设置”中修改。\n  Shown only once: change it after logging in.\n${line}\n\n`,
      );
    } else {
      process.stdout.write(`已创建店长账号 ${username}，密码取自 YUNYING_ADMIN_PASSWORD。\n`);
    }
  }
  // A brand-new installation gets a clearly labelled demo business (YUNYING_DEMO=0 skips it).
  await firstStartDemo(database).catch((err: unknown) => {
    process.stderr.write(`演示数据加载失败（不影响使用）：${err instanceof Error ? err.message : String(err)}\n`);
  });
  const app = await buildApp({
    database,
    config: cfg,
    logger: {
      level: cfg.logLevel,
      ...(process.stdout.isTTY
        ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } }
        : {}),
    },
  });
  await app.listen({ port: cfg.port, host: cfg.host });
  startJobWorker(database.db, jobHandlers(database.db), { onError: (err) => app.log.error({ err }, 'job worker') });
  // Days marked stale by late events, imports or refunds are rebuilt in the background too.
  const rollups = startRollupTimer(database.db, { onError: (err) => app.log.error({ err }, 'rollup timer') });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  const url = `http://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${port}`;
  process.stdout.write(`运营台已启动 / Yunying is running: ${url}  (数据库 ${database.dialect})\n`);
  return {
    url,
    close: async () => {
      rollups.stop();
      // The app's close hook stops the job worker first: a running import finishes the batch at
      // hand, records where it stands in that batch's transaction and goes back to the queue, so the
      // next start goes on from there (its uploaded files are kept).
      await app.close();
      await database.close();
    },
  };
}
