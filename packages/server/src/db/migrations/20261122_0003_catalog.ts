import type { Kysely } from 'kysely';

/**
 * Catalogue: categories, brands, products (SPU) and SKUs, per-channel listings, images, and the
 * Advertising-Law word list with exemptions. The catalogue belongs to the organisation; listings
 * tie it to each shop.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('categories')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('parent_id', 'varchar(40)', (c) => c.references('categories.id'))
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('categories_org_idx').on('categories').columns(['org_id', 'parent_id']).execute();

  await db.schema
    .createTable('brands')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('name', 'varchar(60)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('brands_org_name_uq', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('code', 'varchar(60)') // SPU merchant code (货号), optional
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('selling_points', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('category_id', 'varchar(40)', (c) => c.references('categories.id'))
    .addColumn('brand_id', 'varchar(40)', (c) => c.references('brands.id'))
    .addColumn('tags', 'text', (c) => c.notNull()) // JSON string[]
    .addColumn('spec_dims', 'text', (c) => c.notNull()) // JSON [{ name, values[] }]
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // draft | on_sale | off_shelf
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('products_org_idx').on('products').columns(['org_id', 'status']).execute();
  await db.schema.createIndex('products_org_code_uq').on('products').columns(['org_id', 'code']).unique().execute();

  await db.schema
    .createTable('skus')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('product_id', 'varchar(40)', (c) => c.notNull().references('products.id'))
    .addColumn('code', 'varchar(60)', (c) => c.notNull()) // 商家编码, unique in the organisation
    .addColumn('barcode', 'varchar(60)')
    .addColumn('spec', 'text', (c) => c.notNull()) // JSON { 颜色: '红', 尺码: 'M' }
    .addColumn('spec_text', 'varchar(200)', (c) => c.notNull()) // 颜色:红;尺码:M
    .addColumn('price_fen', 'bigint', (c) => c.notNull())
    .addColumn('cost_fen', 'bigint', (c) => c.notNull())
    .addColumn('weight_g', 'integer', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull()) // active | disabled
    .addColumn('low_stock', 'integer') // alert when available < this
    .addColumn('over_stock', 'integer') // alert when on hand > this
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('skus_org_code_uq', ['org_id', 'code'])
    .execute();
  await db.schema.createIndex('skus_product_idx').on('skus').column('product_id').execute();
  await db.schema.createIndex('skus_barcode_idx').on('skus').columns(['org_id', 'barcode']).execute();

  await db.schema
    .createTable('listings')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('shop_id', 'varchar(40)', (c) => c.notNull().references('shops.id'))
    .addColumn('product_id', 'varchar(40)', (c) => c.notNull().references('products.id'))
    .addColumn('sku_id', 'varchar(40)', (c) => c.references('skus.id'))
    .addColumn('channel_item_id', 'varchar(80)', (c) => c.notNull()) // 商品ID on the platform
    .addColumn('channel_sku_id', 'varchar(80)', (c) => c.notNull()) // '' when the listing is the whole item
    .addColumn('title', 'varchar(200)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('listings_shop_item_uq', ['shop_id', 'channel_item_id', 'channel_sku_id'])
    .execute();
  await db.schema.createIndex('listings_product_idx').on('listings').column('product_id').execute();

  await db.schema
    .createTable('product_images')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('product_id', 'varchar(40)', (c) => c.notNull().references('products.id'))
    .addColumn('file', 'varchar(200)', (c) => c.notNull()) // path under the data directory
    .addColumn('mime', 'varchar(40)', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sort', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('product_images_product_idx').on('product_images').column('product_id').execute();

  await db.schema
    .createTable('banned_words')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('org_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('word', 'varchar(40)', (c) => c.notNull())
    .addColumn('risk', 'varchar(10)', (c) => c.notNull()) // high | medium | low
    .addColumn('note', 'varchar(200)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('banned_words_org_word_uq', ['org_id', 'word'])
    .execute();

  await db.schema
    .createTable('banned_word_exemptions')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('word_id', 'varchar(40)', (c) => c.notNull().references('banned_words.id').onDelete('cascade'))
    .addColumn('phrase', 'varchar(100)', (c) => c.notNull()) // e.g. 第一次 exempts 第一 inside it
    .addColumn('product_id', 'varchar(40)') // null: everywhere
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['banned_word_exemptions', 'banned_words', 'product_images', 'listings', 'skus', 'products', 'brands', 'categories']) {
    await db.schema.dropTable(t).execute();
  }
}
