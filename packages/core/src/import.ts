/**
 * Order import: the platforms' own export files (Taobao/Tmall, JD, Pinduoduo, Douyin) and a
 * generic file with a user mapping. Pure: header matching, field specs, and cell parsing (long
 * numbers, money, times, platform status text). The server streams the files and writes rows.
 */
import { fenTooLargeMessage, MAX_FEN, parseYuan, type Fen } from './money.js';
import type { OrderStatus } from './orders.js';
import { dayStart, DEFAULT_TIMEZONE } from './time.js';

export const IMPORT_FORMATS = ['taobao', 'jd', 'pdd', 'douyin', 'generic'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const IMPORT_FORMAT_LABELS: Record<ImportFormat, { zh: string; en: string }> = {
  taobao: { zh: '淘宝/天猫 订单报表', en: 'Taobao / Tmall order report' },
  jd: { zh: '京东 订单导出', en: 'JD order export' },
  pdd: { zh: '拼多多 订单导出', en: 'Pinduoduo order export' },
  douyin: { zh: '抖店 订单导出', en: 'Douyin order export' },
  generic: { zh: '通用表格（自定义列对应）', en: 'Generic file (custom mapping)' },
};

export type ImportFileKind = 'orders' | 'items';

/** Which kind of value a column holds, deciding how its cells are parsed. */
export type FieldKind = 'id' | 'text' | 'money' | 'time' | 'int' | 'status';

export const IMPORT_FIELDS = [
  // order level
  'orderNo',
  'subOrderNo',
  'buyerNick',
  'receiverName',
  'receiverPhone',
  'receiverProvince',
  'receiverCity',
  'receiverDistrict',
  'receiverStreet',
  'receiverAddress',
  'buyerNote',
  'sellerMemo',
  'status',
  'goodsAmount',
  'shippingAmount',
  'discountAmount',
  'paidAmount',
  'refundAmount',
  'orderedAt',
  'paidAt',
  'shippedAt',
  'completedAt',
  'carrier',
  'trackingNo',
  'trackingInfo',
  'itemCount',
  'orderTitle',
  // line level
  'title',
  'specText',
  'merchantCode',
  'externalCode',
  'channelItemId',
  'channelSkuId',
  'qty',
  'unitPrice',
  'lineAmount',
  'refundStatus',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

export interface FieldSpec {
  field: ImportField;
  /** Chinese name shown in messages and on the mapping screen. */
  label: string;
  /** Header texts across export versions, best first. */
  aliases: readonly string[];
  kind: FieldKind;
  required?: boolean;
}

export interface FileSpec {
  format: ImportFormat;
  file: ImportFileKind;
  fields: readonly FieldSpec[];
  /** Each row is one order line (false for the Taobao orders report: lines come from the items file). */
  lineRows: boolean;
  /** Where the paid amount sits: once per order (repeated on each line row) or per line row (summed). */
  paidScope: 'order' | 'line';
}

const f = (field: ImportField, label: string, kind: FieldKind, aliases: readonly string[], required = false): FieldSpec => ({
  field,
  label,
  kind,
  aliases,
  required,
});

const TAOBAO_ORDERS: FileSpec = {
  format: 'taobao',
  file: 'orders',
  lineRows: false,
  paidScope: 'order',
  fields: [
    f('orderNo', '订单编号', 'id', ['订单编号', '订单号', '主订单编号'], true),
    f('buyerNick', '买家会员名', 'text', ['买家会员名', '买家昵称', '买家会员名称', '买家']),
    f('goodsAmount', '买家应付货款', 'money', ['买家应付货款', '应付货款', '宝贝总金额']),
    f('shippingAmount', '买家应付邮费', 'money', ['买家应付邮费', '应付邮费', '邮费']),
    f('paidAmount', '买家实际支付金额', 'money', ['买家实际支付金额', '总金额', '实付金额', '买家实付金额', '实际支付金额'], true),
    f('status', '订单状态', 'status', ['订单状态', '交易状态'], true),
    f('buyerNote', '买家留言', 'text', ['买家留言', '买家备注']),
    f('receiverName', '收货人姓名', 'text', ['收货人姓名', '收货人']),
    f('receiverAddress', '收货地址', 'text', ['收货地址', '收货人地址', '详细地址']),
    f('receiverPhone', '联系手机', 'id', ['联系手机', '收货人手机', '收货人手机号', '手机', '联系电话']),
    f('orderedAt', '订单创建时间', 'time', ['订单创建时间', '创建时间', '下单时间'], true),
    f('paidAt', '订单付款时间', 'time', ['订单付款时间', '付款时间', '支付时间']),
    f('orderTitle', '宝贝标题', 'text', ['宝贝标题', '商品标题']),
    f('trackingNo', '物流单号', 'id', ['物流单号', '运单号', '快递单号']),
    f('carrier', '物流公司', 'text', ['物流公司', '快递公司']),
    f('sellerMemo', '订单备注', 'text', ['订单备注', '卖家备注', '商家备注']),
    f('itemCount', '宝贝总数量', 'int', ['宝贝总数量', '宝贝数量', '商品总数量']),
    f('refundAmount', '退款金额', 'money', ['退款金额', '退款总金额']),
    f('shippedAt', '发货时间', 'time', ['发货时间', '卖家发货时间']),
    f('completedAt', '确认收货时间', 'time', ['确认收货时间', '交易成功时间', '交易完成时间']),
  ],
};

const TAOBAO_ITEMS: FileSpec = {
  format: 'taobao',
  file: 'items',
  lineRows: true,
  paidScope: 'order',
  fields: [
    f('orderNo', '订单编号', 'id', ['订单编号', '订单号', '主订单编号'], true),
    f('title', '标题', 'text', ['标题', '宝贝标题', '商品标题'], true),
    f('unitPrice', '价格', 'money', ['价格', '单价', '商品价格', '宝贝单价'], true),
    f('qty', '购买数量', 'int', ['购买数量', '数量', '宝贝数量'], true),
    f('externalCode', '外部系统编号', 'text', ['外部系统编号', 'SKU外部编码']),
    f('specText', '商品属性', 'text', ['商品属性', '销售属性', 'SKU属性', '宝贝属性']),
    f('merchantCode', '商家编码', 'text', ['商家编码', '商品编码', '商家货号']),
    f('channelItemId', '宝贝ID', 'id', ['宝贝ID', '商品ID', '宝贝编号']),
    f('status', '订单状态', 'text', ['订单状态']),
    f('refundStatus', '退款状态', 'text', ['退款状态', '售后状态']),
  ],
};

const JD: FileSpec = {
  format: 'jd',
  file: 'orders',
  lineRows: true,
  paidScope: 'order',
  fields: [
    f('orderNo', '订单号', 'id', ['订单号', '订单编号'], true),
    f('channelItemId', '商品ID', 'id', ['商品ID', '商品编号', 'SKU编号']),
    f('title', '商品名称', 'text', ['商品名称', '商品标题'], true),
    f('qty', '订购数量', 'int', ['订购数量', '商品数量', '数量'], true),
    f('unitPrice', '京东价', 'money', ['京东价', '商品单价', '单价'], true),
    f('paidAmount', '应付金额', 'money', ['应付金额', '订单金额', '实付金额', '订单应付金额'], true),
    f('shippingAmount', '运费金额', 'money', ['运费金额', '运费']),
    f('orderedAt', '下单时间', 'time', ['下单时间', '订单创建时间'], true),
    f('paidAt', '付款时间', 'time', ['付款时间', '付款确认时间', '支付时间']),
    f('status', '订单状态', 'status', ['订单状态'], true),
    f('buyerNick', '下单帐号', 'text', ['下单帐号', '下单账号', '客户账号', '用户账号']),
    f('receiverName', '客户姓名', 'text', ['客户姓名', '收货人', '收货人姓名']),
    f('receiverAddress', '客户地址', 'text', ['客户地址', '收货地址', '详细地址']),
    f('receiverPhone', '联系电话', 'id', ['联系电话', '手机', '收货人电话', '收货人手机']),
    f('merchantCode', '商家SKUID', 'text', ['商家SKUID', '商家SKU ID', '商家编码', '商家skuid']),
    f('buyerNote', '订单备注', 'text', ['订单备注', '买家备注', '客户留言']),
    f('sellerMemo', '商家备注', 'text', ['商家备注', '卖家备注']),
    f('trackingNo', '运单号', 'id', ['运单号', '快递单号']),
    f('carrier', '承运商', 'text', ['承运商', '快递公司', '物流公司']),
    f('shippedAt', '出库时间', 'time', ['出库时间', '发货时间']),
    f('completedAt', '订单完成时间', 'time', ['订单完成时间', '完成时间']),
    f('refundAmount', '退款金额', 'money', ['退款金额']),
  ],
};

const PDD: FileSpec = {
  format: 'pdd',
  file: 'orders',
  lineRows: true,
  paidScope: 'order',
  fields: [
    f('orderNo', '订单号', 'id', ['订单号', '订单编号'], true),
    f('title', '商品', 'text', ['商品', '商品名称', '商品标题'], true),
    f('channelItemId', '商品id', 'id', ['商品id', '商品ID']),
    f('specText', '商品规格', 'text', ['商品规格', '规格']),
    f('qty', '商品数量(件)', 'int', ['商品数量(件)', '商品数量'], true),
    f('unitPrice', '商品单价', 'money', ['商品单价(元)', '商品单价', '单价']),
    f('lineAmount', '商品总价(元)', 'money', ['商品总价(元)', '商品总价']),
    f('discountAmount', '店铺优惠折扣(元)', 'money', ['店铺优惠折扣(元)', '店铺优惠折扣', '商家优惠']),
    f('shippingAmount', '邮费(元)', 'money', ['邮费(元)', '邮费', '运费']),
    f('paidAmount', '用户实付金额(元)', 'money', ['用户实付金额(元)', '用户实付金额', '实付金额'], true),
    f('status', '订单状态', 'status', ['订单状态'], true),
    f('orderedAt', '订单成交时间', 'time', ['订单成交时间', '成交时间', '下单时间', '订单创建时间'], true),
    f('paidAt', '支付时间', 'time', ['支付时间', '付款时间']),
    f('receiverName', '收货人', 'text', ['收货人', '收货人姓名']),
    f('receiverPhone', '手机', 'id', ['手机', '收货人手机号', '联系电话']),
    f('receiverProvince', '省', 'text', ['省', '省份']),
    f('receiverCity', '市', 'text', ['市', '城市']),
    f('receiverDistrict', '区', 'text', ['区', '区县']),
    f('receiverStreet', '街道', 'text', ['街道']),
    f('receiverAddress', '详细地址', 'text', ['详细地址', '收货地址']),
    f('trackingNo', '快递单号', 'id', ['快递单号', '运单号']),
    f('carrier', '快递公司', 'text', ['快递公司', '物流公司']),
    f('channelSkuId', '样式ID', 'id', ['样式ID', 'SKU ID', 'skuid']),
    f('merchantCode', '商家编码-SKU维度', 'text', ['商家编码-SKU维度', 'SKU编码', '商家编码', '商家编码-商品维度']),
    f('buyerNote', '买家留言', 'text', ['买家留言']),
    f('sellerMemo', '商家备注', 'text', ['商家备注']),
    f('shippedAt', '发货时间', 'time', ['发货时间']),
    f('completedAt', '确认收货时间', 'time', ['确认收货时间']),
    f('refundAmount', '退款金额', 'money', ['退款金额(元)', '退款金额']),
  ],
};

const DOUYIN: FileSpec = {
  format: 'douyin',
  file: 'orders',
  lineRows: true,
  paidScope: 'line',
  fields: [
    f('orderNo', '主订单编号', 'id', ['主订单编号', '订单编号', '订单号'], true),
    f('subOrderNo', '子订单编号', 'id', ['子订单编号']),
    f('title', '选购商品', 'text', ['选购商品', '商品名称'], true),
    f('specText', '商品规格', 'text', ['商品规格']),
    f('qty', '商品数量', 'int', ['商品数量', '数量'], true),
    f('channelItemId', '商品ID', 'id', ['商品ID', '商品id']),
    f('merchantCode', '商家编码', 'text', ['商家编码', 'SKU编码']),
    f('unitPrice', '商品单价', 'money', ['商品单价', '单价'], true),
    f('paidAmount', '订单应付金额', 'money', ['订单应付金额', '应付金额', '实付金额'], true),
    f('shippingAmount', '运费', 'money', ['运费']),
    f('paidAt', '支付完成时间', 'time', ['支付完成时间', '支付时间']),
    f('orderedAt', '订单提交时间', 'time', ['订单提交时间', '下单时间'], true),
    f('status', '订单状态', 'status', ['订单状态'], true),
    f('buyerNick', '买家昵称', 'text', ['买家昵称', '用户昵称']),
    f('receiverName', '收件人', 'text', ['收件人', '收货人']),
    f('receiverPhone', '收件人手机号', 'id', ['收件人手机号', '收件人电话', '联系电话']),
    f('receiverProvince', '省', 'text', ['省']),
    f('receiverCity', '市', 'text', ['市']),
    f('receiverDistrict', '区', 'text', ['区']),
    f('receiverStreet', '街道', 'text', ['街道']),
    f('receiverAddress', '详细地址', 'text', ['详细地址', '收货地址']),
    f('trackingInfo', '快递信息', 'text', ['快递信息', '物流信息']),
    f('carrier', '快递公司', 'text', ['快递公司', '物流公司']),
    f('trackingNo', '快递单号', 'id', ['快递单号', '运单号']),
    f('buyerNote', '买家留言', 'text', ['买家留言']),
    f('sellerMemo', '商家备注', 'text', ['商家备注']),
    f('shippedAt', '发货时间', 'time', ['发货时间']),
    f('completedAt', '订单完成时间', 'time', ['订单完成时间', '完成时间']),
    f('refundAmount', '退款金额', 'money', ['退款金额']),
  ],
};

/** Generic files: every field can be mapped; the aliases only pre-fill the mapping screen. */
const GENERIC: FileSpec = {
  format: 'generic',
  file: 'orders',
  lineRows: true,
  paidScope: 'order',
  fields: [
    f('orderNo', '订单号', 'id', ['订单号', '订单编号', '主订单编号'], true),
    f('orderedAt', '下单时间', 'time', ['下单时间', '订单创建时间', '创建时间', '订单提交时间'], true),
    f('status', '订单状态', 'status', ['订单状态', '状态'], true),
    f('title', '商品名称', 'text', ['商品名称', '标题', '商品', '宝贝标题'], true),
    f('qty', '数量', 'int', ['数量', '购买数量', '商品数量'], true),
    f('unitPrice', '单价', 'money', ['单价', '价格', '商品单价'], true),
    f('lineAmount', '商品小计', 'money', ['商品小计', '小计', '商品总价']),
    f('paidAmount', '实付金额', 'money', ['实付金额', '应付金额', '订单金额']),
    f('shippingAmount', '运费', 'money', ['运费', '邮费']),
    f('refundAmount', '退款金额', 'money', ['退款金额']),
    f('specText', '规格', 'text', ['规格', '商品规格', '商品属性']),
    f('merchantCode', '商家编码', 'text', ['商家编码', 'SKU编码']),
    f('channelItemId', '平台商品ID', 'id', ['平台商品ID', '商品ID']),
    f('buyerNick', '买家昵称', 'text', ['买家昵称', '买家', '买家会员名']),
    f('receiverName', '收货人', 'text', ['收货人', '收货人姓名']),
    f('receiverPhone', '收货人手机', 'id', ['收货人手机', '手机', '联系电话']),
    f('receiverAddress', '收货地址', 'text', ['收货地址', '详细地址']),
    f('buyerNote', '买家留言', 'text', ['买家留言']),
    f('sellerMemo', '卖家备注', 'text', ['卖家备注', '商家备注']),
    f('paidAt', '付款时间', 'time', ['付款时间', '支付时间']),
    f('shippedAt', '发货时间', 'time', ['发货时间']),
    f('completedAt', '完成时间', 'time', ['完成时间', '确认收货时间']),
    f('carrier', '快递公司', 'text', ['快递公司', '物流公司']),
    f('trackingNo', '快递单号', 'id', ['快递单号', '运单号', '物流单号']),
  ],
};

const SPECS: Record<string, FileSpec> = {
  'taobao:orders': TAOBAO_ORDERS,
  'taobao:items': TAOBAO_ITEMS,
  'jd:orders': JD,
  'pdd:orders': PDD,
  'douyin:orders': DOUYIN,
  'generic:orders': GENERIC,
};

export function fileSpec(format: ImportFormat, file: ImportFileKind = 'orders'): FileSpec {
  const s = SPECS[`${format}:${file}`];
  if (!s) throw new RangeError(`格式 ${format} 没有 ${file} 文件`);
  return s;
}

/** Whether the format takes a second (items) file. */
export function formatHasItemsFile(format: ImportFormat): boolean {
  return format === 'taobao';
}

// ---------------------------------------------------------------------------------------------
// Text normalisation

/** Full-width ASCII (ＡＢＣ１２３（）：) and the ideographic space to half-width. */
const FULL_WIDTH_RE = /[\uff01-\uff5e\u3000]/;
export function toHalfWidth(s: string): string {
  if (!FULL_WIDTH_RE.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCharCode(c - 0xfee0);
    else if (c === 0x3000) out += ' ';
    else out += s[i];
  }
  return out;
}

/** A header as compared: no BOM, quotes, `=` wrappers or whitespace; half-width; ASCII lower-case. */
export function normalizeHeader(h: string): string {
  return toHalfWidth(h.replace(/^\uFEFF/, ''))
    .replace(/^=(?=")/, '')
    .replace(/["'`]/g, '')
    .replace(/\s+/g, '')
    .toLowerCase();
}

export interface HeaderMatch {
  /** Field → column index. */
  columns: Partial<Record<ImportField, number>>;
  /** Field → the header text it was matched to (for the mapping screen). */
  headers: Partial<Record<ImportField, string>>;
  /** Required fields with no column. */
  missing: FieldSpec[];
}

/**
 * Match a header row against a file spec. With `mapping` (generic files, `{ field: header }`) the
 * user's choice wins; other fields still fall back to aliases. Each column serves one field; an
 * alias earlier in the list is preferred. Unknown columns are ignored.
 */
export function matchHeaders(headers: readonly string[], spec: FileSpec, mapping?: Partial<Record<string, string>> | null): HeaderMatch {
  const norm = headers.map(normalizeHeader);
  const used = new Set<number>();
  const columns: HeaderMatch['columns'] = {};
  const out: HeaderMatch['headers'] = {};
  const take = (field: ImportField, idx: number) => {
    columns[field] = idx;
    out[field] = headers[idx]!.replace(/^\uFEFF/, '').trim();
    used.add(idx);
  };
  if (mapping) {
    for (const fs of spec.fields) {
      const h = mapping[fs.field];
      if (!h) continue;
      const idx = norm.indexOf(normalizeHeader(h));
      if (idx >= 0 && !used.has(idx)) take(fs.field, idx);
    }
  }
  for (const fs of spec.fields) {
    if (columns[fs.field] !== undefined || (mapping && fs.field in mapping)) continue;
    for (const a of fs.aliases) {
      const idx = norm.findIndex((h, i) => h === normalizeHeader(a) && !used.has(i));
      if (idx >= 0) {
        take(fs.field, idx);
        break;
      }
    }
  }
  const missing = spec.fields.filter((fs) => fs.required && columns[fs.field] === undefined);
  return { columns, headers: out, missing };
}

/** One clear message naming every missing required column. */
export function missingColumnsMessage(missing: readonly FieldSpec[], fileLabel: string): string {
  const names = missing.map((m) => `「${m.label}」`).join('、');
  const alts = missing
    .filter((m) => m.aliases.length > 1)
    .map((m) => `${m.label}（也认：${m.aliases.slice(1).join('/')}）`)
    .join('；');
  return `${fileLabel}缺少必需的列 ${names}：请确认选择了正确的平台格式，并导出包含这些列的报表${alts ? `。可识别的列名：${alts}` : ''}。`;
}

// ---------------------------------------------------------------------------------------------
// Cell parsing

export type CellResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const EMPTY_CELLS = new Set(['', 'null', 'NULL', '-', '--', '无', 'N/A']);

/** Strip spreadsheet wrappers: `="123"`, a leading `'`, tabs and surrounding blanks. */
const PLAIN_CELL_RE = /^[^\s='"\t](?:[^\t]*[^\s\t])?$/;
export function cleanCell(raw: string | undefined): string {
  if (raw === undefined) return '';
  // Most cells need no cleaning: no wrapper, no blanks around.
  if (PLAIN_CELL_RE.test(raw)) return raw;
  let s = raw.trim();
  const m = /^="(.*)"$/s.exec(s);
  if (m) s = m[1]!;
  else if (s.startsWith('=') && /^=\d+$/.test(s)) s = s.slice(1);
  if (s.startsWith("'")) s = s.slice(1);
  return s.replace(/\t/g, '').trim();
}

export function isEmptyCell(s: string): boolean {
  return EMPTY_CELLS.has(s);
}

const SCI_RE = /^(\d+)(?:\.(\d+))?[eE]\+?(\d+)$/;

/**
 * A long number kept as text (order numbers, tracking numbers, phones, item ids). Scientific
 * notation such as 1.23457E+17 means the spreadsheet already rounded away digits: refused, never
 * guessed. It is accepted only when its mantissa holds every digit (1.2345E+4 → 12345).
 */
export function parseLongId(raw: string): CellResult<string> {
  const s = toHalfWidth(cleanCell(raw));
  const m = SCI_RE.exec(s);
  if (m) {
    const intPart = m[1]!;
    const frac = m[2] ?? '';
    const exp = Number(m[3]);
    if (frac.length === exp && intPart.length === 1) return { ok: true, value: (intPart + frac).replace(/^0+(?=\d)/, '') };
    return {
      ok: false,
      reason:
        '数字已被表格软件改成科学计数法、末尾几位已丢失，无法还原：请从平台重新导出原始 CSV，或在 Excel 中把该列设为“文本”格式后再保存',
    };
  }
  if (/^\d+\.0+$/.test(s)) return { ok: true, value: s.replace(/\.0+$/, '') };
  return { ok: true, value: s };
}

/** Money as exported ('¥12.50', '12.5', '12.50元', '1,299.00') → fen, without floating point. */
export function parseMoneyCell(raw: string): CellResult<Fen | null> {
  const s = toHalfWidth(cleanCell(raw)).replace(/\s+/g, '').replace(/元$/, '').replace(/^RMB/i, '');
  if (isEmptyCell(s)) return { ok: true, value: null };
  const fen = parseYuan(s.replace(/^\$/, '¥'));
  if (fen === null) {
    // 12.500 from a spreadsheet: extra zero decimals are harmless.
    const z = /^(-?[¥￥]?\d+\.\d{2})0+$/.exec(s);
    if (z) return parseMoneyCell(z[1]!);
    return { ok: false, reason: '不是有效金额：应为数字，最多两位小数，如 12.50 或 ¥12.50' };
  }
  return { ok: true, value: fen };
}

export function parseIntCell(raw: string): CellResult<number | null> {
  const s = toHalfWidth(cleanCell(raw)).replace(/[件个,\s]/g, '');
  if (isEmptyCell(s)) return { ok: true, value: null };
  const m = /^(\d+)(?:\.0+)?$/.exec(s);
  if (!m || !Number.isSafeInteger(Number(m[1]))) return { ok: false, reason: '不是有效的整数数量' };
  return { ok: true, value: Number(m[1]) };
}

const TIME_RE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?(?:\.\d+)?)?$/;

/**
 * Local wall time in the shop's zone → epoch ms. Accepts 'YYYY-MM-DD HH:mm:ss', 'YYYY/M/D H:mm',
 * a bare date, and 年月日 forms.
 */
export function parseTimeCell(raw: string, timeZone: string = DEFAULT_TIMEZONE): CellResult<number | null> {
  const s = toHalfWidth(cleanCell(raw));
  if (isEmptyCell(s) || /^0{4}-0{2}-0{2}/.test(s)) return { ok: true, value: null };
  const m = TIME_RE.exec(s);
  if (!m) return { ok: false, reason: '不是有效时间：应为 2026-11-11 10:30:00 或 2026/11/11 10:30 这样的格式' };
  const [y, mo, d, h = '0', mi = '0', se = '0'] = m.slice(1).map((x) => x ?? undefined) as string[];
  const Y = Number(y);
  const M = Number(mo);
  const D = Number(d);
  const H = Number(h);
  const MI = Number(mi);
  const SE = Number(se);
  const probe = new Date(Date.UTC(Y, M - 1, D));
  if (probe.getUTCFullYear() !== Y || probe.getUTCMonth() !== M - 1 || probe.getUTCDate() !== D || H > 23 || MI > 59 || SE > 59) {
    return { ok: false, reason: '日期或时间不存在（月、日、时、分超出范围）' };
  }
  const day = `${y}-${String(M).padStart(2, '0')}-${String(D).padStart(2, '0')}`;
  return { ok: true, value: cachedDayStart(day, timeZone) + ((H * 60 + MI) * 60 + SE) * 1000 };
}

// dayStart builds Intl formatters; an import of a million rows touches a few hundred days.
const dayStarts = new Map<string, number>();
function cachedDayStart(day: string, timeZone: string): number {
  const key = `${timeZone}|${day}`;
  let v = dayStarts.get(key);
  if (v === undefined) {
    if (dayStarts.size > 20_000) dayStarts.clear();
    v = dayStart(day, timeZone);
    dayStarts.set(key, v);
  }
  return v;
}

/** Platform status text → our status (the texts of every platform's current and older exports). */
const STATUS_TEXT: Record<string, OrderStatus> = {
  等待买家付款: 'pending_payment',
  待付款: 'pending_payment',
  待支付: 'pending_payment',
  等待付款: 'pending_payment',
  未付款: 'pending_payment',
  买家已付款等待卖家发货: 'paid',
  等待卖家发货: 'paid',
  买家已付款: 'paid',
  待发货: 'paid',
  已付款: 'paid',
  已支付: 'paid',
  等待出库: 'paid',
  备货中: 'paid',
  待出库: 'paid',
  未发货: 'paid',
  卖家部分发货: 'shipped',
  部分发货: 'shipped',
  卖家已发货等待买家确认: 'shipped',
  卖家已发货: 'shipped',
  已发货: 'shipped',
  已发货待签收: 'shipped',
  等待确认收货: 'shipped',
  等待买家确认收货: 'shipped',
  已出库: 'shipped',
  待收货: 'shipped',
  已签收: 'delivered',
  已收货: 'delivered',
  买家已签收: 'delivered',
  交易成功: 'completed',
  已完成: 'completed',
  完成: 'completed',
  交易完成: 'completed',
  订单完成: 'completed',
  交易关闭: 'cancelled',
  交易自动关闭: 'cancelled',
  付款以前卖家或买家主动关闭交易: 'cancelled',
  已取消: 'cancelled',
  订单取消: 'cancelled',
  交易已取消: 'cancelled',
  已关闭: 'cancelled',
  取消: 'cancelled',
  '(删除)等待出库': 'cancelled',
  退款中: 'refunding',
  售后中: 'refunding',
  退款处理中: 'refunding',
  已退款: 'refunded',
  退款成功: 'refunded',
  全额退款: 'refunded',
  未发货退款成功: 'refunded',
  已发货退款成功: 'refunded',
  已签收退款成功: 'refunded',
};
const STATUS_KEYS = new Map(Object.entries(STATUS_TEXT).map(([k, v]) => [normalizeStatusText(k), v]));

function normalizeStatusText(s: string): string {
  return toHalfWidth(s).replace(/[\s,，、;；:：。.]/g, '');
}

export function mapPlatformStatus(raw: string): CellResult<OrderStatus> {
  const s = cleanCell(raw);
  const hit = STATUS_KEYS.get(normalizeStatusText(s));
  if (hit) return { ok: true, value: hit };
  return {
    ok: false,
    reason: '无法识别的订单状态：可用 等待买家付款/待发货/已发货/已签收/交易成功/交易关闭/退款中/已退款 等平台原文',
  };
}

/** Douyin's 快递信息 ("中通快递 75123…" / "中通快递,75123…") → carrier and tracking number. */
export function splitTrackingInfo(raw: string): { carrier: string | null; trackingNo: string | null } {
  const s = cleanCell(raw);
  if (isEmptyCell(s)) return { carrier: null, trackingNo: null };
  const m = /^(.*?)[\s,，:：|]*([A-Za-z]{0,4}\d{6,})\s*$/.exec(s);
  if (!m) return { carrier: s, trackingNo: null };
  return { carrier: m[1]!.trim() || null, trackingNo: m[2]! };
}

// ---------------------------------------------------------------------------------------------
// Rows

/** One data row, parsed: order-level values and (for line rows) one line. */
export interface ParsedRow {
  orderNo: string;
  order: {
    buyerNick: string | null;
    receiverName: string | null;
    receiverPhone: string | null;
    receiverAddress: string | null;
    buyerNote: string | null;
    sellerMemo: string | null;
    status: OrderStatus | null;
    goodsFen: Fen | null;
    shippingFen: Fen | null;
    discountFen: Fen | null;
    paidFen: Fen | null;
    refundFen: Fen | null;
    orderedAt: number | null;
    paidAt: number | null;
    shippedAt: number | null;
    completedAt: number | null;
    carrier: string | null;
    trackingNo: string | null;
    itemCount: number | null;
  };
  line: ParsedLine | null;
}

export interface ParsedLine {
  title: string;
  specText: string;
  merchantCode: string;
  /** Second code to match a SKU by (Taobao 外部系统编号). */
  altCode: string;
  channelItemId: string;
  channelSkuId: string;
  qty: number;
  unitPriceFen: Fen;
  /** Line goods amount before discounts (unit × qty unless the file gives a line total). */
  grossFen: Fen;
}

export interface CellError {
  column: string;
  value: string;
  reason: string;
}

export type RowResult = { ok: true; row: ParsedRow } | { ok: false; errors: CellError[] };

/**
 * Parse a data row. Any bad cell refuses the whole row (it is reported with its column, value
 * and the fix), so a wrong number is never stored.
 */
export function parseRow(cells: readonly string[], spec: FileSpec, match: HeaderMatch, timeZone: string): RowResult {
  return compileRowParser(spec, match, timeZone)(cells);
}

/** `parseRow` for one file: the helpers are made once, not per row (a big import parses millions of cells). */
export function compileRowParser(spec: FileSpec, match: HeaderMatch, timeZone: string): (cells: readonly string[]) => RowResult {
  let cells: readonly string[] = [];
  let errors: CellError[] = [];
  const col = (field: ImportField) => match.columns[field];
  const label = (field: ImportField) => match.headers[field] ?? spec.fields.find((x) => x.field === field)?.label ?? field;
  const raw = (field: ImportField): string | undefined => {
    const i = col(field);
    return i === undefined ? undefined : (cells[i] ?? '');
  };
  const fail = (field: ImportField, value: string, reason: string) => {
    errors.push({ column: label(field), value: value.length > 200 ? `${value.slice(0, 200)}…` : value, reason });
  };
  const text = (field: ImportField): string | null => {
    const r = raw(field);
    if (r === undefined) return null;
    const s = cleanCell(r);
    return isEmptyCell(s) ? null : s;
  };
  const id = (field: ImportField): string | null => {
    const r = raw(field);
    if (r === undefined) return null;
    const res = parseLongId(r);
    if (!res.ok) {
      fail(field, r, res.reason);
      return null;
    }
    return isEmptyCell(res.value) ? null : res.value;
  };
  const money = (field: ImportField): Fen | null => {
    const r = raw(field);
    if (r === undefined) return null;
    const res = parseMoneyCell(r);
    if (!res.ok) fail(field, r, res.reason);
    else if (res.value !== null && res.value < 0) fail(field, r, '金额不能为负数');
    else if (res.value !== null && res.value > MAX_FEN) fail(field, r, fenTooLargeMessage(label(field)));
    else return res.value;
    return null;
  };
  const int = (field: ImportField): number | null => {
    const r = raw(field);
    if (r === undefined) return null;
    const res = parseIntCell(r);
    if (!res.ok) fail(field, r, res.reason);
    else if (res.value !== null && res.value > MAX_IMPORT_INT)
      fail(field, r, `${label(field)}不能超过 ${MAX_IMPORT_INT.toLocaleString('en-US')}，请检查该单元格`);
    else return res.value;
    return null;
  };
  const time = (field: ImportField): number | null => {
    const r = raw(field);
    if (r === undefined) return null;
    const res = parseTimeCell(r, timeZone);
    if (!res.ok) fail(field, r, res.reason);
    else return res.value;
    return null;
  };
  const required = (field: ImportField, v: unknown, what = '不能为空') => {
    if ((v === null || v === '') && !errors.some((e) => e.column === label(field))) fail(field, raw(field) ?? '', `${label(field)}${what}`);
  };

  const statusField = spec.fields.find((x) => x.field === 'status');
  const paidRequired = !!spec.fields.find((x) => x.field === 'paidAmount')?.required;
  return (row) => {
    cells = row;
    errors = [];
    const orderNo = id('orderNo');
    required('orderNo', orderNo, '为空：每一行都需要订单编号');
    let status: OrderStatus | null = null;
    if (statusField?.kind === 'status') {
      const r = raw('status');
      if (r !== undefined) {
        const res = mapPlatformStatus(r);
        if (res.ok) status = res.value;
        else fail('status', r, res.reason);
      }
    }
    let carrier = text('carrier');
    let trackingNo = id('trackingNo');
    const info = raw('trackingInfo');
    if (info !== undefined && (!carrier || !trackingNo)) {
      const split = splitTrackingInfo(info);
      carrier ??= split.carrier;
      trackingNo ??= split.trackingNo;
    }
    const addressParts = [text('receiverProvince'), text('receiverCity'), text('receiverDistrict'), text('receiverStreet')].filter(
      (x): x is string => !!x,
    );
    let address = text('receiverAddress');
    if (addressParts.length) {
      const prefix = addressParts.join('');
      address = address ? (address.startsWith(prefix) ? address : `${prefix}${address}`) : prefix;
    }
    const order: ParsedRow['order'] = {
      buyerNick: text('buyerNick'),
      receiverName: text('receiverName'),
      receiverPhone: id('receiverPhone'),
      receiverAddress: address,
      buyerNote: text('buyerNote'),
      sellerMemo: text('sellerMemo'),
      status,
      goodsFen: money('goodsAmount'),
      shippingFen: money('shippingAmount'),
      discountFen: money('discountAmount'),
      paidFen: money('paidAmount'),
      refundFen: money('refundAmount'),
      orderedAt: time('orderedAt'),
      paidAt: time('paidAt'),
      shippedAt: time('shippedAt'),
      completedAt: time('completedAt'),
      carrier,
      trackingNo,
      itemCount: int('itemCount'),
    };
    if (spec.file === 'orders') {
      required('orderedAt', order.orderedAt);
      if (statusField?.required) required('status', status);
      if (paidRequired) required('paidAmount', order.paidFen);
    }
    let line: ParsedLine | null = null;
    if (spec.lineRows) {
      const title = text('title') ?? '';
      const qty = int('qty');
      let unit = money('unitPrice');
      const lineAmount = money('lineAmount');
      required('title', title);
      required('qty', qty);
      if (qty !== null && qty <= 0) fail('qty', raw('qty') ?? '', '数量必须大于 0');
      if (unit === null && lineAmount !== null && qty) unit = Math.round(lineAmount / qty);
      if (unit === null && !errors.some((e) => e.column === label('unitPrice'))) {
        if (col('unitPrice') !== undefined || col('lineAmount') === undefined) required('unitPrice', unit);
        else required('lineAmount', lineAmount);
      }
      const merchantCode = text('merchantCode') ?? '';
      const ext = text('externalCode') ?? '';
      line = {
        title,
        specText: text('specText') ?? '',
        merchantCode: merchantCode || ext,
        altCode: merchantCode ? ext : '',
        channelItemId: id('channelItemId') ?? '',
        channelSkuId: id('channelSkuId') ?? '',
        qty: qty ?? 0,
        unitPriceFen: unit ?? 0,
        grossFen: lineAmount ?? (unit ?? 0) * (qty ?? 0),
      };
    }
    if (errors.length) return { ok: false, errors };
    return { ok: true, row: { orderNo: orderNo!, order, line } };
  };
}

/** Quantities and counts in an imported row stay far below what an integer column holds (2^31). */
export const MAX_IMPORT_INT = 10_000_000;

/** A spreadsheet row with nothing in it (skipped, but still counted for row numbers). */
export function isBlankRow(cells: readonly string[]): boolean {
  for (const c of cells) if (c !== undefined && c.trim() !== '') return false;
  return true;
}

/**
 * Reconcile the platform's "closed" with refunds: Taobao shows a fully refunded paid order as
 * 交易关闭; we call it refunded so refund metrics count it.
 */
export function settleStatus(status: OrderStatus, paidAt: number | null, paidFen: Fen, refundFen: Fen): OrderStatus {
  if (status === 'cancelled' && paidAt !== null && refundFen > 0 && refundFen >= paidFen) return 'refunded';
  return status;
}
