/**
 * The catalogue's pure rules (domain §6), shared by the server and the console: SKUs generated
 * from spec dimensions, channel title-length rules as data, the Advertising-Law word scan with
 * exemptions, a starter word list, and the request schemas of the catalogue API.
 */
import { z } from 'zod';
import type { Channel } from './shops.js';
import { fenSchema } from './money.js';
import { PageQuery } from './api.js';
import { intSchema, MAX_SORT, MAX_WEIGHT_G } from './ints.js';
import { defineMachine, type Machine } from './state-machine.js';

// ---------------------------------------------------------------- statuses

export const PRODUCT_STATUSES = ['draft', 'on_sale', 'off_shelf'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

export const PRODUCT_STATUS_LABELS: Record<ProductStatus, { zh: string; en: string }> = {
  draft: { zh: '草稿', en: 'Draft' },
  on_sale: { zh: '在售', en: 'On sale' },
  off_shelf: { zh: '已下架', en: 'Off shelf' },
};

/** Allowed status changes of a product (上架 / 下架 / back to draft). */
export const PRODUCT_TRANSITIONS = {
  draft: ['on_sale', 'off_shelf'],
  on_sale: ['off_shelf'],
  off_shelf: ['on_sale', 'draft'],
} as const satisfies Record<ProductStatus, readonly ProductStatus[]>;

/** The product machine (state-machine.ts); staying in the same status is a no-op, so allowed. */
export const PRODUCT_MACHINE: Machine<ProductStatus> = defineMachine<ProductStatus>({
  states: PRODUCT_STATUSES,
  transitions: PRODUCT_TRANSITIONS,
  terminal: [],
  allowSame: true,
  refusal: (from, to, title) =>
    `商品「${title ?? ''}」当前是「${PRODUCT_STATUS_LABELS[from].zh}」，不能直接改为「${PRODUCT_STATUS_LABELS[to].zh}」`,
});

export function canProductTransition(from: ProductStatus, to: ProductStatus): boolean {
  return PRODUCT_MACHINE.can(from, to);
}

/** Parse a status as typed in a spreadsheet: the code or its Chinese / English label. */
export function parseProductStatus(text: string): ProductStatus | null {
  const t = text.trim().toLowerCase();
  if (!t) return null;
  for (const s of PRODUCT_STATUSES) {
    const l = PRODUCT_STATUS_LABELS[s];
    if (t === s || t === l.zh || t === l.en.toLowerCase()) return s;
  }
  if (t === '上架' || t === '出售中' || t === '销售中') return 'on_sale';
  if (t === '下架' || t === '仓库中') return 'off_shelf';
  return null;
}

// ---------------------------------------------------------------- specs and SKUs

export interface SpecDim {
  name: string;
  values: string[];
}

export type Spec = Record<string, string>;

export interface GeneratedSku {
  spec: Spec;
  /** `颜色:红;尺码:S` — dimension order as given. */
  specText: string;
  /** `<SPU code>-<n>` (1-based), or '' when the product has no SPU code. */
  suggestedCode: string;
}

/** `颜色:红;尺码:S` from a spec, in the order of the dimensions (or of the object's keys). */
export function specToText(spec: Spec, dims?: readonly SpecDim[]): string {
  const names = dims ? dims.map((d) => d.name).filter((n) => n in spec) : Object.keys(spec);
  return names.map((n) => `${n}:${spec[n]}`).join(';');
}

/**
 * Parse `颜色:红;尺码:M` (also with full-width ：；, or commas) into a spec. Returns null when a part
 * has no name or value, or a name repeats.
 */
export function parseSpecText(text: string): Spec | null {
  const t = text.trim();
  if (!t) return {};
  const spec: Spec = {};
  for (const part of t.split(/[;；,，\n]/)) {
    const p = part.trim();
    if (!p) continue;
    const m = /^([^:：]+)[:：](.+)$/.exec(p);
    if (!m) return null;
    const name = m[1]!.trim();
    const value = m[2]!.trim();
    if (!name || !value || name in spec) return null;
    spec[name] = value;
  }
  return spec;
}

/** Clean dimensions: trimmed names and values, empty ones and duplicates dropped. */
export function normalizeSpecDims(dims: readonly SpecDim[]): SpecDim[] {
  const out: SpecDim[] = [];
  for (const d of dims) {
    const name = d.name.trim();
    if (!name || out.some((o) => o.name === name)) continue;
    const values: string[] = [];
    for (const v of d.values) {
      const tv = v.trim();
      if (tv && !values.includes(tv)) values.push(tv);
    }
    if (values.length) out.push({ name, values });
  }
  return out;
}

/**
 * Every combination of the dimensions' values (cartesian product), first dimension outermost:
 * 颜色[红,蓝] × 尺码[S,M,L] → 红S, 红M, 红L, 蓝S, 蓝M, 蓝L. No dimensions → one SKU with an empty spec.
 */
export function generateSkus(dims: readonly SpecDim[], spuCode?: string | null): GeneratedSku[] {
  const clean = normalizeSpecDims(dims);
  let combos: Spec[] = [{}];
  for (const d of clean) {
    const next: Spec[] = [];
    for (const c of combos) for (const v of d.values) next.push({ ...c, [d.name]: v });
    combos = next;
  }
  const base = (spuCode ?? '').trim();
  return combos.map((spec, i) => ({ spec, specText: specToText(spec, clean), suggestedCode: base ? `${base}-${i + 1}` : '' }));
}

/** The number of SKUs the dimensions would generate (to warn before generating thousands). */
export function skuCount(dims: readonly SpecDim[]): number {
  return normalizeSpecDims(dims).reduce((n, d) => n * d.values.length, 1);
}

export const MAX_SKUS_PER_PRODUCT = 400;

// ---------------------------------------------------------------- title length per channel

/**
 * How a channel counts title length. `width`: a CJK / full-width character counts 2 and a
 * half-width one 1 (Taobao's "60 bytes" = 30 Chinese characters); `chars`: every character 1.
 */
export type TitleCountMode = 'width' | 'chars';

export interface TitleRule {
  max: number;
  mode: TitleCountMode;
  /** The rule as an operator knows it. */
  zh: string;
  en: string;
}

export const CHANNEL_TITLE_RULES: Record<Channel, TitleRule | null> = {
  taobao: {
    max: 60,
    mode: 'width',
    zh: '淘宝标题最多 30 个汉字（60 个字符，汉字算 2 个）',
    en: 'Taobao: 30 Chinese / 60 half-width characters',
  },
  tmall: {
    max: 60,
    mode: 'width',
    zh: '天猫标题最多 30 个汉字（60 个字符，汉字算 2 个）',
    en: 'Tmall: 30 Chinese / 60 half-width characters',
  },
  jd: { max: 45, mode: 'chars', zh: '京东标题最多 45 个字', en: 'JD: 45 characters' },
  pdd: { max: 60, mode: 'width', zh: '拼多多标题最多 30 个汉字（汉字算 2 个字符）', en: 'Pinduoduo: 30 Chinese characters' },
  douyin: { max: 30, mode: 'chars', zh: '抖音标题最多 30 个字', en: 'Douyin: 30 characters' },
  own: { max: 100, mode: 'chars', zh: '自有商城标题最多 100 个字', en: 'Own site: 100 characters' },
  offline: null,
};

/** Full-width: CJK ideographs, kana, hangul, full-width forms and CJK punctuation. */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

export function titleLength(title: string, mode: TitleCountMode): number {
  let n = 0;
  for (const ch of title) n += mode === 'width' && isWide(ch.codePointAt(0)!) ? 2 : 1;
  return n;
}

export interface TitleCheck {
  channel: Channel;
  length: number;
  max: number;
  mode: TitleCountMode;
  ok: boolean;
}

/** null when the channel has no title rule (offline stores). */
export function checkTitle(title: string, channel: Channel): TitleCheck | null {
  const rule = CHANNEL_TITLE_RULES[channel];
  if (!rule) return null;
  const length = titleLength(title.trim(), rule.mode);
  return { channel, length, max: rule.max, mode: rule.mode, ok: length <= rule.max };
}

// ---------------------------------------------------------------- banned words (《广告法》)

export const WORD_RISKS = ['high', 'medium', 'low'] as const;
export type WordRisk = (typeof WORD_RISKS)[number];
export const WORD_RISK_LABELS: Record<WordRisk, { zh: string; en: string }> = {
  high: { zh: '高', en: 'High' },
  medium: { zh: '中', en: 'Medium' },
  low: { zh: '低', en: 'Low' },
};

export interface ScanWord {
  word: string;
  risk: WordRisk;
  note?: string;
  /** Phrases inside which an occurrence is allowed (第一次 exempts 第一). */
  exemptions?: readonly string[];
}

export interface WordHit {
  /** Index in the text (UTF-16 code units, as String#indexOf). */
  index: number;
  word: string;
  risk: WordRisk;
  note: string;
  /** A few characters around the hit, to show where it is. */
  context: string;
}

function allIndexes(hay: string, needle: string): number[] {
  const out: number[] = [];
  if (!needle) return out;
  let i = hay.indexOf(needle);
  while (i >= 0) {
    out.push(i);
    i = hay.indexOf(needle, i + 1);
  }
  return out;
}

/**
 * Find every occurrence of every word (case-insensitive), in text order. An occurrence is skipped
 * when it lies inside an occurrence of one of the word's exemption phrases, and when it lies
 * inside a longer listed word found at the same place (最佳 is reported once, not also as 最).
 */
export function scanBannedWords(text: string, words: readonly ScanWord[]): WordHit[] {
  if (!text) return [];
  const hay = text.toLowerCase();
  const found: { start: number; end: number; w: ScanWord }[] = [];
  for (const w of words) {
    const needle = w.word.trim().toLowerCase();
    if (!needle) continue;
    const spans = (w.exemptions ?? []).flatMap((p) => {
      const pl = p.trim().toLowerCase();
      return allIndexes(hay, pl).map((s) => [s, s + pl.length] as const);
    });
    for (const start of allIndexes(hay, needle)) {
      const end = start + needle.length;
      if (spans.some(([s, e]) => s <= start && end <= e)) continue;
      found.push({ start, end, w });
    }
  }
  const kept = found.filter(
    (f) => !found.some((g) => g !== f && g.start <= f.start && f.end <= g.end && g.end - g.start > f.end - f.start),
  );
  kept.sort((a, b) => a.start - b.start || b.end - a.end);
  return kept.map(({ start, end, w }) => ({
    index: start,
    word: text.slice(start, end),
    risk: w.risk,
    note: w.note ?? '',
    context: text.slice(Math.max(0, start - 6), Math.min(text.length, end + 6)),
  }));
}

const ART9 = '《广告法》第九条';
/** A starter list seeded for each organisation; operators edit it on the 违禁词 page. */
export const STARTER_BANNED_WORDS: readonly { word: string; risk: WordRisk; note: string }[] = [
  { word: '最', risk: 'medium', note: `${ART9}第（三）项：不得使用“最高级”用语；常见于“最新”“最火”，请改为具体描述` },
  { word: '最佳', risk: 'high', note: `${ART9}第（三）项：“最佳”属于最高级用语` },
  { word: '最好', risk: 'high', note: `${ART9}第（三）项：“最好”属于最高级用语` },
  { word: '最低价', risk: 'high', note: `${ART9}第（三）项；另涉嫌价格欺诈（《价格法》）` },
  { word: '最便宜', risk: 'high', note: `${ART9}第（三）项：最高级用语` },
  { word: '史上最', risk: 'high', note: `${ART9}第（三）项：最高级用语` },
  { word: '全网最低', risk: 'high', note: `${ART9}第（三）项：最高级用语，且难以证明` },
  { word: '第一', risk: 'high', note: `${ART9}第（三）项：不得使用“第一”等用语；“第一次”“第一步”等可加豁免` },
  { word: 'NO.1', risk: 'high', note: `${ART9}第（三）项：等同于“第一”` },
  { word: '唯一', risk: 'high', note: `${ART9}第（三）项：“唯一”属于绝对化用语` },
  { word: '首个', risk: 'medium', note: `${ART9}第（三）项：“首个”“首家”需有证明，否则属于绝对化用语` },
  { word: '首家', risk: 'medium', note: `${ART9}第（三）项：需有证明` },
  { word: '国家级', risk: 'high', note: `${ART9}第（三）项：不得使用“国家级”用语` },
  { word: '世界级', risk: 'high', note: `${ART9}第（三）项：不得使用“世界级”用语` },
  { word: '顶级', risk: 'high', note: `${ART9}第（三）项：不得使用“顶级”用语` },
  { word: '极品', risk: 'medium', note: `${ART9}第（三）项：绝对化用语` },
  { word: '极致', risk: 'medium', note: `${ART9}第（三）项：绝对化用语` },
  { word: '绝对', risk: 'medium', note: `${ART9}第（三）项：绝对化用语` },
  { word: '100%', risk: 'medium', note: `${ART9}第（三）项：绝对化承诺；成分含量等如实标注可加豁免` },
  { word: '万能', risk: 'medium', note: `${ART9}第（三）项：夸大用语` },
  { word: '特效', risk: 'medium', note: `${ART9}；化妆品、食品宣称“特效”还违反第十七条等医疗用语规定` },
  { word: '独家', risk: 'low', note: `${ART9}第（三）项：需有证明，否则属于绝对化用语` },
  { word: '王牌', risk: 'low', note: `${ART9}第（三）项：夸大用语` },
  { word: '领袖品牌', risk: 'medium', note: `${ART9}第（三）项：绝对化用语` },
  { word: '驰名商标', risk: 'high', note: '《商标法》第十四条：不得在商品、广告中使用“驰名商标”字样' },
  { word: '永久', risk: 'low', note: `${ART9}第（三）项：绝对化用语，如实标注保修期等可加豁免` },
];

// ---------------------------------------------------------------- money input

/** Percent change with up to 2 decimals, integer arithmetic: 1999 fen −10% → 1799. */
export function applyPercent(fen: number, percent: number): number {
  const hundredths = Math.round(percent * 100);
  const num = fen * (10000 + hundredths);
  return Math.round(num / 10000);
}

export const PriceChangeSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('set'), fen: fenSchema('价格') }),
  z.object({ mode: z.literal('delta'), fen: fenSchema('调整金额', { signed: true }) }),
  z.object({ mode: z.literal('percent'), percent: z.number().min(-99.99, '降价幅度不能达到 100%').max(1000, '涨幅最多 1000%') }),
]);
export type PriceChange = z.infer<typeof PriceChangeSchema>;

