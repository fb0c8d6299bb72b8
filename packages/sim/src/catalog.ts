/**
 * The demo brand's catalogue as data: a home-and-apparel brand (栖木生活) selling bedding, home
 * wear, basics and kitchen goods. Prices in fen; costs are 35–60 % of the price.
 * (Just over 500 lines, nearly all of it the product, shop, warehouse and supplier tables: kept in
 * one file on purpose, as data is easier to review in one place than split by size.)
 */
import type { SpecDim } from '@yunying/core';

export interface ProductTemplate {
  key: string;
  /** SPU merchant code stem (货号). */
  code: string;
  title: string;
  category: string;
  sellingPoints: string;
  tags: string[];
  dims: SpecDim[];
  /** Base price in fen; `priceBy` adds per spec value. */
  priceFen: number;
  priceBy?: Record<string, number>;
  costRate: number;
  weightG: number;
  /** Relative share of detail-page views. */
  popularity: number;
  /** Relative order propensity once viewed (1 = shop average). */
  convFactor: number;
  /** Probability a delivered line comes back (return/refund). */
  returnRate: number;
  presale?: boolean;
}

export const BRAND = '栖木生活';

export const CATEGORY_TREE: readonly { name: string; children: readonly string[] }[] = [
  { name: '床上用品', children: ['床品套件', '被子', '枕头'] },
  { name: '服饰内衣', children: ['T恤', '家居服', '内衣袜子'] },
  { name: '家居日用', children: ['毛巾浴巾', '收纳整理', '靠垫抱枕'] },
  { name: '厨房餐饮', children: ['杯壶', '餐厨用品'] },
];

