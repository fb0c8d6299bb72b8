/**
 * What `yunying report ads` and `yunying import ads` print: the per-plan figures of a period (JSON
 * keys as in docs/api.md) and the Chinese summary of an import.
 */
import { parseArgs } from 'node:util';
import { AD_FORMATS, AD_TOOLS, AppError, isBusinessDay, type AdFormat, type AdTool } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/dialect.js';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as shops from '../shops/index.js';
import { adviceDay, refreshAdvice } from './ads.advice.js';
import { importAdFile, importTaokeFile, type AdImportSummary } from './ads.import.js';
import { checkPeriod, plansWithFigures } from './ads.service.js';

type WithDb = <T>(fn: (database: Database, orgId: string) => Promise<T>) => Promise<T>;
type ActorOf = (orgId: string) => Actor;
const usage = (m: string) =>
  new AppError('validation_failed', `${m}\n用法：yunying report ads --shop <店铺> --from YYYY-MM-DD --to YYYY-MM-DD [--json]`);

/** `yunying report ads`: per-plan figures of a period, as text or JSON. */
export async function reportAdsCommand(args: string[], withDb: WithDb, actorOf: ActorOf): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { shop: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!values.shop) throw usage('缺少参数 --shop');
  for (const [flag, v] of [
    ['--from', values.from],
    ['--to', values.to],
  ] as const)
    if (!v || !isBusinessDay(v)) throw usage(`${flag} 应为日期 YYYY-MM-DD，收到「${v ?? ''}」`);
  return withDb(async (database, orgId) => {
    const shop = await shops.findByIdOrName(database.db, orgId, values.shop!);
    const r = await adsReport(database.db, actorOf(orgId), { shopId: shop.id, from: values.from!, to: values.to! });
    process.stdout.write(values.json ? `${JSON.stringify(r, null, 2)}\n` : formatAdsReportText(r));
    return 0;
  });
}

/** `yunying import ads`: one report file (or, with --format taoke, 淘宝客 orders); exit 2 when rows were refused. */
export async function importAdsCommand(
  values: { shop: string; format: string; tool?: string | undefined; json?: boolean | undefined },
  file: string,
  withDb: WithDb,
  actorOf: ActorOf,
): Promise<number> {
  const fileName = file.split(/[\\/]/).pop() ?? file;
  if (values.format !== 'taoke' && !(AD_FORMATS as readonly string[]).includes(values.format))
    throw new AppError('validation_failed', `--format 应为 ${[...AD_FORMATS, 'taoke'].join('|')} 之一`);
  if (values.tool && !(AD_TOOLS as readonly string[]).includes(values.tool))
    throw new AppError('validation_failed', `--tool 应为 ${AD_TOOLS.join('|')} 之一`);
  return withDb(async (database, orgId) => {
    const shop = await shops.findByIdOrName(database.db, orgId, values.shop);
    if (values.format === 'taoke') {
      const s = await importTaokeFile(database.db, actorOf(orgId), { shopId: shop.id, file, fileName });
      if (values.json) process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      else {
        process.stdout.write(`读取 ${s.rows} 行：导入淘宝客订单 ${s.imported} 笔，被拒绝的行 ${s.errorCount}。\n`);
        for (const e of s.errors.slice(0, 20)) process.stdout.write(`  第 ${e.rowNo} 行 ${e.column}「${e.value}」：${e.reason}\n`);
      }
      return s.errorCount ? 2 : 0;
    }
    const s = await importAdFile(database.db, actorOf(orgId), {
      shopId: shop.id,
      format: values.format as AdFormat,
      tool: (values.tool ?? null) as AdTool | null,
      file,
      fileName,
    });
    if (s.days.length) {
      const day = await adviceDay(database.db, shop.id, shop.timezone);
      if (day) await refreshAdvice(database.db, orgId, shop.id, day);
    }
    process.stdout.write(values.json ? `${JSON.stringify(s, null, 2)}\n` : importAdsSummaryText(s));
    return s.errorCount ? 2 : 0;
  });
}

const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);

/** Per plan: impressions, clicks, spendFen, orders, salesFen, ctr, cpcFen, cvr, roi, breakEvenRoi. */
export async function adsReport(db: Kysely<DB>, actor: Actor, opts: { shopId: string; from: string; to: string }) {
  checkPeriod(opts.from, opts.to);
  const plans = await plansWithFigures(db, actor, opts.shopId, opts.from, opts.to);
  return {
    shopId: opts.shopId,
    from: opts.from,
    to: opts.to,
    plans: plans
      .sort((a, b) => b.spendFen - a.spendFen || a.name.localeCompare(b.name))
      .map((p) => ({
        id: p.id,
        tool: p.tool,
        name: p.name,
        status: p.status,
        dailyBudgetFen: p.dailyBudgetFen,
        impressions: p.impressions,
        clicks: p.clicks,
        spendFen: p.spendFen,
        orders: p.orders,
        salesFen: p.salesFen,
        ctr: r4(p.ctr),
        cpcFen: p.cpcFen,
        cvr: r4(p.cvr),
        roi: r4(p.roi),
        breakEvenRoi: r4(p.breakEvenRoi),
        profitAfterAdsFen: p.profitAfterAdsFen,
      })),
  };
}

const yuan = (fen: number | null) => (fen === null ? '—' : `¥${(fen / 100).toFixed(2)}`);
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(2)}%`);
const dec = (x: number | null) => (x === null ? '—' : x.toFixed(2));

export function formatAdsReportText(r: Awaited<ReturnType<typeof adsReport>>): string {
  if (!r.plans.length) return `${r.from} 至 ${r.to} 没有推广计划。用 yunying import ads 导入推广报表。\n`;
  const lines = [`推广计划 ${r.from} 至 ${r.to}（${r.plans.length} 个）`];
  for (const p of r.plans)
    lines.push(
      `  ${p.name}［${p.tool}］ 展现 ${p.impressions} 点击 ${p.clicks} 点击率 ${pct(p.ctr)} 花费 ${yuan(p.spendFen)} 平均点击花费 ${yuan(p.cpcFen)} ` +
        `成交 ${p.orders} 笔 ${yuan(p.salesFen)} 转化率 ${pct(p.cvr)} ROI ${dec(p.roi)} 保本ROI ${dec(p.breakEvenRoi)}`,
    );
  return `${lines.join('\n')}\n`;
}

export function importAdsSummaryText(s: AdImportSummary): string {
  const lines = [
    `读取 ${s.rows} 行（表头在第 ${s.headerRow} 行，编码 ${s.encoding}）：导入 ${s.imported} 行，合计行跳过 ${s.skipped} 行，新建计划 ${s.plansCreated} 个；`,
    `日期：${s.days.length ? `${s.days[0]} 至 ${s.days[s.days.length - 1]}（${s.days.length} 天，这些天的同级数据已替换）` : '无'}；被拒绝的行 ${s.errorCount}。`,
  ];
  for (const e of s.errors.slice(0, 20)) lines.push(`  第 ${e.rowNo} 行 ${e.column}「${e.value}」：${e.reason}`);
  if (s.errorCount > 20) lines.push(`  …… 另有 ${s.errorCount - 20} 条错误`);
  return `${lines.join('\n')}\n`;
}