/** The new price; it may fall outside 0…MAX_FEN, which the caller must refuse (isFenInRange). */
export function applyPriceChange(fen: number, change: PriceChange): number {
  if (change.mode === 'set') return change.fen;
  if (change.mode === 'delta') return fen + change.fen;
  return applyPercent(fen, change.percent);
}

// ---------------------------------------------------------------- API schemas

const Name = (what: string, max: number) => z.string().trim().min(1, `请输入${what}`).max(max, `${what}最长 ${max} 个字符`);

export const SpecDimSchema = z.object({
  name: Name('规格名', 20),
  values: z.array(Name('规格值', 30)).min(1, '每个规格至少一个值'),
});

const CodeSchema = z
  .string()
  .trim()
  .min(1, '请输入商家编码')
  .max(60, '商家编码最长 60 个字符')
  .regex(/^[^\s]+$/, '商家编码不能包含空格');

export const SkuInputSchema = z.object({
  id: z.string().optional(),
  spec: z.record(z.string(), z.string()).default({}),
  code: CodeSchema,
  barcode: z.string().trim().max(60, '条码最长 60 个字符').nullable().optional(),
  priceFen: fenSchema('售价'),
  costFen: fenSchema('成本').optional(),
  weightG: intSchema('重量', { max: MAX_WEIGHT_G, unit: '克' }).default(0),
  status: z.enum(['active', 'disabled']).optional(),
});
/** A SKU as the service receives it (after defaults); `SkuRequest` is what a client sends. */
export type SkuInput = z.output<typeof SkuInputSchema>;
export type SkuRequest = z.input<typeof SkuInputSchema>;

