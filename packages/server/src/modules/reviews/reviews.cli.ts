/** What `yunying import reviews …` prints. */
import type { ReviewImportSummary } from './reviews.service.js';

export function formatReviewImportText(s: ReviewImportSummary): string {
  const lines = [
    `读取 ${s.rows} 行：新增评价 ${s.created}，更新 ${s.updated}，未变 ${s.unchanged}；新的中差评提醒 ${s.alerts} 条；被拒绝的行 ${s.errors}。`,
  ];
  for (const e of s.errorRows.slice(0, 50)) lines.push(`  第 ${e.rowNo} 行 ${e.column}「${e.value}」：${e.reason}`);
  if (s.errors > 50) lines.push(`  …… 另有 ${s.errors - 50} 行`);
  return `${lines.join('\n')}\n`;
}
