/** 批量上架 / 下架 / 改价 over a selection of products. */
import { AppError, applyPriceChange, fenTooLargeMessage, formatFen, isFenInRange, MAX_FEN, type BatchProductsInput } from '@yunying/core';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { auditPrice, canChangePrice, changeStatus } from './product-rules.js';

/** 批量上架 / 下架 / 改价: all or nothing; every SKU price change is audited with before/after. */
export async function batchUpdate(
  trx: Transaction<DB>,
  actor: Actor,
  input: BatchProductsInput,
): Promise<{ products: number; skus: number }> {
  const ids = [...new Set(input.ids)];
  const rows = await trx.selectFrom('products').selectAll().where('org_id', '=', actor.orgId).where('id', 'in', ids).execute();
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new AppError('not_found', `有 ${missing.length} 个商品不存在或已删除，请刷新列表后重试`, { missing });
  if (input.action !== 'price') {
    const to = input.action;
    for (const r of rows) if (r.status !== to) await changeStatus(trx, actor, r, to);
    return { products: rows.length, skus: 0 };
  }
  if (!canChangePrice(actor))
    throw new AppError('forbidden', '没有修改价格的权限（需要 products.price.write），请联系店长为你的角色添加', {
      permission: 'products.price.write',
    });
  const change = input.price!;
  const skus = await trx
    .selectFrom('skus')
    .selectAll()
    .where('product_id', 'in', ids)
    .where('status', '=', 'active')
    .orderBy('created_at')
    .execute();
  const now = Date.now();
  let n = 0;
  for (const s of skus) {
    const before = Number(s.price_fen);
    const after = applyPriceChange(before, change);
    if (after < 0)
      throw new AppError('validation_failed', `SKU ${s.code} 调价后为负数（原价 ${(before / 100).toFixed(2)} 元），请调整幅度`, {
        skuId: s.id,
        before,
        after,
      });
    // The same ceiling as every price typed in (MAX_FEN): a +1000% change of a large price must
    // not store an amount that sums and reports can no longer add up exactly.
    if (!isFenInRange(after))
      throw new AppError(
        'validation_failed',
        `SKU ${s.code} 调价后售价超过上限 ${formatFen(MAX_FEN)}（1000 亿元；原价 ${(before / 100).toFixed(2)} 元），请调小幅度`,
        { skuId: s.id, before, after: Number.isFinite(after) ? after : null },
        [{ path: 'price', message: fenTooLargeMessage('调价后的售价') }],
      );
    if (after === before) continue;
    await trx.updateTable('skus').set({ price_fen: after, updated_at: now }).where('id', '=', s.id).execute();
    await auditPrice(trx, actor, { id: s.product_id }, s, before, after);
    n++;
  }
  await trx.updateTable('products').set({ updated_at: now }).where('id', 'in', ids).execute();
  return { products: rows.length, skus: n };
}