export const PRODUCTS: readonly ProductTemplate[] = [
  {
    key: 'tee',
    code: 'QM-TX01',
    title: '栖木生活 新疆长绒棉短袖T恤 男女同款 纯棉圆领打底衫',
    category: 'T恤',
    sellingPoints: '新疆长绒棉；230g 重磅不透；领口不易变形',
    tags: ['纯棉', '夏季', '基础款'],
    dims: [
      { name: '颜色', values: ['白色', '黑色', '燕麦色'] },
      { name: '尺码', values: ['M', 'L', 'XL', 'XXL'] },
    ],
    priceFen: 7900,
    costRate: 0.38,
    weightG: 260,
    popularity: 14,
    convFactor: 1.15,
    returnRate: 0.07,
  },
  {
    key: 'pajama',
    code: 'QM-SY02',
    title: '栖木生活 冰丝睡衣套装 女夏季薄款 短袖长裤家居服两件套',
    category: '家居服',
    sellingPoints: '冰丝面料凉感透气；宽松不勒；可外穿',
    tags: ['冰丝', '夏季', '女士'],
    dims: [
      { name: '颜色', values: ['雾粉', '月白', '湖蓝'] },
      { name: '尺码', values: ['M', 'L', 'XL'] },
    ],
    priceFen: 15900,
    costRate: 0.41,
    weightG: 380,
    popularity: 12,
    convFactor: 1.1,
    returnRate: 0.09,
  },
  {
    key: 'cup',
    code: 'QM-BW03',
    title: '栖木生活 316不锈钢保温杯 500ml 大容量便携水杯 长效保温',
    category: '杯壶',
    sellingPoints: '316 不锈钢内胆；12 小时保温；一键开盖',
    tags: ['保温', '办公', '送礼'],
    dims: [{ name: '颜色', values: ['奶白', '黛绿', '雾蓝', '曜黑'] }],
    priceFen: 8900,
    costRate: 0.4,
    weightG: 420,
    popularity: 11,
    convFactor: 1.05,
    returnRate: 0.025,
  },
  {
    key: 'bedset',
    code: 'QM-SJ04',
    title: '栖木生活 全棉四件套 纯棉床单被套 简约北欧风床上用品',
    category: '床品套件',
    sellingPoints: '100% 全棉 40 支；活性印染不褪色；亲肤透气',
    tags: ['全棉', '四件套'],
    dims: [
      { name: '花色', values: ['素灰', '格调', '浅杏'] },
      { name: '规格', values: ['1.5m床', '1.8m床'] },
    ],
    priceFen: 29900,
    priceBy: { '1.8m床': 5000 },
    costRate: 0.45,
    weightG: 2100,
    popularity: 10,
    convFactor: 0.9,
    returnRate: 0.05,
  },
  {
    key: 'quilt',
    code: 'QM-LB05',
    title: '栖木生活 大豆纤维夏凉被 空调被 可机洗 薄被子',
    category: '被子',
    sellingPoints: '大豆纤维填充；柔软亲肤；整床可机洗',
    tags: ['夏凉被', '可机洗'],
    dims: [{ name: '规格', values: ['150×200cm', '200×230cm'] }],
    priceFen: 16900,
    priceBy: { '200×230cm': 6000 },
    costRate: 0.42,
    weightG: 1500,
    popularity: 7,
    convFactor: 0.95,
    returnRate: 0.04,
  },
  {
    key: 'down',
    code: 'QM-YR06',
    title: '栖木生活 95白鹅绒羽绒被 冬季加厚保暖 被芯（预售）',
    category: '被子',
    sellingPoints: '95% 白鹅绒；蓬松度 800+；全棉防钻绒面料',
    tags: ['羽绒被', '冬季', '预售'],
    dims: [{ name: '规格', values: ['150×200cm', '200×230cm'] }],
    priceFen: 89900,
    priceBy: { '200×230cm': 20000 },
    costRate: 0.5,
    weightG: 2600,
    popularity: 4,
    convFactor: 0.55,
    returnRate: 0.03,
    presale: true,
  },
  {
    key: 'pillow',
    code: 'QM-ZT07',
    title: '栖木生活 泰国天然乳胶枕 护颈枕头 单只装',
    category: '枕头',
    sellingPoints: '天然乳胶；回弹支撑；附赠枕套',
    tags: ['乳胶', '护颈'],
    dims: [{ name: '款式', values: ['波浪款', '平面款'] }],
    priceFen: 12900,
    costRate: 0.44,
    weightG: 1300,
    popularity: 6,
    convFactor: 1.0,
    returnRate: 0.04,
  },
  {
    key: 'towel',
    code: 'QM-MJ08',
    title: '栖木生活 纯棉毛巾 3条装 吸水柔软 洗脸面巾',
    category: '毛巾浴巾',
    sellingPoints: 'A 类纯棉；不掉毛；3 条装',
    tags: ['纯棉', '日用'],
    dims: [{ name: '颜色', values: ['米白', '浅灰', '豆绿'] }],
    priceFen: 3900,
    costRate: 0.46,
    weightG: 330,
    popularity: 8,
    convFactor: 1.3,
    returnRate: 0.02,
  },
  {
    key: 'bath',
    code: 'QM-YJ09',
    title: '栖木生活 加厚纯棉浴巾 70×140cm 大号吸水',
    category: '毛巾浴巾',
    sellingPoints: '500g 加厚；速干吸水；柔软亲肤',
    tags: ['纯棉', '浴巾'],
    dims: [{ name: '颜色', values: ['米白', '浅灰', '雾蓝'] }],
    priceFen: 5900,
    costRate: 0.45,
    weightG: 560,
    popularity: 5,
    convFactor: 1.1,
    returnRate: 0.02,
  },
  {
    key: 'brief',
    code: 'QM-NK10',
    title: '栖木生活 莫代尔男士内裤 3条装 平角裤 透气不勒',
    category: '内衣袜子',
    sellingPoints: '莫代尔面料；抗菌裆；3 条装',
    tags: ['莫代尔', '男士'],
    dims: [{ name: '尺码', values: ['L', 'XL', 'XXL', '3XL'] }],
    priceFen: 6900,
    costRate: 0.36,
    weightG: 180,
    popularity: 6,
    convFactor: 1.2,
    returnRate: 0.03,
  },
  {
    key: 'socks',
    code: 'QM-WZ11',
    title: '栖木生活 精梳棉中筒袜 5双装 男女款',
    category: '内衣袜子',
    sellingPoints: '精梳棉；防臭透气；5 双装',
    tags: ['棉袜', '5双装'],
    dims: [
      { name: '款式', values: ['男款', '女款'] },
      { name: '颜色', values: ['黑白灰', '彩色'] },
    ],
    priceFen: 2900,
    costRate: 0.38,
    weightG: 200,
    popularity: 6,
    convFactor: 1.35,
    returnRate: 0.015,
  },
  {
    key: 'box',
    code: 'QM-SN12',
    title: '栖木生活 桌面收纳盒 抽屉式 办公桌化妆品整理盒',
    category: '收纳整理',
    sellingPoints: 'PP 环保材质；可叠加；抽屉顺滑',
    tags: ['收纳', '办公'],
    dims: [{ name: '规格', values: ['单层', '三层'] }],
    priceFen: 3500,
    priceBy: { 三层: 4000 },
    costRate: 0.48,
    weightG: 650,
    popularity: 4,
    convFactor: 1.0,
    returnRate: 0.03,
  },
  {
    key: 'vacuum',
    code: 'QM-SN13',
    title: '栖木生活 真空压缩收纳袋 衣物被子整理袋 送电泵',
    category: '收纳整理',
    sellingPoints: '加厚 PA+PE；节省 75% 空间；送电泵',
    tags: ['收纳', '换季'],
    dims: [{ name: '规格', values: ['8件套', '12件套'] }],
    priceFen: 4900,
    priceBy: { '12件套': 2000 },
    costRate: 0.42,
    weightG: 900,
    popularity: 4,
    convFactor: 1.05,
    returnRate: 0.04,
  },
  {
    key: 'mug',
    code: 'QM-BZ14',
    title: '栖木生活 陶瓷马克杯 380ml 办公室咖啡杯 带盖勺',
    category: '杯壶',
    sellingPoints: '高温釉下彩；可微波；带盖带勺',
    tags: ['陶瓷', '办公'],
    dims: [{ name: '颜色', values: ['奶白', '燕麦', '雾蓝'] }],
    priceFen: 4500,
    costRate: 0.4,
    weightG: 450,
    popularity: 4,
    convFactor: 0.95,
    returnRate: 0.03,
  },
  {
    key: 'jar',
    code: 'QM-MF15',
    title: '栖木生活 玻璃密封罐 3件套 厨房五谷杂粮储物罐',
    category: '餐厨用品',
    sellingPoints: '高硼硅玻璃；硅胶密封圈；3 件套',
    tags: ['厨房', '收纳'],
    dims: [],
    priceFen: 5900,
    costRate: 0.47,
    weightG: 1400,
    popularity: 3,
    convFactor: 0.9,
    returnRate: 0.05,
  },
  {
    key: 'fleece',
    code: 'QM-SY16',
    title: '栖木生活 珊瑚绒家居服套装 秋冬加厚保暖睡衣',
    category: '家居服',
    sellingPoints: '双面珊瑚绒；不掉毛不起球；加厚保暖',
    tags: ['珊瑚绒', '秋冬'],
    dims: [
      { name: '颜色', values: ['奶咖', '藏青'] },
      { name: '尺码', values: ['M', 'L', 'XL'] },
    ],
    priceFen: 13900,
    costRate: 0.4,
    weightG: 700,
    popularity: 5,
    convFactor: 0.95,
    returnRate: 0.08,
  },
  {
    key: 'gauze',
    code: 'QM-YJ17',
    title: '栖木生活 六层纯棉纱布浴巾 婴儿儿童盖毯',
    category: '毛巾浴巾',
    sellingPoints: 'A 类婴幼儿标准；六层纱布；越洗越软',
    tags: ['纱布', '母婴'],
    dims: [{ name: '颜色', values: ['云朵白', '奶黄'] }],
    priceFen: 6900,
    costRate: 0.43,
    weightG: 420,
    popularity: 3,
    convFactor: 1.1,
    returnRate: 0.02,
  },
  {
    key: 'dishcloth',
    code: 'QM-CJ18',
    title: '栖木生活 竹纤维洗碗巾 10片装 不沾油 厨房抹布',
    category: '餐厨用品',
    sellingPoints: '竹纤维；不沾油；10 片装',
    tags: ['厨房', '日用'],
    dims: [],
    priceFen: 1900,
    costRate: 0.35,
    weightG: 220,
    popularity: 4,
    convFactor: 1.4,
    returnRate: 0.01,
  },
  {
    key: 'cushion',
    code: 'QM-ZD19',
    title: '栖木生活 记忆棉坐垫 办公室久坐护臀椅垫',
    category: '靠垫抱枕',
    sellingPoints: '慢回弹记忆棉；U 型减压；外套可拆洗',
    tags: ['记忆棉', '办公'],
    dims: [{ name: '颜色', values: ['深灰', '卡其'] }],
    priceFen: 7900,
    costRate: 0.44,
    weightG: 800,
    popularity: 4,
    convFactor: 1.0,
    returnRate: 0.04,
  },
  {
    key: 'pillowcase',
    code: 'QM-BZ20',
    title: '栖木生活 北欧风棉麻抱枕套 45×45cm 沙发靠垫套',
    category: '靠垫抱枕',
    sellingPoints: '棉麻面料；隐形拉链；不含枕芯',
    tags: ['棉麻', '软装'],
    dims: [{ name: '花色', values: ['几何', '条纹', '素色米', '素色灰'] }],
    priceFen: 2900,
    costRate: 0.37,
    weightG: 150,
    popularity: 3,
    convFactor: 1.05,
    returnRate: 0.03,
  },
  {
    key: 'sporttee',
    code: 'QM-TX21',
    title: '栖木生活 速干运动T恤 男 跑步健身短袖 透气冰感',
    category: 'T恤',
    sellingPoints: '速干冰感面料；运动不粘身；反光条设计',
    tags: ['速干', '运动'],
    dims: [
      { name: '颜色', values: ['石墨黑', '冰川蓝'] },
      { name: '尺码', values: ['M', 'L', 'XL'] },
    ],
    priceFen: 6900,
    costRate: 0.36,
    weightG: 160,
    popularity: 5,
    convFactor: 1.0,
    returnRate: 0.06,
  },
];

