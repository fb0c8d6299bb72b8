import { AppError, newId, type BrandDto, type CategoryDto, type CategoryInput, type UpdateCategoryInput } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { insertOrConflict } from '../../db/kit.js';
import type { CategoriesTable, DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';

type Db = Kysely<DB> | Transaction<DB>;

// ---------------------------------------------------------------- categories (a tree)

export async function listCategories(db: Db, orgId: string): Promise<CategoryDto[]> {
  const rows = await db.selectFrom('categories').selectAll().where('org_id', '=', orgId).orderBy('sort').orderBy('name').execute();
  const counts = await db
    .selectFrom('products')
    .select(['category_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .where('category_id', 'is not', null)
    .groupBy('category_id')
    .execute();
  const byId = new Map(counts.map((c) => [c.category_id, Number(c.n)]));
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, name: r.name, sort: r.sort, productCount: byId.get(r.id) ?? 0 }));
}

/** id → `服装/男装/T恤` for every category of the organisation. */
export async function categoryPaths(db: Db, orgId: string): Promise<Map<string, string>> {
  const rows = await db.selectFrom('categories').select(['id', 'parent_id', 'name']).where('org_id', '=', orgId).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const out = new Map<string, string>();
  const pathOf = (id: string, depth = 0): string => {
    const known = out.get(id);
    if (known) return known;
    const r = byId.get(id);
    if (!r) return '';
    const p = r.parent_id && depth < 20 ? `${pathOf(r.parent_id, depth + 1)}/${r.name}` : r.name;
    out.set(id, p);
    return p;
  };
  for (const r of rows) pathOf(r.id);
  return out;
}

/** The category and all its descendants (for filtering a list by a category). */
export async function categorySubtree(db: Db, orgId: string, id: string): Promise<string[]> {
  const rows = await db.selectFrom('categories').select(['id', 'parent_id']).where('org_id', '=', orgId).execute();
  const out = [id];
  for (let i = 0; i < out.length; i++) for (const r of rows) if (r.parent_id === out[i] && !out.includes(r.id)) out.push(r.id);
  return out;
}

async function getCategory(db: Db, orgId: string, id: string): Promise<CategoriesTable> {
  const row = await db.selectFrom('categories').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  if (!row)
    throw new AppError('not_found', `类目 ${id} 不存在，请刷新页面后重试`, { categoryId: id }, [
      { path: 'parentId', message: '类目不存在' },
    ]);
  return row;
}

async function assertNameFree(db: Db, orgId: string, parentId: string | null, name: string, exceptId?: string): Promise<void> {
  let q = db.selectFrom('categories').select('id').where('org_id', '=', orgId).where('name', '=', name);
  q = parentId ? q.where('parent_id', '=', parentId) : q.where('parent_id', 'is', null);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst())
    throw new AppError('conflict', `同一级下已有类目「${name}」，请换一个名称`, { name }, [
      { path: 'name', message: '同级类目名称已存在' },
    ]);
}

export async function createCategory(trx: Transaction<DB>, actor: Actor, input: CategoryInput): Promise<CategoryDto> {
  const parentId = input.parentId || null;
  if (parentId) await getCategory(trx, actor.orgId, parentId);
  await assertNameFree(trx, actor.orgId, parentId, input.name);
  const last = await trx
    .selectFrom('categories')
    .select((eb) => eb.fn.max('sort').as('m'))
    .where('org_id', '=', actor.orgId)
    .where((eb) => (parentId ? eb('parent_id', '=', parentId) : eb('parent_id', 'is', null)))
    .executeTakeFirst();
  const row: CategoriesTable = {
    id: newId('category'),
    org_id: actor.orgId,
    parent_id: parentId,
    name: input.name,
    sort: Number(last?.m ?? 0) + 1,
    created_at: Date.now(),
  };
  await trx.insertInto('categories').values(row).execute();
  return { id: row.id, parentId, name: row.name, sort: row.sort, productCount: 0 };
}

export async function updateCategory(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateCategoryInput): Promise<CategoryDto> {
  const cat = await getCategory(trx, actor.orgId, id);
  const parentId = input.parentId === undefined ? cat.parent_id : input.parentId || null;
  if (parentId) {
    const subtree = await categorySubtree(trx, actor.orgId, id);
    if (subtree.includes(parentId))
      throw new AppError('invalid_state', `不能把类目「${cat.name}」移到它自己或它的子类目下面`, { id, parentId }, [
        { path: 'parentId', message: '不能移到自身或子类目下' },
      ]);
    await getCategory(trx, actor.orgId, parentId);
  }
  const name = input.name ?? cat.name;
  await assertNameFree(trx, actor.orgId, parentId, name, id);
  await trx
    .updateTable('categories')
    .set({ name, parent_id: parentId, sort: input.sort ?? cat.sort })
    .where('id', '=', id)
    .execute();
  const all = await listCategories(trx, actor.orgId);
  return all.find((c) => c.id === id)!;
}

