/**
 * `yunying price` runs the core pricing engine on two JSON files, without a database: the
 * command is run through the real bin with a DATABASE_URL that cannot be opened, so any database
 * access would fail the test. No dialect to vary, hence one run, not describeEachDialect.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PriceResult } from '@yunying/core';
import { cliBundle } from './cli-bin.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { priceCli } from '../src/cli-price.js';

const run = promisify(execFile);
vi.setConfig({ testTimeout: 240_000 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-price-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function yunying(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [await cliBundle(), ...args], {
      env: { ...process.env, DATABASE_URL: `sqlite:${path.join(tmp, 'no-such-dir', 'never.db')}` },
    });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

function file(name: string, value: unknown): string {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, typeof value === 'string' ? value : JSON.stringify(value));
  return f;
}

const promotions = file('promotions.json', {
  settings: { minMarginBp: 1500 },
  promotions: [
    {
      id: 'flash',
      name: '双12秒杀',
      startsAt: '2026-12-12T00:00:00+08:00',
      endsAt: '2026-12-13T00:00:00+08:00',
      scope: { skuIds: ['TEA'] },
      rule: { kind: 'flash_sale', cut: { type: 'price', priceFen: 5900 }, perBuyerLimit: 2 },
    },
    { id: 'mj', name: '满300减40', rule: { kind: 'full_reduction', tiers: [{ thresholdFen: 30000, offFen: 4000 }] } },
  ],
  coupons: [{ id: 'cpn', name: '满200减20', thresholdFen: 20000, value: { type: 'amount', offFen: 2000 } }],
});
const cart = file('cart.json', {
  buyerUsage: { flash: 1 },
  couponIds: ['cpn'],
  lines: [
    { skuId: 'TEA', name: '龙井', qty: 3, unitPriceFen: 9900, costFen: 4500 },
    { skuId: 'CUP', qty: 2, unitPriceFen: 3900 },
  ],
});

/** The same command in-process (no Node start-up per case): JSON output and error messages. */
function inProcess(args: string[]): string {
  let out = '';
  priceCli(args, (t) => (out += t));
  return out;
}

describe('yunying price', () => {
  it('prices a cart as Chinese text through the real command, without a database', async () => {
    const t = await yunying(['price', '--promotions', promotions, '--cart', cart, '--at', '2026-12-12T10:00:00+08:00']);
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('计价时间：2026-12-12 10:00:00（北京时间）');
    expect(t.stdout).toContain('TEA 龙井  ¥99.00 × 3 = ¥297.00  →  实付 ¥210.97');
    expect(t.stdout).toContain('限时折扣「双12秒杀」1 件 × 减 ¥40.00（¥99.00 → ¥59.00）');
    expect(t.stdout).toContain('应付合计 ¥275.00');
  });

  it('--json gives the result shape; --at chooses the moment', () => {
    const r = JSON.parse(
      inProcess(['--promotions', promotions, '--cart', cart, '--at', '2026-12-12T10:00:00+08:00', '--json']),
    ) as PriceResult;
    // TEA: 1 unit at 5900 (limit 2, 1 used) + 2 × 9900 = 25700; CUP 7800; 33500 ≥ 30000 → −4000
    // over 25700 : 7800 = 3068.66 / 931.34 → 3069 / 931 → 22631 / 6869 (29500);
    // coupon 29500 ≥ 20000 → −2000 over 22631 : 6869 = 1534.31 / 465.69 → 1534 / 466 → 21097 / 6403.
    expect(Object.fromEntries(r.lines.map((l) => [l.lineId, l.finalFen]))).toEqual({ TEA: 21097, CUP: 6403 });
    expect(r.totals).toMatchObject({
      listFen: 37500,
      itemDiscountFen: 4000,
      orderDiscountFen: 4000,
      couponDiscountFen: 2000,
      payableFen: 27500,
    });
    // The day after, the flash sale is over: 29700 + 7800 = 37500 → −4000 → 33500 → −2000 → 31500
    const after = JSON.parse(
      inProcess(['--promotions', promotions, '--cart', cart, '--at', '2026-12-13T10:00:00+08:00', '--json']),
    ) as PriceResult;
    expect(after.totals.payableFen).toBe(31500);
  });

  it('bad input: a Chinese message naming the file and field, non-zero exit', async () => {
    const bad = file('bad-cart.json', { lines: [{ skuId: 'TEA', qty: 0, unitPriceFen: 9900 }] });
    const r = await yunying(['price', '--promotions', promotions, '--cart', bad]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`购物车文件 ${bad} 有误`);
    expect(r.stderr).toContain('lines.0.qty：数量至少为 1');
    expect(() => inProcess(['--promotions', file('x.json', '{'), '--cart', cart])).toThrow('不是有效的 JSON');
    expect(() => inProcess(['--cart', cart])).toThrow('缺少参数 --promotions');
    expect(() => inProcess(['--promotions', promotions, '--cart', cart, '--at', '明天'])).toThrow('--at 应为 ISO 8601 时间');
    const dup = file('dup.json', {
      lines: [
        { skuId: 'A', qty: 1, unitPriceFen: 1 },
        { skuId: 'A', qty: 1, unitPriceFen: 1 },
      ],
    });
    expect(() => inProcess(['--promotions', promotions, '--cart', dup])).toThrow('购物车第 2 行与第 1 行的行 ID「A」重复');
  });
});
