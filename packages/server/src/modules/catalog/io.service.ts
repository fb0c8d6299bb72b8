/**
 * Product import and export (XLSX / CSV). One spreadsheet row is one SKU; rows with the same SPU
 * code (or, without one, the same title) form one product, imported all-or-nothing in its own
 * transaction. Good products are imported, bad rows are reported with the row number the operator
 * sees in the spreadsheet. SKUs are matched by their merchant code (upsert).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  AppError,
  formatFen,
  groupDigits,
  MAX_WEIGHT_G,
  parseProductStatus,
  parseSpecText,
  parseYuan,
  PRODUCT_SHEET_COLUMNS,
  PRODUCT_STATUS_LABELS,
  type ImportResult,
  type ImportRowError,
  type ProductStatus,
  type SkuInput,
  type Spec,
  type SpecDim,
} from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { detectFormat, readSheet, toCsv, toXlsx, unFormulaSafe, type Sheet, type SheetFormat, type XlsxOptions } from '../../lib/sheets.js';
import { createProduct, updateProduct } from './catalog.service.js';
import { canSeeCost } from './product-rules.js';
import { categoryPaths, ensureBrand, ensureCategoryPath } from './taxonomy.service.js';

type Column = (typeof PRODUCT_SHEET_COLUMNS)[number];

const [C_TITLE, C_SPU, C_CATEGORY, C_BRAND, C_SPEC, C_SKU, C_BARCODE, C_PRICE, C_COST, C_WEIGHT, C_STATUS, C_TAGS] = PRODUCT_SHEET_COLUMNS;

/** Header spellings accepted besides the template's own. */
const ALIASES: Record<Column, string[]> = {
  商品标题: ['标题', '商品名称'],
  '商家编码(SPU)': ['SPU商家编码', 'SPU编码', '货号'],
  类目: ['分类', '商品类目'],
  品牌: [],
  '规格(颜色:红;尺码:M)': ['规格', '销售属性'],
  SKU商家编码: ['SKU编码', '商家编码', 'sku'],
  条码: ['条形码', '商品条码'],
  '售价(元)': ['售价', '价格', '价格(元)'],
  '成本(元)': ['成本', '成本价'],
  '重量(克)': ['重量', '重量(g)'],
  状态: ['商品状态'],
  标签: [],
};

const normHeader = (h: string) =>
  h
    .replace(/^\uFEFF/, '')
    .replace(/[\s]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/：/g, ':')
    .replace(/；/g, ';')
    .toLowerCase();

/** Product sheets: wide title and spec columns, every cell text so codes stay as typed. */
const PRODUCT_XLSX = (sheetName: string): XlsxOptions => ({ sheetName, widths: { 0: 36, 4: 24 }, allText: true });

export { detectFormat, type SheetFormat };

// ---------------------------------------------------------------- import

interface ParsedRow {
  row: number;
  title: string;
  spuCode: string;
  category: string;
  brand: string;
  spec: Spec;
  specRaw: string;
  skuCode: string;
  barcode: string;
  priceFen: number;
  costFen: number | undefined;
  weightG: number | undefined;
  status: ProductStatus | undefined;
  tags: string[] | undefined;
}

function columnIndex(header: string[]): Map<Column, number> {
  const normalized = header.map(normHeader);
  const idx = new Map<Column, number>();
  for (const col of PRODUCT_SHEET_COLUMNS) {
    for (const name of [col, ...ALIASES[col]]) {
      const i = normalized.indexOf(normHeader(name));
      if (i >= 0) {
        idx.set(col, i);
        break;
      }
    }
  }
  const missing = ([C_TITLE, C_SKU, C_PRICE] as Column[]).filter((c) => !idx.has(c));
  if (missing.length)
    throw new AppError(
      'validation_failed',
      `表头缺少必填列：${missing.map((m) => `「${m}」`).join('、')}。请下载导入模板，按模板的表头填写`,
      { missing },
    );
  return idx;
}

