import { AppError } from '@yunying/core';
import type { FastifyRequest } from 'fastify';
import * as auth from '../modules/auth/index.js';
import { assertAllShops } from './actor.js';
import type { AppInstance } from './types.js';

export const SESSION_COOKIE = 'yy_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Every route the app registers, with the permission it declared (the route-walking test reads this). */
export interface RouteRecord {
  method: string;
  url: string;
  permission: string;
  /** Needs scope over every shop of the organisation (destructive or organisation-wide actions). */
  orgWide: boolean;
}

/**
 * Authentication and authorization for every request, before body parsing and validation:
 * resolve the actor from the session cookie or bearer token, check CSRF for cookie sessions,
 * then require the route's declared permission. A route under /api/v1 that declares none is a
 * programming error and fails at start-up.
 */
export function installSecurity(app: AppInstance, routes: RouteRecord[]): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('csrfToken', null);

  app.addHook('onRoute', (opts) => {
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    const permission = opts.config?.permission;
    if (opts.url.startsWith('/api/v1') && !permission) {
      throw new Error(`route ${methods.join(',')} ${opts.url} declares no permission (config.permission)`);
    }
    for (const m of methods)
      if (m !== 'HEAD')
        routes.push({ method: m, url: opts.url, permission: permission ?? 'public', orgWide: opts.config?.orgWide === true });
  });

  app.addHook('onRequest', async (req) => {
    const permission = req.routeOptions.config?.permission ?? 'public';
    if (permission === 'public') return;
    await authenticate(app, req);
    if (!req.actor) throw new AppError('unauthenticated', '请先登录（会话已过期或令牌无效）。');
    if (req.actor.via === 'session' && !SAFE_METHODS.has(req.method) && !req.routeOptions.config?.csrfExempt) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || sent !== req.csrfToken) {
        throw new AppError('forbidden', '缺少或无效的 CSRF 令牌，请刷新页面后重试。');
      }
    }
    if (permission !== 'authenticated' && !req.actor.permissions.has(permission)) {
      throw new AppError('forbidden', `没有权限执行此操作（需要权限 ${permission}），请联系店长为你的角色添加。`, { permission });
    }
    if (req.routeOptions.config?.orgWide) {
      const summary = (req.routeOptions.schema as { summary?: string } | undefined)?.summary;
      assertAllShops(req.actor, summary ?? `${req.method} ${req.routeOptions.url ?? req.url}`);
    }
  });
}

async function authenticate(app: AppInstance, req: FastifyRequest): Promise<void> {
  const info = { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, requestId: req.id };
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const actor = await auth.resolveApiToken(app.db, header.slice('Bearer '.length).trim(), info);
    if (!actor) throw new AppError('unauthenticated', 'API 令牌无效、已过期或已被吊销。');
    req.actor = actor;
    return;
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return;
  const found = await auth.resolveSession(app.db, app.config, cookie, info);
  if (found) {
    req.actor = found.actor;
    req.csrfToken = found.csrfToken;
  }
}
