import { AuditQuery } from '@yunying/core';
import type { AppInstance } from '../../http/types.js';
import * as audit from './audit.service.js';

export async function auditRoutes(app: AppInstance): Promise<void> {
  app.get(
    '/audit',
    { schema: { tags: ['audit'], summary: '审计日志', querystring: AuditQuery }, config: { permission: 'audit.read' } },
    (req) => audit.search(app.db, req.actor!, req.query),
  );
}
