/**
 * The `yunying` command line: start | migrate | user | shop | backup | restore.
 * Errors are printed in Chinese with what to do next; the exit code is non-zero on failure.
 */
import { storageProblem } from './http/errors.js';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import {
  ALL_PERMISSIONS,
  AppError,
  CHANNELS,
  CreateShopBody,
  IMPORT_FORMATS,
  PasswordSchema,
  isBusinessDay,
  type ImportFormat,
} from '@yunying/core';
import { z } from 'zod';
import { bootstrap } from './bootstrap.js';
import { loadConfig } from './config.js';
import { backup, restore } from './db/backup.js';
import { priceCli } from './cli-price.js';
import { openDatabase, type Database } from './db/dialect.js';
import { migrateToLatest } from './db/migrate.js';
import { systemActor, type Actor } from './http/actor.js';
import { randomPassword } from './modules/auth/passwords.js';
import { exportProductsFile, importProductsFile } from './modules/catalog/index.js';
import { exportStockFile } from './modules/inventory/index.js';
import * as ads from './modules/ads/index.js';
import * as customers from './modules/customers/index.js';
import * as reviews from './modules/reviews/index.js';
import * as service from './modules/service/index.js';
import { diagnoseCli } from './modules/diagnosis/index.js';
import { deleteDemo, loadDemo } from './modules/demo/index.js';
import { exportOrdersFile } from './modules/orders/index.js';
import { buildReport, exportEventsFile, formatReportText } from './modules/reports/index.js';
import { importOrdersFile, listErrors, progressBar, type ImportSummary } from './modules/orders/import/index.js';
import * as roles from './modules/roles/index.js';
import * as shops from './modules/shops/index.js';
import * as users from './modules/users/index.js';
import { startServer } from './server.js';

const HELP = `运营台 Yunying 命令行

用法 usage: yunying <命令> [参数]

  start                                  启动控制台（默认 http://127.0.0.1:3000）
  migrate                                把数据库升级到最新结构
  user create --username <u> --name <姓名> --role <角色代码或名称> [--password <p>] [--shop <店铺>]...
  user reset-password --username <u> [--password <p>]   （不给密码则随机生成并打印）
  shop create --name <名称> --channel <${CHANNELS.join('|')}> [--timezone Asia/Shanghai]
  shop list
  import orders --shop <店铺> --format taobao|jd|pdd|douyin|generic <文件> [--items <宝贝报表>] [--mapping <方案名>] [--move-stock]
  import products <文件.xlsx|.csv>
  import reviews|chats --shop <店铺> --format <格式> <文件> [--json]   导入评价（taobao|jd|pdd|douyin|generic）或客服接待记录（qianniu|jd|pdd|douyin|generic）
  staffing --per-hour <λ> --aht <秒> --target <0..1> --within <秒> [--shrinkage <0..1>] [--json]   客服排班测算（Erlang C）
  import ads --shop <店铺> --format ztc|ylmf|kuaiche|pdd|qianchuan|generic|taoke [--tool <工具>] <文件>   导入推广报表（taoke：淘宝客订单）
  export orders --shop <店铺> [--from YYYY-MM-DD] [--to YYYY-MM-DD] <文件.csv|.xlsx>
  export products <文件.csv|.xlsx>
  export stock [--warehouse <仓库id>] <文件.csv|.xlsx>
  export events --shop <店铺> --from YYYY-MM-DD --to YYYY-MM-DD <文件.csv|.xlsx>   导出流量事件原始数据（按店铺时区）
  report daily|weekly|monthly [--shop <店铺>] [--date YYYY-MM-DD] [--json]   运营日报/周报/月报（含对比期；不给 --shop 为全部店铺）
  report ads --shop <店铺> --from YYYY-MM-DD --to YYYY-MM-DD [--json]   推广计划数据（点击率、平均点击花费、转化率、ROI、保本ROI）
  customers rfm --shop <店铺> [--date YYYY-MM-DD] [--json]   RFM 门槛与八类客户分群人数（默认今天，按店铺时区）
  customers export --shop <店铺> [--segment <分群>] <文件.csv|.xlsx>   导出客户（分群可写 important_retain 或 重要挽留）
  diagnose --shop <店铺> [--date YYYY-MM-DD] [--json]   店铺诊断：运行规则并列出未处理的问题（默认诊断到昨天）
  price --promotions <促销.json> --cart <购物车.json> [--at <ISO 时间>] [--json]   按促销与优惠券计算购物车每行实付与说明（不连数据库）
  demo [--profile small|large] [--seed N]   加载演示数据（small：3 家店 90 天；large：4 家店 365 天，需数分钟）
  demo --delete                          删除全部演示数据（演示店铺及其订单、流量、商品、库存）
  backup <文件>                          SQLite：在线备份为 .db 文件；以 .jsonl 结尾或 PostgreSQL：逻辑导出（一致快照，
                                         写完才出现在该文件名下，仅所有者可读 0600，结尾带行数与 SHA-256 校验）
  restore <文件> [--force]               恢复到 DATABASE_URL 指向的数据库（先校验整个文件，不完整或被改动的备份会被拒绝；
                                         已有数据需 --force；在一个事务内恢复，失败时目标数据库不变）

环境变量: DATABASE_URL (默认 sqlite:data/yunying.db), PORT, HOST, YUNYING_ADMIN_PASSWORD
凡是接受 --shop 的命令，都可以填店铺 id 或唯一的店铺名称。`;

