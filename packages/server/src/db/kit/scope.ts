/**
 * Shop scoping: the multi-tenant rule written once. An actor sees the shops in `actor.shopIds`;
 * `null` means every shop of the organisation, an empty list means none. Every query over shop
 * data goes through `scopeToShops` (or `shopScope` inside an expression list); every single-row
 * read checks `assertShopVisible`. Outside this folder, `actor.shopIds` is not read (lint rule).
 */
import { AppError } from '@yunying/core';
import { sql, type Expression, type SqlBool } from 'kysely';
import type { Actor } from '../../http/actor.js';

type WithShops = Pick<Actor, 'shopIds'>;

/** Anything with a `.where(expression)`: select, update and delete builders. */
interface Whereable<QB> {
  where(expression: Expression<SqlBool>): QB;
}

/**
 * The condition "`column` is one of the actor's shops", or null when the actor sees every shop.
 * `column` is a column reference such as `'orders.shop_id'` (checked by the database, not tsc).
 */
export function shopScope(actor: WithShops, column: string): Expression<SqlBool> | null {
  const ids = actor.shopIds;
  if (ids === null) return null;
  if (ids.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join([...ids])})`;
}

/**
 * Restrict a query to the actor's shops. `opts.orNull` also keeps rows whose shop column is NULL
 * (organisation-wide rows such as audit entries without a shop).
 */
export function scopeToShops<QB extends Whereable<QB>>(qb: QB, actor: WithShops, column: string, opts: { orNull?: boolean } = {}): QB {
  const cond = shopScope(actor, column);
  if (!cond) return qb;
  return qb.where(opts.orNull ? sql<SqlBool>`(${sql.ref(column)} is null or ${cond})` : cond);
}

/** The shop ids the actor may see, or null for all: for callers that pass the list on (rollup sums). */
export function visibleShopIds(actor: WithShops): readonly string[] | null {
  return actor.shopIds;
}

/** True when the actor may see `shopId` (a row without a shop is visible when `nullVisible`). */
export function canSeeShop(actor: WithShops, shopId: string | null | undefined, nullVisible = false): boolean {
  if (shopId === null || shopId === undefined) return nullVisible || actor.shopIds === null;
  return actor.shopIds === null || actor.shopIds.includes(shopId);
}

/** True when the actor is not limited to a list of shops. */
export function seesAllShops(actor: WithShops): boolean {
  return actor.shopIds === null;
}

/** The ids of `shopIds` the actor may not see (for write checks that name the offending shops). */
export function shopsOutside(actor: WithShops, shopIds: readonly string[]): string[] {
  return actor.shopIds === null ? [] : shopIds.filter((id) => !actor.shopIds!.includes(id));
}

/**
 * Throw 404 unless the actor may see `shopId`: a shop outside the actor's list is reported as not
 * existing, so ids of other shops do not leak. `message` names the entity the caller looked up.
 */
export function assertShopVisible(
  actor: WithShops,
  shopId: string | null | undefined,
  message?: string,
  details?: Record<string, unknown>,
): void {
  if (!canSeeShop(actor, shopId)) throw new AppError('not_found', message ?? `店铺 ${shopId ?? ''} 不存在或无权访问`, details ?? {});
}
