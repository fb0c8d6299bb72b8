import { DEFAULT_DATABASE_URL } from './db/dialect.js';

export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  adminPassword: string | undefined;
  /** Directory of the built console (packages/web/dist). */
  webDist: string | undefined;
  /** Session lifetime (sliding), ms. */
  sessionTtlMs: number;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  login: { maxUserFailures: number; maxIpFailures: number; lockMs: number };
  bodyLimit: number;
  logLevel: string;
  /** `pretty` (one readable line per entry) or `json` lines; by default pretty on a terminal. */
  logFormat: 'pretty' | 'json';
  /** Server processes sharing the port (YUNYING_WORKERS, node:cluster; PostgreSQL only when > 1). */
  workers: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT 无效：${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || DEFAULT_DATABASE_URL,
    adminPassword: env.YUNYING_ADMIN_PASSWORD || undefined,
    webDist: env.YUNYING_WEB_DIST,
    sessionTtlMs: 7 * 24 * 3600 * 1000,
    secureCookies: env.YUNYING_SECURE_COOKIES === '1',
    login: { maxUserFailures: 5, maxIpFailures: 20, lockMs: 15 * 60 * 1000 },
    bodyLimit: 1024 * 1024,
    logLevel: env.LOG_LEVEL ?? 'info',
    logFormat: logFormat(env.LOG_FORMAT),
    workers: workerCount(env.YUNYING_WORKERS),
  };
}

function logFormat(raw: string | undefined): 'pretty' | 'json' {
  if (raw === 'pretty' || raw === 'json') return raw;
  if (raw) throw new Error(`LOG_FORMAT 无效：${raw}（可选 pretty 或 json，不设时终端里为 pretty、否则为 json）`);
  return process.stdout.isTTY ? 'pretty' : 'json';
}

function workerCount(raw: string | undefined): number {
  if (!raw) return 1;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new Error(`YUNYING_WORKERS 无效：${raw}（填 1 到 64 的整数：服务进程数，多于 1 个时需要 PostgreSQL）`);
  return n;
}
