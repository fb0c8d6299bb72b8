/**
 * `yunying staffing …` (Erlang C, no database) and the text `yunying import chats …` prints.
 */
import { staffing, staffingInputProblem, type StaffingResult } from '@yunying/core';
import type { ChatImportSummary } from './service.service.js';

export interface StaffingArgs {
  'per-hour'?: string | undefined;
  aht?: string | undefined;
  target?: string | undefined;
  within?: string | undefined;
  shrinkage?: string | undefined;
}

/** Parse the flags; returns the result or a Chinese message naming the flag to fix. */
export function staffingFromArgs(a: StaffingArgs): { ok: true; result: StaffingResult } | { ok: false; message: string } {
  const num = (flag: keyof StaffingArgs, required: boolean): number | undefined | string => {
    const raw = a[flag];
    if (raw === undefined) return required ? `缺少参数 --${flag}` : undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) return `--${flag} 应为数字，收到「${raw}」`;
    return n;
  };
  const vals = {
    perHour: num('per-hour', true),
    ahtSeconds: num('aht', true),
    target: num('target', true),
    withinSeconds: num('within', true),
    shrinkage: num('shrinkage', false),
  };
  for (const v of Object.values(vals)) if (typeof v === 'string') return { ok: false, message: v };
  const input = vals as { perHour: number; ahtSeconds: number; target: number; withinSeconds: number; shrinkage?: number };
  const problem = staffingInputProblem(input);
  if (problem) return { ok: false, message: problem };
  return { ok: true, result: staffing(input) };
}

export function formatStaffingText(r: StaffingResult, shrinkage: number): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return (
    [
      `话务量 ${r.load.toFixed(2)} Erlang`,
      `需在线客服 ${r.agents} 人：服务水平 ${pct(r.serviceLevel)}，需排队概率 ${pct(r.pWait)}，平均应答 ${r.asaSeconds.toFixed(1)} 秒，占用率 ${pct(r.occupancy)}`,
      `考虑缺勤率 ${pct(shrinkage)} 后需排班 ${r.scheduled} 人`,
    ].join('\n') + '\n'
  );
}

export function formatChatImportText(s: ChatImportSummary): string {
  const lines = [`读取 ${s.rows} 行：新增会话 ${s.created}，更新 ${s.updated}，未变 ${s.unchanged}，被拒绝的行 ${s.errors}。`];
  for (const e of s.errorRows.slice(0, 50)) lines.push(`  第 ${e.rowNo} 行 ${e.column}「${e.value}」：${e.reason}`);
  if (s.errors > 50) lines.push(`  …… 另有 ${s.errors - 50} 行`);
  return `${lines.join('\n')}\n`;
}
