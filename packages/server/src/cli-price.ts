/**
 * `yunying price --promotions <promotions.json> --cart <cart.json> [--at <ISO>] [--json]`: prices a
 * cart with the core pricing engine and prints each line's final price, its explanation and the
 * order totals. Pure: reads two JSON files, no database, no server (docs/pricing.md).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError, CartSchema, PriceListSchema, formatFen, priceCart, type PriceResult } from '@yunying/core';
import type { z } from 'zod';

export const PRICE_USAGE = 'yunying price --promotions <促销.json> --cart <购物车.json> [--at <ISO 时间>] [--json]';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new AppError('validation_failed', `找不到或无法读取${what}文件：${file}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new AppError('validation_failed', `${what}文件 ${file} 不是有效的 JSON：${e instanceof Error ? e.message : String(e)}`);
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, file: string, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 20).map((i) => `  ${i.path.length ? i.path.join('.') : '(根)'}：${i.message}`);
  const more = r.error.issues.length > 20 ? `\n  …另有 ${r.error.issues.length - 20} 处` : '';
  throw new AppError('validation_failed', `${what}文件 ${file} 有误，请按 docs/pricing.md 的格式修改：\n${lines.join('\n')}${more}`);
}

const CHINA_OFFSET_MS = 8 * 3600_000;
function chinaTime(iso: string): string {
  return new Date(Date.parse(iso) + CHINA_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** The Chinese text report of a priced cart. */
export function formatPriceResult(r: PriceResult): string {
  const out: string[] = [`计价时间：${chinaTime(r.at)}（北京时间）`, ''];
  for (const l of r.lines) {
    const name = l.name ? ` ${l.name}` : '';
    if (l.isGift) {
      out.push(`赠品 ${l.skuId}${name} × ${l.qty}：¥0.00（占库存）`);
      continue;
    }
    const saved = l.listFen - l.finalFen;
    out.push(
      `${l.lineId === l.skuId ? l.skuId : `${l.lineId}（${l.skuId}）`}${name}  ${formatFen(l.unitPriceFen)} × ${l.qty} = ${formatFen(l.listFen)}` +
        `  →  实付 ${formatFen(l.finalFen)}${saved > 0 ? `（优惠 ${formatFen(saved)}）` : ''}`,
    );
    for (const a of l.adjustments) out.push(`    − ${formatFen(a.amountFen)}  ${a.note}`);
    if (l.floorFen !== undefined) out.push(`    保底价合计 ${formatFen(l.floorFen)}`);
  }
  out.push('');
  if (r.applied.length > 0) {
    out.push('已应用：');
    for (const a of r.applied) out.push(`  ✓ ${a.explanation}`);
  }
  if (r.refused.length > 0) {
    out.push('未应用：');
    for (const x of r.refused) out.push(`  ✗ 「${x.name}」${x.lineId ? `（${x.lineId}）` : ''}：${x.reason}`);
  }
  if (r.hints.length > 0) {
    out.push('提示：');
    for (const h of r.hints) out.push(`  · 「${h.name}」${h.message}`);
  }
  const t = r.totals;
  out.push(
    '',
    `原价合计 ${formatFen(t.listFen)}`,
    `单品优惠 −${formatFen(t.itemDiscountFen)}`,
    `订单优惠 −${formatFen(t.orderDiscountFen)}`,
    `优惠券   −${formatFen(t.couponDiscountFen)}`,
    `商品实付 ${formatFen(t.goodsFen)}`,
    `运费     ${formatFen(t.shippingFen)}${t.shippingDiscountFen > 0 ? `（减免 −${formatFen(t.shippingDiscountFen)}）` : ''}`,
    `应付合计 ${formatFen(t.payableFen)}（共优惠 ${formatFen(t.discountFen)}）`,
  );
  return out.join('\n') + '\n';
}

/** Runs the command; returns the exit code. Bad input throws AppError with a Chinese message. */
export function priceCli(args: string[], write: (text: string) => void): number {
  let values: { promotions?: string | undefined; cart?: string | undefined; at?: string | undefined; json?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: { promotions: { type: 'string' }, cart: { type: 'string' }, at: { type: 'string' }, json: { type: 'boolean' } },
    }));
  } catch (e) {
    throw new AppError('validation_failed', `${e instanceof Error ? e.message : String(e)}\n用法：${PRICE_USAGE}`);
  }
  if (!values.promotions || !values.cart)
    throw new AppError('validation_failed', `缺少参数 ${values.promotions ? '--cart' : '--promotions'}\n用法：${PRICE_USAGE}`);
  if (values.at !== undefined && !(/^\d{4}-\d{2}-\d{2}T/.test(values.at) && Number.isFinite(Date.parse(values.at))))
    throw new AppError('validation_failed', `--at 应为 ISO 8601 时间，例如 2026-11-11T00:00:00+08:00，收到「${values.at}」`);
  const rawList = readJson(values.promotions, '促销');
  const list = parseWith(PriceListSchema, Array.isArray(rawList) ? { promotions: rawList } : rawList, values.promotions, '促销');
  const cart = parseWith(CartSchema, readJson(values.cart, '购物车'), values.cart, '购物车');
  const result = priceCart(list, cart, values.at !== undefined ? { at: values.at } : {});
  write(values.json ? JSON.stringify(result, null, 2) + '\n' : formatPriceResult(result));
  return 0;
}
