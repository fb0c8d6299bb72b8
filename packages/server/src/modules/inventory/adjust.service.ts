/**
 * Manual stock changes on the stock page: threshold edits (stored on the SKU by the catalogue),
 * adjustments and defective reports — each through the ledger (`move`) and audited.
 */
import { AppError, type AdjustInput, type DefectiveInput, type ThresholdsInput } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as catalog from '../catalog/index.js';
import { requireSkus, requireWarehouse, skuInfo } from './common.js';
import { checkThresholds, levels, move } from './stock.service.js';

export async function setThresholds(
  trx: Transaction<DB>,
  actor: Actor,
  skuId: string,
  input: ThresholdsInput,
): Promise<{ skuId: string; lowStock: number | null; overStock: number | null }> {
  const sku = (await skuInfo(trx, actor.orgId, [skuId])).get(skuId);
  if (!sku) throw new AppError('not_found', `SKU ${skuId} 不存在`, { skuId });
  const low = input.lowStock === undefined ? sku.lowStock : input.lowStock;
  const over = input.overStock === undefined ? sku.overStock : input.overStock;
  if (low !== null && over !== null && over <= low) {
    throw new AppError('validation_failed', `${sku.code}：积压上限（${over}）必须大于低库存预警值（${low}）`, {}, [
      { path: 'overStock', message: '积压上限必须大于预警值' },
    ]);
  }
  await catalog.setSkuStockLimits(trx, actor.orgId, skuId, { lowStock: low, overStock: over });
  await audit.record(trx, actor, 'sku.thresholds', {
    entityType: 'sku',
    entityId: skuId,
    before: { code: sku.code, lowStock: sku.lowStock, overStock: sku.overStock },
    after: { code: sku.code, lowStock: low, overStock: over },
  });
  await checkThresholds(trx, actor.orgId, skuId);
  return { skuId, lowStock: low, overStock: over };
}

async function levelOf(trx: Kysely<DB>, skuId: string, warehouseId: string) {
  const [l] = await levels(trx, [skuId], warehouseId);
  return l
    ? { onHand: l.onHand, reserved: l.reserved, available: l.available, defective: l.defective }
    : { onHand: 0, reserved: 0, available: 0, defective: 0 };
}

/** A manual adjustment (盘盈/盘亏/报损…): ± on hand and available together, never below zero. */
export async function adjust(
  trx: Transaction<DB>,
  actor: Actor,
  input: AdjustInput,
): Promise<{ before: Awaited<ReturnType<typeof levelOf>>; after: Awaited<ReturnType<typeof levelOf>> }> {
  const skus = await requireSkus(trx, actor.orgId, [input.skuId], 'sku');
  await requireWarehouse(trx, actor.orgId, input.warehouseId, { active: true });
  const sku = skus.get(input.skuId)!;
  const before = await levelOf(trx, input.skuId, input.warehouseId);
  try {
    await move(trx, actor, {
      skuId: input.skuId,
      warehouseId: input.warehouseId,
      type: 'adjust',
      delta: { onHand: input.qty, available: input.qty },
      refType: 'adjust',
      note: input.reason,
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') {
      throw new AppError(
        'conflict',
        `库存不足：${sku.code} 可用 ${before.available} 件，不能减少 ${-input.qty} 件（已占用 ${before.reserved} 件不能调减）；请核对数量`,
        err.details,
        [{ path: 'qty', message: `最多可减少 ${before.available} 件` }],
      );
    }
    throw err;
  }
  const after = await levelOf(trx, input.skuId, input.warehouseId);
  await audit.record(trx, actor, 'stock.adjust', {
    entityType: 'sku',
    entityId: input.skuId,
    before: { sku: sku.code, warehouseId: input.warehouseId, ...before },
    after: { sku: sku.code, warehouseId: input.warehouseId, ...after, qty: input.qty, reason: input.reason },
  });
  return { before, after };
}

/** Report defective units: they leave on hand and available and are counted as defective. */
export async function reportDefective(
  trx: Transaction<DB>,
  actor: Actor,
  input: DefectiveInput,
): Promise<{ before: Awaited<ReturnType<typeof levelOf>>; after: Awaited<ReturnType<typeof levelOf>> }> {
  const skus = await requireSkus(trx, actor.orgId, [input.skuId], 'sku');
  await requireWarehouse(trx, actor.orgId, input.warehouseId);
  const sku = skus.get(input.skuId)!;
  const before = await levelOf(trx, input.skuId, input.warehouseId);
  try {
    await move(trx, actor, {
      skuId: input.skuId,
      warehouseId: input.warehouseId,
      type: 'defective',
      delta: { onHand: -input.qty, available: -input.qty, defective: input.qty },
      refType: 'defective',
      note: input.reason,
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'conflict') {
      throw new AppError('conflict', `库存不足：${sku.code} 可用 ${before.available} 件，不能报次品 ${input.qty} 件`, err.details, [
        { path: 'qty', message: `最多 ${before.available} 件` },
      ]);
    }
    throw err;
  }
  const after = await levelOf(trx, input.skuId, input.warehouseId);
  await audit.record(trx, actor, 'stock.defective', {
    entityType: 'sku',
    entityId: input.skuId,
    before: { sku: sku.code, warehouseId: input.warehouseId, ...before },
    after: { sku: sku.code, warehouseId: input.warehouseId, ...after, qty: input.qty, reason: input.reason },
  });
  return { before, after };
}
