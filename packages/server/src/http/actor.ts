import type { Permission } from '@yunying/core';

/** Who is making a request, resolved once per request from the session cookie or API token. */
export interface Actor {
  userId: string;
  orgId: string;
  username: string;
  displayName: string;
  permissions: ReadonlySet<string>;
  /** null = every shop of the organisation. */
  shopIds: readonly string[] | null;
  via: 'session' | 'token' | 'system';
  sessionId?: string;
  tokenId?: string;
  ip: string | null;
  requestId: string | null;
}

export function can(actor: Actor, permission: Permission | string): boolean {
  return actor.permissions.has(permission);
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
    via: 'system',
    ip: null,
    requestId: null,
  };
}