export async function deleteCategory(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const cat = await getCategory(trx, actor.orgId, id);
  const child = await trx.selectFrom('categories').select('id').where('parent_id', '=', id).executeTakeFirst();
  if (child) throw new AppError('invalid_state', `类目「${cat.name}」下还有子类目，请先删除或移走子类目`, { id });
  const used = await trx
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('category_id', '=', id)
    .executeTakeFirstOrThrow();
  if (Number(used.n) > 0)
    throw new AppError('invalid_state', `类目「${cat.name}」下还有 ${Number(used.n)} 个商品，请先把商品改到其他类目`, {
      id,
      products: Number(used.n),
    });
  await trx.deleteFrom('categories').where('id', '=', id).execute();
}

/** Find a category by its path `服装/男装/T恤`, creating missing levels (import). */
export async function ensureCategoryPath(trx: Transaction<DB>, actor: Actor, path: string): Promise<string> {
  const parts = path
    .split(/[/>＞／]/)
    .map((p) => p.trim())
    .filter(Boolean);
  let parentId: string | null = null;
  for (const name of parts) {
    let q = trx.selectFrom('categories').select('id').where('org_id', '=', actor.orgId).where('name', '=', name);
    q = parentId ? q.where('parent_id', '=', parentId) : q.where('parent_id', 'is', null);
    const found = await q.executeTakeFirst();
    parentId = found ? found.id : (await createCategory(trx, actor, { name, parentId })).id;
  }
  if (!parentId) throw new AppError('validation_failed', '类目为空');
  return parentId;
}

// ---------------------------------------------------------------- brands

export async function listBrands(db: Db, orgId: string): Promise<BrandDto[]> {
  const rows = await db.selectFrom('brands').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
  const counts = await db
    .selectFrom('products')
    .select(['brand_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('org_id', '=', orgId)
    .where('brand_id', 'is not', null)
    .groupBy('brand_id')
    .execute();
  const byId = new Map(counts.map((c) => [c.brand_id, Number(c.n)]));
  return rows.map((r) => ({ id: r.id, name: r.name, productCount: byId.get(r.id) ?? 0 }));
}

function brandTaken(name: string): AppError {
  return new AppError('conflict', `已有品牌「${name}」，请直接选用`, { name }, [{ path: 'name', message: '品牌已存在' }]);
}

export async function createBrand(trx: Transaction<DB>, actor: Actor, name: string): Promise<BrandDto> {
  const id = newId('brand');
  await insertOrConflict(trx.insertInto('brands').values({ id, org_id: actor.orgId, name, created_at: Date.now() }).execute(), () =>
    brandTaken(name),
  );
  return { id, name, productCount: 0 };
}

export async function renameBrand(trx: Transaction<DB>, actor: Actor, id: string, name: string): Promise<BrandDto> {
  const row = await trx.selectFrom('brands').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `品牌 ${id} 不存在`, { brandId: id });
  const clash = await trx
    .selectFrom('brands')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('name', '=', name)
    .where('id', '!=', id)
    .executeTakeFirst();
  if (clash) throw brandTaken(name);
  await trx.updateTable('brands').set({ name }).where('id', '=', id).execute();
  return (await listBrands(trx, actor.orgId)).find((b) => b.id === id)!;
}

export async function deleteBrand(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const row = await trx.selectFrom('brands').selectAll().where('id', '=', id).where('org_id', '=', actor.orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `品牌 ${id} 不存在`, { brandId: id });
  const used = await trx
    .selectFrom('products')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('brand_id', '=', id)
    .executeTakeFirstOrThrow();
  if (Number(used.n) > 0)
    throw new AppError('invalid_state', `品牌「${row.name}」还有 ${Number(used.n)} 个商品在用，请先改掉这些商品的品牌`, { id });
  await trx.deleteFrom('brands').where('id', '=', id).execute();
}

export async function ensureBrand(trx: Transaction<DB>, actor: Actor, name: string): Promise<string> {
  const found = await trx.selectFrom('brands').select('id').where('org_id', '=', actor.orgId).where('name', '=', name).executeTakeFirst();
  return found ? found.id : (await createBrand(trx, actor, name)).id;
}