class UsageError extends Error {}

function need(v: string | undefined, flag: string): string {
  if (!v) throw new UsageError(`缺少参数 ${flag}`);
  return v;
}

async function withDb<T>(fn: (database: Database, orgId: string) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const database = openDatabase(cfg.databaseUrl);
  try {
    const boot = await bootstrap(database, { adminPassword: cfg.adminPassword });
    if (boot.createdAdmin?.generated) {
      process.stderr.write(`已创建店长账号 admin，初始密码：${boot.createdAdmin.password}（只显示这一次）\n`);
    }
    return await fn(database, boot.orgId);
  } finally {
    await database.close();
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown, flagOf: (path: string) => string = (p) => `--${p}`): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new UsageError(r.error.issues.map((i) => `${flagOf(i.path.join('.'))}: ${i.message}`).join('\n'));
}

async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP + '\n');
      return 0;
    case 'start': {
      const server = await startServer(loadConfig());
      const stop = async () => {
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return -1; // keep running
    }
    case 'migrate': {
      const database = openDatabase(loadConfig().databaseUrl);
      try {
        const done = await migrateToLatest(database);
        process.stdout.write(done.length ? `已执行迁移：${done.join(', ')}\n` : '数据库已是最新结构\n');
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'user':
      return userCommand(sub, rest);
    case 'shop':
      return shopCommand(sub, rest);
    case 'import':
      return importCommand(sub, rest);
    case 'export':
      return exportCommand(sub, rest);
    case 'report':
      return reportCommand(sub, rest);
    case 'staffing':
      return staffingCommand([sub ?? '', ...rest].filter(Boolean));
    case 'customers':
      return customersCommand(sub, rest);
    case 'diagnose':
      return withDb(async (database, orgId) => {
        await diagnoseCli(database.db, cliActor(orgId), [sub ?? '', ...rest].filter(Boolean), (t) => process.stdout.write(t));
        return 0;
      });
    case 'price':
      return priceCli([sub ?? '', ...rest].filter(Boolean), (t) => process.stdout.write(t));
    case 'demo':
      return demoCommand([sub ?? '', ...rest].filter(Boolean));
    case 'backup': {
      const file = need(sub, '<文件>');
      const database = openDatabase(loadConfig().databaseUrl);
      try {
        await migrateToLatest(database);
        const tty = process.stderr.isTTY;
        const s = await backup(database, file, {
          onTable: (t, n) => {
            if (tty) process.stderr.write(`\r\x1b[K备份中：${t}（${n} 行）`);
          },
        });
        if (tty) process.stderr.write('\r\x1b[K');
        process.stdout.write(`备份完成（${s.format}，仅所有者可读）：${file}\n${formatCounts(s.tables)}\n`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'restore': {
      const { values, positionals } = parseArgs({
        args: [sub ?? '', ...rest].filter(Boolean),
        options: { force: { type: 'boolean' } },
        allowPositionals: true,
      });
      const file = need(positionals[0], '<文件>');
      const s = await restore(loadConfig().databaseUrl, file, { force: values.force ?? false });
      process.stdout.write(`恢复完成（${s.format}）：\n${formatCounts(s.tables)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`未知命令：${cmd}`);
  }
}

/** The CLI acts as the organisation's owner: every permission, every shop. */
function cliActor(orgId: string): Actor {
  return { ...systemActor(orgId, '命令行'), permissions: new Set(ALL_PERMISSIONS) };
}

async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { profile: { type: 'string' }, seed: { type: 'string' }, delete: { type: 'boolean' } },
  });
  const started = Date.now();
  const secs = () => `${((Date.now() - started) / 1000).toFixed(1)} 秒`;
  if (values.delete) {
    return withDb(async (database, orgId) => {
      const r = await database.db.transaction().execute((trx) => deleteDemo(trx, cliActor(orgId)));
      if (r.shops === 0 && r.products === 0) process.stdout.write('没有演示数据需要删除。\n');
      else {
        process.stdout.write(
          `已删除演示数据：店铺 ${r.shops}，订单 ${r.orders}，流量事件 ${r.events}，商品 ${r.products}，SKU ${r.skus}` +
            `${r.keptProducts ? `（${r.keptProducts} 个商品已被真实数据使用，予以保留）` : ''}，用时 ${secs()}\n`,
        );
      }
      return 0;
    });
  }
  const profile = values.profile ?? 'small';
  if (profile !== 'small' && profile !== 'large') throw new UsageError('--profile 必须是 small 或 large');
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new UsageError(`--seed 应为整数，收到「${values.seed}」`);
  return withDb(async (database) => {
    const bar = progressBar(process.stderr, '生成演示数据（天）', 'count');
    const s = await loadDemo(database, { profile, ...(seed !== undefined ? { seed } : {}), onProgress: (d, t) => bar.update(d, t) });
    bar.done();
    process.stdout.write(
      `已加载演示数据 ${s.profile}（种子 ${s.seed}，${s.from} ~ ${s.to}）：\n` +
        formatCounts({
          店铺: s.shops,
          商品: s.products,
          SKU: s.skus,
          订单: s.orders,
          订单行: s.orderLines,
          售后单: s.aftersales,
          流量事件: s.events,
          流量统计行: s.trafficStats,
          采购单: s.purchaseOrders,
          库存流水: s.movements,
        }) +
        `\n写入 ${(s.writeMs / 1000).toFixed(1)} 秒，汇总 ${(s.rollupMs / 1000).toFixed(1)} 秒，共用时 ${secs()}\n` +
        '删除：yunying demo --delete（或在 设置 → 店铺 中删除演示数据）\n',
    );
    return 0;
  });
}

const BAD_ROWS_SHOWN = 20;

/** The Chinese summary of an order import (what `yunying import orders` prints). */
function importSummaryText(s: ImportSummary): string {
  return [
    `读取 ${s.rows} 行：新建订单 ${s.ordersCreated}，更新 ${s.ordersUpdated}，未变 ${s.ordersUnchanged}；`,
    `商品行 ${s.lines}（变化 ${s.linesChanged}），未匹配到 SKU 的行 ${s.unmatchedLines}，没有明细的订单 ${s.ordersWithoutItems}；`,
    `被拒绝的行 ${s.errors}。`,
  ].join('\n');
}

async function importCommand(sub: string | undefined, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      shop: { type: 'string' },
      format: { type: 'string' },
      items: { type: 'string' },
      mapping: { type: 'string' },
      'move-stock': { type: 'boolean' },
      json: { type: 'boolean' },
      tool: { type: 'string' },
    },
  });
  const file = need(positionals[0], '<文件>');
  if (!fs.existsSync(file)) throw new UsageError(`找不到文件：${file}`);
  if (values.items && !fs.existsSync(values.items)) throw new UsageError(`找不到文件：${values.items}`);
  if (sub === 'ads')
    return ads.importAdsCommand(
      { ...values, shop: need(values.shop, '--shop'), format: need(values.format, '--format') },
      file,
      withDb,
      cliActor,
    );
  if (sub === 'orders') {
    const format = need(values.format, '--format');
    if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format 必须是 ${IMPORT_FORMATS.join('|')} 之一`);
    return withDb(async (database, orgId) => {
      const bar = progressBar(process.stderr, '导入订单');
      const started = Date.now();
      const summary = await importOrdersFile(database.db, cliActor(orgId), {
        shopId: need(values.shop, '--shop'),
        format: format as ImportFormat,
        file,
        itemsFile: values.items,
        mappingPresetName: values.mapping,
        moveStock: values['move-stock'] ?? false,
        onProgress: (done, total) => bar.update(done, total),
      });
      bar.done();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (values.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else {
        process.stdout.write(`${importSummaryText(summary)}\n用时 ${seconds} 秒\n`);
        if (summary.errors > 0) {
          const first = await listErrors(database.db, cliActor(orgId), summary.jobId, { page: 1, pageSize: BAD_ROWS_SHOWN });
          process.stdout.write(`\n被拒绝的行（前 ${first.items.length} 条，共 ${summary.errors} 条）：\n`);
          for (const e of first.items)
            process.stdout.write(
              `  ${e.file === 'items' ? '宝贝明细' : '订单文件'} 第 ${e.rowNo} 行 ${e.column}「${e.value}」：${e.reason}\n`,
            );
          process.stdout.write(`完整清单：在控制台「订单导入」中打开这次任务（${summary.jobId}）下载错误行 CSV。其余行已导入。\n`);
        }
      }
      // 2 = the import ran but refused some rows (the accepted rows are kept).
      return summary.errors > 0 ? 2 : 0;
    });
  }
  if (sub === 'reviews' || sub === 'chats') {
    const shop = need(values.shop, '--shop');
    const format = need(values.format, '--format');
    return withDb(async (database, orgId) => {
      const shopId = (await shops.findByIdOrName(database.db, orgId, shop)).id;
      const opts = { shopId, format, file, fileName: file };
      const s =
        sub === 'reviews'
          ? await reviews.importReviewsFile(database.db, cliActor(orgId), opts)
          : await service.importChatsFile(database.db, cliActor(orgId), opts);
      if (values.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      else
        process.stdout.write(
          sub === 'reviews'
            ? reviews.formatReviewImportText(s as reviews.ReviewImportSummary)
            : service.formatChatImportText(s as service.ChatImportSummary),
        );
      return s.errors > 0 ? 2 : 0;
    });
  }
  if (sub === 'products') {
    return withDb(async (database, orgId) => {
      const r = await importProductsFile(database.db, cliActor(orgId), file);
      process.stdout.write(`新建 ${r.created}，更新 ${r.updated}，错误 ${r.errors.length}\n`);
      for (const e of r.errors.slice(0, 50)) process.stdout.write(`  第 ${e.row} 行 ${e.column}「${e.value}」：${e.reason}\n`);
      if (r.errors.length > 50) process.stdout.write(`  …… 另有 ${r.errors.length - 50} 条错误\n`);
      return r.errors.length ? 2 : 0;
    });
  }
  throw new UsageError('用法：yunying import orders|products|ads|reviews|chats …');
}

async function exportCommand(sub: string | undefined, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { shop: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, warehouse: { type: 'string' } },
  });
  const file = need(positionals[0], '<文件.csv|.xlsx>');
  if (!/\.(csv|xlsx)$/i.test(file)) throw new UsageError('导出文件名须以 .csv 或 .xlsx 结尾');
  for (const [flag, v] of [
    ['--from', values.from],
    ['--to', values.to],
  ] as const) {
    if (v !== undefined && !isBusinessDay(v)) throw new UsageError(`${flag} 应为日期 YYYY-MM-DD，收到「${v}」`);
  }
  return withDb(async (database, orgId) => {
    const actor = cliActor(orgId);
    let rows: number;
    if (sub === 'orders') {
      const shop = await shops.findByIdOrName(database.db, orgId, need(values.shop, '--shop'));
      ({ rows } = await exportOrdersFile(database.db, actor, file, {
        shopId: shop.id,
        ...(values.from ? { from: values.from } : {}),
        ...(values.to ? { to: values.to } : {}),
      }));
    } else if (sub === 'products') {
      ({ rows } = await exportProductsFile(database.db, actor, file));
    } else if (sub === 'stock') {
      ({ rows } = await exportStockFile(database.db, actor, file, values.warehouse ? { warehouseId: values.warehouse } : {}));
    } else if (sub === 'events') {
      const shop = await shops.findByIdOrName(database.db, orgId, need(values.shop, '--shop'));
      ({ rows } = await exportEventsFile(database.db, actor, file, {
        shopId: shop.id,
        from: need(values.from, '--from'),
        to: need(values.to, '--to'),
        onProgress: (n, d, total) => process.stderr.isTTY && process.stderr.write(`\r导出流量事件：第 ${d}/${total} 天，${n} 行`),
      }));
      if (process.stderr.isTTY) process.stderr.write('\n');
    } else {
      throw new UsageError('用法：yunying export orders|products|stock|events …');
    }
    process.stdout.write(`已导出 ${rows} 行到 ${file}\n`);
    return 0;
  });
}

/** `report daily|weekly|monthly`: the operations report as Chinese tables, or JSON with the glossary's keys. */
async function reportCommand(sub: string | undefined, args: string[]): Promise<number> {
  if (sub === 'ads') return ads.reportAdsCommand(args, withDb, cliActor);
  if (sub !== 'daily' && sub !== 'weekly' && sub !== 'monthly')
    throw new UsageError('用法：yunying report daily|weekly|monthly [--shop <店铺>] [--date YYYY-MM-DD] [--json]');
  const { values } = parseArgs({ args, options: { shop: { type: 'string' }, date: { type: 'string' }, json: { type: 'boolean' } } });
  if (values.date !== undefined && !isBusinessDay(values.date)) throw new UsageError(`--date 应为日期 YYYY-MM-DD，收到「${values.date}」`);
  return withDb(async (database, orgId) => {
    const shop = values.shop ? await shops.findByIdOrName(database.db, orgId, values.shop) : null;
    const r = await buildReport(database.db, cliActor(orgId), { kind: sub, shopId: shop?.id, date: values.date });
    process.stdout.write(values.json ? `${JSON.stringify(r, null, 2)}\n` : formatReportText(r));
    return 0;
  });
}

/** `staffing`: Erlang C for one hour's figures, no database needed. */
function staffingCommand(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      'per-hour': { type: 'string' },
      aht: { type: 'string' },
      target: { type: 'string' },
      within: { type: 'string' },
      shrinkage: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const r = service.staffingFromArgs(values);
  if (!r.ok) throw new UsageError(r.message);
  process.stdout.write(
    values.json ? `${JSON.stringify(r.result, null, 2)}\n` : service.formatStaffingText(r.result, Number(values.shrinkage ?? 0)),
  );
  return 0;
}

/** `customers rfm|export`: a shop's RFM segments as of a day, or its customers (one segment) to a file. */
async function customersCommand(sub: string | undefined, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { shop: { type: 'string' }, date: { type: 'string' }, json: { type: 'boolean' }, segment: { type: 'string' } },
  });
  if (values.date !== undefined && !isBusinessDay(values.date)) throw new UsageError(`--date 应为日期 YYYY-MM-DD，收到「${values.date}」`);
  if (sub !== 'rfm' && sub !== 'export') throw new UsageError('用法：yunying customers rfm|export --shop <店铺> …');
  const file = sub === 'export' ? need(positionals[0], '<文件.csv|.xlsx>') : '';
  if (sub === 'export' && !/\.(csv|xlsx)$/i.test(file)) throw new UsageError('导出文件名须以 .csv 或 .xlsx 结尾');
  return withDb(async (database, orgId) => {
    const shop = await shops.findByIdOrName(database.db, orgId, need(values.shop, '--shop'));
    if (sub === 'rfm') {
      const r = await customers.rfmReport(database.db, cliActor(orgId), shop.id, values.date);
      process.stdout.write(values.json ? `${JSON.stringify(r, null, 2)}\n` : customers.formatRfmText(r));
      return 0;
    }
    const segment = values.segment ? customers.segmentByName(values.segment) : undefined;
    const { rows } = await customers.exportCustomersFile(database.db, cliActor(orgId), file, { shopId: shop.id, segment });
    process.stdout.write(`已导出 ${rows} 位客户到 ${file}\n`);
    return 0;
  });
}

function formatCounts(t: Record<string, number>): string {
  return Object.entries(t)
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n');
}

async function userCommand(sub: string | undefined, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', multiple: true },
      password: { type: 'string' },
      shop: { type: 'string', multiple: true },
    },
  });
  if (sub === 'create') {
    return withDb(async (database, orgId) => {
      const actor = systemActor(orgId, '命令行');
      const roleRefs = values.role ?? [];
      if (roleRefs.length === 0) throw new UsageError('缺少参数 --role（如 owner、operator、service，或角色名称）');
      const roleIds: string[] = [];
      for (const ref of roleRefs) {
        const r = await roles.findRoleByCodeOrName(database.db, orgId, ref);
        if (!r) throw new UsageError(`找不到角色「${ref}」`);
        roleIds.push(r.id);
      }
      const shopIds: string[] = [];
      for (const ref of values.shop ?? []) shopIds.push((await shops.findByIdOrName(database.db, orgId, ref)).id);
      const generated = !values.password;
      const password = values.password ?? randomPassword();
      validate(PasswordSchema, password, () => '--password');
      const user = await database.db.transaction().execute((trx) =>
        users.createUser(trx, actor, {
          username: need(values.username, '--username'),
          displayName: values.name ?? values.username!,
          password,
          roleIds,
          shopIds,
          allShops: shopIds.length === 0,
        }),
      );
      process.stdout.write(`已创建用户 ${user.username}（${user.id}）${generated ? `，初始密码：${password}` : ''}\n`);
      return 0;
    });
  }
  if (sub === 'reset-password') {
    return withDb(async (database, orgId) => {
      const username = need(values.username, '--username');
      const u = await users.findByUsername(database.db, username);
      if (!u) throw new UsageError(`找不到用户「${username}」`);
      const password = values.password ?? randomPassword();
      validate(PasswordSchema, password, () => '--password');
      await database.db.transaction().execute((trx) => users.resetPassword(trx, systemActor(orgId, '命令行'), u.id, password));
      process.stdout.write(`已重置 ${username} 的密码${values.password ? '' : `，新密码：${password}`}；该用户的登录锁定也已解除。\n`);
      return 0;
    });
  }
  throw new UsageError('用法：yunying user create|reset-password …');
}

