import { AppError, isPermission, type Permission } from '@yunying/core';

/** Who is making a request, resolved once per request from the session cookie or API token. */
export interface Actor {
  userId: string;
  orgId: string;
  username: string;
  displayName: string;
  permissions: ReadonlySet<string>;
  /** null = every shop of the organisation. */
  shopIds: readonly string[] | null;
  /** The user holds the built-in owner role (店长/老板). System actors count as owners (see `isOwner`). */
  isOwner?: boolean;
  via: 'session' | 'token' | 'system';
  sessionId?: string;
  tokenId?: string;
  ip: string | null;
  requestId: string | null;
}

export function can(actor: Actor, permission: Permission | string): boolean {
  return actor.permissions.has(permission);
}

/**
 * The permissions among `permissions` that the actor does not hold, sorted. Codes no longer in the
 * catalogue (left in an old role) grant nothing, so they never count against anyone.
 */
export function lacking(actor: Actor, permissions: Iterable<string>): string[] {
  return [...new Set(permissions)].filter((p) => isPermission(p) && !actor.permissions.has(p)).sort();
}

/** The owner role, or the CLI / start-up tasks (which run with the operator's full authority). */
export function isOwner(actor: Actor): boolean {
  return actor.via === 'system' || actor.isOwner === true;
}

/** True when the actor sees every shop of the organisation (owners normally do). */
export function hasAllShops(actor: Actor): boolean {
  return actor.shopIds === null;
}

/**
 * Organisation-wide and destructive actions (deleting the demo, deleting a role, …) touch data of
 * every shop, so they need the owner or an account that may access every shop. `action` names the
 * action in the Chinese message, e.g. '删除演示数据'.
 */
export function assertAllShops(actor: Actor, action: string): void {
  if (actor.via === 'system' || hasAllShops(actor)) return;
  throw new AppError('forbidden', `「${action}」会影响全部店铺的数据，只有店长或可访问全部店铺的账号可以操作，请联系店长处理。`, {
    action,
    scope: 'all_shops',
  });
}

/**
 * An action that touches the given shops needs scope over every one of them. `null` for
 * `shopIds` means every shop of the organisation (same as `assertAllShops`).
 */
export function assertScopeOverShops(actor: Actor, shopIds: readonly string[] | null, action: string): void {
  if (actor.via === 'system' || hasAllShops(actor)) return;
  if (shopIds === null) return assertAllShops(actor, action);
  const allowed = new Set(actor.shopIds);
  const outside = [...new Set(shopIds)].filter((id) => !allowed.has(id));
  if (outside.length) {
    throw new AppError('forbidden', `「${action}」涉及你无权访问的店铺（${outside.join(', ')}），请联系店长或有这些店铺权限的同事处理。`, {
      action,
      shopIds: outside,
    });
  }
}

/** The actor used by the CLI and start-up tasks. */
export function systemActor(orgId: string, name = 'system'): Actor {
  return {
    userId: '',
    orgId,
    username: name,
    displayName: name,
    permissions: new Set(),
    shopIds: null,
    isOwner: true,
    via: 'system',
    ip: null,
    requestId: null,
  };
}
