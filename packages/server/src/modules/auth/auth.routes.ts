import { ChangePasswordBody, LoginBody, PreferencesBody } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import { SESSION_COOKIE } from '../../http/security.js';
import * as auth from './auth.service.js';

export async function authRoutes(app: AppInstance): Promise<void> {
  app.post(
    '/auth/login',
    { schema: { tags: ['auth'], summary: '登录', body: LoginBody }, config: { permission: 'public', csrfExempt: true } },
    async (req, reply) => {
      const info = { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, requestId: req.id };
      const result = await auth.login(app.db, app.config, req.body, info);
      const actor = await auth.loadActor(app.db, result.userId, info);
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.secureCookies,
        expires: new Date(result.expiresAt),
      });
      return auth.me(app.db, actor!, result.csrfToken);
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: '退出登录' }, config: { permission: 'authenticated' } },
    async (req, reply) => {
      await auth.logout(app.db, req.actor!);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get('/auth/me', { schema: { tags: ['auth'], summary: '当前用户' }, config: { permission: 'authenticated' } }, (req) =>
    auth.me(app.db, req.actor!, req.csrfToken ?? ''),
  );

  app.patch(
    '/auth/preferences',
    {
      schema: { tags: ['auth'], summary: '修改自己的显示偏好（涨跌颜色）', body: PreferencesBody },
      config: { permission: 'authenticated' },
    },
    (req) => auth.setPreferences(app.db, req.actor!, req.body),
  );

  app.post(
    '/auth/password',
    { schema: { tags: ['auth'], summary: '修改自己的密码', body: ChangePasswordBody }, config: { permission: 'authenticated' } },
    async (req, reply) => {
      await auth.changePassword(app.db, req.actor!, req.body);
      return reply.code(204).send();
    },
  );
}