function parseRows(sheet: Sheet, errors: ImportRowError[]): ParsedRow[] {
  const idx = columnIndex(sheet.header);
  const out: ParsedRow[] = [];
  for (const { row, cells } of sheet.rows) {
    const get = (c: Column) => {
      const i = idx.get(c);
      return i === undefined ? '' : unFormulaSafe((cells[i] ?? '').trim());
    };
    const bad = (column: Column, value: string, reason: string) => errors.push({ row, column, value, reason });
    const before = errors.length;
    const title = get(C_TITLE);
    if (!title) bad(C_TITLE, '', '商品标题不能为空');
    else if (title.length > 200) bad(C_TITLE, title, '商品标题最长 200 个字');
    const skuCode = get(C_SKU);
    if (!skuCode) bad(C_SKU, '', 'SKU商家编码不能为空（导入按它识别 SKU）');
    else if (/\s/.test(skuCode) || skuCode.length > 60) bad(C_SKU, skuCode, 'SKU商家编码不能含空格，最长 60 个字符');
    const priceText = get(C_PRICE);
    const priceFen = parseYuan(priceText);
    if (!priceText) bad(C_PRICE, '', '售价不能为空，请填写元为单位的金额，如 79.90');
    else if (priceFen === null || priceFen < 0) bad(C_PRICE, priceText, '售价格式不正确：请填写不小于 0、最多两位小数的金额，如 79.90');
    const costText = get(C_COST);
    const costFen = costText ? parseYuan(costText) : undefined;
    if (costText && (costFen === null || (costFen ?? 0) < 0))
      bad(C_COST, costText, '成本格式不正确：请填写不小于 0、最多两位小数的金额，如 25.50');
    const weightText = get(C_WEIGHT);
    const weightG = weightText ? Number(weightText) : undefined;
    if (weightText && !(Number.isInteger(weightG) && weightG! >= 0 && weightG! <= MAX_WEIGHT_G))
      bad(C_WEIGHT, weightText, `重量请填写 0 至 ${groupDigits(MAX_WEIGHT_G)} 之间的整数克，如 200`);
    const specRaw = get(C_SPEC);
    const spec = parseSpecText(specRaw);
    if (!spec) bad(C_SPEC, specRaw, '规格格式不正确：请写成「颜色:红;尺码:M」（规格名:规格值，多个用分号隔开）');
    const statusText = get(C_STATUS);
    const status = statusText ? parseProductStatus(statusText) : undefined;
    if (statusText && !status) bad(C_STATUS, statusText, '状态只能是 草稿 / 在售 / 已下架');
    const barcode = get(C_BARCODE);
    if (barcode.length > 60) bad(C_BARCODE, barcode, '条码最长 60 个字符');
    const tagsText = get(C_TAGS);
    const tags =
      idx.has(C_TAGS) && tagsText
        ? [
            ...new Set(
              tagsText
                .split(/[,，、;；|]/)
                .map((t) => t.trim())
                .filter(Boolean),
            ),
          ]
        : undefined;
    if (tags && tags.some((t) => t.length > 20)) bad(C_TAGS, tagsText, '每个标签最长 20 个字');
    if (errors.length > before) {
      out.push({ row, title: '\u0000bad', spuCode: get(C_SPU), skuCode } as ParsedRow);
      continue;
    }
    out.push({
      row,
      title,
      spuCode: get(C_SPU),
      category: get(C_CATEGORY),
      brand: get(C_BRAND),
      spec: spec!,
      specRaw,
      skuCode,
      barcode,
      priceFen: priceFen!,
      costFen: costFen ?? undefined,
      weightG,
      status: status ?? undefined,
      tags,
    });
  }
  return out;
}

function appErrorToRows(err: AppError, rows: ParsedRow[]): ImportRowError[] {
  const fe = err.fieldErrors?.[0];
  const m = fe ? /^skus\.(\d+)\.(\w+)/.exec(fe.path) : null;
  const suffix = rows.length > 1 ? `（同一商品的 ${rows.length} 行都未导入）` : '';
  if (m) {
    const r = rows[Number(m[1])] ?? rows[0]!;
    const col: Column = m[2] === 'code' ? C_SKU : m[2] === 'priceFen' ? C_PRICE : m[2] === 'spec' ? C_SPEC : C_SKU;
    const value = col === C_SKU ? r.skuCode : col === C_PRICE ? formatFen(r.priceFen, { symbol: false }) : r.specRaw;
    return [{ row: r.row, column: col, value, reason: err.message + suffix }];
  }
  const col: Column = fe?.path === 'code' ? C_SPU : fe?.path === 'categoryId' ? C_CATEGORY : fe?.path === 'brandId' ? C_BRAND : C_TITLE;
  const r = rows[0]!;
  const value = col === C_SPU ? r.spuCode : col === C_CATEGORY ? r.category : col === C_BRAND ? r.brand : r.title;
  return [{ row: r.row, column: col, value, reason: err.message + suffix }];
}

