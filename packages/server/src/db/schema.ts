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
  is_demo: number;
  created_at: number;
  updated_at: number;
}

export interface UsersTable {
  id: string;
  org_id: string;
  username: string;
  /** Lower-cased username, unique: `Admin` and `admin` are one name (see users.service `usernameKey`). */
  username_key: string;
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
  /** The colour of a rise in changes: red (Chinese convention, default) or green. */
  rise_color: string;
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

// ---- jobs & notifications ----
export interface JobsTable {
  id: string;
  org_id: string;
  shop_id: string | null;
  type: string;
  status: string;
  progress: number;
  processed: number;
  total: number | null;
  payload: string;
  result: string | null;
  error: string | null;
  created_by: string | null;
  locked_by: string | null;
  locked_until: number | null;
  /** Times its worker died while running it (lease expired); see MAX_JOB_CRASHES. */
  crashes: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}
export interface NotificationsTable {
  id: string;
  org_id: string;
  shop_id: string | null;
  type: string;
  level: string;
  title: string;
  body: string;
  permission: string | null;
  entity_type: string | null;
  entity_id: string | null;
  dedupe_key: string | null;
  resolved_at: number | null;
  created_at: number;
  /** One user only (null: everyone with `permission`). */
  recipient_id: string | null;
  /** Unique per organisation when set: raised once ever (the morning digest: one per user per day). */
  once_key: string | null;
}
/** The notification-email outbox: one row per (notification, recipient), sent at most once. */
export interface NotificationEmailsTable {
  id: string;
  org_id: string;
  notification_id: string;
  user_id: string;
  kind: string;
  address: string;
  subject: string;
  body: string;
  /** pending | sending | sent | failed | unknown */
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  job_id: string | null;
  error: string;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
}
/** A user's choice to get notifications of a kind by email (absent: the kind's default). */
export interface NotificationEmailPrefsTable {
  user_id: string;
  kind: string;
  org_id: string;
  enabled: number;
  updated_at: number;
}
export interface NotificationReadsTable {
  notification_id: string;
  user_id: string;
  read_at: number;
}

// ---- catalogue ----
export interface CategoriesTable {
  id: string;
  org_id: string;
  parent_id: string | null;
  name: string;
  sort: number;
  created_at: number;
}
export interface BrandsTable {
  id: string;
  org_id: string;
  name: string;
  created_at: number;
}
export interface ProductsTable {
  id: string;
  org_id: string;
  code: string | null;
  title: string;
  selling_points: string;
  description: string;
  category_id: string | null;
  brand_id: string | null;
  tags: string;
  spec_dims: string;
  status: string;
  created_at: number;
  updated_at: number;
}
export interface SkusTable {
  id: string;
  org_id: string;
  product_id: string;
  code: string;
  barcode: string | null;
  spec: string;
  spec_text: string;
  price_fen: number;
  cost_fen: number;
  weight_g: number;
  status: string;
  low_stock: number | null;
  over_stock: number | null;
  created_at: number;
  updated_at: number;
}
export interface ListingsTable {
  id: string;
  org_id: string;
  shop_id: string;
  product_id: string;
  sku_id: string | null;
  channel_item_id: string;
  channel_sku_id: string;
  title: string | null;
  created_at: number;
}
export interface ProductImagesTable {
  id: string;
  org_id: string;
  product_id: string;
  file: string;
  mime: string;
  size: number;
  sort: number;
  created_at: number;
}
export interface BannedWordsTable {
  id: string;
  org_id: string;
  word: string;
  risk: string;
  note: string;
  enabled: number;
  created_at: number;
}
export interface BannedWordExemptionsTable {
  id: string;
  word_id: string;
  phrase: string;
  product_id: string | null;
  created_at: number;
}

// ---- inventory & purchasing ----
export interface WarehousesTable {
  id: string;
  org_id: string;
  code: string;
  name: string;
  address: string;
  is_default: number;
  status: string;
  created_at: number;
}
export interface StockTable {
  sku_id: string;
  warehouse_id: string;
  org_id: string;
  on_hand: number;
  reserved: number;
  available: number;
  defective: number;
  updated_at: number;
}
export interface StockMovementsTable {
  id: string;
  org_id: string;
  sku_id: string;
  warehouse_id: string;
  type: string;
  d_on_hand: number;
  d_reserved: number;
  d_available: number;
  d_defective: number;
  ref_type: string | null;
  ref_id: string | null;
  note: string;
  actor_id: string | null;
  actor_name: string;
  at: number;
}
export interface StocktakesTable {
  id: string;
  org_id: string;
  code: string;
  warehouse_id: string;
  status: string;
  note: string;
  created_by: string | null;
  created_at: number;
  applied_at: number | null;
}
export interface StocktakeLinesTable {
  stocktake_id: string;
  sku_id: string;
  expected: number;
  counted: number | null;
}
export interface TransfersTable {
  id: string;
  org_id: string;
  code: string;
  from_warehouse_id: string;
  to_warehouse_id: string;
  note: string;
  created_by: string | null;
  created_at: number;
}
export interface TransferLinesTable {
  transfer_id: string;
  sku_id: string;
  qty: number;
}
export interface SuppliersTable {
  id: string;
  org_id: string;
  name: string;
  contact: string;
  phone: string;
  address: string;
  note: string;
  created_at: number;
}
export interface PurchaseOrdersTable {
  id: string;
  org_id: string;
  code: string;
  supplier_id: string;
  warehouse_id: string;
  status: string;
  expected_at: number | null;
  note: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}
export interface PurchaseOrderLinesTable {
  id: string;
  po_id: string;
  sku_id: string;
  qty: number;
  received_qty: number;
  unit_cost_fen: number;
}

// ---- orders, imports, after-sales ----
export interface OrdersTable {
  id: string;
  org_id: string;
  shop_id: string;
  channel: string;
  order_no: string;
  source: string;
  status: string;
  stock_mode: string;
  warehouse_id: string | null;
  buyer_nick: string;
  receiver_name: string;
  receiver_phone: string;
  receiver_address: string;
  buyer_note: string;
  seller_memo: string;
  goods_fen: number;
  discount_fen: number;
  shipping_fen: number;
  paid_fen: number;
  refund_fen: number;
  item_count: number;
  is_presale: number;
  urgent: number;
  logistics_exception: number;
  /** The seller's flag colour (ORDER_FLAG_COLORS), null = none. */
  flag_color: string | null;
  carrier: string | null;
  tracking_no: string | null;
  ordered_at: number;
  paid_at: number | null;
  shipped_at: number | null;
  delivered_at: number | null;
  completed_at: number | null;
  cancelled_at: number | null;
  order_day: string;
  paid_day: string | null;
  visitor_id: string | null;
  source_code: string | null;
  created_at: number;
  updated_at: number;
}
export interface OrderLinesTable {
  id: string;
  order_id: string;
  line_no: number;
  sku_id: string | null;
  title: string;
  spec_text: string;
  merchant_code: string;
  channel_item_id: string;
  qty: number;
  unit_price_fen: number;
  discount_fen: number;
  paid_fen: number;
  refund_fen: number;
  refunded_qty: number;
  unit_cost_fen: number;
}
export interface OrderEventsTable {
  id: string;
  order_id: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  note: string;
  actor_name: string;
  at: number;
}
/** The refunds ledger: one row per refunded part (a line, or shipping/order-level when order_line_id is null). */
export interface OrderRefundsTable {
  id: string;
  org_id: string;
  shop_id: string;
  order_id: string;
  order_line_id: string | null;
  qty: number;
  amount_fen: number;
  refunded_at: number;
  /** The business day (shop's zone) the refund succeeded: 退款金额 counts here. */
  refund_day: string;
  note: string;
}
export interface SavedViewsTable {
  id: string;
  org_id: string;
  user_id: string;
  page: string;
  name: string;
  query: string;
  created_at: number;
}
export interface IdempotencyKeysTable {
  key: string;
  status: number;
  response: string;
  /** SHA-256 (hex) of the canonical request body; '' for keys stored before it was recorded. */
  request_hash: string;
  created_at: number;
}
/** The last manual order number handed out per organisation and business day (orders.create `nextManualOrderNo`). */
export interface OrderNoCountersTable {
  org_id: string;
  day: string;
  seq: number;
}
/** Orders per shop and status, kept by triggers on `orders` (migration 20261207_0221; derived, see DERIVED_TABLES). */
export interface OrderStatusCountsTable {
  shop_id: string;
  status: string;
  n: number;
}
export interface ImportPresetsTable {
  id: string;
  org_id: string;
  kind: string;
  name: string;
  mapping: string;
  created_at: number;
}
export interface ImportErrorsTable {
  job_id: string;
  seq: number;
  file: string;
  row_no: number;
  column_name: string;
  value: string;
  reason: string;
}
export interface AftersaleReasonsTable {
  id: string;
  org_id: string;
  name: string;
  responsibility: string;
  sort: number;
  enabled: number;
}
export interface AftersalesTable {
  id: string;
  org_id: string;
  shop_id: string;
  order_id: string;
  code: string;
  type: string;
  status: string;
  reason_id: string | null;
  responsibility: string;
  /** 申请金额: what the buyer asked for (fen). */
  requested_fen: number;
  refund_fen: number;
  /** 补发: the zero-price replacement order. */
  replacement_order_id: string | null;
  note: string;
  sla_due_at: number;
  resolved_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}
export interface AftersaleLinesTable {
  aftersale_id: string;
  order_line_id: string;
  qty: number;
  good_qty: number;
  defective_qty: number;
}
export interface AftersaleEventsTable {
  id: string;
  aftersale_id: string;
  from_status: string | null;
  to_status: string | null;
  note: string;
  actor_name: string;
  at: number;
}

// ---- traffic & analytics ----
export interface TrafficSourcesTable {
  id: string;
  org_id: string;
  code: string;
  group_code: string;
  name: string;
  builtin: number;
  sort: number;
  /** The channel tree: taobao | jd | pdd | douyin | web, or all (其他). */
  family: string;
}
export interface SourceRulesTable {
  id: string;
  org_id: string;
  priority: number;
  field: string;
  op: string;
  pattern: string;
  source_code: string;
  enabled: number;
  created_at: number;
}
export interface CollectKeysTable {
  id: string;
  org_id: string;
  shop_id: string;
  key: string;
  allowed_origins: string;
  created_at: number;
  revoked_at: number | null;
}
export interface EventsTable {
  id: string;
  shop_id: string;
  day: string;
  at: number;
  visitor_id: string;
  session_id: string;
  type: string;
  product_id: string | null;
  source_code: string;
  url: string;
  referrer: string;
  dwell_ms: number;
}
export interface TrafficStatsTable {
  shop_id: string;
  day: string;
  product_id: string;
  source_code: string;
  uv: number;
  pv: number;
  cart_uv: number;
  fav_uv: number;
  paying_buyers: number;
  paid_fen: number;
  imported_at: number;
}
export interface RollupDailyTable {
  shop_id: string;
  day: string;
  product_id: string;
  source_code: string;
  uv: number;
  pv: number;
  detail_uv: number;
  detail_visits: number;
  dwell_ms: number;
  bounce_uv: number;
  fav_uv: number;
  cart_uv: number;
  checkout_uv: number;
  order_uv: number;
  paying_buyers: number;
  paid_fen: number;
  orders: number;
  paid_orders: number;
  units: number;
  refund_fen: number;
  refund_orders: number;
  cost_fen: number;
  /** Paying buyers without a tracked visit in the row that day (manual or imported orders). */
  untracked_buyers: number;
  updated_at: number;
}
export interface RollupDirtyTable {
  shop_id: string;
  day: string;
  marked_at: number;
  urgent: number;
  /** Start (epoch ms) of the rebuild that claimed this mark; null when unclaimed or changed since. */
  rebuilding_since: number | null;
}
export interface CustomersTable {
  id: string;
  org_id: string;
  shop_id: string;
  /** nick:<buyer nick> or phone:<phone>: the buyer's identity within the shop. */
  identity_key: string;
  channel: string;
  nick: string;
  name: string;
  /** '' when unknown or masked by the platform. */
  phone: string;
  email: string;
  note: string;
  /** The customer this one was merged into; null when standalone. */
  merged_into: string | null;
  order_count: number;
  paid_orders: number;
  paid_fen: number;
  refund_fen: number;
  first_paid_at: number | null;
  last_paid_at: number | null;
  first_paid_day: string | null;
  last_paid_day: string | null;
  /** Median days between the customer's paid days; null with fewer than two distinct days. */
  cycle_days: number | null;
  created_at: number;
  updated_at: number;
  /** Service conversations of the buyer nick in the shop (咨询); 0 when none. */
  enquiries: number;
  last_enquiry_day: string | null;
}
/** The customers module's copy of each order's facts (one row per order with a buyer). */
export interface CustomerOrdersTable {
  order_id: string;
  customer_id: string;
  shop_id: string;
  order_no: string;
  channel: string;
  status: string;
  /** 1 when paid and not cancelled: counts for F, M and R. */
  paid: number;
  paid_day: string | null;
  paid_at: number | null;
  paid_fen: number;
  refund_fen: number;
  ordered_at: number;
}
export interface CustomerTagsTable {
  customer_id: string;
  tag: string;
  created_at: number;
}
export interface CustomerRfmSettingsTable {
  shop_id: string;
  recency_days: number;
  frequency: number;
  monetary_fen: number;
  updated_at: number;
}
export interface CustomerDirtyTable {
  shop_id: string;
  /** An order id, or '*' for a rebuild of the whole shop. */
  order_id: string;
  mark: string;
  marked_at: number;
}
/** A saved customer segment: the filter builder's rules (JSON of core's SegmentRules) per shop. */
export interface CustomerSegmentsTable {
  id: string;
  org_id: string;
  shop_id: string;
  name: string;
  description: string;
  rules: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}
/** Membership settings per organisation (points per yuan, weekly member day). */
export interface MemberSettingsTable {
  org_id: string;
  enabled: number;
  points_per_yuan: number;
  /** ISO weekday 1 (Mon) … 7 (Sun); null = no member day. */
  member_day: number | null;
  /** Percent: 200 = double points on the member day. */
  member_day_multiplier: number;
  updated_at: number;
  /** none | years (end of the n-th year after earning) | months (n months after earning). */
  points_expiry: string;
  points_expiry_n: number;
}
/** One shop's daily points-expiry run (at most one per business day). */
export interface MemberExpiryRunsTable {
  shop_id: string;
  day: string;
  org_id: string;
  customers: number;
  points: number;
  created_at: number;
}
/** A member level: reached at a net paid amount or a count of paid orders; its benefits. */
export interface MemberLevelsTable {
  id: string;
  org_id: string;
  name: string;
  min_net_fen: number | null;
  min_orders: number | null;
  /** Percent: 150 = 1.5× points. */
  points_multiplier: number;
  /** Member price: 95 = 95% of the price. */
  discount_pct: number;
  free_shipping: number;
  created_at: number;
  updated_at: number;
}
/** One points account per customer: balance ≥ 0, always the sum of its member_points rows. */
export interface MemberAccountsTable {
  customer_id: string;
  org_id: string;
  shop_id: string;
  balance: number;
  level_id: string | null;
  level_since: number | null;
  updated_at: number;
}
/** The points ledger (signed points, the balance after). */
export interface MemberPointsTable {
  id: string;
  org_id: string;
  customer_id: string;
  kind: string;
  points: number;
  balance_after: number;
  order_id: string | null;
  reason: string;
  actor_id: string | null;
  created_at: number;
}
/** The points an order has earned so far (its ledger rows' sum). */
export interface MemberOrderPointsTable {
  order_id: string;
  customer_id: string;
  points: number;
}
/** Outreach sending settings per organisation (SMTP, SMS gateway, hourly limit). */
export interface OutreachSettingsTable {
  org_id: string;
  smtp_host: string;
  smtp_port: number;
  smtp_secure: number;
  smtp_user: string;
  smtp_pass: string;
  mail_from: string;
  sms_provider: string;
  sms_url: string;
  sms_token: string;
  hourly_limit: number;
  public_url: string;
  updated_at: number;
}
/** A message campaign to a saved segment through one channel. */
export interface OutreachCampaignsTable {
  id: string;
  org_id: string;
  shop_id: string;
  segment_id: string;
  segment_name: string;
  channel: string;
  subject: string;
  body: string;
  coupon: string;
  status: string;
  job_id: string | null;
  resume_at: number | null;
  note: string;
  created_by: string | null;
  created_at: number;
  finished_at: number | null;
}
/** One recipient of a campaign and its delivery status. */
export interface OutreachMessagesTable {
  id: string;
  campaign_id: string;
  org_id: string;
  customer_id: string;
  nick: string;
  address: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  error: string;
  unsub_token: string;
  sent_at: number | null;
  created_at: number;
}
export interface OutreachUnsubscribesTable {
  org_id: string;
  address: string;
  reason: string;
  created_at: number;
}
export interface MemberLevelChangesTable {
  id: string;
  customer_id: string;
  from_level: string | null;
  to_level: string | null;
  reason: string;
  created_at: number;
}

export interface PromotionsTable {
  id: string;
  org_id: string;
  shop_id: string;
  name: string;
  type: string;
  status: string;
  starts_at: number;
  ends_at: number;
  rule_json: string;
  scope_json: string;
  exclusive_group: string | null;
  weekdays: string;
  priority: number;
  version: number;
  created_by: string;
  created_at: number;
  updated_at: number;
}
export interface MarketingSettingsTable {
  shop_id: string;
  min_margin_bp: number;
  updated_at: number;
}
export interface CouponTemplatesTable {
  id: string;
  org_id: string;
  shop_id: string;
  name: string;
  kind: string;
  threshold_fen: number;
  amount_fen: number;
  off_bp: number;
  cap_fen: number | null;
  scope_json: string;
  channel: string | null;
  valid_from: number | null;
  valid_to: number | null;
  valid_days: number | null;
  total_limit: number;
  per_customer_limit: number;
  code: string | null;
  return_on_refund: number;
  status: string;
  issued: number;
  created_at: number;
  updated_at: number;
}
export interface CouponClaimsTable {
  template_id: string;
  buyer_key: string;
  claimed: number;
}
export interface CouponsTable {
  id: string;
  org_id: string;
  shop_id: string;
  template_id: string;
  buyer_key: string;
  customer_id: string | null;
  status: string;
  source: string;
  valid_from: number;
  valid_to: number;
  order_id: string | null;
  claimed_at: number;
  used_at: number | null;
}
export interface CouponRedemptionsTable {
  id: string;
  coupon_id: string;
  template_id: string;
  shop_id: string;
  order_id: string;
  buyer_key: string;
  discount_fen: number;
  goods_fen: number;
  redeemed_at: number;
  released_at: number | null;
}
export interface ActivitiesTable {
  id: string;
  org_id: string;
  shop_id: string;
  name: string;
  kind: string;
  platform_event: string | null;
  start_day: string;
  end_day: string;
  baseline_from: string;
  baseline_to: string;
  promotion_ids: string;
  sku_ids: string;
  status: string;
  note: string;
  created_at: number;
  updated_at: number;
}
export interface OrderPricingsTable {
  order_id: string;
  shop_id: string;
  result_json: string;
  discount_fen: number;
  created_at: number;
  buyer_key: string;
}
export interface ActivityTasksTable {
  id: string;
  activity_id: string;
  title: string;
  role_name: string;
  due_day: string;
  done: number;
  done_by: string | null;
  done_at: number | null;
  seq: number;
}

/** Shop diagnosis (issue 15): findings (one open per cause) and the shop-days diagnosed. */
export interface DiagnosisFindingsTable {
  id: string;
  org_id: string;
  shop_id: string;
  kind: string;
  subject_type: string;
  subject_id: string;
  subject_name: string;
  severity: string;
  status: string;
  started_on: string;
  ended_on: string | null;
  first_seen_on: string;
  last_seen_on: string;
  money_fen: number;
  summary: string;
  evidence_json: string;
  causes_json: string;
  action_label: string;
  action_path: string;
  assignee_id: string | null;
  note: string;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
}
export interface DiagnosisRunsTable {
  shop_id: string;
  day: string;
  org_id: string;
  findings: number;
  ran_at: number;
}

/** Team routine (issue 15): tasks (optionally steps of an activity plan), self-checks, targets. */
export interface TasksTable {
  id: string;
  org_id: string;
  shop_id: string | null;
  title: string;
  note: string;
  status: string;
  assignee_id: string | null;
  due_on: string | null;
  link_kind: string | null;
  link_id: string | null;
  link_label: string | null;
  plan_id: string | null;
  duration_days: number | null;
  depends_json: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}
export interface ActivityPlansTable {
  id: string;
  org_id: string;
  shop_id: string;
  name: string;
  start_on: string;
  activity_on: string | null;
  activity_id: string | null;
  note: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}
export interface ChecklistItemsTable {
  id: string;
  org_id: string;
  role_code: string;
  title: string;
  hint: string;
  link: string;
  position: number;
  archived: number;
  created_at: number;
  updated_at: number;
}
export interface ChecklistTicksTable {
  item_id: string;
  user_id: string;
  day: string;
  org_id: string;
  note: string;
  ticked_at: number;
}
export interface SalesTargetsTable {
  id: string;
  org_id: string;
  shop_id: string;
  kind: string;
  name: string;
  start_on: string;
  end_on: string;
  sales_fen: number;
  visitors: number;
  buyers: number;
  aov_fen: number;
  basis: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface ReviewsTable {
  id: string;
  org_id: string;
  shop_id: string;
  platform: string;
  review_key: string;
  order_no: string;
  product_title: string;
  sku_text: string;
  buyer_nick: string;
  rating: number;
  content: string;
  image_count: number;
  append_content: string;
  dsr_desc: number | null;
  dsr_service: number | null;
  dsr_logistics: number | null;
  tags: string;
  reviewed_at: number;
  review_day: string;
  status: string;
  sla_due_at: number | null;
  outcome: string | null;
  reply: string;
  aftersale_id: string | null;
  closed_at: number | null;
  created_at: number;
  updated_at: number;
}
export interface ReviewFollowupsTable {
  id: string;
  review_id: string;
  action: string;
  note: string;
  user_id: string | null;
  user_name: string;
  at: number;
}
export interface ReviewKeywordsTable {
  id: string;
  org_id: string;
  tag: string;
  keywords: string;
  position: number;
}
export interface ReviewDsrBenchmarksTable {
  shop_id: string;
  month: string;
  org_id: string;
  dsr_desc: number;
  dsr_service: number;
  dsr_logistics: number;
}
export interface ServiceChatsTable {
  id: string;
  org_id: string;
  shop_id: string;
  chat_key: string;
  agent: string;
  customer: string;
  started_at: number;
  start_day: string;
  start_hour: number;
  first_response_s: number | null;
  messages: number;
  ended_at: number | null;
  order_no: string;
  created_at: number;
}
export interface ServiceQaTable {
  id: string;
  chat_id: string;
  org_id: string;
  shop_id: string;
  agent: string;
  score: number | null;
  note: string;
  reviewer: string;
  sampled_at: number;
  scored_at: number | null;
}
export interface ServiceSettingsTable {
  shop_id: string;
  org_id: string;
  conversion_days: number;
  aht_seconds: number;
  target: number;
  within_seconds: number;
  shrinkage: number;
  updated_at: number;
}

/** Paid promotion (ads module): plans, promoted products, daily report rows, 淘宝客 orders, advice. */
export interface AdPlansTable {
  id: string;
  org_id: string;
  shop_id: string;
  tool: string;
  name: string;
  daily_budget_fen: number | null;
  bid_fen: number | null;
  status: string;
  created_at: number;
  updated_at: number;
}
export interface AdPlanProductsTable {
  plan_id: string;
  product_id: string;
}
export interface AdDailyTable {
  id: string;
  shop_id: string;
  plan_id: string;
  tool: string;
  day: string;
  /** The dimension columns of the file: '' plan, or some of u(nit) k(eyword) c(reative). */
  level: string;
  unit: string;
  keyword: string;
  creative: string;
  impressions: number;
  clicks: number;
  spend_fen: number;
  orders: number;
  sales_fen: number;
  favs: number;
  carts: number;
  imported_at: number;
}
export interface AdTaokeOrdersTable {
  id: string;
  shop_id: string;
  order_no: string;
  day: string;
  product: string;
  item_id: string;
  rate_ppm: number | null;
  commission_fen: number;
  paid_fen: number;
  imported_at: number;
}
export interface AdAdviceTable {
  id: string;
  shop_id: string;
  plan_id: string;
  day: string;
  kind: string;
  target: string;
  message: string;
  /** JSON */
  evidence: string;
  status: string;
  decided_by: string | null;
  decided_at: number | null;
  note: string;
  created_at: number;
}
/** Spend so far of a plan on a day at a minute of the day, entered by hand (budget pacing). */
export interface AdSpendNowTable {
  id: string;
  shop_id: string;
  plan_id: string;
  day: string;
  minute: number;
  spend_fen: number;
  entered_by: string;
  created_at: number;
}
/** A plan's figures in one hour of a day, from an hourly report (分时报表). */
export interface AdHourlyTable {
  id: string;
  shop_id: string;
  plan_id: string;
  tool: string;
  day: string;
  hour: number;
  impressions: number;
  clicks: number;
  spend_fen: number;
  orders: number;
  sales_fen: number;
  imported_at: number;
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
  jobs: JobsTable;
  notifications: NotificationsTable;
  notification_reads: NotificationReadsTable;
  notification_emails: NotificationEmailsTable;
  notification_email_prefs: NotificationEmailPrefsTable;
  categories: CategoriesTable;
  brands: BrandsTable;
  products: ProductsTable;
  skus: SkusTable;
  listings: ListingsTable;
  product_images: ProductImagesTable;
  banned_words: BannedWordsTable;
  banned_word_exemptions: BannedWordExemptionsTable;
  warehouses: WarehousesTable;
  stock: StockTable;
  stock_movements: StockMovementsTable;
  stocktakes: StocktakesTable;
  stocktake_lines: StocktakeLinesTable;
  transfers: TransfersTable;
  transfer_lines: TransferLinesTable;
  suppliers: SuppliersTable;
  purchase_orders: PurchaseOrdersTable;
  purchase_order_lines: PurchaseOrderLinesTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_events: OrderEventsTable;
  order_refunds: OrderRefundsTable;
  saved_views: SavedViewsTable;
  idempotency_keys: IdempotencyKeysTable;
  order_no_counters: OrderNoCountersTable;
  order_status_counts: OrderStatusCountsTable;
  import_presets: ImportPresetsTable;
  import_errors: ImportErrorsTable;
  aftersale_reasons: AftersaleReasonsTable;
  aftersales: AftersalesTable;
  aftersale_lines: AftersaleLinesTable;
  aftersale_events: AftersaleEventsTable;
  traffic_sources: TrafficSourcesTable;
  source_rules: SourceRulesTable;
  collect_keys: CollectKeysTable;
  events: EventsTable;
  traffic_stats: TrafficStatsTable;
  rollup_daily: RollupDailyTable;
  rollup_dirty: RollupDirtyTable;
  customers: CustomersTable;
  customer_orders: CustomerOrdersTable;
  customer_tags: CustomerTagsTable;
  customer_rfm_settings: CustomerRfmSettingsTable;
  customer_dirty: CustomerDirtyTable;
  customer_segments: CustomerSegmentsTable;
  member_settings: MemberSettingsTable;
  member_levels: MemberLevelsTable;
  member_accounts: MemberAccountsTable;
  member_points: MemberPointsTable;
  member_order_points: MemberOrderPointsTable;
  member_level_changes: MemberLevelChangesTable;
  member_expiry_runs: MemberExpiryRunsTable;
  outreach_settings: OutreachSettingsTable;
  outreach_campaigns: OutreachCampaignsTable;
  outreach_messages: OutreachMessagesTable;
  outreach_unsubscribes: OutreachUnsubscribesTable;
  promotions: PromotionsTable;
  marketing_settings: MarketingSettingsTable;
  coupon_templates: CouponTemplatesTable;
  coupon_claims: CouponClaimsTable;
  coupons: CouponsTable;
  coupon_redemptions: CouponRedemptionsTable;
  activities: ActivitiesTable;
  activity_tasks: ActivityTasksTable;
  order_pricings: OrderPricingsTable;
  tasks: TasksTable;
  activity_plans: ActivityPlansTable;
  checklist_items: ChecklistItemsTable;
  checklist_ticks: ChecklistTicksTable;
  sales_targets: SalesTargetsTable;
  reviews: ReviewsTable;
  review_followups: ReviewFollowupsTable;
  review_keywords: ReviewKeywordsTable;
  review_dsr_benchmarks: ReviewDsrBenchmarksTable;
  service_chats: ServiceChatsTable;
  service_qa: ServiceQaTable;
  service_settings: ServiceSettingsTable;
  diagnosis_findings: DiagnosisFindingsTable;
  diagnosis_runs: DiagnosisRunsTable;
  ad_plans: AdPlansTable;
  ad_plan_products: AdPlanProductsTable;
  ad_daily: AdDailyTable;
  ad_taoke_orders: AdTaokeOrdersTable;
  ad_advice: AdAdviceTable;
  ad_spend_now: AdSpendNowTable;
  ad_hourly: AdHourlyTable;
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
  'jobs',
  'notifications',
  'notification_reads',
  'notification_emails',
  'notification_email_prefs',
  'categories',
  'brands',
  'products',
  'skus',
  'listings',
  'product_images',
  'banned_words',
  'banned_word_exemptions',
  'warehouses',
  'stock',
  'stock_movements',
  'stocktakes',
  'stocktake_lines',
  'transfers',
  'transfer_lines',
  'suppliers',
  'purchase_orders',
  'purchase_order_lines',
  'orders',
  'order_lines',
  'order_events',
  'order_refunds',
  'saved_views',
  'idempotency_keys',
  'order_no_counters',
  'import_presets',
  'import_errors',
  'aftersale_reasons',
  'aftersales',
  'aftersale_lines',
  'aftersale_events',
  'traffic_sources',
  'source_rules',
  'collect_keys',
  'events',
  'traffic_stats',
  'rollup_daily',
  'rollup_dirty',
  'customers',
  'customer_orders',
  'customer_tags',
  'customer_rfm_settings',
  'customer_dirty',
  'customer_segments',
  'member_settings',
  'member_levels',
  'member_accounts',
  'member_points',
  'member_order_points',
  'member_level_changes',
  'member_expiry_runs',
  'outreach_settings',
  'outreach_campaigns',
  'outreach_messages',
  'outreach_unsubscribes',
  'promotions',
  'marketing_settings',
  'coupon_templates',
  'coupon_claims',
  'coupons',
  'coupon_redemptions',
  'activities',
  'activity_tasks',
  'order_pricings',
  'tasks',
  'activity_plans',
  'checklist_items',
  'checklist_ticks',
  'sales_targets',
  'reviews',
  'review_followups',
  'review_keywords',
  'review_dsr_benchmarks',
  'service_chats',
  'service_qa',
  'service_settings',
  'diagnosis_findings',
  'diagnosis_runs',
  'ad_plans',
  'ad_plan_products',
  'ad_daily',
  'ad_taoke_orders',
  'ad_advice',
  'ad_spend_now',
  'ad_hourly',
] as const satisfies readonly (keyof DB)[];

/** The key columns of each table that has no single `id` column (backup orders rows by them). */
export const TABLE_KEYS: Partial<Record<keyof DB, readonly string[]>> = {
  meta: ['key'],
  login_throttle: ['key'],
  role_permissions: ['role_id', 'permission'],
  user_roles: ['user_id', 'role_id'],
  user_shops: ['user_id', 'shop_id'],
  notification_reads: ['notification_id', 'user_id'],
  notification_email_prefs: ['user_id', 'kind'],
  stock: ['sku_id', 'warehouse_id'],
  stocktake_lines: ['stocktake_id', 'sku_id'],
  transfer_lines: ['transfer_id', 'sku_id'],
  idempotency_keys: ['key'],
  order_no_counters: ['org_id', 'day'],
  import_errors: ['job_id', 'seq'],
  aftersale_lines: ['aftersale_id', 'order_line_id'],
  traffic_stats: ['shop_id', 'day', 'product_id', 'source_code'],
  rollup_daily: ['shop_id', 'day', 'product_id', 'source_code'],
  rollup_dirty: ['shop_id', 'day'],
  customer_orders: ['order_id'],
  customer_tags: ['customer_id', 'tag'],
  customer_rfm_settings: ['shop_id'],
  customer_dirty: ['shop_id', 'order_id'],
  member_settings: ['org_id'],
  member_accounts: ['customer_id'],
  member_order_points: ['order_id'],
  member_expiry_runs: ['shop_id', 'day'],
  outreach_settings: ['org_id'],
  outreach_unsubscribes: ['org_id', 'address'],
  coupon_claims: ['template_id', 'buyer_key'],
  marketing_settings: ['shop_id'],
  order_pricings: ['order_id'],
  checklist_ticks: ['item_id', 'user_id', 'day'],
  review_dsr_benchmarks: ['shop_id', 'month'],
  service_settings: ['shop_id'],
  diagnosis_runs: ['shop_id', 'day'],
  ad_plan_products: ['plan_id', 'product_id'],
};

/**
 * Tables whose rows are derived from other tables by database triggers, so they are neither in
 * TABLE_ORDER nor in a logical backup: restoring the source rows rebuilds them (order_status_counts
 * from the restored orders).
 */
export const DERIVED_TABLES: readonly string[] = ['order_status_counts'];
