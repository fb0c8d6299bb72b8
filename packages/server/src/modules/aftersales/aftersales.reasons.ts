/** After-sales reasons (售后原因): the starter list seeded on first use, then kept by the organisation. */
import {
  AppError,
  DEFAULT_AFTERSALE_REASONS,
  newId,
  type AftersaleReason,
  type AftersaleReasonInput,
  type Responsibility,
  type UpdateAftersaleReasonInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { insertOrConflict } from '../../db/kit.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';

/** Seed the starter reasons the first time an organisation uses after-sales. */
export async function ensureReasons(db: Kysely<DB>, orgId: string): Promise<void> {
  const any = await db.selectFrom('aftersale_reasons').select('id').where('org_id', '=', orgId).executeTakeFirst();
  if (any) return;
  await db
    .insertInto('aftersale_reasons')
    .values(
      DEFAULT_AFTERSALE_REASONS.map((r, i) => ({
        id: newId('aftersaleReason'),
        org_id: orgId,
        name: r.name,
        responsibility: r.responsibility,
        sort: (i + 1) * 10,
        enabled: 1,
      })),
    )
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .execute();
}

function reasonDto(r: { id: string; name: string; responsibility: string; sort: number; enabled: number }): AftersaleReason {
  return { id: r.id, name: r.name, responsibility: r.responsibility as Responsibility, sort: r.sort, enabled: r.enabled === 1 };
}

export async function listReasons(db: Kysely<DB>, actor: Actor): Promise<AftersaleReason[]> {
  await ensureReasons(db, actor.orgId);
  const rows = await db
    .selectFrom('aftersale_reasons')
    .selectAll()
    .where('org_id', '=', actor.orgId)
    .orderBy('sort')
    .orderBy('name')
    .execute();
  return rows.map(reasonDto);
}

function reasonTaken(name: string): AppError {
  return new AppError('conflict', `已有名为「${name}」的售后原因，请换一个名称`, { name }, [{ path: 'name', message: '原因名称已存在' }]);
}

export async function createReason(trx: Transaction<DB>, actor: Actor, input: AftersaleReasonInput): Promise<AftersaleReason> {
  await ensureReasons(trx, actor.orgId);
  const row = {
    id: newId('aftersaleReason'),
    org_id: actor.orgId,
    name: input.name,
    responsibility: input.responsibility,
    sort: input.sort ?? 1000,
    enabled: 1,
  };
  await insertOrConflict(trx.insertInto('aftersale_reasons').values(row).execute(), () => reasonTaken(input.name));
  await audit.record(trx, actor, 'aftersale.reason.create', { entityType: 'aftersale_reason', entityId: row.id, after: reasonDto(row) });
  return reasonDto(row);
}

export async function updateReason(
  trx: Transaction<DB>,
  actor: Actor,
  id: string,
  input: UpdateAftersaleReasonInput,
): Promise<AftersaleReason> {
  const before = await trx
    .selectFrom('aftersale_reasons')
    .selectAll()
    .where('id', '=', id)
    .where('org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (!before) throw new AppError('not_found', `售后原因 ${id} 不存在`, { reasonId: id });
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.responsibility !== undefined ? { responsibility: input.responsibility } : {}),
    ...(input.sort !== undefined ? { sort: input.sort } : {}),
    ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
  };
  if (Object.keys(patch).length)
    await insertOrConflict(trx.updateTable('aftersale_reasons').set(patch).where('id', '=', id).execute(), () =>
      reasonTaken(input.name ?? before.name),
    );
  const after = { ...before, ...patch };
  await audit.record(trx, actor, 'aftersale.reason.update', {
    entityType: 'aftersale_reason',
    entityId: id,
    before: reasonDto(before),
    after: reasonDto(after),
  });
  return reasonDto(after);
}