async function shopCommand(sub: string | undefined, args: string[]): Promise<number> {
  if (sub === 'create') {
    const { values } = parseArgs({
      args,
      options: { name: { type: 'string' }, channel: { type: 'string' }, timezone: { type: 'string' } },
    });
    const input = validate(CreateShopBody, {
      name: values.name ?? '',
      channel: values.channel,
      timezone: values.timezone ?? 'Asia/Shanghai',
    });
    return withDb(async (database, orgId) => {
      const shop = await database.db.transaction().execute((trx) => shops.createShop(trx, systemActor(orgId, '命令行'), input));
      process.stdout.write(`${shop.id}\n`);
      return 0;
    });
  }
  if (sub === 'list') {
    return withDb(async (database, orgId) => {
      const list = await shops.listVisible(database.db, systemActor(orgId, '命令行'));
      if (list.length === 0) process.stdout.write('还没有店铺。用 yunying shop create --name <名称> --channel <渠道> 创建。\n');
      for (const s of list) process.stdout.write(`${s.id}\t${s.channel}\t${s.timezone}\t${s.status}\t${s.name}\n`);
      return 0;
    });
  }
  throw new UsageError('用法：yunying shop create|list …');
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`错误：${err.message}\n\n运行 yunying help 查看用法。\n`);
      process.exit(2);
    }
    if (err instanceof AppError) {
      process.stderr.write(`错误：${err.message}\n`);
      process.exit(1);
    }
    const storage = storageProblem(err);
    process.stderr.write(`错误：${storage ?? (err instanceof Error ? err.message : String(err))}\n`);
    if (storage) process.stderr.write(`（${err instanceof Error ? err.message : String(err)}）\n`);
    process.exit(1);
  },
);