const ProductFields = {
  title: Name('商品标题', 200),
  code: z.string().trim().max(60, 'SPU 商家编码最长 60 个字符').nullable().optional(),
  sellingPoints: z.string().max(2000, '卖点最长 2000 个字符').default(''),
  description: z.string().max(20000, '描述最长 20000 个字符').default(''),
  categoryId: z.string().nullable().optional(),
  brandId: z.string().nullable().optional(),
  tags: z.array(Name('标签', 20)).max(20, '标签最多 20 个').default([]),
  specDims: z.array(SpecDimSchema).max(3, '规格最多 3 个维度').default([]),
};

export const CreateProductBody = z.object({
  ...ProductFields,
  status: z.enum(PRODUCT_STATUSES).default('draft'),
  skus: z.array(SkuInputSchema).min(1, '至少需要一个 SKU').max(MAX_SKUS_PER_PRODUCT, `一个商品最多 ${MAX_SKUS_PER_PRODUCT} 个 SKU`),
});
export type CreateProductInput = z.output<typeof CreateProductBody>;
export type CreateProductRequest = z.input<typeof CreateProductBody>;

export const UpdateProductBody = z.object({
  title: ProductFields.title.optional(),
  code: ProductFields.code,
  sellingPoints: z.string().max(2000, '卖点最长 2000 个字符').optional(),
  description: z.string().max(20000, '描述最长 20000 个字符').optional(),
  categoryId: ProductFields.categoryId,
  brandId: ProductFields.brandId,
  tags: z.array(Name('标签', 20)).max(20, '标签最多 20 个').optional(),
  specDims: z.array(SpecDimSchema).max(3, '规格最多 3 个维度').optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
  /** SKUs with an id are updated, without one added; SKUs not listed are left as they are. */
  skus: z.array(SkuInputSchema).max(MAX_SKUS_PER_PRODUCT).optional(),
});
export type UpdateProductInput = z.output<typeof UpdateProductBody>;
export type UpdateProductRequest = z.input<typeof UpdateProductBody>;

