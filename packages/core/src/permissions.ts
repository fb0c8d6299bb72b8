/**
 * The permission catalogue and the seeded team roles (domain §10). Permissions are fine-grained
 * `<module>.<action>` codes; a role is a set of them; a user's permissions are the union of their
 * roles'. Every route declares one permission (or `public` / `authenticated`).
 */
export interface PermissionDef {
  code: string;
  zh: string;
  en: string;
}
export interface PermissionGroup {
  module: string;
  zh: string;
  en: string;
  permissions: readonly PermissionDef[];
}

export const PERMISSION_GROUPS = [
  {
    module: 'settings',
    zh: '系统设置',
    en: 'Settings',
    permissions: [
      { code: 'users.read', zh: '查看用户', en: 'View users' },
      { code: 'users.write', zh: '管理用户', en: 'Manage users' },
      { code: 'roles.read', zh: '查看角色', en: 'View roles' },
      { code: 'roles.write', zh: '管理角色与权限', en: 'Manage roles and permissions' },
      { code: 'shops.read', zh: '查看店铺', en: 'View shops' },
      { code: 'shops.write', zh: '管理店铺', en: 'Manage shops' },
      { code: 'tokens.manage', zh: '管理自己的 API 令牌', en: 'Manage own API tokens' },
      { code: 'audit.read', zh: '查看审计日志', en: 'View audit log' },
    ],
  },
  {
    module: 'products',
    zh: '商品',
    en: 'Products',
    permissions: [
      { code: 'products.read', zh: '查看商品', en: 'View products' },
      { code: 'products.write', zh: '编辑商品', en: 'Edit products' },
      { code: 'products.price.write', zh: '修改价格', en: 'Change prices' },
      { code: 'products.cost.read', zh: '查看成本', en: 'View costs' },
    ],
  },
  {
    module: 'inventory',
    zh: '库存与采购',
    en: 'Stock and purchasing',
    permissions: [
      { code: 'inventory.read', zh: '查看库存', en: 'View stock' },
      { code: 'inventory.write', zh: '调整库存、盘点、调拨', en: 'Adjust, count and transfer stock' },
      { code: 'purchasing.write', zh: '采购与收货', en: 'Purchase orders and receiving' },
    ],
  },
  {
    module: 'orders',
    zh: '订单',
    en: 'Orders',
    permissions: [
      { code: 'orders.read', zh: '查看订单', en: 'View orders' },
      { code: 'orders.write', zh: '创建与编辑订单', en: 'Create and edit orders' },
      { code: 'orders.memo', zh: '卖家备注、旗帜与催单标记', en: 'Seller memos, flags and chase marks' },
      { code: 'orders.ship', zh: '发货', en: 'Ship orders' },
      { code: 'orders.import', zh: '导入订单', en: 'Import orders' },
      { code: 'orders.refund', zh: '退款', en: 'Refund' },
    ],
  },
  {
    module: 'aftersales',
    zh: '售后',
    en: 'After-sales',
    permissions: [
      { code: 'aftersales.read', zh: '查看售后', en: 'View after-sales' },
      { code: 'aftersales.write', zh: '处理售后', en: 'Handle after-sales' },
    ],
  },
  {
    module: 'customers',
    zh: '客户',
    en: 'Customers',
    permissions: [
      { code: 'customers.read', zh: '查看客户', en: 'View customers' },
      { code: 'customers.write', zh: '编辑客户与标签', en: 'Edit customers and tags' },
      { code: 'customers.pii.read', zh: '查看个人信息（手机、地址）', en: 'See personal data (phone, address)' },
    ],
  },
  {
    module: 'marketing',
    zh: '营销与推广',
    en: 'Marketing and ads',
    permissions: [
      { code: 'marketing.read', zh: '查看营销活动', en: 'View promotions' },
      { code: 'marketing.write', zh: '管理营销活动与优惠券', en: 'Manage promotions and coupons' },
      { code: 'ads.read', zh: '查看推广计划', en: 'View ad plans' },
      { code: 'ads.write', zh: '管理推广计划', en: 'Manage ad plans' },
    ],
  },
  {
    module: 'service',
    zh: '评价与客服',
    en: 'Reviews and service',
    permissions: [
      { code: 'reviews.read', zh: '查看评价', en: 'View reviews' },
      { code: 'reviews.write', zh: '处理评价', en: 'Handle reviews' },
      { code: 'service.read', zh: '查看客服数据', en: 'View service data' },
      { code: 'service.write', zh: '处理客服工单', en: 'Handle service tickets' },
    ],
  },
  {
    module: 'analytics',
    zh: '数据分析',
    en: 'Analytics',
    permissions: [
      { code: 'analytics.read', zh: '查看经营数据与报表', en: 'View analytics and reports' },
      { code: 'analytics.export', zh: '导出报表', en: 'Export reports' },
      { code: 'traffic.manage', zh: '管理流量来源规则与埋点', en: 'Manage traffic sources and tracking' },
      { code: 'finance.read', zh: '查看毛利与财务数据', en: 'View margin and finance data' },
    ],
  },
  {
    module: 'team',
    zh: '团队协作',
    en: 'Teamwork',
    permissions: [
      { code: 'tasks.read', zh: '查看任务、自查清单与活动计划', en: 'View tasks, self-checks and activity plans' },
      { code: 'tasks.write', zh: '创建与处理任务、勾选自查', en: 'Create and handle tasks, tick self-checks' },
      {
        code: 'targets.write',
        zh: '制定销售目标、编辑自查清单与活动计划',
        en: 'Set sales targets, edit self-check lists and activity plans',
      },
    ],
  },
] as const satisfies readonly PermissionGroup[];

