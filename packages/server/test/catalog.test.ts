import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { describeEachDialect } from './dialects.js';
import { useTestApp, type Client } from './harness.js';

process.env.YUNYING_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-catalog-'));

function multipart(filename: string, content: Buffer, type = 'application/octet-stream') {
  const boundary = `----yy${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(c: Client, url: string, filename: string, content: Buffer, type?: string) {
  const m = multipart(filename, content, type);
  return c.request('POST', url, m.body, m.headers);
}

const TEE = {
  title: '纯棉圆领T恤',
  code: 'TS01',
  specDims: [
    { name: '颜色', values: ['红', '蓝'] },
    { name: '尺码', values: ['S', 'M', 'L'] },
  ],
};

function skusFor(prefix: string, priceFen = 7900, costFen = 2500) {
  const out = [];
  let n = 1;
  for (const c of ['红', '蓝'])
    for (const s of ['S', 'M', 'L']) out.push({ spec: { 颜色: c, 尺码: s }, code: `${prefix}-${n++}`, priceFen, costFen, weightG: 200 });
  return out;
}

const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describeEachDialect('catalogue', (dialect) => {
  const ctx = useTestApp(dialect);

  it('creates a product with 2×3 specs as 6 SKUs and refuses a merchant code already used (409 naming it)', async () => {
    const admin = await ctx.admin();
    const res = await admin.post('/api/v1/products', { ...TEE, skus: skusFor('TS01') });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p.skus).toHaveLength(6);
    expect(p.skus.map((s: { specText: string }) => s.specText)).toEqual([
      '颜色:红;尺码:S',
      '颜色:红;尺码:M',
      '颜色:红;尺码:L',
      '颜色:蓝;尺码:S',
      '颜色:蓝;尺码:M',
      '颜色:蓝;尺码:L',
    ]);
    expect(p.skus[4]).toMatchObject({ code: 'TS01-5', spec: { 颜色: '蓝', 尺码: 'M' }, priceFen: 7900, costFen: 2500, status: 'active' });
    expect(p.status).toBe('draft');

    const dup = await admin.post('/api/v1/products', { title: '另一件T恤', code: 'TS02', skus: [{ code: 'TS01-3', priceFen: 100 }] });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().detail).toContain('TS01-3');
    expect(dup.json().detail).toContain('纯棉圆领T恤');
    expect(dup.json().errors[0].path).toBe('skus.0.code');
    // Nothing half-written: the second product does not exist.
    expect((await admin.get('/api/v1/products?q=另一件')).json().total).toBe(0);

    const badSpec = await admin.post('/api/v1/products', {
      ...TEE,
      code: 'TS03',
      skus: [{ spec: { 颜色: '绿', 尺码: 'S' }, code: 'TS03-1', priceFen: 1 }],
    });
    expect(badSpec.statusCode).toBe(400);
    expect(badSpec.json().detail).toContain('绿');

    // Add a SKU, then disable it; the list shows the active SKU count and price range.
    const added = await admin.post(`/api/v1/products/${p.id}/skus`, { spec: { 颜色: '红', 尺码: 'S' }, code: 'TS01-X', priceFen: 1 });
    expect(added.statusCode).toBe(400); // that spec already has a SKU
    const list = (await admin.get('/api/v1/products?q=TS01-5')).json();
    expect(list.items[0]).toMatchObject({ id: p.id, skuCount: 6, priceMinFen: 7900, priceMaxFen: 7900 });
    const off = await admin.patch(`/api/v1/products/${p.id}/skus/${p.skus[5].id}`, { status: 'disabled' });
    expect(off.statusCode).toBe(200);
    expect((await admin.get('/api/v1/products?q=TS01-5')).json().items[0].skuCount).toBe(5);
  });

  it('changes prices in batch with an audit entry per SKU, and refuses it without products.price.write', async () => {
    const admin = await ctx.admin();
    const p = (await admin.post('/api/v1/products', { ...TEE, code: 'PR01', skus: skusFor('PR01', 10000) })).json();
    const { client: designer } = await ctx.userWithRoles('meigong', ['designer']);
    const denied = await designer.post('/api/v1/products/batch', {
      ids: [p.id],
      action: 'price',
      price: { mode: 'percent', percent: -10 },
    });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().detail).toContain('products.price.write');
    // Editing a SKU price directly is refused too; other edits are allowed.
    const direct = await designer.patch(`/api/v1/products/${p.id}/skus/${p.skus[0].id}`, { priceFen: 1 });
    expect(direct.statusCode).toBe(403);
    expect((await designer.patch(`/api/v1/products/${p.id}`, { sellingPoints: '透气' })).statusCode).toBe(200);

    const ok = await admin.post('/api/v1/products/batch', { ids: [p.id], action: 'price', price: { mode: 'percent', percent: -10 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ products: 1, skus: 6 });
    const after = (await admin.get(`/api/v1/products/${p.id}`)).json();
    expect(after.skus.every((s: { priceFen: number }) => s.priceFen === 9000)).toBe(true);
    const audit = (await admin.get(`/api/v1/audit?action=sku.price&entityId=${p.skus[2].id}`)).json();
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ before: { code: 'PR01-3', priceFen: 10000 }, after: { priceFen: 9000 } });

    // 上架 / 下架 in batch, audited; the designer may change status.
    expect((await designer.post('/api/v1/products/batch', { ids: [p.id], action: 'on_sale' })).statusCode).toBe(200);
    expect((await admin.get(`/api/v1/products/${p.id}`)).json().status).toBe('on_sale');
    const st = (await admin.get(`/api/v1/audit?action=product.status&entityId=${p.id}`)).json().items;
    expect(st[0]).toMatchObject({ before: { status: 'draft' }, after: { status: 'on_sale' } });
    // A product without a price cannot go on sale.
    const free = (await admin.post('/api/v1/products', { title: '赠品', skus: [{ code: 'GIFT-1', priceFen: 0 }] })).json();
    const mixed = await admin.post('/api/v1/products/batch', { ids: [p.id, free.id], action: 'on_sale' });
    expect(mixed.statusCode).toBe(409); // all or nothing: p stays as it was
    expect((await admin.post('/api/v1/products/batch', { ids: [p.id], action: 'off_shelf' })).statusCode).toBe(200);
    expect((await admin.get(`/api/v1/products/${p.id}`)).json().status).toBe('off_shelf');
    const noPrice = await admin.post('/api/v1/products/batch', { ids: [free.id], action: 'on_sale' });
    expect(noPrice.statusCode).toBe(409);
    expect(noPrice.json().detail).toContain('GIFT-1');
  });

  it('hides costs from a role without products.cost.read (detail, search and export)', async () => {
    const admin = await ctx.admin();
    const p = (
      await admin.post('/api/v1/products', { title: '保温杯', code: 'CUP1', skus: [{ code: 'CUP1-1', priceFen: 5900, costFen: 1234 }] })
    ).json();
    const { client: promo } = await ctx.userWithRoles('tuiguang', ['promotion']);
    const seen = (await promo.get(`/api/v1/products/${p.id}`)).json();
    expect(seen.skus[0].priceFen).toBe(5900);
    expect(seen.skus[0].costFen).toBeNull();
    expect(JSON.stringify(seen)).not.toContain('1234');
    const search = (await promo.get('/api/v1/skus/search?q=CUP1')).json();
    expect(search.items[0]).toMatchObject({ code: 'CUP1-1', productTitle: '保温杯', costFen: null });
    const csv = (await promo.get('/api/v1/products/export?format=csv')).body;
    expect(csv).not.toContain('成本');
    expect(csv).not.toContain('12.34');
    expect((await admin.get(`/api/v1/products/${p.id}`)).json().skus[0].costFen).toBe(1234);
    expect((await admin.get('/api/v1/products/export?format=csv')).body).toContain('12.34');
  });

  it('finds 最 and 第一 in the listing check, respects an exemption, and checks title length per channel', async () => {
    const admin = await ctx.admin();
    await admin.post('/api/v1/shops', { name: '抖音小店', channel: 'douyin' });
    const p = (
      await admin.post('/api/v1/products', {
        title: '第一次买就爱上的最舒服纯棉T恤男士夏季宽松百搭短袖上衣2025新款',
        sellingPoints: '销量第一',
        skus: [{ code: 'CHK-1', priceFen: 100, costFen: 0 }],
      })
    ).json();
    const check = (await admin.get(`/api/v1/products/${p.id}/check`)).json();
    const hits = check.issues.filter((i: { kind: string }) => i.kind === 'banned_word');
    expect(hits.map((h: { field: string; word: string; index: number }) => [h.field, h.word, h.index])).toEqual(
      expect.arrayContaining([
        ['title', '第一', 0],
        ['title', '最', 8],
        ['sellingPoints', '第一', 2],
      ]),
    );
    expect(hits.find((h: { word: string }) => h.word === '第一').risk).toBe('high');
    expect(check.issues.map((i: { kind: string }) => i.kind)).toEqual(
      expect.arrayContaining(['missing_image', 'missing_cost', 'title_length']),
    );
    expect(check.issues.find((i: { kind: string }) => i.kind === 'title_length')).toMatchObject({ channel: 'douyin', max: 30 });

    // Exempt 第一次: the title's 第一次 is allowed, 销量第一 is still reported.
    const words = (await admin.get('/api/v1/banned-words')).json().items as { id: string; word: string }[];
    const first = words.find((w) => w.word === '第一')!;
    const bad = await admin.post(`/api/v1/banned-words/${first.id}/exemptions`, { phrase: '首次' });
    expect(bad.statusCode).toBe(400);
    expect((await admin.post(`/api/v1/banned-words/${first.id}/exemptions`, { phrase: '第一次' })).statusCode).toBe(201);
    const again = (await admin.get(`/api/v1/products/${p.id}/check`)).json();
    const firsts = again.issues.filter((i: { word?: string }) => i.word === '第一');
    expect(firsts).toHaveLength(1);
    expect(firsts[0].field).toBe('sellingPoints');
    // Disabling 最 removes it from the check; the seeded list does not come back twice.
    const most = words.find((w) => w.word === '最')!;
    expect((await admin.patch(`/api/v1/banned-words/${most.id}`, { enabled: false })).statusCode).toBe(204);
    expect((await admin.get(`/api/v1/products/${p.id}/check`)).json().issues.some((i: { word?: string }) => i.word === '最')).toBe(false);
    expect((await admin.get('/api/v1/banned-words')).json().items).toHaveLength(words.length);
    const report = (await admin.get('/api/v1/products/check-report')).json();
    expect(report.items.some((r: { productId: string }) => r.productId === p.id)).toBe(true);
  });

  it('imports a CSV: good rows are imported, a bad price is reported with row, column and value', async () => {
    const admin = await ctx.admin();
    const csv = [
      '商品标题,商家编码(SPU),类目,品牌,规格(颜色:红;尺码:M),SKU商家编码,条码,售价(元),成本(元),重量(克),状态,标签',
      '运动短裤,SP01,服装/男装/短裤,飞跃,颜色:黑;尺码:M,SP01-1,6901234567892,49.90,15.00,150,在售,"夏季,运动"',
      '运动短裤,SP01,服装/男装/短裤,飞跃,颜色:黑;尺码:L,SP01-2,,49.90,15.00,150,在售,',
      '棒球帽,CAP1,配饰,,颜色:白,CAP1-1,,十九块,5,80,草稿,',
      '棒球帽,CAP1,配饰,,颜色:黑,CAP1-2,,19.00,5,80,草稿,',
      '帆布包,BAG1,配饰,,,BAG1-1,,29.9,,,,',
    ].join('\r\n');
    const res = await upload(admin, '/api/v1/products/import', 'products.csv', Buffer.from(`\uFEFF${csv}`), 'text/csv');
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r.created).toBe(3);
    expect(r.updated).toBe(0);
    expect(r.errors[0]).toMatchObject({ row: 4, column: '售价(元)', value: '十九块' });
    expect(r.errors[0].reason).toContain('售价');
    // The other row of the bad product is not imported either (all or nothing per product).
    expect(r.errors.find((e: { row: number }) => e.row === 5)).toBeTruthy();
    expect((await admin.get('/api/v1/products?q=CAP1')).json().total).toBe(0);
    const shorts = (await admin.get('/api/v1/products?q=SP01')).json().items[0];
    expect(shorts).toMatchObject({
      title: '运动短裤',
      status: 'on_sale',
      categoryPath: '服装/男装/短裤',
      brandName: '飞跃',
      tags: ['夏季', '运动'],
      skuCount: 2,
    });
    const detail = (await admin.get(`/api/v1/products/${shorts.id}`)).json();
    expect(detail.skus[0]).toMatchObject({ code: 'SP01-1', barcode: '6901234567892', priceFen: 4990, costFen: 1500, weightG: 150 });

    // Importing again upserts by SKU code: the changed price updates, nothing is duplicated.
    const again = csv.replace('SP01-2,,49.90', 'SP01-2,,59.90');
    const r2 = (await upload(admin, '/api/v1/products/import', 'products.csv', Buffer.from(again), 'text/csv')).json();
    expect(r2).toMatchObject({ created: 0, updated: 3 });
    expect((await admin.get('/api/v1/products?q=SP01')).json().items[0]).toMatchObject({ skuCount: 2, priceMaxFen: 5990 });
    const audit = (await admin.get('/api/v1/audit?action=sku.price')).json().items;
    expect(audit.some((a: { after: { code: string; priceFen: number } }) => a.after.code === 'SP01-2' && a.after.priceFen === 5990)).toBe(
      true,
    );
  });

  it('imports a GBK-encoded CSV (Excel on Chinese Windows) and an XLSX export round-trips', async () => {
    const admin = await ctx.admin();
    const csv = '商品标题,SKU商家编码,售价(元),规格(颜色:红;尺码:M)\r\n国货老布鞋,SHOE-1,88,尺码:42\r\n国货老布鞋,SHOE-2,88,尺码:43\r\n';
    const gbk = iconv.encode(csv, 'gbk');
    expect(gbk.toString('utf8')).not.toContain('布鞋');
    const r = (await upload(admin, '/api/v1/products/import', 'shoes.csv', gbk, 'text/csv')).json();
    expect(r).toEqual({ created: 2, updated: 0, errors: [] });
    const p = (await admin.get('/api/v1/products?q=SHOE')).json().items[0];
    expect(p.title).toBe('国货老布鞋');
    expect((await admin.get(`/api/v1/products/${p.id}`)).json().specDims).toEqual([{ name: '尺码', values: ['42', '43'] }]);

    const xlsx = await admin.get('/api/v1/products/export?format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const back = (await upload(admin, '/api/v1/products/import', 'export.xlsx', xlsx.rawPayload)).json();
    expect(back.errors).toEqual([]);
    expect(back.created).toBe(0);
    expect(back.updated).toBeGreaterThanOrEqual(2);
    const tpl = await admin.get('/api/v1/products/import-template?format=csv');
    expect(tpl.body.startsWith('\uFEFF商品标题,商家编码(SPU)')).toBe(true);
  });

  it('exports a title starting with = as an inert cell', async () => {
    const admin = await ctx.admin();
    const p = await admin.post('/api/v1/products', {
      title: '=HYPERLINK("http://evil","点我")',
      skus: [{ code: '+EVIL-1', priceFen: 100 }],
    });
    expect(p.statusCode).toBe(201);
    const csv = (await admin.get('/api/v1/products/export?format=csv')).body;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"",""点我"")"`);
    expect(csv).toContain("'+EVIL-1");
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it('accepts a real PNG, serves it, and rejects a non-image with a Chinese message', async () => {
    const admin = await ctx.admin();
    const p = (await admin.post('/api/v1/products', { title: '帆布鞋', skus: [{ code: 'IMG-1', priceFen: 100 }] })).json();
    const fake = await upload(admin, `/api/v1/products/${p.id}/images`, 'photo.png', Buffer.from('MZ\x90\x00 this is an exe'), 'image/png');
    expect(fake.statusCode).toBe(400);
    expect(fake.json().detail).toContain('不是图片');
    expect(fake.json().detail).toContain('photo.png');
    const ok = await upload(admin, `/api/v1/products/${p.id}/images`, 'a.png', PNG_1x1, 'image/png');
    expect(ok.statusCode).toBe(201);
    const second = (await upload(admin, `/api/v1/products/${p.id}/images`, 'b.png', PNG_1x1, 'image/png')).json();
    const img = await admin.get(ok.json().url);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.rawPayload.equals(PNG_1x1)).toBe(true);
    const big = await upload(
      admin,
      `/api/v1/products/${p.id}/images`,
      'big.png',
      Buffer.concat([PNG_1x1, Buffer.alloc(5 * 1024 * 1024)]),
      'image/png',
    );
    expect(big.statusCode).toBe(413);
    expect(big.json().detail).toContain('5 MB');
    const reordered = await admin.post(`/api/v1/products/${p.id}/images/reorder`, { ids: [second.id, ok.json().id] });
    expect(reordered.json().items.map((i: { id: string }) => i.id)).toEqual([second.id, ok.json().id]);
    expect((await admin.delete(`/api/v1/products/${p.id}/images/${second.id}`)).statusCode).toBe(204);
    expect((await admin.get(second.url)).statusCode).toBe(404);
    expect((await admin.get(`/api/v1/products/${p.id}`)).json().images).toHaveLength(1);
  });

  it('manages the category tree and brands, and links listings to shops', async () => {
    const admin = await ctx.admin();
    const root = (await admin.post('/api/v1/categories', { name: '家居' })).json();
    const child = (await admin.post('/api/v1/categories', { name: '收纳', parentId: root.id })).json();
    expect((await admin.patch(`/api/v1/categories/${root.id}`, { parentId: child.id })).statusCode).toBe(409);
    expect((await admin.delete(`/api/v1/categories/${root.id}`)).statusCode).toBe(409);
    const brand = (await admin.post('/api/v1/brands', { name: '简居' })).json();
    expect((await admin.post('/api/v1/brands', { name: '简居' })).statusCode).toBe(409);
    const p = (
      await admin.post('/api/v1/products', {
        title: '收纳盒',
        categoryId: child.id,
        brandId: brand.id,
        skus: [{ code: 'BOX-1', priceFen: 1990 }],
      })
    ).json();
    expect(p).toMatchObject({ categoryPath: '家居/收纳', brandName: '简居' });
    expect((await admin.get(`/api/v1/products?categoryId=${root.id}`)).json().total).toBe(1);
    expect((await admin.delete(`/api/v1/categories/${child.id}`)).statusCode).toBe(409);

    const shop = (await admin.post('/api/v1/shops', { name: '拼多多店', channel: 'pdd' })).json();
    const put = await admin.request('PUT', `/api/v1/products/${p.id}/listings`, {
      items: [{ shopId: shop.id, channelItemId: '10001', skuId: p.skus[0].id }],
    });
    expect(put.statusCode).toBe(200);
    const other = (await admin.post('/api/v1/products', { title: '另一个收纳盒', skus: [{ code: 'BOX-2', priceFen: 1990 }] })).json();
    const clash = await admin.request('PUT', `/api/v1/products/${other.id}/listings`, {
      items: [{ shopId: shop.id, channelItemId: '10001' }],
    });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail).toContain('10001');
    const { findSkuByListing, findSkuByCode } = await import('../src/modules/catalog/index.js');
    expect((await findSkuByListing(ctx.app.db, ctx.orgId, shop.id, '10001', 'whatever'))?.code).toBe('BOX-1');
    expect((await findSkuByCode(ctx.app.db, ctx.orgId, 'BOX-2'))?.productTitle).toBe('另一个收纳盒');
  });
});
