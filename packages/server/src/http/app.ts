import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { ulid } from '@yunying/core';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.js';
import { ping, type Database } from '../db/dialect.js';
import { queryCountFromEnv, withQueryCount, type QueryCountStore } from '../db/query-count.js';
import { stopJobWorkers } from '../modules/jobs/index.js';
import { MODULE_ROUTES } from '../modules/routes.js';
import { trackerRoutes } from '../modules/traffic/traffic.routes.js';
import { installControlCharGuard } from './control-chars.js';
import { apiNotFound, errorHandler } from './errors.js';
import { installMetrics } from './metrics.js';
import { installSecurity, type RouteRecord } from './security.js';
import type { AppInstance } from './types.js';

z.config(z.locales.zhCN());
// A missing field says so plainly instead of describing types.
z.config({ customError: (iss) => (iss.code === 'invalid_type' && iss.input === undefined ? '必填项，请填写' : undefined) });

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_WEB_DIST = path.resolve(here, '../../../web/dist');

export interface BuildAppOptions {
  database: Database;
  config: Config;
  logger?: FastifyServerOptions['logger'];
  /** Count the SQL queries of each request into an `x-query-count` header (query budgets in tests). */
  queryCount?: boolean;
}

export interface App extends AppInstance {
  routeTable: RouteRecord[];
}

export async function buildApp(opts: BuildAppOptions): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.config.bodyLimit,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : `req_${ulid()}`;
    },
    trustProxy: process.env.YUNYING_TRUST_PROXY === '1',
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('db', opts.database.db);
  app.decorate('database', opts.database);
  app.decorate('config', opts.config);
  const routeTable: RouteRecord[] = [];
  app.decorate('routeTable', routeTable);

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  if (opts.queryCount ?? queryCountFromEnv()) {
    // First hook of the request: every query after it (session lookup included) is counted.
    const counts = new WeakMap<object, QueryCountStore>();
    app.addHook('onRequest', (req, _reply, done) => {
      withQueryCount((store) => {
        counts.set(req, store);
        done();
      });
    });
    app.addHook('onSend', async (req, reply) => {
      const store = counts.get(req);
      if (store) reply.header('x-query-count', String(store.count));
    });
  }
  app.setErrorHandler(errorHandler);
  // Closing the app stops this process's job workers on its database first: a running job stops at
  // its next checkpoint and goes back to the queue instead of dying with the connection pool.
  app.addHook('onClose', async () => stopJobWorkers(opts.database.db));

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: opts.config.secureCookies,
  });
  // API answers (JSON lists, CSV exports, problem+json) are compressed on the fly, brotli at a
  // fast level; the console's files were compressed once at build time (`*.br`/`*.gz` beside each
  // asset, see packages/web/vite.config.ts) and are served as they are (`preCompressed` below).
  await app.register(fastifyCompress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(fastifyCookie);
  installSecurity(app, routeTable);
  installControlCharGuard(app);
  const metrics = installMetrics(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: '运营台 Yunying API', version: '0.1.0', description: '电商运营台 HTTP API。错误以 application/problem+json 返回。' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'yy_session' },
          bearer: { type: 'http', scheme: 'bearer', description: 'API 令牌 yyt_…' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  app.get('/api/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await trackerRoutes(app);
  app.get('/healthz', { config: { permission: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    try {
      await ping(opts.database);
      return { status: 'ready', database: opts.database.dialect };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: opts.database.dialect });
    }
  });
  app.get('/metrics', { config: { permission: 'public' }, schema: { hide: true } }, async (_req, reply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );

  await app.register(
    async (api) => {
      const a = api as unknown as AppInstance;
      for (const routes of MODULE_ROUTES) await routes(a);
    },
    { prefix: '/api/v1' },
  );

  const webDist = opts.config.webDist ?? DEFAULT_WEB_DIST;
  const hasWeb = fs.existsSync(path.join(webDist, 'index.html'));
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: webDist,
      prefix: '/',
      wildcard: false,
      index: false,
      maxAge: '1h',
      preCompressed: true,
      // The body depends on Accept-Encoding: a shared cache must not hand brotli to a client without it.
      setHeaders: (res) => res.setHeader('vary', 'accept-encoding'),
    });
  }
  app.setNotFoundHandler((req, reply) => {
    // API paths, non-GETs and missing build assets get a real 404, never the HTML page.
    if (req.url.startsWith('/api/') || req.url.startsWith('/assets/') || req.method !== 'GET') return apiNotFound(req, reply);
    if (!hasWeb) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('控制台前端尚未构建：请在项目根目录运行 npm run build 后重启。The console is not built: run `npm run build`.');
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });

  return app;
}
