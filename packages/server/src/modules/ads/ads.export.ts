/**
 * 推广资源汇总表 (domain.md §9): an XLSX workbook of a shop's period — 推广汇总 (one row per ad
 * tool plus 淘宝客 and a 合计 row), 计划明细 (one row per plan), 每日 (one row per day) — with
 * Chinese headers, a frozen header row and real numbers in yuan / percent / count formats.
 */
import { type AdPeriodInput } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { toXlsxBook, type Cell } from '../../lib/sheets.js';
import * as shops from '../shops/index.js';
import type { WithFigures } from './ads.figures.js';
import { overview, plansWithFigures } from './ads.service.js';

const MONEY = '¥#,##0.00';
const PCT = '0.00%';
const COUNT = '#,##0';
const DEC = '0.00';

/** The figure columns shared by the sheets: title, value, format. */
const FIGURES: [string, (f: WithFigures) => number | null, string][] = [
  ['展现量', (f) => f.impressions, COUNT],
  ['点击量', (f) => f.clicks, COUNT],
  ['点击率', (f) => f.ctr, PCT],
  ['平均点击花费（元）', (f) => (f.cpcFen === null ? null : f.cpcFen / 100), MONEY],
  ['花费（元）', (f) => f.spendFen / 100, MONEY],
  ['成交笔数', (f) => f.orders, COUNT],
  ['成交金额（元）', (f) => f.salesFen / 100, MONEY],
  ['转化率', (f) => f.cvr, PCT],
  ['ROI', (f) => f.roi, DEC],
  ['保本ROI', (f) => f.breakEvenRoi, DEC],
  ['ACoS', (f) => f.acos, PCT],
  ['单笔成交花费（元）', (f) => (f.costPerOrderFen === null ? null : f.costPerOrderFen / 100), MONEY],
  ['广告后利润（元）', (f) => (f.profitAfterAdsFen === null ? null : f.profitAfterAdsFen / 100), MONEY],
  ['收藏数', (f) => f.favs, COUNT],
  ['加购数', (f) => f.carts, COUNT],
];
const figureCells = (f: WithFigures): Cell[] => FIGURES.map(([, v]) => v(f));
const fmtAt = (lead: number) => (_r: number, c: number) => (c >= lead ? FIGURES[c - lead]![2] : undefined);

export const AD_SUMMARY_SHEET = '推广汇总';

export async function adSummaryWorkbook(db: Kysely<DB>, actor: Actor, q: AdPeriodInput): Promise<{ body: Buffer; fileName: string }> {
  const shop = await shops.getVisible(db, actor, q.shopId);
  const ov = await overview(db, actor, q);
  const plans = await plansWithFigures(db, actor, q.shopId, q.from, q.to);
  const tools: Cell[][] = ov.byTool.map((t) => [t.toolName, t.plans, ...figureCells(t)]);
  tools.push(['合计', ov.plans, ...figureCells(ov.totals)]);
  const taoke: Cell[][] = [
    ['淘宝客订单数', ov.taoke.orders],
    ['淘宝客付款金额（元）', ov.taoke.paidFen / 100],
    ['淘宝客佣金（元）', ov.taoke.commissionFen / 100],
    ['淘宝客 ROI（付款金额 / 佣金）', ov.taoke.roi],
    ['推广总成本（元，花费 + 佣金）', (ov.totals.spendFen + ov.taoke.commissionFen) / 100],
  ];
  const body = await toXlsxBook([
    {
      sheetName: AD_SUMMARY_SHEET,
      header: ['推广工具', '计划数', ...FIGURES.map(([t]) => t)],
      rows: [...tools, [], [`${shop.name}  ${q.from} 至 ${q.to}`], ...taoke],
      widths: { 0: 30 },
      numFmt: (r, c) => {
        if (r < tools.length) return c === 1 ? COUNT : fmtAt(2)(r, c);
        const i = r - tools.length - 2;
        if (c === 1 && i >= 0) return i === 0 ? COUNT : i === 3 ? DEC : MONEY;
        return undefined;
      },
    },
    {
      sheetName: '计划明细',
      header: ['推广工具', '计划名称', '状态', '日预算（元）', '出价（元）', ...FIGURES.map(([t]) => t)],
      rows: plans.map((p) => [
        p.toolName,
        p.name,
        p.status === 'active' ? '推广中' : '已暂停',
        p.dailyBudgetFen === null ? null : p.dailyBudgetFen / 100,
        p.bidFen === null ? null : p.bidFen / 100,
        ...figureCells(p),
      ]),
      widths: { 1: 28 },
      numFmt: (r, c) => (c === 3 || c === 4 ? MONEY : fmtAt(5)(r, c)),
    },
    {
      sheetName: '每日',
      header: ['日期', ...FIGURES.map(([t]) => t)],
      rows: ov.trend.map((d) => [d.day, ...figureCells(d)]),
      numFmt: fmtAt(1),
    },
  ]);
  return { body, fileName: `推广资源汇总表-${q.from}-${q.to}.xlsx` };
}
