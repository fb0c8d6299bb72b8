import {
  AppError,
  CollectBody,
  CollectKeyBody,
  CollectKeysQuery,
  IdParams,
  RuleTestBody,
  SourceRuleBody,
  SourceTreeQuery,
  TrafficSourceBody,
  UpdateSourceRuleBody,
  UpdateTrafficSourceBody,
} from '@yunying/core';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { AppInstance } from '../../http/types.js';
import { classifySource } from './classify.js';
import { collect, forgetKeys, isPlainCollectBody } from './collect.service.js';
import * as svc from './traffic.service.js';
import { TRACKER_JS } from './tracker.js';

const tags = ['traffic'];

/** Traffic sources, source rules, collect keys and the collector (mounted under /api/v1). */
export async function trafficRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/traffic/sources',
    { schema: { tags, summary: '流量来源树（可按渠道）', querystring: SourceTreeQuery }, config: { permission: 'analytics.read' } },
    (req) => svc.sourceTree(app.db, req.actor!.orgId, req.query.family),
  );
  app.post(
    '/traffic/sources',
    { schema: { tags, summary: '新增流量来源', body: TrafficSourceBody }, config: { permission: 'traffic.manage', orgWide: true } },
    async (req, reply) => {
      await svc.ensureSeeded(app.db, req.actor!.orgId);
      const src = await app.db
        .transaction()
        .execute((trx) => svc.createSource(trx, req.actor!, req.body))
        .then((r) => svc.rulesCommitted(req.actor!.orgId, r));
      return reply.code(201).send(src);
    },
  );
  app.patch(
    '/traffic/sources/:id',
    {
      schema: { tags, summary: '修改流量来源', params: IdParams, body: UpdateTrafficSourceBody },
      config: { permission: 'traffic.manage', orgWide: true },
    },
    (req) =>
      app.db
        .transaction()
        .execute((trx) => svc.updateSource(trx, req.actor!, req.params.id, req.body))
        .then((r) => svc.rulesCommitted(req.actor!.orgId, r)),
  );
  app.delete(
    '/traffic/sources/:id',
    { schema: { tags, summary: '删除流量来源', params: IdParams }, config: { permission: 'traffic.manage', orgWide: true } },
    async (req, reply) => {
      await app.db
        .transaction()
        .execute((trx) => svc.deleteSource(trx, req.actor!, req.params.id))
        .then((r) => svc.rulesCommitted(req.actor!.orgId, r));
      return reply.code(204).send();
    },
  );

  app.get('/traffic/rules', { schema: { tags, summary: '来源规则' }, config: { permission: 'analytics.read' } }, (req) =>
    svc.listRules(app.db, req.actor!.orgId),
  );
  app.post(
    '/traffic/rules',
    { schema: { tags, summary: '新增来源规则', body: SourceRuleBody }, config: { permission: 'traffic.manage', orgWide: true } },
    async (req, reply) => {
      await svc.ensureSeeded(app.db, req.actor!.orgId);
      const rule = await app.db
        .transaction()
        .execute((trx) => svc.createRule(trx, req.actor!, req.body))
        .then((r) => svc.rulesCommitted(req.actor!.orgId, r));
      return reply.code(201).send(rule);
    },
  );
  app.patch(
    '/traffic/rules/:id',
    {
      schema: { tags, summary: '修改来源规则', params: IdParams, body: UpdateSourceRuleBody },
      config: { permission: 'traffic.manage', orgWide: true },
    },
    (req) =>
      app.db
        .transaction()
        .execute((trx) => svc.updateRule(trx, req.actor!, req.params.id, req.body))
        .then((r) => svc.rulesCommitted(req.actor!.orgId, r)),
  );
  app.delete(
    '/traffic/rules/:id',
    { schema: { tags, summary: '删除来源规则', params: IdParams }, config: { permission: 'traffic.manage', orgWide: true } },
    async (req, reply) => {
      await app.db
        .transaction()
        .execute((trx) => svc.deleteRule(trx, req.actor!, req.params.id))
        .then((r) => svc.rulesCommitted(req.actor!.orgId, r));
      return reply.code(204).send();
    },
  );
  app.post(
    '/traffic/rules/test',
    { schema: { tags, summary: '测试来源规则', body: RuleTestBody }, config: { permission: 'analytics.read' } },
    async (req) => classifySource(await svc.loadRules(app.db, req.actor!.orgId, { fresh: true, family: req.body.family }), req.body),
  );

  app.get(
    '/traffic/keys',
    { schema: { tags, summary: '埋点密钥', querystring: CollectKeysQuery }, config: { permission: 'traffic.manage' } },
    (req) => svc.listKeys(app.db, req.actor!, req.query.shopId),
  );
  app.post(
    '/traffic/keys',
    { schema: { tags, summary: '生成埋点密钥', body: CollectKeyBody }, config: { permission: 'traffic.manage' } },
    async (req, reply) => reply.code(201).send(await app.db.transaction().execute((trx) => svc.createKey(trx, req.actor!, req.body))),
  );
  app.delete(
    '/traffic/keys/:id',
    { schema: { tags, summary: '吊销埋点密钥', params: IdParams }, config: { permission: 'traffic.manage' } },
    async (req, reply) => {
      await app.db.transaction().execute((trx) => svc.revokeKey(trx, req.actor!, req.params.id));
      forgetKeys();
      return reply.code(204).send();
    },
  );

  await app.register(collectPlugin);
}

