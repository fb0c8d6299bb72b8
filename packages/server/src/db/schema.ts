/**
 * Row types of every table, as Kysely sees them. Instants are epoch milliseconds (int8), booleans
 * are 0/1 integers and JSON is text on both dialects, so a row reads back identically from SQLite
 * and PostgreSQL (see docs/decisions.md).
 */
export interface OrgsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ShopsTable {
  id: string;
  org_id: string;
  name: string;
  channel: string;
  timezone: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  org_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  phone: string | null;
  email: string | null;
  status: string;
  all_shops: number;
  last_login_at: number | null;
  password_changed_at: number;
  created_at: number;
  updated_at: number;
}

export interface RolesTable {
  id: string;
  org_id: string;
  code: string | null;
  name: string;
  description: string;
  builtin: number;
  created_at: number;
  updated_at: number;
}

export interface RolePermissionsTable {
  role_id: string;
  permission: string;
}

export interface UserRolesTable {
  user_id: string;
  role_id: string;
}

export interface UserShopsTable {
  user_id: string;
  shop_id: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  first_failure_at: number;
  locked_until: number | null;
}

export interface AuditLogTable {
  id: string;
  org_id: string;
  shop_id: string | null;
  actor_id: string | null;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before_json: string | null;
  after_json: string | null;
  ip: string | null;
  request_id: string | null;
  at: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface DB {
  orgs: OrgsTable;
  shops: ShopsTable;
  users: UsersTable;
  roles: RolesTable;
  role_permissions: RolePermissionsTable;
  user_roles: UserRolesTable;
  user_shops: UserShopsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  meta: MetaTable;
}

/**
 * Every table in an order that respects foreign keys (parents first). Backup/restore walks this
 * list; a test checks that it names every table the migrations create.
 */
export const TABLE_ORDER = [
  'meta',
  'orgs',
  'shops',
  'roles',
  'role_permissions',
  'users',
  'user_roles',
  'user_shops',
  'sessions',
  'api_tokens',
  'login_throttle',
  'audit_log',
] as const satisfies readonly (keyof DB)[];
