/**
 * Batch actions on the orders a user ticked in the list (issue 9 item 5): the seller's flag (旗帜),
 * seller memos and 催单 marks, the ship template (an XLSX of the orders awaiting shipment with
 * empty 物流公司 / 运单号 columns), its preview with per-row Chinese errors, shipping from it
 * through the one `shipOrder` of the lifecycle, and the export of the selection.
 *
 * Flags, memos and marks of a batch run in one transaction (all or nothing); shipping runs one
 * transaction per row, so one refused row never blocks the others.
 */
import {
  AppError,
  CARRIERS,
  DEFAULT_TIMEZONE,
  ORDER_FLAG_COLOR_LABELS,
  ShipBody,
  isOrderStatus,
  maskAddress,
  maskName,
  maskPhone,
  maskPhonesInText,
  transitionRefusal,
  type BatchActionResult,
  type BatchFlagInput,
  type BatchMemoInput,
  type BatchShipResult,
  type BatchUrgentInput,
  type OrderSelection,
  type ShipPreview,
  type ShipPreviewRow,
} from '@yunying/core';
import ExcelJS from 'exceljs';
import type { Kysely, Transaction } from 'kysely';
import { inChunks, scopeToShops } from '../../db/kit.js';
import type { DB, OrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as sheets from '../../lib/sheets.js';
import * as audit from '../audit/index.js';
import * as shops from '../shops/index.js';
import { EXPORT_HEADERS, EXPORT_MONEY_COLUMNS, exportRow, readSheet } from './orders.files.js';
import { shipOrder } from './orders.lifecycle.js';
import { actorName, canSeePii, recordEvent } from './orders.rows.js';

/** Orders the ship template lists when no selection is given (the oldest paid first). */
export const SHIP_TEMPLATE_MAX = 5000;

/** The visible orders among `ids`, and the ids that are missing or not the actor's to see. */
async function visibleOrders(db: Kysely<DB>, actor: Actor, ids: readonly string[]): Promise<{ rows: OrdersTable[]; missing: string[] }> {
  const rows = await inChunks(ids, (chunk) => {
    let q = db.selectFrom('orders').selectAll().where('org_id', '=', actor.orgId).where('id', 'in', chunk);
    q = scopeToShops(q, actor, 'shop_id');
    return q.execute();
  });
  const found = new Set(rows.map((r) => r.id));
  return { rows, missing: [...new Set(ids)].filter((id) => !found.has(id)) };
}

function missingErrors(missing: string[]): BatchActionResult['errors'] {
  return missing.map((orderId) => ({ orderId, orderNo: '', message: `订单 ${orderId} 不存在或无权访问，请刷新列表后重新勾选` }));
}

/**
 * Apply `patch(row)` to each order that changes: one UPDATE per order (guarded by org), a timeline
 * entry and an audit row, all in the caller's transaction.
 */
async function applyEach(
  trx: Transaction<DB>,
  actor: Actor,
  ids: readonly string[],
  action: string,
  change: (row: OrdersTable) => { patch: Partial<OrdersTable>; note: string; before: object; after: object } | null,
): Promise<BatchActionResult> {
  const { rows, missing } = await visibleOrders(trx, actor, ids);
  const result: BatchActionResult = { changed: 0, unchanged: 0, errors: missingErrors(missing) };
  const now = Date.now();
  for (const row of rows.sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const c = change(row);
    if (!c) {
      result.unchanged++;
      continue;
    }
    await trx
      .updateTable('orders')
      .set({ ...c.patch, updated_at: now })
      .where('id', '=', row.id)
      .where('org_id', '=', actor.orgId)
      .execute();
    await recordEvent(trx, row.id, { type: action === 'order.memo' ? 'memo' : 'flag', note: c.note, actorName: actorName(actor) });
    await audit.record(trx, actor, action, {
      entityType: 'order',
      entityId: row.id,
      shopId: row.shop_id,
      before: c.before,
      after: c.after,
    });
    result.changed++;
  }
  return result;
}

export function flagOrders(trx: Transaction<DB>, actor: Actor, input: BatchFlagInput): Promise<BatchActionResult> {
  return applyEach(trx, actor, input.ids, 'order.flag', (row) => {
    const before = row.flag_color;
    if ((before ?? null) === input.color) return null;
    return {
      patch: { flag_color: input.color },
      note: input.color ? `插旗：${ORDER_FLAG_COLOR_LABELS[input.color].zh}` : '清除旗帜',
      before: { flagColor: before },
      after: { flagColor: input.color },
    };
  });
}

export function memoOrders(trx: Transaction<DB>, actor: Actor, input: BatchMemoInput): Promise<BatchActionResult> {
  const text = input.sellerMemo;
  return applyEach(trx, actor, input.ids, 'order.memo', (row) => {
    // Append keeps what others wrote (even the phone numbers this user sees masked).
    const next = input.mode === 'replace' || !row.seller_memo ? text : `${row.seller_memo}\n${text}`;
    if (next.length > 1000) {
      throw new AppError(
        'validation_failed',
        `订单 ${row.order_no} 的卖家备注追加后超过 1000 个字符：请缩短备注，或选择「覆盖」`,
        { orderId: row.id },
        [{ path: 'sellerMemo', message: '追加后超过 1000 个字符' }],
      );
    }
    if (next === row.seller_memo) return null;
    return {
      patch: { seller_memo: next },
      note: `${input.mode === 'replace' ? '修改' : '追加'}卖家备注：${text}`,
      before: { sellerMemo: row.seller_memo },
      after: { sellerMemo: next },
    };
  });
}

export function urgeOrders(trx: Transaction<DB>, actor: Actor, input: BatchUrgentInput): Promise<BatchActionResult> {
  return applyEach(trx, actor, input.ids, 'order.flag', (row) => {
    if ((row.urgent === 1) === input.urgent) return null;
    return {
      patch: { urgent: input.urgent ? 1 : 0 },
      note: `${input.urgent ? '标记催单' : '取消催单'}${input.note ? `：${input.note}` : ''}`,
      before: { urgent: row.urgent === 1 },
      after: { urgent: input.urgent, note: input.note ?? '' },
    };
  });
}

// ---------------------------------------------------------------- ship template

/** Columns of the ship template; the last two are for the warehouse to fill. */
export const SHIP_TEMPLATE_HEADERS = [
  '订单编号',
  '店铺',
  '付款时间',
  '买家昵称',
  '收货人',
  '联系电话',
  '收货地址',
  '商品',
  '买家留言',
  '卖家备注',
  '物流公司',
  '运单号',
] as const;
/** Accepted headers of the tracking-number column: the template's, and the older batch-ship file's. */
const TRACKING_HEADERS = ['运单号', '物流单号', '快递单号'];

/** Shop-local wall time, YYYY-MM-DD HH:mm. */
function localTime(ms: number | null, timeZone: string): string {
  if (ms === null) return '';
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(Number(ms));
}

async function linesOf(db: Kysely<DB>, orderIds: readonly string[]) {
  const rows = await inChunks(orderIds, (chunk) =>
    db.selectFrom('order_lines').selectAll().where('order_id', 'in', chunk).orderBy('order_id').orderBy('line_no').execute(),
  );
  const m = new Map<string, typeof rows>();
  for (const r of rows) m.set(r.order_id, [...(m.get(r.order_id) ?? []), r]);
  return m;
}

async function shopInfo(db: Kysely<DB>, actor: Actor) {
  return new Map((await shops.listVisible(db, actor)).map((s) => [s.id, s]));
}

/**
 * The ship template: the selected orders that await shipment (status 待发货), or — without a
 * selection — every order awaiting shipment in the actor's shops (or `shopId`), oldest payment first.
 */
export async function shipTemplate(db: Kysely<DB>, actor: Actor, sel: OrderSelection): Promise<{ buffer: Buffer; count: number }> {
  let rows: OrdersTable[];
  if (sel.ids?.length) {
    const v = await visibleOrders(db, actor, sel.ids);
    rows = v.rows.filter((r) => r.status === 'paid');
    if (rows.length === 0) {
      throw new AppError('invalid_state', '所选订单中没有「待发货」的订单：只有待发货订单可以填写运单号发货，请重新勾选');
    }
  } else {
    let q = db.selectFrom('orders').selectAll().where('org_id', '=', actor.orgId).where('status', '=', 'paid');
    q = scopeToShops(q, actor, 'shop_id');
    if (sel.shopId) q = q.where('shop_id', '=', sel.shopId);
    rows = await q.orderBy('paid_at').orderBy('id').limit(SHIP_TEMPLATE_MAX).execute();
  }
  rows.sort((a, b) => Number(a.paid_at ?? a.ordered_at) - Number(b.paid_at ?? b.ordered_at) || (a.id < b.id ? -1 : 1));
  const lines = await linesOf(
    db,
    rows.map((r) => r.id),
  );
  const shopsById = await shopInfo(db, actor);
  const pii = canSeePii(actor);

  const wb = new ExcelJS.Workbook();
  wb.creator = '运营台';
  const ws = wb.addWorksheet('待发货');
  ws.addRow([...SHIP_TEMPLATE_HEADERS]);
  ws.getRow(1).font = { bold: true };
  for (const r of rows) {
    const shop = shopsById.get(r.shop_id);
    const goods = (lines.get(r.id) ?? []).map((l) => `${l.title}${l.spec_text ? `（${l.spec_text}）` : ''} ×${l.qty}`).join('；');
    ws.addRow(
      [
        r.order_no,
        shop?.name ?? '',
        localTime(r.paid_at, shop?.timezone || DEFAULT_TIMEZONE),
        r.buyer_nick,
        pii ? r.receiver_name : (maskName(r.receiver_name) ?? ''),
        pii ? r.receiver_phone : (maskPhone(r.receiver_phone) ?? ''),
        pii ? r.receiver_address : (maskAddress(r.receiver_address) ?? ''),
        goods,
        pii ? r.buyer_note : maskPhonesInText(r.buyer_note),
        pii ? r.seller_memo : maskPhonesInText(r.seller_memo),
        '',
        '',
      ].map(sheets.formulaSafe),
    );
  }
  const widths = [24, 14, 17, 14, 10, 14, 36, 40, 20, 20, 14, 22];
  ws.columns.forEach((c, i) => {
    c.width = widths[i] ?? 16;
    // Order and tracking numbers stay text: Excel would turn 19 digits into 1.23E+18.
    if (i === 0 || i === 11) c.numFmt = '@';
  });
  ws.views = [{ state: 'frozen', ySplit: 1, xSplit: 1 }];
  const last = rows.length + 1;
  if (rows.length > 0) {
    // The carrier column offers the usual carriers (typing another name is still accepted).
    for (let r = 2; r <= last; r++) {
      ws.getCell(r, 11).dataValidation = {
        type: 'list',
        allowBlank: true,
        showErrorMessage: false,
        formulae: [`"${CARRIERS.join(',')}"`],
      };
    }
  }
  for (const col of [11, 12]) {
    ws.getCell(1, col).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF1B8' } };
    ws.getCell(1, col).note = col === 11 ? '填写物流公司，如 顺丰速运、中通快递' : '填写运单号（字母、数字、短横线）';
  }
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), count: rows.length };
}

