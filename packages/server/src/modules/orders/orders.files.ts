/**
 * Files in and out of the orders module: batch shipping from a CSV/XLSX sheet (订单编号, 物流公司,
 * 物流单号) and the per-line order export (CSV UTF-8 with BOM, or XLSX).
 */
import {
  AppError,
  CHANNEL_LABELS,
  DEFAULT_TIMEZONE,
  ORDER_STATUS_LABELS,
  addDays,
  dayStart,
  isBusinessDay,
  isOrderStatus,
  maskAddress,
  maskName,
  maskPhone,
  maskPhonesInText,
  type BatchShipResult,
  type Channel,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { scopeToShops } from '../../db/kit.js';
import type { Actor } from '../../http/actor.js';
import * as sheets from '../../lib/sheets.js';
import * as shops from '../shops/index.js';
import { shipOrder } from './orders.lifecycle.js';
import { canSeePii } from './orders.rows.js';

// ---------------------------------------------------------------- reading sheets

/** Rows of a sheet as arrays of trimmed strings, the header row first. */
export async function readSheet(filename: string, buf: Buffer): Promise<string[][]> {
  const lower = filename.toLowerCase();
  if (!lower.endsWith('.xlsx') && !lower.endsWith('.csv') && !lower.endsWith('.txt')) {
    throw new AppError('validation_failed', `不支持的文件类型「${filename}」：请上传 .csv 或 .xlsx 文件`);
  }
  const sheet = await sheets.readSheet(buf, sheets.detectFormat(buf, filename), filename);
  return [sheet.header, ...sheet.rows.map((r) => r.cells.map((c) => c.trim()))];
}

const SHIP_HEADERS = { orderNo: '订单编号', carrier: '物流公司', trackingNo: '物流单号' } as const;

/**
 * Ship every good row of a sheet; each row is its own transaction, so one bad row never blocks the
 * others. Errors name the row (as numbered in the spreadsheet) and what to fix.
 */
export async function batchShip(db: Kysely<DB>, actor: Actor, filename: string, buf: Buffer): Promise<BatchShipResult> {
  const rows = await readSheet(filename, buf);
  const header = rows[0] ?? [];
  const idx = {
    orderNo: header.indexOf(SHIP_HEADERS.orderNo),
    carrier: header.indexOf(SHIP_HEADERS.carrier),
    trackingNo: header.indexOf(SHIP_HEADERS.trackingNo),
  };
  const missing = Object.entries(idx)
    .filter(([, i]) => i < 0)
    .map(([k]) => SHIP_HEADERS[k as keyof typeof SHIP_HEADERS]);
  if (missing.length) {
    throw new AppError('validation_failed', `文件缺少列：${missing.join('、')}。第一行应为表头：订单编号, 物流公司, 物流单号`, { missing });
  }
  const result: BatchShipResult = { total: 0, shipped: 0, failed: 0, errors: [] };
  const seen = new Set<string>();
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i]!;
    const orderNo = (r[idx.orderNo] ?? '').replace(/^'/, '');
    const carrier = r[idx.carrier] ?? '';
    const trackingNo = r[idx.trackingNo] ?? '';
    if (!orderNo && !carrier && !trackingNo) continue;
    result.total++;
    const fail = (message: string) => {
      result.failed++;
      result.errors.push({ row: i + 1, orderNo, message });
    };
    if (!orderNo) {
      fail('订单编号为空');
      continue;
    }
    if (!carrier) {
      fail('物流公司为空，请填写如 顺丰速运、中通快递');
      continue;
    }
    if (!trackingNo || trackingNo.length > 60) {
      fail(trackingNo ? '物流单号过长（最多 60 个字符）' : '物流单号为空');
      continue;
    }
    if (carrier.length > 40) {
      fail('物流公司名称过长（最多 40 个字符）');
      continue;
    }
    if (seen.has(orderNo)) {
      fail('同一订单编号在文件中重复出现，只处理第一次');
      continue;
    }
    seen.add(orderNo);
    let q = db.selectFrom('orders').select(['id']).where('org_id', '=', actor.orgId).where('order_no', '=', orderNo);
    q = scopeToShops(q, actor, 'shop_id');
    const found = await q.execute();
    if (found.length === 0) {
      fail('找不到此订单编号（或无权访问该店铺）');
      continue;
    }
    if (found.length > 1) {
      fail('多个店铺都有此订单编号，请在订单详情中单独发货');
      continue;
    }
    try {
      await db.transaction().execute((trx) => shipOrder(trx, actor, found[0]!.id, { carrier, trackingNo }));
      result.shipped++;
    } catch (e) {
      fail(e instanceof AppError ? e.message : '发货失败（服务器错误）');
    }
  }
  return result;
}

