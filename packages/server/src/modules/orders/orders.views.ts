/** Saved views: a user's named filter sets per console page. */
import { AppError, newId, type SavedView, type UpdateViewInput, type ViewInput } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';

function viewRow(r: { id: string; page: string; name: string; query: string; created_at: number }): SavedView {
  return { id: r.id, page: r.page, name: r.name, query: r.query, createdAt: Number(r.created_at) };
}

export async function listViews(db: Kysely<DB>, actor: Actor, page: string): Promise<SavedView[]> {
  const rows = await db
    .selectFrom('saved_views')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .where('page', '=', page)
    .orderBy('name')
    .execute();
  return rows.map(viewRow);
}

/** Refuse a name the user already gave another view of the page (409). */
async function viewNameTaken(db: Kysely<DB>, actor: Actor, view: { page: string; name: string; exceptId?: string }): Promise<void> {
  const { page, name, exceptId } = view;
  let q = db
    .selectFrom('saved_views')
    .select('id')
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .where('page', '=', page)
    .where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) {
    throw new AppError('conflict', `已有名为「${name}」的视图，请换一个名称`, { name }, [{ path: 'name', message: '视图名称已存在' }]);
  }
}

export async function createView(db: Kysely<DB>, actor: Actor, input: ViewInput): Promise<SavedView> {
  await viewNameTaken(db, actor, { page: input.page, name: input.name });
  const row = {
    id: newId('view'),
    org_id: actor.orgId,
    user_id: actor.userId,
    page: input.page,
    name: input.name,
    query: input.query.replace(/^\?/, ''),
    created_at: Date.now(),
  };
  await db.insertInto('saved_views').values(row).execute();
  return viewRow(row);
}

async function mustView(db: Kysely<DB>, actor: Actor, id: string) {
  const r = await db
    .selectFrom('saved_views')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', actor.orgId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (!r) throw new AppError('not_found', `视图 ${id} 不存在`, { viewId: id });
  return r;
}

export async function updateView(db: Kysely<DB>, actor: Actor, id: string, input: UpdateViewInput): Promise<SavedView> {
  const r = await mustView(db, actor, id);
  if (input.name !== undefined) await viewNameTaken(db, actor, { page: r.page, name: input.name, exceptId: id });
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.query !== undefined ? { query: input.query.replace(/^\?/, '') } : {}),
  };
  if (Object.keys(patch).length) await db.updateTable('saved_views').set(patch).where('id', '=', id).execute();
  return viewRow({ ...r, ...patch });
}

export async function deleteView(db: Kysely<DB>, actor: Actor, id: string): Promise<void> {
  await mustView(db, actor, id);
  await db.deleteFrom('saved_views').where('id', '=', id).execute();
}