// ---------------------------------------------------------------- preview and ship

/**
 * Judge every row of a filled-in ship template without shipping: blank rows (no carrier and no
 * tracking number) are left out; the rest are ready or carry the reason and how to fix it.
 */
export async function previewShipSheet(db: Kysely<DB>, actor: Actor, filename: string, buf: Buffer): Promise<ShipPreview> {
  const sheet = await readSheet(filename, buf);
  const header = (sheet[0] ?? []).map((h) => h.trim());
  const col = {
    orderNo: header.indexOf('订单编号'),
    carrier: header.indexOf('物流公司'),
    trackingNo: header.findIndex((h) => TRACKING_HEADERS.includes(h)),
  };
  const missing = [col.orderNo < 0 ? '订单编号' : null, col.carrier < 0 ? '物流公司' : null, col.trackingNo < 0 ? '运单号' : null].filter(
    (x): x is string => x !== null,
  );
  if (missing.length) {
    throw new AppError(
      'validation_failed',
      `发货文件缺少列：${missing.join('、')}。请在订单列表点「下载发货模板」，在模板的「物流公司」「运单号」两列填写后上传`,
      { missing },
    );
  }
  const rows: ShipPreviewRow[] = [];
  for (let i = 1; i < sheet.length; i++) {
    const cells = sheet[i]!;
    const orderNo = sheets
      .unFormulaSafe(cells[col.orderNo] ?? '')
      .replace(/^'/, '')
      .trim();
    const carrier = (cells[col.carrier] ?? '').trim();
    const trackingNo = (cells[col.trackingNo] ?? '').trim();
    if (!carrier && !trackingNo) continue; // not filled in: left for later
    rows.push({ row: i + 1, orderNo, carrier, trackingNo, orderId: null, error: null });
  }
  if (rows.length === 0) {
    throw new AppError('validation_failed', '文件中没有填写了物流公司和运单号的行：请在「物流公司」「运单号」两列填写后再上传');
  }
  // Every row's order in one look-up (shop-scoped), then each row judged on its own.
  const nos = [...new Set(rows.map((r) => r.orderNo).filter(Boolean))];
  const found = await inChunks(nos, (chunk) => {
    let q = db.selectFrom('orders').select(['id', 'order_no', 'status']).where('org_id', '=', actor.orgId).where('order_no', 'in', chunk);
    q = scopeToShops(q, actor, 'shop_id');
    return q.execute();
  });
  const byNo = new Map<string, { id: string; status: string }[]>();
  for (const f of found) byNo.set(f.order_no, [...(byNo.get(f.order_no) ?? []), { id: f.id, status: f.status }]);
  const seen = new Map<string, number>();
  for (const r of rows) {
    const error = judgeRow(r, byNo, seen);
    if (error) r.error = error;
  }
  const failed = rows.filter((r) => r.error).length;
  return { rows, ready: rows.length - failed, failed };
}

function judgeRow(r: ShipPreviewRow, byNo: Map<string, { id: string; status: string }[]>, seen: Map<string, number>): string | null {
  if (!r.orderNo) return '订单编号为空：请不要删改模板中的订单编号';
  if (!r.carrier) return '物流公司为空：请填写如 顺丰速运、中通快递';
  if (!r.trackingNo) return '运单号为空：请填写快递面单上的运单号';
  const body = ShipBody.safeParse({ carrier: r.carrier, trackingNo: r.trackingNo });
  if (!body.success) {
    const issue = body.error.issues[0]!;
    return `${issue.path[0] === 'carrier' ? '物流公司' : '运单号'}「${issue.path[0] === 'carrier' ? r.carrier : r.trackingNo}」有误：${issue.message}`;
  }
  const first = seen.get(r.orderNo);
  if (first !== undefined) return `订单编号与第 ${first} 行重复：一个订单只填写一行`;
  seen.set(r.orderNo, r.row);
  const matches = byNo.get(r.orderNo) ?? [];
  if (matches.length === 0) return `找不到订单 ${r.orderNo}（或无权访问该店铺）：请核对订单编号`;
  if (matches.length > 1) return `多个店铺都有订单 ${r.orderNo}：请在订单详情中单独发货`;
  const o = matches[0]!;
  r.orderId = o.id;
  if (o.status === 'refunding') return '订单正在退款中，不能发货：请先处理完售后';
  if (o.status !== 'paid')
    return isOrderStatus(o.status) ? `${transitionRefusal(o.status, 'shipped')}（只有待发货订单可以发货）` : '订单状态不能发货';
  return null;
}

/** Ship the ready rows of a ship template, each in its own transaction; refused rows say why. */
export async function shipFromSheet(db: Kysely<DB>, actor: Actor, filename: string, buf: Buffer): Promise<BatchShipResult> {
  const preview = await previewShipSheet(db, actor, filename, buf);
  const result: BatchShipResult = { total: preview.rows.length, shipped: 0, failed: 0, errors: [] };
  for (const r of preview.rows) {
    if (!r.error && r.orderId) {
      try {
        const id = r.orderId;
        await db.transaction().execute((trx) => shipOrder(trx, actor, id, { carrier: r.carrier, trackingNo: r.trackingNo }));
        result.shipped++;
        continue;
      } catch (e) {
        r.error = e instanceof AppError ? e.message : '发货失败（服务器错误），请稍后重试';
      }
    }
    result.failed++;
    result.errors.push({ row: r.row, orderNo: r.orderNo, message: r.error ?? '发货失败' });
  }
  return result;
}

// ---------------------------------------------------------------- export of the selection

/** The selected orders, one row per order line, with the columns of the order export. */
export async function exportSelection(db: Kysely<DB>, actor: Actor, sel: OrderSelection): Promise<{ buffer: Buffer; rows: number }> {
  if (!sel.ids?.length) throw new AppError('validation_failed', '请先勾选要导出的订单', {}, [{ path: 'ids', message: '请先勾选订单' }]);
  const { rows } = await visibleOrders(db, actor, sel.ids);
  rows.sort((a, b) => Number(b.ordered_at) - Number(a.ordered_at) || (a.id < b.id ? 1 : -1));
  const lines = await linesOf(
    db,
    rows.map((r) => r.id),
  );
  const shopsById = await shopInfo(db, actor);
  const pii = canSeePii(actor);
  const table: (string | number)[][] = [];
  for (const r of rows) {
    const shop = shopsById.get(r.shop_id);
    const ctx = { shopName: shop?.name ?? '', channel: r.channel, tz: shop?.timezone || DEFAULT_TIMEZONE, pii };
    for (const l of lines.get(r.id) ?? []) table.push(exportRow(ctx, r, l));
  }
  const money = new Set(EXPORT_MONEY_COLUMNS);
  const buffer =
    sel.format === 'csv'
      ? sheets.toCsv(
          EXPORT_HEADERS,
          table.map((row) => row.map((v, i) => (money.has(i) && typeof v === 'number' ? v.toFixed(2) : v))),
        )
      : await sheets.toXlsx(EXPORT_HEADERS, table, {
          sheetName: '订单',
          widths: { 0: 24, 10: 36, 12: 36 },
          numFmt: (_, c) => (money.has(c) ? '¥#,##0.00' : undefined),
        });
  return { buffer, rows: table.length };
}

/** `attachment` with an ASCII fallback name and the Chinese name for browsers that read filename*. */
export function attachment(ascii: string, chinese: string): string {
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(chinese)}`;
}
