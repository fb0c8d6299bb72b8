/**
 * `npm run bench -- service [--rows 20000]`: issue 14's hot paths on a fresh SQLite file — Erlang C
 * at λ = 20,000/h, importing N reviews (1 in 40 a 差评 with its alert) and importing the same file
 * again, importing N chats, the per-agent figures over 30 days and the staffing plan. Figures are
 * printed, never asserted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, businessDay, staffing } from '@yunying/core';
import { bootstrap } from '../packages/server/src/bootstrap.js';
import { openDatabase } from '../packages/server/src/db/dialect.js';
import { systemActor } from '../packages/server/src/http/actor.js';
import * as reviews from '../packages/server/src/modules/reviews/index.js';
import * as service from '../packages/server/src/modules/service/index.js';
import * as shops from '../packages/server/src/modules/shops/index.js';

const { values } = parseArgs({ args: process.argv.slice(3), options: { rows: { type: 'string' } } });
const N = Number(values.rows ?? 20000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-bench-service-'));
const rowsOut: [string, string][] = [];
const time = async <T>(label: string, fn: () => Promise<T> | T): Promise<T> => {
  const t = performance.now();
  const r = await fn();
  rowsOut.push([label, `${((performance.now() - t) / 1000).toFixed(2)} s`]);
  return r;
};

try {
  await time('staffing λ=20,000/h, AHT 180 s (×100)', () => {
    for (let i = 0; i < 100; i++) staffing({ perHour: 20000, ahtSeconds: 180, target: 0.8, withinSeconds: 20, shrinkage: 0.3 });
  });
  const database = openDatabase(`sqlite:${path.join(dir, 'bench.db')}`);
  const boot = await bootstrap(database, { adminPassword: 'Admin12345' });
  const actor = systemActor(boot.orgId);
  const shop = await database.db
    .transaction()
    .execute((trx) => shops.createShop(trx, actor, { name: '基准店', channel: 'tmall', timezone: 'Asia/Shanghai' }));
  const today = businessDay(Date.now(), 'Asia/Shanghai');
  const rev = ['评价ID,订单编号,宝贝标题,买家昵称,评分,评价内容,描述相符,服务态度,物流服务,评价时间'];
  for (let i = 0; i < N; i++) {
    const bad = i % 40 === 0;
    rev.push(
      `B${i},${900000 + i},商品${i % 50},买家${i % 3000},${bad ? 1 : 5},${bad ? '物流太慢' : '很好'},5,5,${bad ? 1 : 5},${addDays(today, -(i % 170) - 1)} 10:00:00`,
    );
  }
  fs.writeFileSync(path.join(dir, 'rev.csv'), rev.join('\n'));
  const opts = { shopId: shop.id, format: 'jd', file: path.join(dir, 'rev.csv'), fileName: 'rev.csv' };
  await time(`import ${N} reviews`, () => reviews.importReviewsFile(database.db, actor, opts));
  await time(`import the same ${N} reviews again`, () => reviews.importReviewsFile(database.db, actor, opts));
  const chats = ['会话ID,接待客服,买家昵称,会话开始时间,首次响应时长(秒),消息数,会话结束时间'];
  for (let i = 0; i < N; i++) {
    const d = addDays(today, -(i % 30) - 1);
    const h = String(8 + (i % 14)).padStart(2, '0');
    chats.push(`C${i},客服${i % 8},买家${i % 3000},${d} ${h}:10:00,${i % 60},8,${d} ${h}:15:00`);
  }
  fs.writeFileSync(path.join(dir, 'chats.csv'), chats.join('\n'));
  await time(`import ${N} chats`, () =>
    service.importChatsFile(database.db, actor, {
      shopId: shop.id,
      format: 'qianniu',
      file: path.join(dir, 'chats.csv'),
      fileName: 'chats.csv',
    }),
  );
  await time('figures per agent, 30 days', () =>
    service.figures(database.db, actor, { shopId: shop.id, from: addDays(today, -30), to: addDays(today, -1) }),
  );
  await time('staffing plan (28 days × 5)', () =>
    service.staffingPlan(database.db, actor, { shopId: shop.id, day: today, historyDays: 28, multiplier: 5 }),
  );
  await database.close();
  console.log(`| step (SQLite, ${os.cpus().length} cores) | time |\n|---|---|\n${rowsOut.map(([a, b]) => `| ${a} | ${b} |`).join('\n')}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
