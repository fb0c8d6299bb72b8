import { FindingIdParams, FindingListQuery, RunDiagnosisBody, UpdateFindingBody } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import { getFinding, listFindings, runForActor, updateFinding } from './diagnosis.service.js';

/** Viewing needs analytics.read; running, assigning and closing are team work (tasks.write). */
const R = {
  read: { permission: 'analytics.read' },
  write: { permission: 'tasks.write' },
} as const;
const tags = ['diagnosis'];

export async function diagnosisRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/diagnosis/findings',
    { schema: { tags, summary: '店铺诊断：发现的问题（按每天损失金额排序）', querystring: FindingListQuery }, config: R.read },
    (req) => listFindings(app.db, req.actor!, req.query),
  );
  app.get(
    '/diagnosis/findings/:id',
    { schema: { tags, summary: '一条诊断的证据、可能原因与建议操作', params: FindingIdParams }, config: R.read },
    (req) => getFinding(app.db, req.actor!, req.params.id),
  );
  app.post(
    '/diagnosis/findings/:id',
    {
      schema: { tags, summary: '指派、标记已解决、忽略（需备注）或重新打开', params: FindingIdParams, body: UpdateFindingBody },
      config: R.write,
    },
    (req) => app.db.transaction().execute((trx) => updateFinding(trx, req.actor!, req.params.id, req.body)),
  );
  app.post(
    '/diagnosis/run',
    { schema: { tags, summary: '立即诊断一个店铺（默认诊断到昨天）', body: RunDiagnosisBody }, config: R.write },
    (req) => runForActor(app.db, req.actor!, req.body.shopId, req.body.date),
  );
}
