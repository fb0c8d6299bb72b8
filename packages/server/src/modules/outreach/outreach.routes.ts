import { CampaignBody, CampaignIdParams, CampaignListQuery, MessageListQuery, OutreachSettingsBody, UnsubscribeBody } from '@yunying/core';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import * as outreach from './outreach.service.js';

const R = {
  read: { permission: 'customers.read' },
  write: { permission: 'customers.write' },
} as const;
const tags = ['outreach'];

const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;max-width:480px;margin:80px auto;text-align:center"><h2>${title}</h2><p>${body}</p></body></html>`;
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export async function outreachRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  app.get('/outreach/settings', { schema: { tags, summary: '触达发送设置（SMTP、短信网关、每小时上限）' }, config: R.read }, (req) =>
    outreach.getSettings(app.db, req.actor!),
  );
  app.post(
    '/outreach/settings',
    { schema: { tags, summary: '保存触达发送设置（密码留空则不变）', body: OutreachSettingsBody }, config: R.write },
    (req) => tx((trx) => outreach.saveSettings(trx, req.actor!, req.body)),
  );
  app.get('/outreach/campaigns', { schema: { tags, summary: '触达活动列表', querystring: CampaignListQuery }, config: R.read }, (req) =>
    outreach.listCampaigns(app.db, req.actor!, req.query),
  );
  app.post(
    '/outreach/campaigns',
    { schema: { tags, summary: '向客户分群发送邮件或短信（后台任务）', body: CampaignBody }, config: R.write },
    (req) => tx((trx) => outreach.createCampaign(trx, req.actor!, req.body)),
  );
  app.get(
    '/outreach/campaigns/:id',
    {
      schema: { tags, summary: '触达活动与每位收件人的发送状态', params: CampaignIdParams, querystring: MessageListQuery },
      config: R.read,
    },
    (req) => outreach.getCampaign(app.db, req.actor!, req.params.id, req.query),
  );
  app.post(
    '/outreach/do-not-contact',
    { schema: { tags, summary: '把邮箱或手机号加入勿扰名单', body: UnsubscribeBody }, config: R.write },
    (req) => tx((trx) => outreach.addDoNotContact(trx, req.actor!, req.body)),
  );
  app.get(
    '/outreach/unsubscribe',
    {
      schema: { tags, summary: '退订链接（公开，无需登录）', querystring: z.object({ t: z.string().min(8).max(80) }) },
      config: { permission: 'public' },
    },
    async (req, reply) => {
      const done = await outreach.unsubscribeByToken(app.db, req.query.t);
      reply.type('text/html; charset=utf-8');
      if (!done) return reply.code(404).send(page('退订链接无效', '链接不完整或已失效，请复制邮件中的完整链接。'));
      return reply.send(page('已退订', `${escape(done.address)} 将不再收到本店的营销消息。`));
    },
  );
}
