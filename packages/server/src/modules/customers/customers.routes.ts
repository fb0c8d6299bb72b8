import {
  CustomerExportQuery,
  CustomerIdParams,
  CustomerListQuery,
  MemberLevelBody,
  MemberLevelIdParams,
  MemberSettingsBody,
  MergeCustomersBody,
  PointsBody,
  PointsLedgerQuery,
  RfmMembersQuery,
  RfmMigrationQuery,
  RfmQuery,
  RfmThresholdsBody,
  SaveSegmentBody,
  SegmentExportQuery,
  SegmentIdParams,
  SegmentListQuery,
  SegmentMembersQuery,
  SegmentPreviewBody,
  TagCustomersBody,
  UpdateCustomerBody,
} from '@yunying/core';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.js';
import type { AppInstance } from '../../http/types.js';
import { exportFile, rowsOfIds, sheetOf } from './customers.export.js';
import { migration, openShop } from './customers.rfm.js';
import * as expiry from './customers.expiry.js';
import * as members from './customers.members.js';
import * as segments from './customers.segments.js';
import * as customers from './customers.service.js';

const R = {
  read: { permission: 'customers.read' },
  write: { permission: 'customers.write' },
  /** The organisation's membership rules (levels, points) apply to every shop: not for a one-shop user. */
  orgWide: { permission: 'customers.write', orgWide: true },
} as const;
const tags = ['customers'];

