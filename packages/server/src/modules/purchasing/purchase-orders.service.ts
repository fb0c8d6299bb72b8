/**
 * Purchase orders (采购单): draft → ordered → partial → received (or cancelled before anything is
 * received). Receiving posts 'inbound' movements, raises received quantities and moves each SKU's
 * cost to the moving average of what was on hand and what came in, all in one transaction.
 */
import {
  AppError,
  MAX_FEN,
  PO_MACHINE,
  PO_STATUS_LABELS,
  formatFen,
  isFenInRange,
  movingAverageCost,
  newId,
  type FieldError,
  type Page,
  type PurchaseOrder,
  type PurchaseOrderFilter,
  type PurchaseOrderLine,
  type PurchaseOrderStatus,
  type PurchaseOrderInput,
  type ReceiveInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import type { DB, PurchaseOrdersTable } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';
import * as catalog from '../catalog/index.js';
import * as inventory from '../inventory/index.js';
import { requireSupplier } from './suppliers.service.js';
import { anyTextMatch, inChunks, insertOrConflict, pageOf, searchTerm, withPage } from '../../db/kit.js';

export const PO_STATUS_LABEL = Object.fromEntries(Object.entries(PO_STATUS_LABELS).map(([k, v]) => [k, v.zh])) as Record<
  PurchaseOrderStatus,
  string
>;

function assertTransition(po: PurchaseOrdersTable, to: PurchaseOrderStatus): void {
  PO_MACHINE.assert(po.status, to, {}, po.code);
}

async function requirePo(db: Kysely<DB>, actor: Actor, id: string): Promise<PurchaseOrdersTable> {
  const po = await db.selectFrom('purchase_orders').selectAll().where('org_id', '=', actor.orgId).where('id', '=', id).executeTakeFirst();
  if (!po) throw new AppError('not_found', `采购单 ${id} 不存在`, { purchaseOrderId: id });
  return po;
}

type PoInput = PurchaseOrderInput;

const LIMIT_TEXT = `上限 ${formatFen(MAX_FEN)}（1000 亿元）`;

/**
 * Every line amount (qty × unit cost) and the order total stay within MAX_FEN, like a sales
 * order's: 500 lines of 10^7 units at ¥100 万 would otherwise total 5 × 10^17 fen, past exact
 * arithmetic. Checked before anything is written, as field errors.
 */
function assertTotalsInRange(lines: PoInput['lines']): void {
  const errors: FieldError[] = [];
  lines.forEach((l, i) => {
    if (!isFenInRange(l.qty * l.unitCostFen)) {
      errors.push({ path: `lines.${i}.qty`, message: `第 ${i + 1} 行金额（采购单价 × 数量）超过${LIMIT_TEXT}，请减少数量或拆分采购单` });
    }
  });
  if (!errors.length && !isFenInRange(lines.reduce((sum, l) => sum + l.qty * l.unitCostFen, 0))) {
    errors.push({ path: 'lines', message: `采购单金额合计超过${LIMIT_TEXT}，请拆分采购单` });
  }
  if (errors.length) throw new AppError('validation_failed', errors.map((e) => e.message).join('；'), { maxFen: MAX_FEN }, errors);
}

async function validate(trx: Kysely<DB>, actor: Actor, input: Partial<PoInput>): Promise<void> {
  if (input.lines) assertTotalsInRange(input.lines);
  if (input.supplierId !== undefined) await requireSupplier(trx, actor, input.supplierId);
  if (input.warehouseId !== undefined) await inventory.requireWarehouse(trx, actor.orgId, input.warehouseId, { active: true });
  if (input.lines)
    await inventory.requireSkus(
      trx,
      actor.orgId,
      input.lines.map((l) => l.skuId),
    );
}

async function insertLines(trx: Kysely<DB>, poId: string, lines: PoInput['lines']): Promise<void> {
  await trx
    .insertInto('purchase_order_lines')
    .values(
      lines.map((l) => ({
        id: newId('purchaseLine'),
        po_id: poId,
        sku_id: l.skuId,
        qty: l.qty,
        received_qty: 0,
        unit_cost_fen: l.unitCostFen,
      })),
    )
    .execute();
}

export async function createPurchaseOrder(trx: Transaction<DB>, actor: Actor, input: PoInput): Promise<PurchaseOrder> {
  await validate(trx, actor, input);
  const now = Date.now();
  const id = newId('purchaseOrder');
  const code = await inventory.nextCode(trx, 'purchase_orders', actor.orgId, 'PO', now);
  await insertOrConflict(
    trx
      .insertInto('purchase_orders')
      .values({
        id,
        org_id: actor.orgId,
        code,
        supplier_id: input.supplierId,
        warehouse_id: input.warehouseId,
        status: 'draft',
        expected_at: input.expectedAt ?? null,
        note: input.note,
        created_by: actor.userId || null,
        created_at: now,
        updated_at: now,
      })
      .execute(),
    `采购单号 ${code} 刚被占用（有人同时新建了采购单），请重新提交`,
  );
  await insertLines(trx, id, input.lines);
  const po = await getPurchaseOrder(trx, actor, id);
  await audit.record(trx, actor, 'purchase_order.create', { entityType: 'purchase_order', entityId: id, after: summary(po) });
  return po;
}

function summary(po: PurchaseOrder) {
  return {
    code: po.code,
    status: po.status,
    supplier: po.supplierName,
    warehouse: po.warehouseName,
    totalFen: po.totalFen,
    lines: po.lines?.map((l) => ({ sku: l.skuCode, qty: l.qty, receivedQty: l.receivedQty, unitCostFen: l.unitCostFen })),
  };
}

export async function updatePurchaseOrder(trx: Transaction<DB>, actor: Actor, id: string, input: Partial<PoInput>): Promise<PurchaseOrder> {
  await inventory.lockRow(trx, 'purchase_orders', id);
  const row = await requirePo(trx, actor, id);
  if (row.status !== 'draft') {
    throw new AppError('invalid_state', `采购单 ${row.code} 已${PO_STATUS_LABEL[row.status as PurchaseOrderStatus]}，只有草稿可以修改`, {
      status: row.status,
    });
  }
  await validate(trx, actor, input);
  const before = await getPurchaseOrder(trx, actor, id);
  const patch: Partial<PurchaseOrdersTable> = { updated_at: Date.now() };
  if (input.supplierId !== undefined) patch.supplier_id = input.supplierId;
  if (input.warehouseId !== undefined) patch.warehouse_id = input.warehouseId;
  if (input.expectedAt !== undefined) patch.expected_at = input.expectedAt;
  if (input.note !== undefined) patch.note = input.note;
  await trx.updateTable('purchase_orders').set(patch).where('id', '=', id).execute();
  if (input.lines) {
    await trx.deleteFrom('purchase_order_lines').where('po_id', '=', id).execute();
    await insertLines(trx, id, input.lines);
  }
  const after = await getPurchaseOrder(trx, actor, id);
  await audit.record(trx, actor, 'purchase_order.update', {
    entityType: 'purchase_order',
    entityId: id,
    before: summary(before),
    after: summary(after),
  });
  return after;
}

async function setStatus(
  trx: Transaction<DB>,
  actor: Actor,
  id: string,
  to: PurchaseOrderStatus,
  check?: (po: PurchaseOrdersTable) => Promise<void>,
) {
  await inventory.lockRow(trx, 'purchase_orders', id);
  const row = await requirePo(trx, actor, id);
  if (check) await check(row);
  assertTransition(row, to);
  await trx.updateTable('purchase_orders').set({ status: to, updated_at: Date.now() }).where('id', '=', id).execute();
  await audit.record(trx, actor, 'purchase_order.status', {
    entityType: 'purchase_order',
    entityId: id,
    before: { code: row.code, status: row.status },
    after: { code: row.code, status: to },
  });
  return getPurchaseOrder(trx, actor, id);
}

export function orderPurchaseOrder(trx: Transaction<DB>, actor: Actor, id: string): Promise<PurchaseOrder> {
  return setStatus(trx, actor, id, 'ordered');
}

export function cancelPurchaseOrder(trx: Transaction<DB>, actor: Actor, id: string): Promise<PurchaseOrder> {
  return setStatus(trx, actor, id, 'cancelled', async (po) => {
    const got = await trx
      .selectFrom('purchase_order_lines')
      .select((eb) => eb.fn.sum<number>('received_qty').as('n'))
      .where('po_id', '=', po.id)
      .executeTakeFirst();
    if (Number(got?.n ?? 0) > 0)
      throw new AppError(
        'invalid_state',
        `采购单 ${po.code} 已收货 ${Number(got!.n)} 件，不能取消；未到的货请与供应商沟通后按实际收货处理`,
      );
  });
}

/**
 * Receive goods against the order's lines. Refuses (naming the line) to receive more than a
 * line still expects; otherwise all lines go in together, with the SKU cost moved to the
 * moving average (audited as a cost change) before the units are added.
 */
export async function receivePurchaseOrder(trx: Transaction<DB>, actor: Actor, id: string, input: ReceiveInput): Promise<PurchaseOrder> {
  await inventory.lockRow(trx, 'purchase_orders', id);
  const row = await requirePo(trx, actor, id);
  if (row.status !== 'ordered' && row.status !== 'partial') {
    const hint = row.status === 'draft' ? '请先确认下单' : '';
    throw new AppError(
      'invalid_state',
      `采购单 ${row.code} 当前为「${PO_STATUS_LABEL[row.status as PurchaseOrderStatus]}」，不能收货${hint ? `，${hint}` : ''}`,
      {
        status: row.status,
      },
    );
  }
  const before = await getPurchaseOrder(trx, actor, id);
  const byId = new Map(before.lines!.map((l, i) => [l.id, { ...l, no: i + 1 }]));
  const errors: FieldError[] = [];
  const msgs: string[] = [];
  const seen = new Set<string>();
  input.lines.forEach((r, i) => {
    const l = byId.get(r.lineId);
    if (!l) {
      errors.push({ path: `lines.${i}.lineId`, message: '不是本采购单的行' });
      msgs.push(`第 ${i + 1} 行（${r.lineId}）不是采购单 ${row.code} 的行`);
      return;
    }
    if (seen.has(r.lineId)) {
      errors.push({ path: `lines.${i}.lineId`, message: '重复' });
      msgs.push(`第 ${l.no} 行 ${l.skuCode} 填写了两次，请合并`);
      return;
    }
    seen.add(r.lineId);
    const remaining = l.qty - l.receivedQty;
    if (r.qty > remaining) {
      errors.push({ path: `lines.${i}.qty`, message: `最多还能收 ${remaining} 件` });
      msgs.push(
        `第 ${l.no} 行 ${l.skuCode} 本次收货 ${r.qty} 件，超过未收数量 ${remaining} 件（采购 ${l.qty} 件，已收 ${l.receivedQty} 件）`,
      );
    }
  });
  if (errors.length) throw new AppError('validation_failed', `收货未执行：${msgs.join('；')}`, {}, errors);

  for (const r of input.lines) {
    const l = byId.get(r.lineId)!;
    const sku = (await catalog.skuSummaries(trx, actor.orgId, [l.skuId])).get(l.skuId);
    if (!sku) throw new AppError('not_found', `第 ${l.no} 行的 SKU ${l.skuCode} 已不存在`, { skuId: l.skuId });
    const onHand = (await inventory.levels(trx, [l.skuId])).reduce((n, x) => n + x.onHand, 0);
    const oldCost = sku.costFen;
    const newCost = movingAverageCost(onHand, oldCost, r.qty, l.unitCostFen);
    if (newCost !== oldCost) {
      await catalog.setSkuCost(trx, actor.orgId, l.skuId, newCost);
      await audit.record(trx, actor, 'sku.cost', {
        entityType: 'sku',
        entityId: l.skuId,
        before: { code: sku.code, costFen: oldCost, onHand },
        after: { code: sku.code, costFen: newCost, receivedQty: r.qty, unitCostFen: l.unitCostFen, reason: `采购收货 ${row.code}` },
      });
    }
    await inventory.moveQty(trx, actor, 'inbound', l.skuId, row.warehouse_id, r.qty, {
      refType: 'purchase_order',
      refId: row.id,
      note: `采购收货 ${row.code}${input.note ? `：${input.note}` : ''}`,
    });
    const res = await trx
      .updateTable('purchase_order_lines')
      .set((eb) => ({ received_qty: eb('received_qty', '+', r.qty) }))
      .where('id', '=', r.lineId)
      .where((eb) => eb('received_qty', '<=', eb('qty', '-', r.qty)))
      .executeTakeFirst();
    if (res.numUpdatedRows !== 1n) throw new AppError('conflict', `第 ${l.no} 行 ${l.skuCode} 收货数量超过采购数量，请刷新后重试`);
  }
  const got = await trx
    .selectFrom('purchase_order_lines')
    .select((eb) => [eb.fn.sum<number>('qty').as('qty'), eb.fn.sum<number>('received_qty').as('rec')])
    .where('po_id', '=', id)
    .executeTakeFirstOrThrow();
  const to: PurchaseOrderStatus = Number(got.rec) >= Number(got.qty) ? 'received' : 'partial';
  await trx.updateTable('purchase_orders').set({ status: to, updated_at: Date.now() }).where('id', '=', id).execute();
  const after = await getPurchaseOrder(trx, actor, id);
  await audit.record(trx, actor, 'purchase_order.receive', {
    entityType: 'purchase_order',
    entityId: id,
    before: { code: row.code, status: row.status },
    after: {
      code: row.code,
      status: to,
      received: input.lines.map((r) => ({ sku: byId.get(r.lineId)!.skuCode, qty: r.qty })),
    },
  });
  return after;
}

async function poLines(db: Kysely<DB>, orgId: string, ids: string[]): Promise<Map<string, PurchaseOrderLine[]>> {
  const map = new Map<string, PurchaseOrderLine[]>();
  if (!ids.length) return map;
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('purchase_order_lines as l')
      .select(['l.id', 'l.po_id', 'l.sku_id', 'l.qty', 'l.received_qty', 'l.unit_cost_fen'])
      .where('l.po_id', 'in', chunk)
      .orderBy('l.id')
      .execute(),
  );
  const skus = await catalog.skuSummaries(
    db,
    orgId,
    rows.map((r) => r.sku_id),
  );
  for (const r of rows) {
    const sku = skus.get(r.sku_id);
    if (!sku) continue; // a line's SKU always exists (foreign key); the join this replaces skipped it too
    const list = map.get(r.po_id) ?? [];
    list.push({
      id: r.id,
      skuId: r.sku_id,
      skuCode: sku.code,
      specText: sku.specText,
      productTitle: sku.productTitle,
      qty: Number(r.qty),
      receivedQty: Number(r.received_qty),
      unitCostFen: Number(r.unit_cost_fen),
      amountFen: Number(r.qty) * Number(r.unit_cost_fen),
    });
    map.set(r.po_id, list);
  }
  return map;
}

