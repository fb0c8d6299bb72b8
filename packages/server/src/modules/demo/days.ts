/**
 * One batch of simulated days into the database, each table through its owner's bulk writer:
 * purchase orders, orders (with the engine's pricing of each and the coupons they used), after-sales cases, the stock ledger (the loader sets the stock rows to
 * its sums once every day is in), tracker events and traffic statistics. Runs in the caller's transaction.
 */
import type { IdMaker, SimDay } from '@yunying/sim';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import * as aftersales from '../aftersales/index.js';
import * as inventory from '../inventory/index.js';
import * as marketing from '../marketing/index.js';
import * as orders from '../orders/index.js';
import * as purchasing from '../purchasing/index.js';
import * as traffic from '../traffic/index.js';
import * as trafficImport from '../traffic-import/index.js';
import { ACTOR_NAME } from './manifest.js';

export type DayCounts = Record<'orders' | 'orderLines' | 'aftersales' | 'events' | 'trafficStats' | 'purchaseOrders' | 'movements', number>;

const ORDER_EVENT_ACTOR: Record<string, string> = {
  pending_payment: '买家',
  paid: '买家',
  shipped: '仓库 · 小周',
  delivered: '物流',
  completed: '买家',
  cancelled: '系统',
  refunded: '客服 · 阿紫',
};

function orderEventActor(e: orders.bulk.BulkOrderEvent): string {
  if (e.type === 'refund') return '客服 · 阿紫';
  if (e.type === 'ship') return '仓库 · 小周';
  return ORDER_EVENT_ACTOR[e.toStatus ?? ''] ?? '买家';
}

function caseEventActor(e: aftersales.bulk.BulkCaseEvent): string {
  if (e.toStatus === 'pending') return '买家';
  return e.toStatus === 'received' ? '仓库 · 小周' : '客服 · 阿紫';
}

export interface WriteDaysOptions {
  orgId: string;
  days: readonly SimDay[];
  /** Deterministic ledger ids (the same seed gives the same rows). */
  ids: IdMaker;
  /** Added to as rows are written. */
  counts: DayCounts;
  /** The load's present: traffic statistics' import time. */
  now: number;
}

export async function writeDays(trx: Kysely<DB>, opts: WriteDaysOptions): Promise<void> {
  const { orgId, days, counts } = opts;
  const pos = days.flatMap((d) => d.purchaseOrders);
  await purchasing.bulk.insertPurchaseOrders(trx, { orgId, purchaseOrders: pos });
  const os = days.flatMap((d) => d.orders);
  await orders.bulk.insertOrders(trx, { orgId, source: 'api', orders: os, eventActor: orderEventActor });
  // How the engine priced each order, and the coupons whose story ended these days (marketing).
  await marketing.bulk.insertOrderPricings(
    trx,
    os.flatMap((o) =>
      o.pricing ? [{ orderId: o.id, shopId: o.shopId, buyerKey: o.buyerNick, createdAt: o.orderedAt, pricing: o.pricing }] : [],
    ),
  );
  await marketing.bulk.insertCoupons(trx, { orgId, coupons: days.flatMap((d) => d.coupons) });
  const cases = days.flatMap((d) => d.aftersales);
  await aftersales.bulk.insertCases(trx, { orgId, cases, eventActor: caseEventActor });
  const movements = days.flatMap((d) => d.movements.map((m) => ({ ...m, id: opts.ids.make('smv', m.at) })));
  await inventory.bulk.insertMovements(trx, { orgId, actorName: ACTOR_NAME, movements });
  for (const d of days) {
    await traffic.bulk.insertEvents(trx, d.events);
    await trafficImport.bulk.insertTrafficStats(trx, { importedAt: opts.now, stats: d.trafficStats });
    counts.events += d.events.length;
    counts.trafficStats += d.trafficStats.length;
  }
  counts.orders += os.length;
  counts.orderLines += os.reduce((a, o) => a + o.lines.length, 0);
  counts.aftersales += cases.length;
  counts.purchaseOrders += pos.length;
  counts.movements += movements.length;
}
