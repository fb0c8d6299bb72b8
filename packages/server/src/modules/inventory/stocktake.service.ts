/**
 * Stocktakes (盘点): a count sheet whose expected figures are the on-hand snapshot at creation;
 * counted figures are entered, and applying posts one 'stocktake' movement per line that moves
 * on hand (and available by the same amount) to the counted figure as of the moment of applying.
 * One open stocktake per warehouse.
 */
import {
  AppError,
  newId,
  type FieldError,
  type Page,
  type Stocktake,
  type StocktakeLine,
  type StocktakeStatus,
  type CreateStocktakeInput,
  type StocktakeLinesInput,
  type StocktakeFilter,
  type ApplyStocktakeInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { pageOf, withPage } from '../../db/kit.js';
import type { DB, StocktakesTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import { lockRow, nextCode, requireSkus, requireWarehouse } from './common.js';
import { lockLevels, move } from './stock.service.js';

async function requireStocktake(db: Kysely<DB>, actor: Actor, id: string): Promise<StocktakesTable> {
  const st = await db.selectFrom('stocktakes').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
  if (!st) throw new AppError('not_found', `盘点单 ${id} 不存在`, { stocktakeId: id });
  return st;
}

function assertCounting(st: StocktakesTable): void {
  if (st.status !== 'counting') {
    const what = st.status === 'applied' ? '已应用' : '已取消';
    throw new AppError('invalid_state', `盘点单 ${st.code} ${what}，不能再修改；如需重新盘点请新建盘点单`, { status: st.status });
  }
}

export async function createStocktake(trx: Transaction<DB>, actor: Actor, input: CreateStocktakeInput): Promise<Stocktake> {
  const wh = await requireWarehouse(trx, actor.orgId, input.warehouseId, { active: true });
  await lockRow(trx, 'warehouses', wh.id); // serialise "one open stocktake per warehouse"
  const open = await trx
    .selectFrom('stocktakes')
    .select(['id', 'code'])
    .where('org_id', '=', actor.orgId)
    .where('warehouse_id', '=', wh.id)
    .where('status', '=', 'counting')
    .executeTakeFirst();
  if (open) {
    throw new AppError('conflict', `仓库「${wh.name}」已有进行中的盘点单 ${open.code}，请先完成或取消它`, { stocktakeId: open.id }, [
      { path: 'warehouseId', message: '该仓库已有进行中的盘点' },
    ]);
  }
  let skuIds: string[];
  if (input.skuIds && input.skuIds.length) {
    skuIds = [...new Set(input.skuIds)];
    await requireSkus(trx, actor.orgId, skuIds, 'skuIds');
  } else {
    skuIds = (
      await trx.selectFrom('stock').select('sku_id').where('org_id', '=', actor.orgId).where('warehouse_id', '=', wh.id).execute()
    ).map((r) => r.sku_id);
    if (skuIds.length === 0) {
      throw new AppError('validation_failed', `仓库「${wh.name}」还没有任何库存记录，请选择要盘点的 SKU`, {}, [
        { path: 'skuIds', message: '请选择要盘点的 SKU' },
      ]);
    }
  }
  const stock = await trx
    .selectFrom('stock')
    .select(['sku_id', 'on_hand'])
    .where('warehouse_id', '=', wh.id)
    .where('sku_id', 'in', skuIds)
    .execute();
  const onHand = new Map(stock.map((s) => [s.sku_id, Number(s.on_hand)]));
  const now = Date.now();
  const id = newId('stocktake');
  const code = await nextCode(trx, 'stocktakes', actor.orgId, 'ST', now);
  await trx
    .insertInto('stocktakes')
    .values({
      id,
      org_id: actor.orgId,
      code,
      warehouse_id: wh.id,
      status: 'counting',
      note: input.note,
      created_by: actor.userId || null,
      created_at: now,
      applied_at: null,
    })
    .execute();
  for (let i = 0; i < skuIds.length; i += 500) {
    await trx
      .insertInto('stocktake_lines')
      .values(skuIds.slice(i, i + 500).map((s) => ({ stocktake_id: id, sku_id: s, expected: onHand.get(s) ?? 0, counted: null })))
      .execute();
  }
  await audit.record(trx, actor, 'stocktake.create', {
    entityType: 'stocktake',
    entityId: id,
    after: { code, warehouse: wh.name, lines: skuIds.length },
  });
  return getStocktake(trx, actor, id);
}

async function lines(db: Kysely<DB>, st: StocktakesTable): Promise<StocktakeLine[]> {
  const rows = await db
    .selectFrom('stocktake_lines as l')
    .innerJoin('skus', 'skus.id', 'l.sku_id')
    .innerJoin('products', 'products.id', 'skus.product_id')
    .leftJoin('stock', (j) => j.onRef('stock.sku_id', '=', 'l.sku_id').on('stock.warehouse_id', '=', st.warehouse_id))
    .select(['l.sku_id', 'l.expected', 'l.counted', 'skus.code', 'skus.spec_text', 'products.title', 'stock.on_hand'])
    .where('l.stocktake_id', '=', st.id)
    .orderBy('skus.code')
    .execute();
  return rows.map((r) => {
    const counted = r.counted === null ? null : Number(r.counted);
    return {
      skuId: r.sku_id,
      skuCode: r.code,
      specText: r.spec_text,
      productTitle: r.title,
      expected: Number(r.expected),
      counted,
      variance: counted === null ? null : counted - Number(r.expected),
      onHandNow: Number(r.on_hand ?? 0),
    };
  });
}

function toDto(st: StocktakesTable, warehouseName: string, lineCount: number, countedCount: number): Stocktake {
  return {
    id: st.id,
    code: st.code,
    warehouseId: st.warehouse_id,
    warehouseName,
    status: st.status as StocktakeStatus,
    note: st.note,
    createdAt: Number(st.created_at),
    appliedAt: st.applied_at === null ? null : Number(st.applied_at),
    lineCount,
    countedCount,
  };
}

export async function getStocktake(db: Kysely<DB>, actor: Actor, id: string): Promise<Stocktake> {
  const st = await requireStocktake(db, actor, id);
  const wh = await db.selectFrom('warehouses').select('name').where('id', '=', st.warehouse_id).executeTakeFirst();
  const ls = await lines(db, st);
  return { ...toDto(st, wh?.name ?? st.warehouse_id, ls.length, ls.filter((l) => l.counted !== null).length), lines: ls };
}

export async function listStocktakes(db: Kysely<DB>, actor: Actor, f: StocktakeFilter): Promise<Page<Stocktake>> {
  let q = db
    .selectFrom('stocktakes')
    .innerJoin('warehouses', 'warehouses.id', 'stocktakes.warehouse_id')
    .where('stocktakes.org_id', '=', actor.orgId);
  if (f.warehouseId) q = q.where('stocktakes.warehouse_id', '=', f.warehouseId);
  if (f.status) q = q.where('stocktakes.status', '=', f.status);
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('stocktakes')
    .select('warehouses.name as warehouse_name')
    .select((eb) => [
      eb
        .selectFrom('stocktake_lines')
        .whereRef('stocktake_lines.stocktake_id', '=', 'stocktakes.id')
        .select(eb.fn.countAll<number>().as('n'))
        .as('line_count'),
      eb
        .selectFrom('stocktake_lines')
        .whereRef('stocktake_lines.stocktake_id', '=', 'stocktakes.id')
        .where('stocktake_lines.counted', 'is not', null)
        .select(eb.fn.countAll<number>().as('n'))
        .as('counted_count'),
    ])
    .orderBy('stocktakes.created_at', 'desc')
    .orderBy('stocktakes.id', 'desc')
    .$call((qb) => withPage(qb, f))
    .execute();
  return pageOf(
    rows.map((r) => toDto(r, r.warehouse_name, Number(r.line_count ?? 0), Number(r.counted_count ?? 0))),
    Number(total),
    f,
  );
}

export async function saveCounts(trx: Transaction<DB>, actor: Actor, id: string, input: StocktakeLinesInput): Promise<Stocktake> {
  const st = await requireStocktake(trx, actor, id);
  assertCounting(st);
  const onSheet = new Set(
    (await trx.selectFrom('stocktake_lines').select('sku_id').where('stocktake_id', '=', id).execute()).map((r) => r.sku_id),
  );
  const bad = input.lines.map((l, i) => ({ ...l, i })).filter((l) => !onSheet.has(l.skuId));
  if (bad.length) {
    throw new AppError(
      'validation_failed',
      `第 ${bad[0]!.i + 1} 行的 SKU ${bad[0]!.skuId} 不在盘点单 ${st.code} 上；如需盘点它，请新建盘点单`,
      {},
      bad.map((b) => ({ path: `lines.${b.i}.skuId`, message: '不在本盘点单上' })),
    );
  }
  for (const l of input.lines) {
    await trx
      .updateTable('stocktake_lines')
      .set({ counted: l.counted })
      .where('stocktake_id', '=', id)
      .where('sku_id', '=', l.skuId)
      .execute();
  }
  return getStocktake(trx, actor, id);
}

/**
 * Apply the counted figures. On hand becomes the counted figure as of now (delta = counted − on
 * hand now, so movements since the snapshot are respected); available moves by the same amount,
 * which is refused when reservations would make it negative. All lines or none.
 */
export async function applyStocktake(trx: Transaction<DB>, actor: Actor, id: string, opts: ApplyStocktakeInput = {}): Promise<Stocktake> {
  await lockRow(trx, 'stocktakes', id);
  const st = await requireStocktake(trx, actor, id);
  assertCounting(st);
  const ls = await lines(trx, st);
  const uncounted = ls.filter((l) => l.counted === null);
  if (uncounted.length && !opts.skipUncounted) {
    throw new AppError(
      'invalid_state',
      `还有 ${uncounted.length} 行未填写实盘数（如 ${uncounted[0]!.skuCode}），请填写后再应用，或选择“跳过未盘行”`,
      { uncounted: uncounted.map((u) => u.skuId) },
    );
  }
  // The counted lines' stock rows, locked until commit: each delta is computed from the figures
  // it is applied to, so a sale or arrival during the apply cannot be overwritten or counted twice.
  const cur = await lockLevels(
    trx,
    actor.orgId,
    st.warehouse_id,
    ls.filter((l) => l.counted !== null).map((l) => l.skuId),
  );
  const errors: FieldError[] = [];
  const messages: string[] = [];
  const plan: { line: StocktakeLine; delta: number; onHand: number }[] = [];
  ls.forEach((l, i) => {
    if (l.counted === null) return;
    const c = cur.get(l.skuId) ?? { onHand: 0, available: 0, reserved: 0 };
    const delta = l.counted - c.onHand;
    if (c.available + delta < 0) {
      messages.push(`${l.skuCode} 实盘 ${l.counted} 件，但已有 ${c.reserved} 件被订单占用`);
      errors.push({ path: `lines.${i}.counted`, message: `实盘数不能少于已占用的 ${c.reserved} 件` });
    }
    plan.push({ line: l, delta, onHand: c.onHand });
  });
  if (errors.length) {
    throw new AppError(
      'conflict',
      `无法应用盘点：${messages.join('；')}。实盘数少于占用数会让可用库存为负，请先处理占用这些库存的订单，或复核实盘数`,
      {},
      errors,
    );
  }
  const changes: { sku: string; expected: number; counted: number; onHandBefore: number; delta: number }[] = [];
  for (const p of plan) {
    if (p.delta !== 0) {
      await move(trx, actor, {
        skuId: p.line.skuId,
        warehouseId: st.warehouse_id,
        type: 'stocktake',
        delta: { onHand: p.delta, available: p.delta },
        refType: 'stocktake',
        refId: st.id,
        note: `盘点 ${st.code}`,
      });
    }
    changes.push({ sku: p.line.skuCode, expected: p.line.expected, counted: p.line.counted!, onHandBefore: p.onHand, delta: p.delta });
  }
  const now = Date.now();
  await trx.updateTable('stocktakes').set({ status: 'applied', applied_at: now }).where('id', '=', id).execute();
  await audit.record(trx, actor, 'stocktake.apply', {
    entityType: 'stocktake',
    entityId: id,
    before: { code: st.code, status: 'counting' },
    after: { code: st.code, status: 'applied', changes: changes.filter((c) => c.delta !== 0), skipped: uncounted.map((u) => u.skuCode) },
  });
  return getStocktake(trx, actor, id);
}

export async function cancelStocktake(trx: Transaction<DB>, actor: Actor, id: string): Promise<Stocktake> {
  await lockRow(trx, 'stocktakes', id);
  const st = await requireStocktake(trx, actor, id);
  assertCounting(st);
  await trx.updateTable('stocktakes').set({ status: 'cancelled' }).where('id', '=', id).execute();
  await audit.record(trx, actor, 'stocktake.cancel', {
    entityType: 'stocktake',
    entityId: id,
    before: { code: st.code, status: 'counting' },
    after: { code: st.code, status: 'cancelled' },
  });
  return getStocktake(trx, actor, id);
}