/** Variants used by the large profile to grow ~20 products into 150+ (≥ 500 SKUs). */
export const SERIES: readonly { suffix: string; code: string; priceFactor: number; popularity: number }[] = [
  { suffix: '', code: '', priceFactor: 1, popularity: 1 },
  { suffix: '（经典款）', code: 'A', priceFactor: 0.9, popularity: 0.7 },
  { suffix: '（升级款）', code: 'B', priceFactor: 1.2, popularity: 0.55 },
  { suffix: '（轻奢款）', code: 'C', priceFactor: 1.5, popularity: 0.35 },
  { suffix: '（联名款）', code: 'D', priceFactor: 1.35, popularity: 0.3 },
  { suffix: '（简约款）', code: 'E', priceFactor: 0.85, popularity: 0.5 },
  { suffix: '（家庭装）', code: 'F', priceFactor: 1.8, popularity: 0.25 },
  { suffix: '（加厚款）', code: 'G', priceFactor: 1.15, popularity: 0.4 },
];

export interface ShopTemplate {
  key: string;
  name: string;
  channel: 'tmall' | 'jd' | 'own' | 'douyin';
  /** Visitors per day at the start of the window, before weekday rhythm and noise. */
  baseUv: { small: number; large: number };
  /** Order propensity per product view. */
  conv: number;
  /** Traffic mix by source code: the sources of the channel's own tree (DEFAULT_SOURCES, `family`). */
  mix: Record<string, number>;
  warehouse: number;
  carriers: readonly string[];
  freeShippingFen: number;
  shippingFen: number;
}