// ---------------------------------------------------------------- export

const yuan = sheets.fenToYuan;

/** Shop-local wall time, YYYY-MM-DD HH:mm:ss. */
function time(ms: number | null, timeZone: string): string {
  if (ms === null) return '';
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(ms);
}

export const EXPORT_HEADERS = [
  '订单编号',
  '店铺',
  '渠道',
  '订单状态',
  '下单时间',
  '付款时间',
  '发货时间',
  '买家昵称',
  '收货人',
  '联系电话',
  '收货地址',
  '行号',
  '商品标题',
  '规格',
  '商家编码',
  '数量',
  '单价',
  '优惠分摊',
  '实付',
  '退款金额',
  '退款数量',
  '订单商品金额',
  '订单优惠',
  '运费',
  '订单实付',
  '订单退款',
  '物流公司',
  '物流单号',
  '买家留言',
  '卖家备注',
] as const;

/** Indices of EXPORT_HEADERS' money columns (numbers with a ¥ format in XLSX, plain decimals in CSV). */
export const EXPORT_MONEY_COLUMNS: readonly number[] = (
  ['单价', '优惠分摊', '实付', '退款金额', '订单商品金额', '订单优惠', '运费', '订单实付', '订单退款'] as const
).map((h) => EXPORT_HEADERS.indexOf(h));

type Fen = number | bigint;
/** The order fields one export row shows. */
export interface ExportOrder {
  order_no: string;
  status: string;
  ordered_at: number;
  paid_at: number | null;
  shipped_at: number | null;
  buyer_nick: string;
  receiver_name: string | null;
  receiver_phone: string | null;
  receiver_address: string | null;
  goods_fen: Fen;
  discount_fen: Fen;
  shipping_fen: Fen;
  paid_fen: Fen;
  refund_fen: Fen;
  carrier: string | null;
  tracking_no: string | null;
  buyer_note: string | null;
  seller_memo: string | null;
}
/** The line fields one export row shows. */
export interface ExportLine {
  line_no: number;
  title: string;
  spec_text: string;
  merchant_code: string;
  qty: number;
  unit_price_fen: Fen;
  discount_fen: Fen;
  paid_fen: Fen;
  refund_fen: Fen;
  refunded_qty: number;
}

/**
 * One row of the order export (EXPORT_HEADERS' order): the order's fields beside one of its lines.
 * The full export and the export of a selection both build their rows here, so the two files agree.
 * Without PII permission the receiver is masked and phone numbers in the notes are hidden.
 */
