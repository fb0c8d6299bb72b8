/**
 * The command line of issue 14: `yunying staffing … --json` prints core's Erlang C answer (no
 * database), a bad flag exits 2 naming it; `yunying import reviews|chats` imports a GBK export into a
 * shop, exits 2 naming the refused row, and a second run creates nothing (SQLite; the import code is
 * the one the dialect-wide API tests cover).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { staffing } from '@yunying/core';
import iconv from 'iconv-lite';
import { cliBundle } from './cli-bin.js';
import { afterAll, expect, it, vi } from 'vitest';

const run = promisify(execFile);
vi.setConfig({ testTimeout: 240_000 });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-h4-cli-'));
const url = `sqlite:${path.join(dir, 'cli.db')}`;
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function yunying(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [await cliBundle(), ...args], {
      env: { ...process.env, DATABASE_URL: url, YUNYING_ADMIN_PASSWORD: 'Admin12345', YUNYING_DEMO: '0' },
    });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

it('staffing --json is core Erlang C; a bad flag exits 2 naming it', async () => {
  const r = await yunying([
    'staffing',
    '--per-hour',
    '20000',
    '--aht',
    '180',
    '--target',
    '0.8',
    '--within',
    '20',
    '--shrinkage',
    '0.3',
    '--json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(Object.keys(out).sort()).toEqual(['agents', 'asaSeconds', 'load', 'occupancy', 'pWait', 'scheduled', 'serviceLevel']);
  expect(out).toEqual(staffing({ perHour: 20000, ahtSeconds: 180, target: 0.8, withinSeconds: 20, shrinkage: 0.3 }));
  const bad = await yunying(['staffing', '--per-hour', '100', '--aht', '180', '--target', '80', '--within', '20']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/target/);
});

it('import reviews and chats: GBK exports, refused rows named, idempotent', async () => {
  expect((await yunying(['shop', 'create', '--name', '命令行店', '--channel', 'tmall'])).code).toBe(0);
  const reviews = path.join(dir, '评价.csv');
  fs.writeFileSync(
    reviews,
    iconv.encode(
      '评价ID,宝贝标题,买家昵称,评价等级,评价内容,评价时间\r\nR1,杯子,甲,差评,漏水,2026-11-01 10:00:00\r\nR2,杯子,乙,八星,?,2026-11-01 10:00:00\r\n',
      'gbk',
    ),
  );
  const r1 = await yunying(['import', 'reviews', '--shop', '命令行店', '--format', 'taobao', reviews]);
  expect(r1.code).toBe(2);
  expect(r1.stdout).toContain('新增评价 1');
  expect(r1.stdout).toContain('新的中差评提醒 1 条');
  expect(r1.stdout).toContain('第 3 行 评价等级「八星」');
  const r2 = await yunying(['import', 'reviews', '--shop', '命令行店', '--format', 'taobao', reviews, '--json']);
  expect(JSON.parse(r2.stdout)).toMatchObject({ created: 0, unchanged: 1, alerts: 0 });
  const chats = path.join(dir, '接待.csv');
  fs.writeFileSync(
    chats,
    iconv.encode('会话ID,接待客服,买家昵称,会话开始时间,首次响应时长(秒)\r\nQ1,小美,甲,2026-11-01 09:00:00,12秒\r\n', 'gbk'),
  );
  const c1 = await yunying(['import', 'chats', '--shop', '命令行店', '--format', 'qianniu', chats, '--json']);
  expect(c1.code, c1.stderr).toBe(0);
  expect(JSON.parse(c1.stdout)).toMatchObject({ created: 1, errors: 0 });
});
