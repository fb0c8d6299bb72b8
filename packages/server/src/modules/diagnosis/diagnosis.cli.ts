/**
 * `yunying diagnose --shop <店铺> [--date YYYY-MM-DD] [--json]`: run the diagnosis for one shop
 * and day (default yesterday in the shop's zone), store its findings like the daily run, and print
 * the shop's open findings ranked by money at stake — kind, subject, startedOn, the evidence
 * figures and the action.
 */
import { parseArgs } from 'node:util';
import { AppError, FINDING_KIND_LABELS, formatFen, isBusinessDay, type EvidenceFigure, type Finding } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import * as shopsSvc from '../shops/index.js';
import { listFindings, runForActor } from './diagnosis.service.js';

export interface DiagnoseReport {
  shop: { id: string; name: string };
  date: string;
  run: { found: number; created: number; updated: number; skipped: number };
  findings: {
    id: string;
    kind: Finding['kind'];
    severity: Finding['severity'];
    subject: { type: Finding['subjectType']; id: string; name: string };
    startedOn: string;
    endedOn: string | null;
    moneyAtStakeFen: number;
    summary: string;
    evidence: EvidenceFigure[];
    causes: string[];
    action: Finding['action'];
  }[];
}

function usage(msg: string): never {
  throw new AppError('validation_failed', `${msg}\n用法：yunying diagnose --shop <店铺> [--date YYYY-MM-DD] [--json]`);
}

export async function diagnoseCli(
  db: Kysely<DB>,
  actor: Actor,
  args: string[],
  out: (s: string) => void,
  now = Date.now(),
): Promise<DiagnoseReport> {
  let values: { shop?: string; date?: string; json?: boolean };
  try {
    values = parseArgs({ args, options: { shop: { type: 'string' }, date: { type: 'string' }, json: { type: 'boolean' } } }).values;
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
  if (!values.shop) usage('缺少参数 --shop（店铺 id 或名称）');
  if (values.date !== undefined && !isBusinessDay(values.date)) usage(`--date 应为 YYYY-MM-DD，收到「${values.date}」`);
  const shop = await shopsSvc.findByIdOrName(db, actor.orgId, values.shop);
  const run = await runForActor(db, actor, shop.id, values.date, now);
  const findings: Finding[] = [];
  for (let page = 1; ; page++) {
    const p = await listFindings(db, actor, { shopId: shop.id, status: 'open', page, pageSize: 200 });
    findings.push(...p.items);
    if (p.items.length < 200) break;
  }
  const report: DiagnoseReport = {
    shop: { id: shop.id, name: shop.name },
    date: run.date,
    run: { found: run.found, created: run.created, updated: run.updated, skipped: run.skipped },
    findings: findings.map((f) => ({
      id: f.id,
      kind: f.kind,
      severity: f.severity,
      subject: { type: f.subjectType, id: f.subjectId, name: f.subjectName },
      startedOn: f.startedOn,
      endedOn: f.endedOn,
      moneyAtStakeFen: f.moneyAtStakeFen,
      summary: f.summary,
      evidence: f.evidence.figures,
      causes: f.causes,
      action: f.action,
    })),
  };
  out(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatDiagnoseText(report));
  return report;
}

const SEVERITY_ZH = { high: '高', medium: '中', low: '低' } as const;

function figure(f: EvidenceFigure): string {
  const v = (x: number) =>
    f.unit === 'fen'
      ? formatFen(x, { symbol: true })
      : f.unit === 'rate'
        ? `${(x * 100).toFixed(1)}%`
        : f.unit === 'days'
          ? `${x} 天`
          : f.unit === 'hours'
            ? `${x} 小时`
            : String(x);
  return f.before === null ? `${f.label} ${v(f.after)}` : `${f.label} ${v(f.before)} → ${v(f.after)}`;
}

export function formatDiagnoseText(r: DiagnoseReport): string {
  const lines = [
    `店铺诊断 ${r.shop.name}（截至 ${r.date}）：本次发现 ${r.run.found} 条，新增 ${r.run.created}，更新 ${r.run.updated}；未处理共 ${r.findings.length} 条`,
    '',
  ];
  r.findings.forEach((f, i) => {
    lines.push(
      `${i + 1}. [${SEVERITY_ZH[f.severity]}] ${FINDING_KIND_LABELS[f.kind].zh} · ${f.subject.name}  自 ${f.startedOn}${f.endedOn ? ` 至 ${f.endedOn}` : ''}  每天影响约 ${formatFen(f.moneyAtStakeFen, { symbol: true })}`,
    );
    lines.push(`   ${f.summary}`);
    lines.push(`   证据：${f.evidence.map(figure).join('；')}`);
    lines.push(`   建议：${f.action.label}（${f.action.path}）`);
  });
  return `${lines.join('\n')}\n`;
}
