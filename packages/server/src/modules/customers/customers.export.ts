/**
 * Customer export (a list, segment, tag or search): CSV or XLSX, phone, email and name masked
 * for those without `customers.pii.read`.
 */
import { CHANNEL_LABELS, type CustomerFilter } from '@yunying/core';
import type { Kysely } from 'kysely';
import { inChunks } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { fenToYuan, toCsv, toXlsx, type Cell, type XlsxOptions } from '../../lib/sheets.js';
import * as shops from '../shops/index.js';
import { canSeePii, customerRowToSummary, selectIds } from './customers.service.js';

export const CUSTOMER_EXPORT_HEADERS = [
  '客户ID',
  '店铺',
  '渠道',
  '昵称',
  '姓名',
  '手机',
  '邮箱',
  '订单数',
  '付款订单数',
  '付款金额(元)',
  '退款金额(元)',
  '客单价(元)',
  '首次付款',
  '最近付款',
  '购买周期(天)',
  '标签',
] as const;

const yuan = fenToYuan;

/** The export's sheet: money (付款/退款/客单价) as ¥ numbers in XLSX, two-decimal numbers in CSV. */
export const CUSTOMER_SHEET: XlsxOptions = {
  sheetName: '客户',
  widths: { 0: 32, 3: 20, 5: 16, 6: 24, 15: 30 },
  moneyColumns: [9, 10, 11],
};

export async function exportRows(db: Kysely<DB>, actor: Actor, f: CustomerFilter): Promise<Cell[][]> {
  return rowsOfIds(db, actor, await selectIds(db, actor, f, 200_000));
}

/** The export rows of the given customers, in the given order (a saved segment's members). */
export async function rowsOfIds(db: Kysely<DB>, actor: Actor, ids: string[]): Promise<Cell[][]> {
  const pii = canSeePii(actor);
  const names = new Map((await shops.listVisible(db, actor)).map((s) => [s.id, s.name]));
  const rows = await inChunks(ids, (chunk) => db.selectFrom('customers').selectAll().where('id', 'in', chunk).execute());
  const tags = await inChunks(ids, (chunk) =>
    db.selectFrom('customer_tags').select(['customer_id', 'tag']).where('customer_id', 'in', chunk).execute(),
  );
  const tagMap = new Map<string, string[]>();
  for (const t of tags) tagMap.set(t.customer_id, [...(tagMap.get(t.customer_id) ?? []), t.tag]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const c = customerRowToSummary(byId.get(id)!, pii, tagMap.get(id) ?? []);
    const channel = (CHANNEL_LABELS as Record<string, { zh: string } | undefined>)[c.channel]?.zh ?? c.channel;
    return [
      c.id,
      names.get(c.shopId) ?? c.shopId,
      channel,
      c.nick,
      c.name,
      c.phone,
      c.email,
      c.orderCount,
      c.paidOrders,
      yuan(c.paidFen),
      yuan(c.refundFen),
      yuan(c.aovFen),
      byId.get(id)!.first_paid_day ?? '',
      c.lastPaidDay ?? '',
      c.cycleDays ?? '',
      c.tags.join('，'),
    ];
  });
}

export async function exportFile(
  db: Kysely<DB>,
  actor: Actor,
  f: CustomerFilter,
  format: 'csv' | 'xlsx',
): Promise<{ body: Buffer; rows: number }> {
  return sheetOf(await exportRows(db, actor, f), format);
}

export async function sheetOf(rows: Cell[][], format: 'csv' | 'xlsx'): Promise<{ body: Buffer; rows: number }> {
  const body =
    format === 'csv' ? toCsv(CUSTOMER_EXPORT_HEADERS, rows, CUSTOMER_SHEET) : await toXlsx(CUSTOMER_EXPORT_HEADERS, rows, CUSTOMER_SHEET);
  return { body, rows: rows.length };
}