export async function importProducts(
  db: Kysely<DB>,
  actor: Actor,
  buf: Buffer,
  format: SheetFormat,
  filename?: string,
): Promise<ImportResult> {
  const sheet = await readSheet(buf, format, filename);
  const errors: ImportRowError[] = [];
  const parsed = parseRows(sheet, errors);
  // Group rows into products; a product with any bad row is skipped entirely.
  const groups = new Map<string, ParsedRow[]>();
  for (const r of parsed) {
    const key = r.spuCode ? `spu:${r.spuCode}` : `title:${r.title}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const skuSeen = new Map<string, number>();
  let created = 0;
  let updated = 0;
  for (const rows of groups.values()) {
    if (rows.some((r) => r.title === '\u0000bad')) {
      const good = rows.filter((r) => r.title !== '\u0000bad');
      for (const g of good)
        errors.push({ row: g.row, column: '', value: '', reason: '同一商品的其他行有错误，此行未导入；改正后重新导入即可' });
      continue;
    }
    let bad = false;
    for (const r of rows) {
      const prev = skuSeen.get(r.skuCode);
      if (prev !== undefined) {
        errors.push({ row: r.row, column: C_SKU, value: r.skuCode, reason: `SKU商家编码与第 ${prev} 行重复` });
        bad = true;
      } else skuSeen.set(r.skuCode, r.row);
    }
    const keys = Object.keys(rows[0]!.spec).join(';');
    for (const r of rows.slice(1)) {
      if (Object.keys(r.spec).join(';') !== keys) {
        errors.push({
          row: r.row,
          column: C_SPEC,
          value: r.specRaw,
          reason: `同一商品的规格名必须一致（第 ${rows[0]!.row} 行是「${keys || '无规格'}」）`,
        });
        bad = true;
      }
    }
    if (bad) continue;
    try {
      const res = await db.transaction().execute((trx) => importGroup(trx, actor, rows));
      created += res.created;
      updated += res.updated;
    } catch (err) {
      if (err instanceof AppError) errors.push(...appErrorToRows(err, rows));
      else throw err;
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { created, updated, errors };
}

async function importGroup(
  trx: Parameters<typeof createProduct>[0],
  actor: Actor,
  rows: ParsedRow[],
): Promise<{ created: number; updated: number }> {
  const first = rows[0]!;
  const existing = await trx
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select(['skus.id', 'skus.code', 'skus.product_id', 'skus.weight_g', 'skus.barcode', 'products.title'])
    .where('skus.org_id', '=', actor.orgId)
    .where(
      'skus.code',
      'in',
      rows.map((r) => r.skuCode),
    )
    .execute();
  let productId: string | null = null;
  for (const e of existing) {
    if (productId && e.product_id !== productId) {
      const r = rows.find((x) => x.skuCode === e.code)!;
      throw new AppError('conflict', `SKU商家编码「${e.code}」属于另一个商品「${e.title}」，同一商品的 SKU 必须属于同一个商品`, {}, [
        { path: `skus.${rows.indexOf(r)}.code`, message: '属于其他商品' },
      ]);
    }
    productId = e.product_id;
  }
  if (!productId && first.spuCode) {
    const p = await trx
      .selectFrom('products')
      .select('id')
      .where('org_id', '=', actor.orgId)
      .where('code', '=', first.spuCode)
      .executeTakeFirst();
    productId = p?.id ?? null;
  }
  const categoryId = first.category ? await ensureCategoryPath(trx, actor, first.category) : undefined;
  const brandId = first.brand ? await ensureBrand(trx, actor, first.brand) : undefined;
  const status = rows.find((r) => r.status)?.status;
  const tags = rows.find((r) => r.tags)?.tags;

  const dimsFrom = (base: SpecDim[]): SpecDim[] => {
    const dims = base.map((d) => ({ name: d.name, values: [...d.values] }));
    for (const r of rows)
      for (const [k, v] of Object.entries(r.spec)) {
        let d = dims.find((x) => x.name === k);
        if (!d) dims.push((d = { name: k, values: [] }));
        if (!d.values.includes(v)) d.values.push(v);
      }
    return dims;
  };

  if (!productId) {
    await createProduct(trx, actor, {
      title: first.title,
      code: first.spuCode || null,
      sellingPoints: '',
      description: '',
      categoryId: categoryId ?? null,
      brandId: brandId ?? null,
      tags: tags ?? [],
      specDims: dimsFrom([]),
      status: status ?? 'draft',
      skus: rows.map((r) => ({
        spec: r.spec,
        code: r.skuCode,
        barcode: r.barcode || null,
        priceFen: r.priceFen,
        costFen: r.costFen,
        weightG: r.weightG ?? 0,
      })),
    });
    return { created: rows.length, updated: 0 };
  }
  const prod = await trx.selectFrom('products').select(['spec_dims']).where('id', '=', productId).executeTakeFirstOrThrow();
  const baseDims = JSON.parse(prod.spec_dims) as SpecDim[];
  const dimNames = baseDims.map((d) => d.name).join(';');
  const rowNames = Object.keys(first.spec).join(';');
  if (baseDims.length && rowNames !== dimNames)
    throw new AppError(
      'validation_failed',
      `规格名与已有商品不一致：已有商品的规格是「${dimNames}」，本行是「${rowNames || '无规格'}」`,
      {},
      [{ path: 'skus.0.spec', message: '规格名不一致' }],
    );
  const skus: SkuInput[] = rows.map((r) => {
    const old = existing.find((e) => e.code === r.skuCode);
    return {
      ...(old ? { id: old.id } : {}),
      spec: r.spec,
      code: r.skuCode,
      barcode: r.barcode ? r.barcode : old ? undefined : null,
      priceFen: r.priceFen,
      costFen: r.costFen,
      weightG: r.weightG ?? old?.weight_g ?? 0,
    };
  });
  await updateProduct(trx, actor, productId, {
    title: first.title,
    ...(first.spuCode ? { code: first.spuCode } : {}),
    ...(categoryId ? { categoryId } : {}),
    ...(brandId ? { brandId } : {}),
    ...(tags ? { tags } : {}),
    specDims: dimsFrom(baseDims),
    ...(status ? { status } : {}),
    skus,
  });
  const upd = skus.filter((s) => s.id).length;
  return { created: skus.length - upd, updated: upd };
}

// ---------------------------------------------------------------- export and template

function headerFor(actor: Actor): Column[] {
  return PRODUCT_SHEET_COLUMNS.filter((c) => c !== C_COST || canSeeCost(actor));
}

async function exportRows(db: Kysely<DB>, actor: Actor): Promise<string[][]> {
  const showCost = canSeeCost(actor);
  const rows = await db
    .selectFrom('skus')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .leftJoin('brands', 'brands.id', 'products.brand_id')
    .select([
      'products.title',
      'products.code as spu',
      'products.category_id',
      'brands.name as brand',
      'skus.spec_text',
      'skus.code',
      'skus.barcode',
      'skus.price_fen',
      'skus.cost_fen',
      'skus.weight_g',
      'products.status',
      'products.tags',
    ])
    .where('products.org_id', '=', actor.orgId)
    .orderBy('products.created_at')
    .orderBy('products.id')
    .orderBy('skus.created_at')
    .execute();
  const paths = await categoryPaths(db, actor.orgId);
  return rows.map((r) => {
    const cells = [
      r.title,
      r.spu ?? '',
      r.category_id ? (paths.get(r.category_id) ?? '') : '',
      r.brand ?? '',
      r.spec_text,
      r.code,
      r.barcode ?? '',
      formatFen(Number(r.price_fen), { symbol: false }).replace(/,/g, ''),
      ...(showCost ? [formatFen(Number(r.cost_fen), { symbol: false }).replace(/,/g, '')] : []),
      String(r.weight_g),
      PRODUCT_STATUS_LABELS[r.status as ProductStatus]?.zh ?? r.status,
      (JSON.parse(r.tags) as string[]).join(','),
    ];
    return cells;
  });
}

export async function exportProducts(db: Kysely<DB>, actor: Actor, format: SheetFormat): Promise<{ buffer: Buffer; rows: number }> {
  const rows = await exportRows(db, actor);
  const header = headerFor(actor);
  return { buffer: format === 'xlsx' ? await toXlsx(header, rows, PRODUCT_XLSX('商品')) : toCsv(header, rows), rows: rows.length };
}

export async function importTemplate(actor: Actor, format: SheetFormat): Promise<Buffer> {
  const header = headerFor(actor);
  const example = (spec: string, code: string): string[] => {
    const full: Record<Column, string> = {
      商品标题: '纯棉圆领短袖T恤 男款',
      '商家编码(SPU)': 'TS001',
      类目: '服装/男装/T恤',
      品牌: '示例品牌',
      '规格(颜色:红;尺码:M)': spec,
      SKU商家编码: code,
      条码: '',
      '售价(元)': '79.00',
      '成本(元)': '25.50',
      '重量(克)': '200',
      状态: '草稿',
      标签: '夏季,纯棉',
    };
    return header.map((h) => full[h]);
  };
  const rows = [example('颜色:白;尺码:M', 'TS001-1'), example('颜色:白;尺码:L', 'TS001-2')];
  return format === 'xlsx' ? toXlsx(header, rows, PRODUCT_XLSX('商品导入模板')) : toCsv(header, rows);
}

// ---------------------------------------------------------------- files (CLI)

/** Import a .csv or .xlsx file (the `yunying` CLI). */
export async function importProductsFile(db: Kysely<DB>, actor: Actor, filePath: string): Promise<ImportResult> {
  const buf = await fs.promises.readFile(filePath);
  return importProducts(db, actor, buf, detectFormat(buf, filePath), path.basename(filePath));
}

/** Export every product to a .csv or .xlsx file, by the file's extension (the `yunying` CLI). */
export async function exportProductsFile(db: Kysely<DB>, actor: Actor, filePath: string): Promise<{ rows: number }> {
  const format: SheetFormat = /\.xlsx$/i.test(filePath) ? 'xlsx' : 'csv';
  const { buffer, rows } = await exportProducts(db, actor, format);
  await fs.promises.writeFile(filePath, buffer);
  return { rows };
}