function poBase(db: Kysely<DB>, orgId: string) {
  return db.selectFrom('purchase_orders as po').innerJoin('suppliers as s', 's.id', 'po.supplier_id').where('po.org_id', '=', orgId);
}

function toDto(r: PurchaseOrdersTable & { supplier_name: string; warehouse_name: string }, lines: PurchaseOrderLine[]): PurchaseOrder {
  return {
    id: r.id,
    code: r.code,
    supplierId: r.supplier_id,
    supplierName: r.supplier_name,
    warehouseId: r.warehouse_id,
    warehouseName: r.warehouse_name,
    status: r.status as PurchaseOrderStatus,
    expectedAt: r.expected_at === null ? null : Number(r.expected_at),
    note: r.note,
    totalQty: lines.reduce((s, l) => s + l.qty, 0),
    receivedQty: lines.reduce((s, l) => s + l.receivedQty, 0),
    totalFen: lines.reduce((s, l) => s + l.amountFen, 0),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    lines,
  };
}

export async function getPurchaseOrder(db: Kysely<DB>, actor: Actor, id: string): Promise<PurchaseOrder> {
  const r = await poBase(db, actor.orgId).selectAll('po').select(['s.name as supplier_name']).where('po.id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('not_found', `采购单 ${id} 不存在`, { purchaseOrderId: id });
  const names = await inventory.warehouseNames(db, actor.orgId, [r.warehouse_id]);
  return toDto({ ...r, warehouse_name: names.get(r.warehouse_id) ?? r.warehouse_id }, (await poLines(db, actor.orgId, [id])).get(id) ?? []);
}

export async function listPurchaseOrders(db: Kysely<DB>, actor: Actor, f: PurchaseOrderFilter): Promise<Page<PurchaseOrder>> {
  let q = poBase(db, actor.orgId);
  if (f.status) q = q.where('po.status', 'in', f.status.split(','));
  if (f.supplierId) q = q.where('po.supplier_id', '=', f.supplierId);
  const term = searchTerm(f.q);
  if (term) q = q.where(anyTextMatch(['po.code', 's.name', 'po.note'], term));
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('po')
    .select(['s.name as supplier_name'])
    .orderBy('po.created_at', 'desc')
    .orderBy('po.id', 'desc')
    .$call((qb) => withPage(qb, f))
    .execute();
  const [lines, names] = await Promise.all([
    poLines(
      db,
      actor.orgId,
      rows.map((r) => r.id),
    ),
    inventory.warehouseNames(
      db,
      actor.orgId,
      rows.map((r) => r.warehouse_id),
    ),
  ]);
  return pageOf(
    rows.map((r) => {
      const dto = toDto({ ...r, warehouse_name: names.get(r.warehouse_id) ?? r.warehouse_id }, lines.get(r.id) ?? []);
      delete dto.lines;
      return dto;
    }),
    Number(total),
    f,
  );
}
