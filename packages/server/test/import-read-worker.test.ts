/**
 * Large order files are read in a worker thread (import.parse-worker.ts), small ones in the
 * importing thread (import.read.ts). Both must hand the writer exactly the same batches — orders,
 * lines, bad-row reports, checkpoint rows, encoding — and refuse a bad file with the same Chinese
 * error, after the same batches. Reading touches no database, so this runs once, not per dialect.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '@yunying/core';
import { afterAll, describe, expect, it } from 'vitest';
import { workerBatches } from '../src/modules/orders/import/import.parse-worker.js';
import { BATCH_ORDERS, HashSet53, readBatches, type ReadBatch, type ReadSpec } from '../src/modules/orders/import/import.read.js';
import { encodeText } from './fixtures.js';
import { xlsxOf } from './xlsx-craft.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-read-worker-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const JD_HEADER = [
  '订单号',
  '商品名称',
  '订购数量',
  '京东价',
  '应付金额',
  '下单时间',
  '付款时间',
  '订单状态',
  '下单帐号',
  '商家SKUID',
  '退款金额',
];

function csv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n');
}

/**
 * JD line rows for `n` orders of two lines; every 89th order's second line comes at the end of the
 * file (an order seen again in a later batch), every 53rd row has a bad cell, every 211th a
 * control character.
 */
function jdRows(n: number): string[][] {
  const rows: string[][] = [JD_HEADER];
  const late: string[][] = [];
  for (let i = 0; i < n; i++) {
    const no = String(880_000_000 + i);
    const day = String(1 + (i % 28)).padStart(2, '0');
    const a = [no, '保温杯', '1', '59.90', '59.90', `2026-11-${day} 10:00:00`, `2026-11-${day} 10:05:00`, '完成', 'jd_买家甲', 'FZ-A', ''];
    const b = [no, '纯棉T恤 白 M', '2', '39.00', '78.00', `2026-11-${day} 10:00:00`, '', '等待出库', 'jd_买家乙', 'FZ-B', '0'];
    if (i % 53 === 7) a[3] = '十九块';
    if (i % 211 === 3) b[1] = '坏\u0001字';
    rows.push(a);
    (i % 89 === 5 ? late : rows).push(b);
  }
  return [...rows, ...late];
}

function write(name: string, data: Buffer | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return file;
}

type Outcome = { batches: ReadBatch[]; error: { code: string; message: string; details: unknown } | null };

async function collect(source: AsyncGenerator<ReadBatch>): Promise<Outcome> {
  const batches: ReadBatch[] = [];
  try {
    for await (const b of source) batches.push(b);
    return { batches, error: null };
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    return { batches, error: { code: e.code, message: e.message, details: e.details } };
  }
}

function spec(file: string, over: Partial<ReadSpec> = {}): ReadSpec {
  return {
    format: 'jd',
    kind: 'orders',
    file,
    name: path.basename(file),
    mapping: null,
    timezone: 'Asia/Shanghai',
    resumeAfter: 0,
    ...over,
  };
}

async function both(s: ReadSpec): Promise<Outcome> {
  const here = await collect(readBatches(s));
  const worker = await collect(workerBatches(s));
  expect(worker).toEqual(here);
  return here;
}

describe('order files read in a worker thread', () => {
  it('a GBK file of several batches: the same orders, late lines, bad rows and checkpoints as in the importing thread', async () => {
    const file = write('京东订单.csv', encodeText(csv(jdRows(2600)), 'gbk'));
    const r = await both(spec(file));
    expect(r.error).toBeNull();
    expect(r.batches.length).toBe(3);
    expect(r.batches.at(-1)!.fileDone).toBe(true);
    expect(r.batches.at(-1)!.encoding).toBe('gb18030');
    const orders = r.batches.reduce((n, b) => n + b.groups.size, 0);
    // 2,600 orders, plus the late lines' orders seen again in the last batch.
    expect(orders).toBeGreaterThan(2600);
    expect([...r.batches.at(-1)!.groups.values()].some((g) => g.append)).toBe(true);
    expect(r.batches.reduce((n, b) => n + b.errors.length, 0)).toBeGreaterThan(50);
    expect(r.batches[0]!.groups.size).toBe(BATCH_ORDERS);
    expect(r.batches.reduce((n, b) => n + b.bytes, 0)).toBe(fs.statSync(file).size);
  });

  it('a resumed read (rows up to a checkpoint already written) gives the same batches', async () => {
    const file = write('京东订单-续.csv', csv(jdRows(2600)));
    const r = await both(spec(file, { resumeAfter: 1400 }));
    expect(r.batches[0]!.groups.size).toBeGreaterThan(0);
    expect(Math.min(...[...r.batches[0]!.groups.values()].map((g) => g.rowNo))).toBe(1401);
  });

  it('an XLSX file gives the same batches', async () => {
    // No control characters: XML cannot hold them.
    const file = write('京东订单.xlsx', xlsxOf(jdRows(1200).map((r) => r.map((c) => c.replaceAll('\u0001', '')))));
    const r = await both(spec(file));
    expect(r.error).toBeNull();
    expect(r.batches.at(-1)!.encoding).toBe('xlsx');
  });

  it('an unbalanced quote after the first batch: the first batch, then the same Chinese error naming the row', async () => {
    const rows = csv(jdRows(1500)).split('\r\n');
    // A cell opened with a quote that never closes: the rest of the file would fall into it.
    rows[2600] = `"${rows[2600]!}`;
    const file = write('引号.csv', rows.join('\r\n'));
    const r = await both(spec(file));
    expect(r.batches.length).toBeGreaterThanOrEqual(1);
    expect(r.error?.message, JSON.stringify(r.error)).toMatch(/第 \d+ 行/);
  });

  it('an empty file, missing columns and a UTF-16 file are refused the same way', async () => {
    const empty = await both(spec(write('空.csv', '\r\n\r\n')));
    expect(empty.error?.message).toContain('是空的');
    const missing = await both(
      spec(
        write(
          '缺列.csv',
          csv([
            ['订单号', '商品名称'],
            ['1', '杯'],
          ]),
        ),
      ),
    );
    expect(missing.error?.code).toBe('validation_failed');
    expect(missing.error?.message).toMatch(/[\u4e00-\u9fff]/);
    const wide = await both(spec(write('宽.csv', encodeText(csv(jdRows(3)), 'utf16le'))));
    expect(wide.error?.message).toMatch(/UTF-16|另存为/);
  });
});

describe('HashSet53 (the orders an items file already handed out)', () => {
  it('answers like a Set through many doublings, for 0, colliding low bits and the full 53 bits', () => {
    const set = new HashSet53();
    const ref = new Set<number>();
    let x = 12345;
    const rnd = () => {
      // xorshift: reproducible values over the whole 53-bit range
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) * 2097152 + ((x >>> 11) & 2097151);
    };
    const values = [0, 1, 2 ** 53 - 1, 2 ** 32, 2 ** 33, 2 ** 32 + 1];
    for (let i = 0; i < 50_000; i++) values.push(rnd());
    // Same low 32 bits, different high bits: they share a first slot.
    for (let i = 1; i < 200; i++) values.push(i * 2 ** 32 + 77);
    for (const v of values) {
      expect(set.has(v)).toBe(ref.has(v));
      set.add(v);
      ref.add(v);
      set.add(v);
    }
    expect(set.size).toBe(ref.size);
    for (const v of values) expect(set.has(v)).toBe(true);
    for (let i = 0; i < 2000; i++) {
      const v = rnd();
      expect(set.has(v)).toBe(ref.has(v));
    }
  });
});
