/**
 * Who owns which table. The owner is the one module (packages/server/src/modules/<owner>/) that
 * may write the table; every other module calls the owner's index.ts. Reads by another module are
 * allowed only where docs/decisions.md ("Foreign reads allowed") lists them, each with its reason.
 * `npm run lint` runs scripts/check-ownership.mjs, which reads this map.
 *
 * Plain data so the lint script can read it without a TypeScript loader.
 */
export const TABLE_OWNERS = {
  orgs: 'shops',
  shops: 'shops',
  users: 'users',
  user_roles: 'users',
  user_shops: 'users',
  roles: 'roles',
  role_permissions: 'roles',
  sessions: 'auth',
  login_throttle: 'auth',
  api_tokens: 'tokens',
  audit_log: 'audit',
  meta: 'db',
  jobs: 'jobs',
  notifications: 'notifications',
  notification_reads: 'notifications',
  categories: 'catalog',
  brands: 'catalog',
  products: 'catalog',
  skus: 'catalog',
  listings: 'catalog',
  product_images: 'catalog',
  banned_words: 'catalog',
  banned_word_exemptions: 'catalog',
  warehouses: 'inventory',
  stock: 'inventory',
  stock_movements: 'inventory',
  stocktakes: 'inventory',
  stocktake_lines: 'inventory',
  transfers: 'inventory',
  transfer_lines: 'inventory',
  suppliers: 'purchasing',
  purchase_orders: 'purchasing',
  purchase_order_lines: 'purchasing',
  orders: 'orders',
  order_lines: 'orders',
  order_events: 'orders',
  saved_views: 'orders',
  idempotency_keys: 'orders',
  order_no_counters: 'orders',
  import_presets: 'orders',
  import_errors: 'orders',
  aftersale_reasons: 'aftersales',
  aftersales: 'aftersales',
  aftersale_lines: 'aftersales',
  aftersale_events: 'aftersales',
  traffic_sources: 'traffic',
  source_rules: 'traffic',
  collect_keys: 'traffic',
  events: 'traffic',
  traffic_stats: 'traffic-import',
  rollup_daily: 'analytics',
  rollup_dirty: 'analytics',
} as const;

export type OwnedTable = keyof typeof TABLE_OWNERS;