export const BatchProductsBody = z
  .object({
    ids: z.array(z.string()).min(1, '请至少选择一个商品').max(500, '一次最多 500 个商品'),
    action: z.enum(['on_sale', 'off_shelf', 'price']),
    price: PriceChangeSchema.optional(),
  })
  .refine((b) => b.action !== 'price' || b.price, { message: '改价需要填写价格调整方式', path: ['price'] });
export type BatchProductsInput = z.output<typeof BatchProductsBody>;
export type BatchProductsRequest = z.input<typeof BatchProductsBody>;

export const ListingInputSchema = z.object({
  shopId: z.string().min(1, '请选择店铺'),
  channelItemId: z.string().trim().min(1, '请输入平台商品ID').max(80, '平台商品ID最长 80 个字符'),
  channelSkuId: z.string().trim().max(80, '平台SKU ID最长 80 个字符').default(''),
  skuId: z.string().nullable().optional(),
  title: z.string().trim().max(200, '渠道标题最长 200 个字符').nullable().optional(),
});
export const ListingsBody = z.object({ items: z.array(ListingInputSchema).max(500) });

export const CategoryBody = z.object({ name: Name('类目名称', 60), parentId: z.string().nullable().optional() });
export const UpdateCategoryBody = z.object({
  name: Name('类目名称', 60).optional(),
  parentId: z.string().nullable().optional(),
  sort: intSchema('排序值', { max: MAX_SORT }).optional(),
});
export const BrandBody = z.object({ name: Name('品牌名称', 60) });

