/** SKU edits of one product: add, change, disable, each audited (price and status with before/after). */
import { AppError, newId, type SkuInput, type SpecDim } from '@yunying/core';
import type { Transaction } from 'kysely';
import { insertOrConflict } from '../../db/kit.js';
import type { DB, ProductsTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import { assertCanGoOnSale, assertCodesFree, auditPrice, canChangePrice, checkSpec, codeTaken } from './product-rules.js';

export async function upsertSkus(
  trx: Transaction<DB>,
  actor: Actor,
  product: ProductsTable,
  dims: SpecDim[],
  input: SkuInput[],
): Promise<void> {
  const existing = await trx.selectFrom('skus').selectAll().where('product_id', '=', product.id).execute();
  const rows = input.map((s, i) => ({ ...s, ...checkSpec(s.spec, dims, `skus.${i}.spec`), i }));
  for (const r of rows) {
    if (r.id && !existing.some((e) => e.id === r.id))
      throw new AppError('not_found', `SKU ${r.id} 不属于商品「${product.title}」，请刷新页面`, { skuId: r.id });
  }
  // A spec may appear once among the SKUs after the change.
  const specOwner = new Map<string, string>();
  for (const e of existing) if (!rows.some((r) => r.id === e.id)) specOwner.set(e.spec_text, e.code);
  for (const r of rows) {
    const other = specOwner.get(r.specText);
    if (other !== undefined)
      throw new AppError('validation_failed', `规格「${r.specText || '无规格'}」已有 SKU（${other}），不能重复添加`, {}, [
        { path: `skus.${r.i}.spec`, message: '规格重复' },
      ]);
    specOwner.set(r.specText, r.code);
  }
  await assertCodesFree(trx, actor.orgId, rows);
  const now = Date.now();
  for (const r of rows) {
    const old = r.id ? existing.find((e) => e.id === r.id)! : undefined;
    if (old) {
      const priceChanged = Number(old.price_fen) !== r.priceFen;
      if (priceChanged && !canChangePrice(actor))
        throw new AppError(
          'forbidden',
          `没有修改价格的权限（需要 products.price.write），SKU ${old.code} 的售价未改动；请联系店长`,
          { skuId: old.id },
          [{ path: `skus.${r.i}.priceFen`, message: '无改价权限' }],
        );
      const status = r.status ?? (old.status as 'active' | 'disabled');
      await insertOrConflict(
        trx
          .updateTable('skus')
          .set({
            code: r.code,
            barcode: r.barcode === undefined ? old.barcode : r.barcode?.trim() || null,
            spec: JSON.stringify(r.spec),
            spec_text: r.specText,
            price_fen: r.priceFen,
            cost_fen: r.costFen ?? old.cost_fen,
            weight_g: r.weightG,
            status,
            updated_at: now,
          })
          .where('id', '=', old.id)
          .execute(),
        () => codeTaken(r.code, null, `skus.${r.i}.code`),
      );
      if (priceChanged) await auditPrice(trx, actor, product, old, Number(old.price_fen), r.priceFen);
      if (status !== old.status)
        await audit.record(trx, actor, 'sku.status', {
          entityType: 'sku',
          entityId: old.id,
          before: { code: old.code, status: old.status },
          after: { code: r.code, status, productId: product.id },
        });
    } else {
      const skuId = newId('sku');
      await insertOrConflict(
        trx
          .insertInto('skus')
          .values({
            id: skuId,
            org_id: actor.orgId,
            product_id: product.id,
            code: r.code,
            barcode: r.barcode?.trim() || null,
            spec: JSON.stringify(r.spec),
            spec_text: r.specText,
            price_fen: r.priceFen,
            cost_fen: r.costFen ?? 0,
            weight_g: r.weightG,
            status: r.status ?? 'active',
            low_stock: null,
            over_stock: null,
            created_at: now + r.i,
            updated_at: now,
          })
          .execute(),
        () => codeTaken(r.code, null, `skus.${r.i}.code`),
      );
      await audit.record(trx, actor, 'sku.create', {
        entityType: 'sku',
        entityId: skuId,
        after: { productId: product.id, code: r.code, specText: r.specText, priceFen: r.priceFen },
      });
    }
  }
  if (product.status === 'on_sale') await assertCanGoOnSale(trx, product.id, product.title);
}

/**
 * Set a SKU's unit cost (fen), e.g. the moving-average cost purchasing computes on receipt. The
 * caller audits the change with its reason.
 */
export async function setSkuCost(trx: Transaction<DB>, orgId: string, skuId: string, costFen: number): Promise<void> {
  await trx
    .updateTable('skus')
    .set({ cost_fen: costFen, updated_at: Date.now() })
    .where('org_id', '=', orgId)
    .where('id', '=', skuId)
    .execute();
}

/** Set a SKU's stock thresholds (low-stock alert, over-stock limit; null = none). The caller checks and audits them. */
export async function setSkuStockLimits(
  trx: Transaction<DB>,
  orgId: string,
  skuId: string,
  limits: { lowStock: number | null; overStock: number | null },
): Promise<void> {
  await trx
    .updateTable('skus')
    .set({ low_stock: limits.lowStock, over_stock: limits.overStock, updated_at: Date.now() })
    .where('org_id', '=', orgId)
    .where('id', '=', skuId)
    .execute();
}
