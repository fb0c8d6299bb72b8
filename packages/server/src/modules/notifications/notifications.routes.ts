import { AppError, EmailPrefsBody, MarkReadBody, NotificationListQuery } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import * as emails from './emails.js';
import * as notifications from './notifications.service.js';

export async function notificationsRoutes(app: AppInstance): Promise<void> {
  const tags = ['notifications'];
  app.get(
    '/notifications',
    { schema: { tags, summary: '我的通知（含未读数）', querystring: NotificationListQuery }, config: { permission: 'authenticated' } },
    async (req) => {
      const r = await notifications.list(app.db, req.actor!, req.query);
      return { ...r, page: req.query.page, pageSize: req.query.pageSize };
    },
  );
  app.post(
    '/notifications/read',
    { schema: { tags, summary: '标记已读', body: MarkReadBody }, config: { permission: 'authenticated' } },
    async (req) => {
      if (!req.body.all && !req.body.ids?.length) {
        throw new AppError('validation_failed', '请指定要标记已读的通知（ids），或使用 all: true 全部标记已读', {}, [
          { path: 'ids', message: '请选择通知' },
        ]);
      }
      await notifications.markRead(app.db, req.actor!, req.body.all ? 'all' : req.body.ids!);
      const { unread } = await notifications.list(app.db, req.actor!, { page: 1, pageSize: 1 });
      return { unread };
    },
  );
  app.get(
    '/notifications/email-prefs',
    { schema: { tags, summary: '我的邮件提醒设置（中差评、早报）' }, config: { permission: 'authenticated' } },
    async (req) => emails.emailPrefs(app.db, req.actor!),
  );
  app.post(
    '/notifications/email-prefs',
    { schema: { tags, summary: '开启或关闭我的邮件提醒', body: EmailPrefsBody }, config: { permission: 'authenticated' } },
    async (req) => app.db.transaction().execute((trx) => emails.setEmailPrefs(trx, req.actor!, req.body)),
  );
  app.get(
    '/notifications/emails',
    { schema: { tags, summary: '我最近的提醒邮件及其发送状态' }, config: { permission: 'authenticated' } },
    async (req) => ({ items: await emails.myEmails(app.db, req.actor!) }),
  );
}