export const BannedWordBody = z.object({
  word: Name('违禁词', 40),
  risk: z.enum(WORD_RISKS, { message: '风险等级必须是 high / medium / low' }),
  note: z.string().trim().max(200, '说明最长 200 个字符').default(''),
  enabled: z.boolean().default(true),
});
export const UpdateBannedWordBody = z.object({
  risk: z.enum(WORD_RISKS, { message: '风险等级必须是 high / medium / low' }).optional(),
  note: z.string().trim().max(200, '说明最长 200 个字符').optional(),
  enabled: z.boolean().optional(),
});
export const ExemptionBody = z.object({ phrase: Name('豁免短语', 100), productId: z.string().nullable().optional() });

/** Parsed body types the catalogue services take. */
export type CategoryInput = z.output<typeof CategoryBody>;
export type UpdateCategoryInput = z.output<typeof UpdateCategoryBody>;
export type BannedWordInput = z.output<typeof BannedWordBody>;
export type UpdateBannedWordInput = z.output<typeof UpdateBannedWordBody>;
export type ExemptionInput = z.output<typeof ExemptionBody>;
/** Request types the console sends (defaults may be left out). */
export type CategoryRequest = z.input<typeof CategoryBody>;
export type UpdateCategoryRequest = z.input<typeof UpdateCategoryBody>;
export type BannedWordRequest = z.input<typeof BannedWordBody>;
export type UpdateBannedWordRequest = z.input<typeof UpdateBannedWordBody>;

export const ProductListQuery = PageQuery.extend({
  q: z.string().optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
  categoryId: z.string().optional(),
  brandId: z.string().optional(),
  tag: z.string().optional(),
});
/** The parsed product-list filter the service takes. */
export type ProductFilter = z.output<typeof ProductListQuery>;

