import { IdParams, KpiQuery, SetTargetBody, TargetBoardQuery, WhatIfBaseQuery } from '@yunying/core';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import { kpiBoard } from './kpis.service.js';
import * as targets from './targets.service.js';
import { whatIfBase } from './whatif.service.js';
import { morningDigest } from './digest.service.js';

const R = { read: { permission: 'analytics.read' }, write: { permission: 'targets.write' } } as const;
const tags = ['targets'];
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');

export async function targetsRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  app.get(
    '/targets/board',
    { schema: { tags, summary: '月度目标看板（拆分、进度曲线、当前进度）', querystring: TargetBoardQuery }, config: R.read },
    (req) => targets.board(app.db, req.actor!, req.query),
  );
  app.get(
    '/targets',
    {
      schema: {
        tags,
        summary: '店铺在某段日期内的目标（月度与活动）',
        querystring: z.object({ shopId: z.string().max(64), from: day, to: day }),
      },
      config: R.read,
    },
    (req) => targets.listTargets(app.db, req.actor!, req.query.shopId, req.query.from, req.query.to),
  );
  app.put(
    '/targets',
    { schema: { tags, summary: '设定月度或活动销售目标（自动拆分为访客、转化、客单价）', body: SetTargetBody }, config: R.write },
    (req) => tx((trx) => targets.setTarget(trx, req.actor!, req.body)),
  );
  app.delete('/targets/:id', { schema: { tags, summary: '删除目标', params: IdParams }, config: R.write }, async (req, reply) => {
    await tx((trx) => targets.deleteTarget(trx, req.actor!, req.params.id));
    return reply.code(204).send();
  });
  app.get(
    '/targets/kpis',
    { schema: { tags, summary: '五大指标（新客成本、全程ROI、复购率、毛利率、库存周转）', querystring: KpiQuery }, config: R.read },
    (req) => kpiBoard(app.db, req.actor!, req.query),
  );
  app.get(
    '/whatif/base',
    { schema: { tags, summary: '经营模拟的基准期与弹性估计', querystring: WhatIfBaseQuery }, config: R.read },
    (req) => whatIfBase(app.db, req.actor!, req.query),
  );
  app.get(
    '/digest',
    { schema: { tags, summary: '我的早报（待办任务、今日自查、目标进度、诊断发现）' }, config: { permission: 'tasks.read' } },
    (req) => morningDigest(app.db, req.actor!),
  );
}