/**
 * POST /collect in its own encapsulated plugin: it alone accepts text/plain bodies holding JSON
 * (navigator.sendBeacon sends those without a CORS preflight) and answers CORS preflights.
 */
async function collectPlugin(app: AppInstance): Promise<void> {
  // Plain JSON.parse for both: the body only ever reaches the zod schema, which builds new
  // objects from the keys it knows, so a "__proto__" key has nothing to poison (and the default
  // parser's extra scan of every body is a measurable share of a busy collector's time).
  const parseJson = (_req: unknown, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new AppError('validation_failed', '上报内容不是合法的 JSON。'), undefined);
    }
  };
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  // Every answer (errors included) may be read by the storefront page; no credentials ever.
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    reply.header('access-control-allow-origin', typeof origin === 'string' && origin ? origin : '*');
    reply.header('vary', 'Origin');
    reply.header('cross-origin-resource-policy', 'cross-origin');
    reply.header('x-content-type-options', 'nosniff');
  });

  app.options('/collect', { schema: { hide: true }, config: { permission: 'public' } }, async (_req, reply) =>
    reply
      .code(204)
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', 'content-type')
      .header('access-control-max-age', '86400')
      .send(),
  );
  app.post(
    '/collect',
    {
      schema: { tags, summary: '埋点上报（公开，凭写入密钥）', body: CollectBody },
      config: { permission: 'public' },
      // A JSON answer to a beacon: the page-security headers (CSP and the like) mean nothing here.
      helmet: false,
      // The quick structural check first; anything it is unsure of goes through the zod schema.
      validatorCompiler: (route) => {
        const viaZod = validatorCompiler(route as unknown as Parameters<typeof validatorCompiler>[0]);
        return (data: unknown) => (isPlainCollectBody(data) ? { value: data } : viaZod(data));
      },
      bodyLimit: 256 * 1024,
    },
    async (req, reply) => {
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
      try {
        const r = await collect(app.db, req.body, { origin, userAgent: req.headers['user-agent'], ip: req.ip });
        reply.header('access-control-allow-origin', r.allowOrigin);
        return reply.code(202).send({ accepted: r.accepted, dropped: r.dropped });
      } catch (err) {
        if (err instanceof AppError && err.code === 'forbidden') reply.removeHeader('access-control-allow-origin');
        throw err;
      }
    },
  );
}

/** GET /tracker.js (public, outside /api/v1): the storefront snippet. */
export async function trackerRoutes(app: AppInstance): Promise<void> {
  app.get('/tracker.js', { schema: { hide: true }, config: { permission: 'public' } }, async (_req, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('access-control-allow-origin', '*')
      .send(TRACKER_JS),
  );
}
