/**
 * What `yunying customers …` prints and writes: the RFM thresholds used and each segment's
 * customer count for a shop as of a day; the export of a shop's customers (optionally one
 * segment) to .csv or .xlsx.
 */
import { AppError, RFM_SEGMENT_LABELS, RFM_SEGMENTS, summariseSegments, type RfmSegment } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { writeSheetFile } from '../../lib/sheets.js';
import { CUSTOMER_EXPORT_HEADERS, CUSTOMER_SHEET, exportRows } from './customers.export.js';
import { openShop, scoreShop } from './customers.rfm.js';

/** A segment by its code (important_retain) or Chinese name (重要挽留 / 重要挽留客户). */
export function segmentByName(raw: string): RfmSegment {
  const s = raw.trim();
  const hit = RFM_SEGMENTS.find((k) => k === s || RFM_SEGMENT_LABELS[k].zh === s || RFM_SEGMENT_LABELS[k].zh === `${s}客户`);
  if (!hit)
    throw new AppError(
      'validation_failed',
      `未知的 RFM 分群「${raw}」，可用：${RFM_SEGMENTS.map((k) => `${k}（${RFM_SEGMENT_LABELS[k].zh}）`).join('、')}`,
    );
  return hit;
}

export async function rfmReport(db: Kysely<DB>, actor: Actor, shopId: string, asOf?: string) {
  const shop = await openShop(db, actor, shopId);
  const day = asOf ?? shop.today;
  const res = await scoreShop(db, shop.id, day);
  return {
    shop: { id: shop.id, name: shop.name },
    asOf: day,
    customers: res.customers.length,
    thresholds: res.thresholds,
    thresholdsAreAverages: res.thresholdsAreAverages,
    segments: summariseSegments(res.customers).map((s) => ({
      segment: s.segment,
      name: RFM_SEGMENT_LABELS[s.segment].zh,
      customers: s.customers,
    })),
  };
}

export function formatRfmText(r: Awaited<ReturnType<typeof rfmReport>>): string {
  const t = r.thresholds;
  const lines = [
    `${r.shop.name}  截至 ${r.asOf}  付款客户 ${r.customers} 位`,
    `门槛（${r.thresholdsAreAverages ? '店铺平均值' : '店铺自定义'}）：R ≤ ${t.recencyDays.toFixed(2)} 天，F ≥ ${t.frequency.toFixed(2)} 单，M ≥ ¥${(t.monetaryFen / 100).toFixed(2)}`,
    ...r.segments.map((s) => `  ${s.name.padEnd(8, '　')} ${String(s.customers).padStart(7)}`),
  ];
  return `${lines.join('\n')}\n`;
}

export async function exportCustomersFile(
  db: Kysely<DB>,
  actor: Actor,
  file: string,
  opts: { shopId: string; segment?: RfmSegment | undefined },
): Promise<{ rows: number }> {
  const rows = await exportRows(db, actor, { shopId: opts.shopId, list: 'all', segment: opts.segment });
  await writeSheetFile(file, CUSTOMER_EXPORT_HEADERS, rows, CUSTOMER_SHEET);
  return { rows: rows.length };
}