export async function customersRoutes(app: AppInstance): Promise<void> {
  const tx = <T>(fn: (trx: Transaction<DB>) => Promise<T>) => app.db.transaction().execute(fn);

  app.get(
    '/customers',
    { schema: { tags, summary: '客户列表（名单、RFM 分群、标签、搜索）', querystring: CustomerListQuery }, config: R.read },
    (req) => customers.listCustomers(app.db, req.actor!, req.query),
  );
  app.get(
    '/customers/export',
    { schema: { tags, summary: '导出客户（无个人信息权限时脱敏）', querystring: CustomerExportQuery }, config: R.read },
    async (req, reply) => {
      const { format, ...filter } = req.query;
      const { body } = await exportFile(app.db, req.actor!, filter, format);
      const name = `customers-${filter.list}${filter.segment ? `-${filter.segment}` : ''}.${format}`;
      return reply
        .type(format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(body);
    },
  );
  app.post(
    '/customers/tags',
    { schema: { tags, summary: '给客户打标签（勾选或按筛选）', body: TagCustomersBody }, config: R.write },
    (req) => customers.tagCustomers(app.db, req.actor!, req.body),
  );
  app.get(
    '/customers/merge-suggestions',
    {
      schema: { tags, summary: '合并建议（同一手机号或邮箱）', querystring: z.object({ shopId: z.string().max(64).optional() }) },
      config: R.read,
    },
    (req) => customers.mergeSuggestions(app.db, req.actor!, req.query.shopId),
  );
  app.post('/customers/merge', { schema: { tags, summary: '合并客户', body: MergeCustomersBody }, config: R.write }, (req) =>
    tx((trx) => customers.mergeCustomers(trx, req.actor!, req.body)),
  );
  app.post('/customers/:id/split', { schema: { tags, summary: '拆分已合并的客户', params: CustomerIdParams }, config: R.write }, (req) =>
    tx((trx) => customers.splitCustomer(trx, req.actor!, req.params.id)),
  );
  app.get('/customers/rfm', { schema: { tags, summary: 'RFM 八类客户分群', querystring: RfmQuery }, config: R.read }, (req) =>
    customers.rfmSummary(app.db, req.actor!, req.query),
  );
  app.get('/customers/rfm/members', { schema: { tags, summary: 'RFM 分群成员', querystring: RfmMembersQuery }, config: R.read }, (req) =>
    customers.listCustomers(app.db, req.actor!, { ...req.query, list: 'all', sort: 'paidFen', order: 'desc' }),
  );
  app.get(
    '/customers/rfm/migration',
    { schema: { tags, summary: 'RFM 分群迁移（两个日期之间）', querystring: RfmMigrationQuery }, config: R.read },
    async (req) => {
      const shop = await openShop(app.db, req.actor!, req.query.shopId);
      return migration(app.db, shop.id, req.query.from, req.query.to);
    },
  );
  app.post(
    '/customers/rfm/thresholds',
    { schema: { tags, summary: '设置店铺的 RFM 门槛（null 恢复为平均值）', body: RfmThresholdsBody }, config: R.write },
    (req) => tx((trx) => customers.setThresholds(trx, req.actor!, req.body)),
  );
  app.post(
    '/customers/segments/preview',
    { schema: { tags, summary: '客户分群预览（人数与前几页客户）', body: SegmentPreviewBody }, config: R.read },
    (req) => segments.previewSegment(app.db, req.actor!, req.body),
  );
  app.get(
    '/customers/segments',
    { schema: { tags, summary: '已保存的客户分群（含实时人数）', querystring: SegmentListQuery }, config: R.read },
    (req) => segments.listSegments(app.db, req.actor!, req.query.shopId),
  );
  app.post('/customers/segments', { schema: { tags, summary: '保存客户分群', body: SaveSegmentBody }, config: R.write }, (req) =>
    tx((trx) => segments.createSegment(trx, req.actor!, req.body)),
  );
  app.patch(
    '/customers/segments/:id',
    { schema: { tags, summary: '修改客户分群', params: SegmentIdParams, body: SaveSegmentBody }, config: R.write },
    (req) => tx((trx) => segments.updateSegment(trx, req.actor!, req.params.id, req.body)),
  );
  app.delete('/customers/segments/:id', { schema: { tags, summary: '删除客户分群', params: SegmentIdParams }, config: R.write }, (req) =>
    tx((trx) => segments.deleteSegment(trx, req.actor!, req.params.id)),
  );
  app.get(
    '/customers/segments/:id',
    { schema: { tags, summary: '客户分群及其成员（分页）', params: SegmentIdParams, querystring: SegmentMembersQuery }, config: R.read },
    (req) => segments.segmentPage(app.db, req.actor!, req.params.id, req.query),
  );
  app.get(
    '/customers/segments/:id/export',
    {
      schema: { tags, summary: '导出客户分群（无个人信息权限时脱敏）', params: SegmentIdParams, querystring: SegmentExportQuery },
      config: R.read,
    },
    async (req, reply) => {
      const seg = await segments.getSegment(app.db, req.actor!, req.params.id);
      const ids = await segments.matchIds(app.db, req.actor!, seg.rules);
      const format = req.query.format;
      const { body } = await sheetOf(await rowsOfIds(app.db, req.actor!, ids), format);
      return reply
        .type(format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="segment-${seg.id}.${format}"; filename*=UTF-8''${encodeURIComponent(seg.name)}.${format}`,
        )
        .send(body);
    },
  );
  app.get('/customers/membership', { schema: { tags, summary: '会员设置与等级' }, config: R.read }, (req) =>
    members.membershipOf(app.db, req.actor!),
  );
  app.post(
    '/customers/membership/settings',
    { schema: { tags, summary: '会员积分设置（每元积分、会员日）', body: MemberSettingsBody }, config: R.orgWide },
    (req) => tx((trx) => members.saveSettings(trx, req.actor!, req.body)),
  );
  app.post(
    '/customers/membership/expire-points',
    { schema: { tags, summary: '立即执行今天的积分到期（每店每天一次）' }, config: R.orgWide },
    (req) => expiry.expireVisibleShops(app.db, req.actor!),
  );
  app.post('/customers/membership/levels', { schema: { tags, summary: '新增会员等级', body: MemberLevelBody }, config: R.orgWide }, (req) =>
    tx((trx) => members.saveLevel(trx, req.actor!, null, req.body)),
  );
  app.patch(
    '/customers/membership/levels/:id',
    { schema: { tags, summary: '修改会员等级', params: MemberLevelIdParams, body: MemberLevelBody }, config: R.orgWide },
    (req) => tx((trx) => members.saveLevel(trx, req.actor!, req.params.id, req.body)),
  );
  app.delete(
    '/customers/membership/levels/:id',
    { schema: { tags, summary: '删除会员等级', params: MemberLevelIdParams }, config: R.orgWide },
    (req) => tx((trx) => members.deleteLevel(trx, req.actor!, req.params.id)),
  );
  app.get(
    '/customers/:id/points',
    { schema: { tags, summary: '客户积分明细与等级变化', params: CustomerIdParams, querystring: PointsLedgerQuery }, config: R.read },
    (req) => customers.customerPoints(app.db, req.actor!, req.params.id, req.query),
  );
  app.post(
    '/customers/:id/points',
    { schema: { tags, summary: '兑换或调整客户积分', params: CustomerIdParams, body: PointsBody }, config: R.write },
    (req) => tx((trx) => customers.changeCustomerPoints(trx, req.actor!, req.params.id, req.body)),
  );
  app.get('/customers/:id', { schema: { tags, summary: '客户档案', params: CustomerIdParams }, config: R.read }, (req) =>
    customers.getCustomer(app.db, req.actor!, req.params.id),
  );
  app.patch(
    '/customers/:id',
    { schema: { tags, summary: '修改客户备注、邮箱、标签', params: CustomerIdParams, body: UpdateCustomerBody }, config: R.write },
    (req) => tx((trx) => customers.updateCustomer(trx, req.actor!, req.params.id, req.body)),
  );
}