export const SHOPS: readonly ShopTemplate[] = [
  {
    key: 'tmall',
    name: '栖木生活天猫旗舰店（演示）',
    channel: 'tmall',
    baseUv: { small: 500, large: 14400 },
    conv: 0.028,
    mix: {
      search: 34,
      recommend: 18,
      activity: 4,
      content: 5,
      paid_search: 12,
      display: 5,
      affiliate: 4,
      shop: 6,
      cart_fav: 7,
      my_orders: 2,
      direct: 1,
      social: 1,
      external: 1,
    },
    warehouse: 0,
    carriers: ['中通快递', '圆通速递', '韵达快递', '顺丰速运'],
    freeShippingFen: 0,
    shippingFen: 0,
  },
  {
    key: 'jd',
    name: '栖木生活京东自营店（演示）',
    channel: 'jd',
    baseUv: { small: 260, large: 7800 },
    conv: 0.031,
    mix: {
      jd_search: 40,
      jd_recommend: 15,
      jd_activity: 5,
      jd_kuaiche: 14,
      jd_display: 4,
      jd_jtk: 3,
      jd_shop: 6,
      jd_cart_fav: 8,
      jd_my_orders: 3,
      jd_content: 2,
      jd_offsite: 1,
    },
    warehouse: 1,
    carriers: ['京东物流'],
    freeShippingFen: 9900,
    shippingFen: 600,
  },
  {
    key: 'own',
    name: '栖木生活品牌官网商城（演示）',
    channel: 'own',
    baseUv: { small: 120, large: 2700 },
    conv: 0.02,
    mix: {
      web_direct: 23,
      web_wechat: 26,
      web_email_sms: 8,
      web_search: 12,
      web_sem: 3,
      web_feed_ads: 10,
      web_social: 8,
      web_member: 8,
      web_referral: 2,
    },
    warehouse: 0,
    carriers: ['顺丰速运', '中通快递'],
    freeShippingFen: 9900,
    shippingFen: 800,
  },
  {
    key: 'douyin',
    name: '栖木生活抖音旗舰店（演示）',
    channel: 'douyin',
    baseUv: { small: 0, large: 7200 },
    conv: 0.026,
    mix: {
      dy_video: 30,
      dy_live: 18,
      dy_qianchuan: 22,
      dy_alliance: 4,
      dy_mall: 10,
      dy_search: 8,
      dy_shop: 5,
      dy_cart_fav: 4,
      dy_my_orders: 3,
    },
    warehouse: 0,
    carriers: ['中通快递', '极兔速递', '圆通速递'],
    freeShippingFen: 0,
    shippingFen: 0,
  },
];

export const WAREHOUSES = [
  { code: 'DEMO-HZ', name: '杭州主仓（演示）', address: '浙江省杭州市余杭区仁和街道仓前路 88 号' },
  { code: 'DEMO-GZ', name: '京东入仓·广州（演示）', address: '广东省广州市黄埔区开创大道 1688 号' },
] as const;

export const SUPPLIERS = [
  { name: '南通锦程家纺有限公司（演示）', contact: '陈经理', phone: '0513-85551234', address: '江苏省南通市通州区川姜镇' },
  { name: '永康市盛达杯业有限公司（演示）', contact: '胡总', phone: '0579-87112233', address: '浙江省永康市经济开发区' },
  { name: '义乌市优品日用百货厂（演示）', contact: '王小姐', phone: '0579-85223344', address: '浙江省义乌市北苑街道' },
] as const;

/** Supplier index by category (家纺/服饰 → 南通, 杯壶 → 永康, rest → 义乌). */
export function supplierFor(category: string): number {
  if (category === '杯壶') return 1;
  if (['床品套件', '被子', '枕头', 'T恤', '家居服', '内衣袜子', '毛巾浴巾'].includes(category)) return 0;
  return 2;
}
