import {
  AppError,
  newId,
  STARTER_BANNED_WORDS,
  type BannedWordDto,
  type ScanWord,
  type WordRisk,
  type BannedWordInput,
  type ExemptionInput,
  type UpdateBannedWordInput,
} from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { insertOrConflict } from '../../db/kit.js';
import { claimMeta, getMeta } from '../../db/meta.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as audit from '../audit/index.js';

type Db = Kysely<DB> | Transaction<DB>;

const seededKey = (orgId: string) => `catalog.banned_words_seeded.${orgId}`;

/**
 * Seed the starter list once per organisation (a meta flag remembers it, so words an operator
 * deleted do not come back). Safe to call on every read: concurrent callers insert nothing twice.
 */
export async function ensureSeeded(db: Kysely<DB>, orgId: string): Promise<void> {
  if ((await getMeta(db, seededKey(orgId))) !== undefined) return;
  await db.transaction().execute(async (trx) => {
    const now = Date.now();
    await trx
      .insertInto('banned_words')
      .values(
        STARTER_BANNED_WORDS.map((w) => ({
          id: newId('bannedWord'),
          org_id: orgId,
          word: w.word,
          risk: w.risk,
          note: w.note,
          enabled: 1,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['org_id', 'word']).doNothing())
      .execute();
    await claimMeta(trx, seededKey(orgId), String(now));
  });
}

export async function listWords(db: Kysely<DB>, orgId: string): Promise<BannedWordDto[]> {
  await ensureSeeded(db, orgId);
  const rows = await db.selectFrom('banned_words').selectAll().where('org_id', '=', orgId).orderBy('word').execute();
  const ex = rows.length
    ? await db
        .selectFrom('banned_word_exemptions')
        .selectAll()
        .where(
          'word_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('created_at')
        .execute()
    : [];
  return rows.map((r) => ({
    id: r.id,
    word: r.word,
    risk: r.risk as WordRisk,
    note: r.note,
    enabled: r.enabled === 1,
    exemptions: ex.filter((e) => e.word_id === r.id).map((e) => ({ id: e.id, phrase: e.phrase, productId: e.product_id })),
  }));
}

/** The enabled words in scan form; exemptions bound to a product apply only to that product. */
export async function scanWordsFor(db: Kysely<DB>, orgId: string): Promise<(productId: string) => ScanWord[]> {
  const words = (await listWords(db, orgId)).filter((w) => w.enabled);
  return (productId) =>
    words.map((w) => ({
      word: w.word,
      risk: w.risk,
      note: w.note,
      exemptions: w.exemptions.filter((e) => !e.productId || e.productId === productId).map((e) => e.phrase),
    }));
}

async function getWord(db: Db, orgId: string, id: string) {
  const row = await db.selectFrom('banned_words').selectAll().where('id', '=', id).where('org_id', '=', orgId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `违禁词 ${id} 不存在，请刷新页面`, { id });
  return row;
}

export async function createWord(trx: Transaction<DB>, actor: Actor, input: BannedWordInput): Promise<BannedWordDto> {
  const id = newId('bannedWord');
  await insertOrConflict(
    trx
      .insertInto('banned_words')
      .values({
        id,
        org_id: actor.orgId,
        word: input.word,
        risk: input.risk,
        note: input.note,
        enabled: input.enabled ? 1 : 0,
        created_at: Date.now(),
      })
      .execute(),
    () =>
      new AppError('conflict', `违禁词「${input.word}」已在列表中，请直接编辑它`, { word: input.word }, [
        { path: 'word', message: '已存在' },
      ]),
  );
  await audit.record(trx, actor, 'banned_word.create', { entityType: 'banned_word', entityId: id, after: input });
  return { id, ...input, exemptions: [] };
}

export async function updateWord(trx: Transaction<DB>, actor: Actor, id: string, input: UpdateBannedWordInput): Promise<void> {
  const before = await getWord(trx, actor.orgId, id);
  const patch: { risk?: string; note?: string; enabled?: number } = {};
  if (input.risk !== undefined) patch.risk = input.risk;
  if (input.note !== undefined) patch.note = input.note;
  if (input.enabled !== undefined) patch.enabled = input.enabled ? 1 : 0;
  if (Object.keys(patch).length === 0) return;
  await trx.updateTable('banned_words').set(patch).where('id', '=', id).execute();
  await audit.record(trx, actor, 'banned_word.update', {
    entityType: 'banned_word',
    entityId: id,
    before: { word: before.word, risk: before.risk, note: before.note, enabled: before.enabled === 1 },
    after: input,
  });
}

export async function deleteWord(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const before = await getWord(trx, actor.orgId, id);
  await trx.deleteFrom('banned_word_exemptions').where('word_id', '=', id).execute();
  await trx.deleteFrom('banned_words').where('id', '=', id).execute();
  await audit.record(trx, actor, 'banned_word.delete', {
    entityType: 'banned_word',
    entityId: id,
    before: { word: before.word, risk: before.risk },
  });
}

export async function addExemption(
  trx: Transaction<DB>,
  actor: Actor,
  wordId: string,
  input: ExemptionInput,
): Promise<{ id: string; phrase: string; productId: string | null }> {
  const word = await getWord(trx, actor.orgId, wordId);
  if (!input.phrase.toLowerCase().includes(word.word.toLowerCase()))
    throw new AppError(
      'validation_failed',
      `豁免短语「${input.phrase}」必须包含违禁词「${word.word}」，例如「${word.word}次」`,
      { wordId },
      [{ path: 'phrase', message: `须包含「${word.word}」` }],
    );
  const productId = input.productId || null;
  if (productId) {
    const p = await trx
      .selectFrom('products')
      .select('id')
      .where('id', '=', productId)
      .where('org_id', '=', actor.orgId)
      .executeTakeFirst();
    if (!p) throw new AppError('not_found', `商品 ${productId} 不存在`, { productId }, [{ path: 'productId', message: '商品不存在' }]);
  }
  const id = newId('exemption');
  await trx
    .insertInto('banned_word_exemptions')
    .values({ id, word_id: wordId, phrase: input.phrase, product_id: productId, created_at: Date.now() })
    .execute();
  await audit.record(trx, actor, 'banned_word.exempt', {
    entityType: 'banned_word',
    entityId: wordId,
    after: { phrase: input.phrase, productId },
  });
  return { id, phrase: input.phrase, productId };
}

export async function deleteExemption(trx: Transaction<DB>, actor: Actor, id: string): Promise<void> {
  const row = await trx
    .selectFrom('banned_word_exemptions as e')
    .innerJoin('banned_words as w', 'w.id', 'e.word_id')
    .select(['e.id', 'e.phrase', 'e.word_id'])
    .where('e.id', '=', id)
    .where('w.org_id', '=', actor.orgId)
    .executeTakeFirst();
  if (!row) throw new AppError('not_found', `豁免 ${id} 不存在`, { id });
  await trx.deleteFrom('banned_word_exemptions').where('id', '=', id).execute();
  await audit.record(trx, actor, 'banned_word.unexempt', {
    entityType: 'banned_word',
    entityId: row.word_id,
    before: { phrase: row.phrase },
  });
}
