/** The static part of the demo world: shops, catalogue, listings, warehouses, suppliers, plan. */
import { DEFAULT_TIMEZONE, addDays, businessDay, dayStart, generateSkus, isBusinessDay, normalizeSpecDims } from '@yunying/core';
import {
  BRAND,
  CATEGORY_TREE,
  PRODUCTS,
  SERIES,
  SHOPS,
  SUPPLIERS,
  WAREHOUSES,
  type ProductTemplate,
  type ShopTemplate,
} from './catalog.js';
import { buildMarketing } from './marketing.js';
import { IdMaker, Rng } from './prng.js';
import type { GenerateOptions, PlantedProblems, Promotion, SimListing, SimProduct, SimShop, SimWorld } from './types.js';

const DAY_MS = 86_400_000;

/** Behaviour behind a product that the world's rows don't carry (kept by the simulator). */
export interface ProductModel {
  popularity: number;
  convFactor: number;
  returnRate: number;
  category: string;
  skuWeights: number[];
}

export interface WorldModel {
  world: SimWorld;
  shopTemplates: ShopTemplate[];
  productModels: ProductModel[];
}

export function buildWorld(opts: GenerateOptions): WorldModel {
  const timezone = opts.timezone ?? DEFAULT_TIMEZONE;
  const endDay = opts.endDay ?? businessDay(opts.now ?? Date.now(), timezone);
  if (!isBusinessDay(endDay)) throw new RangeError(`endDay must be YYYY-MM-DD, got ${endDay}`);
  const endOfDay = dayStart(addDays(endDay, 1), timezone);
  const now = Math.min(opts.now ?? endOfDay - 1, endOfDay - 1);
  if (now < dayStart(endDay, timezone)) throw new RangeError('now must fall on endDay');
  const nDays = opts.profile === 'large' ? 365 : 90;
  const startDay = addDays(endDay, -(nDays - 1));
  const dayList = Array.from({ length: nDays }, (_, i) => addDays(startDay, i));
  const rawEventsFrom = opts.profile === 'large' ? addDays(endDay, -27) : startDay;
  const t0 = dayStart(startDay, timezone);
  const ids = new IdMaker(Rng.of(opts.seed, 'static-ids'));
  const rng = Rng.of(opts.seed, 'world');

  const shopTemplates = SHOPS.filter((s) => s.baseUv[opts.profile] > 0);
  const shops: SimShop[] = shopTemplates.map((s, i) => ({
    id: ids.make('shp', t0 - 40 * DAY_MS + i * 60_000),
    key: s.key,
    name: s.name,
    channel: s.channel,
    createdAt: t0 - 40 * DAY_MS + i * 60_000,
  }));

  const catAt = t0 - 60 * DAY_MS;
  const categories: SimWorld['categories'] = [];
  const leafId = new Map<string, string>();
  CATEGORY_TREE.forEach((top, i) => {
    const id = ids.make('cat', catAt);
    categories.push({ id, parentId: null, name: top.name, sort: i + 1 });
    top.children.forEach((child, j) => {
      const cid = ids.make('cat', catAt);
      categories.push({ id: cid, parentId: id, name: child, sort: j + 1 });
      leafId.set(child, cid);
    });
  });
  const brands = [{ id: ids.make('brd', catAt), name: BRAND }];

  const series = opts.profile === 'large' ? SERIES : SERIES.slice(0, 1);
  const products: SimProduct[] = [];
  const productModels: ProductModel[] = [];
  let barcode = 6_970_000_000_000 + rng.int(100_000, 900_000) * 10;
  for (const s of series) {
    for (const t of PRODUCTS) {
      const createdAt = catAt + products.length * 3_600_000;
      const id = ids.make('prd', createdAt);
      const code = s.code ? `${t.code}${s.code}` : t.code;
      const dims = normalizeSpecDims(t.dims);
      const generated = generateSkus(dims, code);
      const skuWeights = generated.map(() => 0.5 + rng.next());
      products.push({
        id,
        key: s.code ? `${t.key}-${s.code}` : t.key,
        code,
        title: t.title + s.suffix,
        sellingPoints: t.sellingPoints,
        description: `${t.title}${s.suffix}。${t.sellingPoints.replace(/；/g, '，')}。7 天无理由退换，顺丰/中通发货。`,
        categoryId: leafId.get(t.category)!,
        brandId: brands[0]!.id,
        tags: t.tags,
        specDims: dims,
        createdAt,
        presale: t.presale === true && s.code === '',
        skus: generated.map((g) => {
          const price = roundPrice((t.priceFen + extraPrice(t, g.spec)) * s.priceFactor);
          return {
            id: ids.make('sku', createdAt),
            productId: id,
            code: g.suggestedCode || `${code}-1`,
            barcode: String((barcode += 10)),
            spec: g.spec,
            specText: g.specText,
            priceFen: price,
            costFen: Math.round((price * (t.costRate + (rng.next() - 0.5) * 0.06)) / 10) * 10,
            weightG: t.weightG,
            lowStock: 20,
            overStock: null,
          };
        }),
      });
      productModels.push({
        popularity: t.popularity * s.popularity * (0.8 + rng.next() * 0.4),
        convFactor: t.convFactor,
        returnRate: t.returnRate,
        category: t.category,
        skuWeights,
      });
    }
  }

  const listings: SimListing[] = [];
  shops.forEach((shop, si) => {
    let itemNo = [618_000_000_000, 10_020_000_000, 0, 3_600_000_000_000_000][si] ?? 0;
    for (const p of products) {
      itemNo += rng.int(1_000, 90_000);
      listings.push({
        id: ids.make('lst', shop.createdAt),
        shopId: shop.id,
        productId: p.id,
        channelItemId: shop.channel === 'own' ? p.code : String(itemNo),
        title: p.title,
      });
    }
  });

  const warehouses = WAREHOUSES.map((w, i) => ({ id: ids.make('wh', catAt), ...w, isDefault: i === 0 }));
  const suppliers = SUPPLIERS.map((s) => ({ id: ids.make('sup', catAt), ...s }));

  // The plan: promotions and the three planted problems, placed relative to the last day.
  const promotions: Promotion[] = [];
  for (const back of opts.profile === 'large' ? [34, 160, 290] : [34]) {
    const from = addDays(endDay, -back);
    promotions.push({
      name: back === 34 ? '店铺周年庆大促' : back === 160 ? '年中大促' : '秋季焕新节',
      fromDay: from,
      toDay: addDays(from, 2),
      presaleFromDay: addDays(from, -10),
    });
  }
  const pajama = products.find((p) => p.key === 'pajama')!;
  const tmall = shops.find((s) => s.key === 'tmall')!;
  const problems: PlantedProblems = {
    conversionDrop: { productId: pajama.id, productTitle: pajama.title, fromDay: addDays(endDay, -20), factor: 0.35 },
    trafficDrop: { shopId: tmall.id, shopName: tmall.name, sourceCode: 'paid_search', fromDay: addDays(endDay, -13), factor: 0.6 },
    shippingDelay: {
      warehouseId: warehouses[0]!.id,
      warehouseName: warehouses[0]!.name,
      fromDay: addDays(endDay, -52),
      toDay: addDays(endDay, -46),
      factor: 3.5,
    },
  };

  return {
    world: {
      profile: opts.profile,
      seed: opts.seed,
      timezone,
      startDay,
      endDay,
      now,
      dayList,
      rawEventsFrom,
      shops,
      categories,
      brands,
      products,
      listings,
      warehouses,
      suppliers,
      promotions,
      marketing: buildMarketing({ seed: opts.seed, timezone, startDay, endDay, now, shops, products, promotions, profile: opts.profile }),
      problems,
    },
    shopTemplates,
    productModels,
  };
}

function extraPrice(t: ProductTemplate, spec: Record<string, string>): number {
  let extra = 0;
  for (const v of Object.values(spec)) extra += t.priceBy?.[v] ?? 0;
  return extra;
}

/** Shop prices end in 9 (¥79, ¥159, ¥1,099). */
function roundPrice(fen: number): number {
  const yuan = Math.max(9, Math.round(fen / 100 / 10) * 10 - 1);
  return yuan * 100;
}
