import { AppError, SOURCE_GROUPS } from '@yunying/core';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppInstance } from '../../http/types.js';
import { classifySource, RULE_FIELDS, RULE_OPS } from './classify.js';
import { collect, CollectBody, forgetKeys, isPlainCollectBody } from './collect.service.js';
import * as svc from './traffic.service.js';
import { TRACKER_JS } from './tracker.js';

const IdParams = z.object({ id: z.string().max(64) });
const GroupCode = z.enum(SOURCE_GROUPS.map((g) => g.code) as [string, ...string[]]) as z.ZodType<(typeof SOURCE_GROUPS)[number]['code']>;
const SourceBody = z.object({
  code: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, '来源代码须为 2–40 位小写字母、数字或下划线，并以字母开头'),
  groupCode: GroupCode,
  name: z.string().trim().min(1).max(60),
});
const UpdateSourceBody = z.object({
  name: z.string().trim().min(1).max(60).optional(),
  groupCode: GroupCode.optional(),
  sort: z.number().int().min(0).max(1_000_000).optional(),
});
const RuleBody = z.object({
  priority: z.number().int().min(0).max(1_000_000),
  field: z.enum(RULE_FIELDS),
  op: z.enum(RULE_OPS),
  pattern: z.string().max(200),
  sourceCode: z.string().min(1).max(40),
  enabled: z.boolean().default(true),
});
const UpdateRuleBody = RuleBody.partial();
const RuleTestBody = z.object({ url: z.string().max(2000), referrer: z.string().max(2000).default('') });
const KeysQuery = z.object({ shopId: z.string().max(64).optional() });
const KeyBody = z.object({ shopId: z.string().min(1).max(64), allowedOrigins: z.array(z.string().max(200)).max(50).default([]) });

const tags = ['traffic'];

/** Traffic sources, source rules, collect keys and the collector (mounted under /api/v1). */
export async function trafficRoutes(app: AppInstance): Promise<void> {
  app.get('/traffic/sources', { schema: { tags, summary: '流量来源树' }, config: { permission: 'analytics.read' } }, (req) =>
    svc.sourceTree(app.db, req.actor!.orgId),
  );
  app.post(
    '/traffic/sources',
    { schema: { tags, summary: '新增流量来源', body: SourceBody }, config: { permission: 'traffic.manage', orgWide: true } },
    async (req, reply) => {
      await svc.ensureSeeded(app.db, req.actor!.orgId);
      const src = await app.db.transaction().execute((trx) => svc.createSource(trx, req.actor!, req.body));
      return reply.code(201).send(src);
    },
  );
  app.patch(
    '/traffic/sources/:id',
    {
      schema: { tags, summary: '修改流量来源', params: IdParams, body: UpdateSourceBody },
      config: { permission: 'traffic.manage', orgWide: true },
    },
    (req) => app.db.transaction().execute((trx) => svc.updateSource(trx, req.actor!, req.params.id, req.body)),
  );
  app.delete(
    '/traffic/sources/:id',
    { schema: { tags, summary: '删除流量来源', params: IdParams }, config: { permission: 'traffic.manage', orgWide: true } },
    async (req, reply) => {
      await app.db.transaction().execute((trx) => svc.deleteSource(trx, req.actor!, req.params.id));
      return reply.code(204).send();
    },
  );

  app.get('/traffic/rules', { schema: { tags, summary: '来源规则' }, config: { permission: 'analytics.read' } }, (req) =>
    svc.listRules(app.db, req.actor!.orgId),
  );
  app.post(
    '/traffic/rules',
    { schema: { tags, summary: '新增来源规则', body: RuleBody }, config: { permission: 'traffic.manage', orgWide: true } },
    async (req, reply) => {
      await svc.ensureSeeded(app.db, req.actor!.orgId);
      const rule = await app.db.transaction().execute((trx) => svc.createRule(trx, req.actor!, req.body));
      return reply.code(201).send(rule);
    },
  );
  app.patch(
    '/traffic/rules/:id',
    {
      schema: { tags, summary: '修改来源规则', params: IdParams, body: UpdateRuleBody },
      config: { permission: 'traffic.manage', orgWide: true },
    },
    (req) => app.db.transaction().execute((trx) => svc.updateRule(trx, req.actor!, req.params.id, req.body)),
  );
  app.delete(
    '/traffic/rules/:id',
    { schema: { tags, summary: '删除来源规则', params: IdParams }, config: { permission: 'traffic.manage', orgWide: true } },
    async (req, reply) => {
      await app.db.transaction().execute((trx) => svc.deleteRule(trx, req.actor!, req.params.id));
      return reply.code(204).send();
    },
  );
  app.post(
    '/traffic/rules/test',
    { schema: { tags, summary: '测试来源规则', body: RuleTestBody }, config: { permission: 'analytics.read' } },
    async (req) => classifySource(await svc.loadRules(app.db, req.actor!.orgId, { fresh: true }), req.body),
  );

  app.get(
    '/traffic/keys',
    { schema: { tags, summary: '埋点密钥', querystring: KeysQuery }, config: { permission: 'traffic.manage' } },
    (req) => svc.listKeys(app.db, req.actor!, req.query.shopId),
  );
  app.post(
    '/traffic/keys',
    { schema: { tags, summary: '生成埋点密钥', body: KeyBody }, config: { permission: 'traffic.manage' } },
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