export type Permission = (typeof PERMISSION_GROUPS)[number]['permissions'][number]['code'];

export const ALL_PERMISSIONS: readonly Permission[] = PERMISSION_GROUPS.flatMap((g) => g.permissions.map((p) => p.code)) as Permission[];

const PERMISSION_SET = new Set<string>(ALL_PERMISSIONS);
export function isPermission(code: string): code is Permission {
  return PERMISSION_SET.has(code);
}

export interface SeedRole {
  code: string;
  zh: string;
  en: string;
  description: string;
  permissions: readonly Permission[];
}

/** The team roles of domain §10, seeded on first start. `owner` always has every permission. */
export const SEED_ROLES: readonly SeedRole[] = [
  {
    code: 'owner',
    zh: '店长/老板',
    en: 'Owner',
    description: '拥有全部权限，管理团队与店铺',
    permissions: ALL_PERMISSIONS,
  },
  {
    code: 'operator',
    zh: '店铺运营',
    en: 'Operator',
    description: '负责商品、订单、活动与数据分析',
    permissions: [
      'shops.read',
      'tokens.manage',
      'products.read',
      'products.write',
      'products.price.write',
      'products.cost.read',
      'inventory.read',
      'orders.read',
      'orders.write',
      'orders.memo',
      'orders.import',
      'aftersales.read',
      'customers.read',
      'customers.write',
      'marketing.read',
      'marketing.write',
      'ads.read',
      'reviews.read',
      'service.read',
      'analytics.read',
      'analytics.export',
      'tasks.read',
      'tasks.write',
      'targets.write',
    ],
  },
  {
    code: 'promotion',
    zh: '推广',
    en: 'Promotion',
    description: '负责付费推广、流量与活动报名',
    permissions: [
      'shops.read',
      'products.read',
      'marketing.read',
      'marketing.write',
      'ads.read',
      'ads.write',
      'analytics.read',
      'tasks.read',
      'tasks.write',
    ],
  },
  {
    code: 'designer',
    zh: '美工',
    en: 'Designer',
    description: '负责商品图片、详情页与店铺装修',
    permissions: ['shops.read', 'products.read', 'products.write', 'analytics.read', 'tasks.read', 'tasks.write'],
  },
  {
    code: 'service',
    zh: '客服',
    en: 'Customer service',
    description: '负责咨询、售后与评价跟进',
    permissions: [
      'products.read',
      'inventory.read',
      'orders.read',
      'orders.memo',
      'aftersales.read',
      'aftersales.write',
      'customers.read',
      'reviews.read',
      'reviews.write',
      'service.read',
      'service.write',
      'tasks.read',
      'tasks.write',
    ],
  },
  {
    code: 'warehouse',
    zh: '仓储物流',
    en: 'Warehouse',
    description: '负责收货、发货、盘点与退货入库',
    permissions: [
      'products.read',
      'inventory.read',
      'inventory.write',
      'purchasing.write',
      'orders.read',
      'orders.ship',
      'aftersales.read',
      'aftersales.write',
      'customers.pii.read',
      'tasks.read',
      'tasks.write',
    ],
  },
  {
    code: 'finance',
    zh: '财务',
    en: 'Finance',
    description: '负责对账、退款审核与毛利核算',
    permissions: [
      'shops.read',
      'products.read',
      'products.cost.read',
      'inventory.read',
      'orders.read',
      'orders.refund',
      'aftersales.read',
      'analytics.read',
      'analytics.export',
      'finance.read',
      'audit.read',
      'tasks.read',
      'tasks.write',
    ],
  },
];
