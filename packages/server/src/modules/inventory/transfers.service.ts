/** Transfers (调拨) between warehouses: transfer_out + transfer_in per line, all lines or none. */
import { AppError, newId, type FieldError, type Page, type Transfer, type TransferFilter, type TransferInput } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { pageOf, withPage } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import { nextCode, requireSkus, requireWarehouse } from './common.js';
import { moveQty } from './stock.service.js';

export async function createTransfer(trx: Transaction<DB>, actor: Actor, input: TransferInput): Promise<Transfer> {
  const from = await requireWarehouse(trx, actor.orgId, input.fromWarehouseId, { active: true, field: 'fromWarehouseId' });
  const to = await requireWarehouse(trx, actor.orgId, input.toWarehouseId, { active: true, field: 'toWarehouseId' });
  if (from.id === to.id) {
    throw new AppError('validation_failed', '调出仓与调入仓不能相同', {}, [{ path: 'toWarehouseId', message: '调出仓与调入仓不能相同' }]);
  }
  const seen = new Map<string, number>();
  input.lines.forEach((l, i) => {
    if (seen.has(l.skuId)) {
      throw new AppError('validation_failed', `第 ${i + 1} 行与第 ${seen.get(l.skuId)! + 1} 行是同一个 SKU，请合并为一行`, {}, [
        { path: `lines.${i}.skuId`, message: 'SKU 重复' },
      ]);
    }
    seen.set(l.skuId, i);
  });
  const skus = await requireSkus(
    trx,
    actor.orgId,
    input.lines.map((l) => l.skuId),
  );
  // Report every short line at once; the guarded updates below still decide under concurrency.
  const stock = await trx
    .selectFrom('stock')
    .select(['sku_id', 'available'])
    .where('warehouse_id', '=', from.id)
    .where(
      'sku_id',
      'in',
      input.lines.map((l) => l.skuId),
    )
    .execute();
  const avail = new Map(stock.map((s) => [s.sku_id, Number(s.available)]));
  const short: FieldError[] = [];
  const msgs: string[] = [];
  input.lines.forEach((l, i) => {
    const a = avail.get(l.skuId) ?? 0;
    if (a < l.qty) {
      msgs.push(`第 ${i + 1} 行 ${skus.get(l.skuId)!.code} 可用 ${a} 件，需调出 ${l.qty} 件`);
      short.push({ path: `lines.${i}.qty`, message: `可用仅 ${a} 件` });
    }
  });
  if (short.length) {
    throw new AppError('conflict', `库存不足，调拨未执行（所有行都未调动）：${msgs.join('；')}。请减少数量后重试`, {}, short);
  }
  const now = Date.now();
  const id = newId('transfer');
  const code = await nextCode(trx, 'transfers', actor.orgId, 'TF', now);
  await trx
    .insertInto('transfers')
    .values({
      id,
      org_id: actor.orgId,
      code,
      from_warehouse_id: from.id,
      to_warehouse_id: to.id,
      note: input.note,
      created_by: actor.userId || null,
      created_at: now,
    })
    .execute();
  await trx
    .insertInto('transfer_lines')
    .values(input.lines.map((l) => ({ transfer_id: id, sku_id: l.skuId, qty: l.qty })))
    .execute();
  for (const [i, l] of input.lines.entries()) {
    const ref = { refType: 'transfer', refId: id, note: `调拨 ${code}：${from.name} → ${to.name}` };
    try {
      await moveQty(trx, actor, 'transfer_out', l.skuId, from.id, l.qty, ref);
    } catch (err) {
      if (err instanceof AppError && err.code === 'conflict') {
        throw new AppError(
          'conflict',
          `库存不足，调拨未执行：第 ${i + 1} 行 ${skus.get(l.skuId)!.code} 在「${from.name}」的可用库存不足 ${l.qty} 件`,
          err.details,
          [{ path: `lines.${i}.qty`, message: '可用库存不足' }],
        );
      }
      throw err;
    }
    await moveQty(trx, actor, 'transfer_in', l.skuId, to.id, l.qty, ref);
  }
  await audit.record(trx, actor, 'transfer.create', {
    entityType: 'transfer',
    entityId: id,
    after: { code, from: from.name, to: to.name, lines: input.lines.map((l) => ({ sku: skus.get(l.skuId)!.code, qty: l.qty })) },
  });
  return getTransfer(trx, actor, id);
}

async function transferLines(db: Kysely<DB>, ids: string[]) {
  if (!ids.length) return new Map<string, Transfer['lines']>();
  const rows = await db
    .selectFrom('transfer_lines as l')
    .innerJoin('skus', 'skus.id', 'l.sku_id')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .select(['l.transfer_id', 'l.sku_id', 'l.qty', 'skus.code', 'skus.spec_text', 'products.title'])
    .where('l.transfer_id', 'in', ids)
    .orderBy('skus.code')
    .execute();
  const map = new Map<string, Transfer['lines']>();
  for (const r of rows) {
    const list = map.get(r.transfer_id) ?? [];
    list.push({ skuId: r.sku_id, skuCode: r.code, specText: r.spec_text, productTitle: r.title, qty: Number(r.qty) });
    map.set(r.transfer_id, list);
  }
  return map;
}

function baseQuery(db: Kysely<DB>, orgId: string) {
  return db
    .selectFrom('transfers as t')
    .innerJoin('warehouses as wf', 'wf.id', 't.from_warehouse_id')
    .innerJoin('warehouses as wt', 'wt.id', 't.to_warehouse_id')
    .where('t.org_id', '=', orgId);
}

export async function getTransfer(db: Kysely<DB>, actor: Actor, id: string): Promise<Transfer> {
  const r = await baseQuery(db, actor.orgId)
    .selectAll('t')
    .select(['wf.name as from_name', 'wt.name as to_name'])
    .where('t.id', '=', id)
    .executeTakeFirst();
  if (!r) throw new AppError('not_found', `调拨单 ${id} 不存在`, { transferId: id });
  const ls = await transferLines(db, [id]);
  return {
    id: r.id,
    code: r.code,
    fromWarehouseId: r.from_warehouse_id,
    fromWarehouseName: r.from_name,
    toWarehouseId: r.to_warehouse_id,
    toWarehouseName: r.to_name,
    note: r.note,
    createdAt: Number(r.created_at),
    lines: ls.get(id) ?? [],
  };
}

export async function listTransfers(db: Kysely<DB>, actor: Actor, f: TransferFilter): Promise<Page<Transfer>> {
  let q = baseQuery(db, actor.orgId);
  if (f.warehouseId) {
    const w = f.warehouseId;
    q = q.where((eb) => eb.or([eb('t.from_warehouse_id', '=', w), eb('t.to_warehouse_id', '=', w)]));
  }
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('t')
    .select(['wf.name as from_name', 'wt.name as to_name'])
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .$call((qb) => withPage(qb, f))
    .execute();
  const ls = await transferLines(
    db,
    rows.map((r) => r.id),
  );
  return pageOf(
    rows.map((r) => ({
      id: r.id,
      code: r.code,
      fromWarehouseId: r.from_warehouse_id,
      fromWarehouseName: r.from_name,
      toWarehouseId: r.to_warehouse_id,
      toWarehouseName: r.to_name,
      note: r.note,
      createdAt: Number(r.created_at),
      lines: ls.get(r.id) ?? [],
    })),
    Number(total),
    f,
  );
}