/** `/products/:id/images/:imageId` */
export const ProductImageParams = z.object({ id: z.string(), imageId: z.string() });
/** `/products/:id/skus/:skuId` */
export const ProductSkuParams = z.object({ id: z.string(), skuId: z.string() });
/** Spreadsheet format of the product template and export. */
export const SheetFormatQuery = z.object({ format: z.enum(['xlsx', 'csv'], { message: '格式只能是 xlsx 或 csv' }).default('xlsx') });
/** `POST /products/:id/skus`: a new SKU (its id is made by the server). */
export const AddSkuBody = SkuInputSchema.omit({ id: true });
/** `PATCH /products/:id/skus/:skuId`: the fields to change; the spec of a SKU stays. */
export const SkuPatchBody = SkuInputSchema.omit({ id: true, spec: true }).partial();
/** `POST /products/:id/images/reorder`: every image id in the new order. */
export const ImageOrderBody = z.object({ ids: z.array(z.string()) });
/** `GET /skus/search`: the SKU picker. */
export const SkuSearchQuery = z.object({ q: z.string().default(''), limit: z.coerce.number().int().min(1).max(100).default(20) });

export type ListingsInput = z.output<typeof ListingsBody>;
export type ListingsRequest = z.input<typeof ListingsBody>;
export type SkuPatchInput = z.output<typeof SkuPatchBody>;
export type SkuPatchRequest = z.input<typeof SkuPatchBody>;
export type AddSkuRequest = z.input<typeof AddSkuBody>;
export type ImageOrderRequest = z.input<typeof ImageOrderBody>;
export type SheetFormat = z.output<typeof SheetFormatQuery>['format'];

// ---------------------------------------------------------------- DTOs

export interface SkuDto {
  id: string;
  productId: string;
  code: string;
  barcode: string | null;
  spec: Spec;
  specText: string;
  priceFen: number;
  /** null when the viewer lacks products.cost.read. */
  costFen: number | null;
  weightG: number;
  status: 'active' | 'disabled';
}

export interface ProductImageDto {
  id: string;
  url: string;
  mime: string;
  size: number;
  sort: number;
}

export interface ListingDto {
  id: string;
  shopId: string;
  skuId: string | null;
  channelItemId: string;
  channelSkuId: string;
  title: string | null;
}

export interface ProductDto {
  id: string;
  code: string | null;
  title: string;
  sellingPoints: string;
  description: string;
  categoryId: string | null;
  categoryPath: string | null;
  brandId: string | null;
  brandName: string | null;
  tags: string[];
  specDims: SpecDim[];
  status: ProductStatus;
  skus: SkuDto[];
  images: ProductImageDto[];
  listings: ListingDto[];
  createdAt: number;
  updatedAt: number;
}

export interface ProductListItem {
  id: string;
  code: string | null;
  title: string;
  status: ProductStatus;
  categoryId: string | null;
  categoryPath: string | null;
  brandId: string | null;
  brandName: string | null;
  tags: string[];
  skuCount: number;
  priceMinFen: number | null;
  priceMaxFen: number | null;
  imageUrl: string | null;
  updatedAt: number;
}

export interface CategoryDto {
  id: string;
  parentId: string | null;
  name: string;
  sort: number;
  productCount: number;
}

export interface BrandDto {
  id: string;
  name: string;
  productCount: number;
}

export interface BannedWordDto {
  id: string;
  word: string;
  risk: WordRisk;
  note: string;
  enabled: boolean;
  exemptions: { id: string; phrase: string; productId: string | null }[];
}

export type CheckIssueKind = 'title_length' | 'missing_image' | 'missing_price' | 'missing_cost' | 'banned_word' | 'no_sku';

export interface CheckIssue {
  kind: CheckIssueKind;
  severity: 'error' | 'warning';
  message: string;
  channel?: Channel;
  shopId?: string;
  length?: number;
  max?: number;
  field?: 'title' | 'sellingPoints' | 'description' | 'listingTitle';
  word?: string;
  risk?: WordRisk;
  index?: number;
  context?: string;
  skuCodes?: string[];
}

export interface ProductCheck {
  productId: string;
  title: string;
  code: string | null;
  status: ProductStatus;
  issues: CheckIssue[];
}

export interface ImportRowError {
  row: number;
  column: string;
  value: string;
  reason: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  errors: ImportRowError[];
}

/** Spreadsheet columns of the product import / export, in order. */
export const PRODUCT_SHEET_COLUMNS = [
  '商品标题',
  '商家编码(SPU)',
  '类目',
  '品牌',
  '规格(颜色:红;尺码:M)',
  'SKU商家编码',
  '条码',
  '售价(元)',
  '成本(元)',
  '重量(克)',
  '状态',
  '标签',
] as const;
