/**
 * An app on a fresh database plus a small client that logs in and keeps the session cookie and
 * CSRF token, so tests read like what a user does.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { bootstrap } from '../src/bootstrap.js';
import { loadConfig, type Config } from '../src/config.js';
import type { DialectName } from '../src/db/dialect.js';
import { buildApp, type App } from '../src/http/app.js';
import { createTestDatabase, type TestDatabase } from './dialects.js';

export const ADMIN_PASSWORD = 'Admin12345';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export class Client {
  cookie: string | null = null;
  csrf: string | null = null;
  bearer: string | null = null;
  constructor(
    readonly app: App,
    readonly ip = '127.0.0.1',
  ) {}

  async request(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] ??= this.csrf;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const res = await this.app.inject({
      method,
      url,
      headers: h,
      remoteAddress: this.ip,
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    const set = res.cookies.find((c) => c.name === 'yy_session');
    if (set) this.cookie = set.value ? `yy_session=${set.value}` : null;
    return res;
  }
  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, body?: unknown) {
    return this.request('POST', url, body ?? {});
  }
  patch(url: string, body: unknown) {
    return this.request('PATCH', url, body);
  }
  delete(url: string) {
    return this.request('DELETE', url);
  }

  async login(username: string, password: string): Promise<LightMyRequestResponse> {
    const res = await this.post('/api/v1/auth/login', { username, password });
    if (res.statusCode === 200) this.csrf = res.json().csrfToken;
    return res;
  }
}

export interface TestContext {
  dialect: DialectName;
  tdb: TestDatabase;
  app: App;
  config: Config;
  orgId: string;
  client(ip?: string): Client;
  /** A client logged in as admin (the owner). */
  admin(): Promise<Client>;
  /** Create a user with the given seeded role codes and return a logged-in client. */
  userWithRoles(username: string, roleCodes: string[], extra?: Record<string, unknown>): Promise<{ client: Client; id: string }>;
  /** Rebuild the app on the same database (a server restart). */
  restart(): Promise<void>;
}

/** `queryCount`: responses carry `x-query-count`, the SQL statements the request issued (query budgets). */
export function useTestApp(dialect: DialectName, opts: { queryCount?: boolean } = {}): TestContext {
  const ctx = { dialect } as TestContext;
  beforeAll(async () => {
    ctx.tdb = await createTestDatabase(dialect, { migrated: true });
    ctx.config = { ...loadConfig({}), webDist: '/nonexistent', databaseUrl: ctx.tdb.url };
    const boot = await bootstrap(ctx.tdb.database, { adminPassword: ADMIN_PASSWORD });
    ctx.orgId = boot.orgId;
    ctx.app = await buildApp({ database: ctx.tdb.database, config: ctx.config, queryCount: opts.queryCount ?? false });
    ctx.client = (ip) => new Client(ctx.app, ip);
    ctx.admin = async () => {
      const c = new Client(ctx.app);
      const r = await c.login('admin', ADMIN_PASSWORD);
      if (r.statusCode !== 200) throw new Error(`admin login failed: ${r.body}`);
      return c;
    };
    ctx.userWithRoles = async (username, roleCodes, extra = {}) => {
      const admin = await ctx.admin();
      const roles = (await admin.get('/api/v1/roles')).json().items as { id: string; code: string }[];
      const roleIds = roleCodes.map((code) => {
        const r = roles.find((x) => x.code === code);
        if (!r) throw new Error(`no role ${code}`);
        return r.id;
      });
      const res = await admin.post('/api/v1/users', {
        username,
        displayName: username,
        password: 'Passw0rd!',
        roleIds,
        allShops: true,
        ...extra,
      });
      if (res.statusCode !== 201) throw new Error(`create user failed: ${res.body}`);
      const client = new Client(ctx.app);
      await client.login(username, 'Passw0rd!');
      return { client, id: res.json().id };
    };
    ctx.restart = async () => {
      await ctx.app.close();
      ctx.app = await buildApp({ database: ctx.tdb.database, config: ctx.config, queryCount: opts.queryCount ?? false });
    };
  });
  afterAll(async () => {
    await ctx.app?.close();
    await ctx.tdb?.drop();
  });
  return ctx;
}
