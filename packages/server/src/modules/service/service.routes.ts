import {
  AppError,
  ChatListQuery,
  QaListQuery,
  QaSampleBody,
  QaScoreBody,
  ServiceFiguresQuery,
  ServiceSettingsBody,
  StaffingPlanQuery,
} from '@yunying/core';
import fastifyMultipart from '@fastify/multipart';
import { z } from 'zod';
import type { AppInstance } from '../../http/types.js';
import { importsDir } from '../orders/import/index.js';
import { receiveUpload, removeUpload } from '../reviews/index.js';
import * as service from './service.service.js';

const tags = ['service'];
const R = { read: { permission: 'service.read' }, write: { permission: 'service.write' } } as const;

export async function serviceRoutes(app: AppInstance): Promise<void> {
  await app.register(async (instance) => {
    const sub = instance as unknown as AppInstance;
    if (!sub.hasRequestDecorator('file'))
      await sub.register(fastifyMultipart, { limits: { fileSize: 50 * 1024 * 1024, files: 1, fields: 10 } });
    sub.post(
      '/service/chats/import',
      {
        schema: { tags, summary: '导入客服聊天/接待记录（multipart：file，shopId，format=qianniu|jd|pdd|douyin|generic）' },
        config: R.write,
      },
      async (req) => {
        const { fields, file } = await receiveUpload(req, importsDir(app.database), 'chats');
        try {
          if (!fields.shopId)
            throw new AppError('validation_failed', '请选择要导入到的店铺', {}, [{ path: 'shopId', message: '请选择店铺' }]);
          if (!file)
            throw new AppError('validation_failed', '请选择聊天记录文件（CSV 或 XLSX）', {}, [{ path: 'file', message: '请选择文件' }]);
          return await service.importChatsFile(app.db, req.actor!, {
            shopId: fields.shopId,
            format: fields.format || 'generic',
            file: file.path,
            fileName: file.name,
          });
        } finally {
          if (file) removeUpload(file.path);
        }
      },
    );
  });
  const tx = app.db.transaction.bind(app.db);
  app.get(
    '/service/figures',
    {
      schema: { tags, summary: '客服数据：按客服与全店的咨询量、询单转化率、首响、处理时长、客单价', querystring: ServiceFiguresQuery },
      config: R.read,
    },
    (req) => service.figures(app.db, req.actor!, req.query),
  );
  app.get('/service/chats', { schema: { tags, summary: '接待记录', querystring: ChatListQuery }, config: R.read }, (req) =>
    service.listChats(app.db, req.actor!, req.query),
  );
  app.get(
    '/service/settings',
    {
      schema: { tags, summary: '客服设置（询单窗口、排班参数）', querystring: z.object({ shopId: z.string().min(1).max(64) }) },
      config: R.read,
    },
    (req) => service.getSettings(app.db, req.actor!, req.query.shopId),
  );
  app.put('/service/settings', { schema: { tags, summary: '保存客服设置', body: ServiceSettingsBody }, config: R.write }, (req) =>
    tx().execute((trx) => service.putSettings(trx, req.actor!, req.body)),
  );
  app.get(
    '/service/staffing',
    { schema: { tags, summary: '排班测算（Erlang C）：某天逐小时所需客服', querystring: StaffingPlanQuery }, config: R.read },
    (req) => service.staffingPlan(app.db, req.actor!, req.query),
  );
  app.get('/service/qa', { schema: { tags, summary: '质检抽样列表', querystring: QaListQuery }, config: R.read }, (req) =>
    service.listQa(app.db, req.actor!, req.query),
  );
  app.post('/service/qa/sample', { schema: { tags, summary: '按客服抽取会话做质检', body: QaSampleBody }, config: R.write }, (req) =>
    tx().execute((trx) => service.sampleQa(trx, req.actor!, req.body)),
  );
  app.put(
    '/service/qa/:id',
    { schema: { tags, summary: '质检打分', params: z.object({ id: z.string().max(64) }), body: QaScoreBody }, config: R.write },
    (req) => tx().execute((trx) => service.scoreQa(trx, req.actor!, req.params.id, req.body)),
  );
}