export function exportRow(
  ctx: { shopName: string; channel: string; tz: string; pii: boolean },
  r: ExportOrder,
  l: ExportLine,
): (string | number)[] {
  const channel = (CHANNEL_LABELS as Record<string, { zh: string } | undefined>)[ctx.channel as Channel]?.zh ?? ctx.channel;
  const pii = ctx.pii;
  return [
    r.order_no,
    ctx.shopName,
    channel,
    isOrderStatus(r.status) ? ORDER_STATUS_LABELS[r.status].zh : r.status,
    time(r.ordered_at, ctx.tz),
    time(r.paid_at, ctx.tz),
    time(r.shipped_at, ctx.tz),
    r.buyer_nick,
    pii ? (r.receiver_name ?? '') : (maskName(r.receiver_name) ?? ''),
    pii ? (r.receiver_phone ?? '') : (maskPhone(r.receiver_phone) ?? ''),
    pii ? (r.receiver_address ?? '') : (maskAddress(r.receiver_address) ?? ''),
    l.line_no,
    l.title,
    l.spec_text,
    l.merchant_code,
    l.qty,
    yuan(l.unit_price_fen),
    yuan(l.discount_fen),
    yuan(l.paid_fen),
    yuan(l.refund_fen),
    l.refunded_qty,
    yuan(r.goods_fen),
    yuan(r.discount_fen),
    yuan(r.shipping_fen),
    yuan(r.paid_fen),
    yuan(r.refund_fen),
    r.carrier ?? '',
    r.tracking_no ?? '',
    pii ? (r.buyer_note ?? '') : (maskPhonesInText(r.buyer_note) ?? ''),
    pii ? (r.seller_memo ?? '') : (maskPhonesInText(r.seller_memo) ?? ''),
  ];
}

/**
 * Export a shop's orders, one row per order line, to .csv (UTF-8 with BOM, opens in Excel) or
 * .xlsx. `from`/`to` are business days (YYYY-MM-DD, inclusive) of the order time.
 */
export async function exportOrdersFile(
  db: Kysely<DB>,
  actor: Actor,
  filePath: string,
  opts: { shopId: string; from?: string; to?: string },
): Promise<{ rows: number }> {
  const lower = filePath.toLowerCase();
  if (!lower.endsWith('.csv') && !lower.endsWith('.xlsx')) {
    throw new AppError('validation_failed', `导出文件名应以 .csv 或 .xlsx 结尾（收到 ${filePath}）`);
  }
  for (const k of ['from', 'to'] as const) {
    const v = opts[k];
    if (v !== undefined && !isBusinessDay(v))
      throw new AppError('validation_failed', `${k === 'from' ? '开始' : '结束'}日期应为 YYYY-MM-DD（收到 ${v}）`);
  }
  const shop = await shops.getVisible(db, actor, opts.shopId);
  const tz = shop.timezone || DEFAULT_TIMEZONE;
  let q = db
    .selectFrom('orders')
    .innerJoin('order_lines', 'order_lines.order_id', 'orders.id')
    .selectAll('orders')
    .select([
      'order_lines.line_no',
      'order_lines.title',
      'order_lines.spec_text',
      'order_lines.merchant_code',
      'order_lines.qty',
      'order_lines.unit_price_fen',
      'order_lines.discount_fen as line_discount_fen',
      'order_lines.paid_fen as line_paid_fen',
      'order_lines.refund_fen as line_refund_fen',
      'order_lines.refunded_qty',
    ])
    .where('orders.org_id', '=', actor.orgId)
    .where('orders.shop_id', '=', shop.id);
  if (opts.from) q = q.where('orders.ordered_at', '>=', dayStart(opts.from, tz));
  if (opts.to) q = q.where('orders.ordered_at', '<', dayStart(addDays(opts.to, 1), tz));
  const rows = await q.orderBy('orders.ordered_at').orderBy('orders.id').orderBy('order_lines.line_no').execute();
  const ctx = { shopName: shop.name, channel: shop.channel, tz, pii: canSeePii(actor) };
  const table = rows.map((r) =>
    exportRow(ctx, r, {
      line_no: r.line_no,
      title: r.title,
      spec_text: r.spec_text,
      merchant_code: r.merchant_code,
      qty: r.qty,
      unit_price_fen: r.unit_price_fen,
      discount_fen: r.line_discount_fen,
      paid_fen: r.line_paid_fen,
      refund_fen: r.line_refund_fen,
      refunded_qty: r.refunded_qty,
    }),
  );
  await sheets.writeSheetFile(filePath, EXPORT_HEADERS, table, {
    sheetName: '订单',
    widths: { 0: 22, 12: 36, 10: 36 },
    moneyColumns: EXPORT_MONEY_COLUMNS,
  });
  return { rows: table.length };
}
