/**
 * Raw tracker events of a shop over a range of business days, as CSV (UTF-8 with BOM, written
 * incrementally) or XLSX (ExcelJS streaming writer). Events are read a day at a time in batches of
 * EVENT_BATCH ordered by (at, id), so memory stays flat whatever the range. The file is written
 * under a temporary name and renamed when complete: an interrupted export leaves no half file.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { AppError, daysBetween, EVENT_TYPES, type EventType } from '@yunying/core';
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Actor } from '../../http/actor.js';
import { csvLine, formulaSafe, type Cell } from '../../lib/sheets.js';
import * as shopsSvc from '../shops/index.js';
import * as traffic from '../traffic/index.js';

export const EVENT_BATCH = 5000;
/** Data rows an XLSX sheet can hold (1,048,576 minus the header). */
const XLSX_MAX_ROWS = 1_048_575;

export const EVENT_EXPORT_HEADER = [
  '日期',
  '时间',
  '访客',
  '会话',
  '类型',
  '类型代码',
  '商品ID',
  '商品',
  '来源',
  '来源代码',
  '页面',
  '来源页',
  '停留时长（毫秒）',
] as const;

const TYPE_ZH: Record<EventType, string> = {
  page_view: '浏览页面',
  product_view: '浏览商品',
  favorite: '收藏',
  add_to_cart: '加购',
  begin_checkout: '去结算',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Epoch ms as YYYY-MM-DD HH:mm:ss in a time zone. */
export function zonedTime(at: number, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(new Date(at))) p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

interface Sink {
  write(rows: Cell[][]): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
}

async function csvSink(file: string): Promise<Sink> {
  const out = fs.createWriteStream(file);
  await once(out, 'open');
  const put = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await put('\uFEFF' + csvLine([...EVENT_EXPORT_HEADER]));
  return {
    write: (rows) => put(rows.map(csvLine).join('')),
    close: async () => {
      out.end();
      await once(out, 'finish');
    },
    abort: async () => {
      out.destroy();
    },
  };
}

function xlsxSink(file: string): Sink {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true });
  wb.creator = '运营台';
  const ws = wb.addWorksheet('流量事件', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = EVENT_EXPORT_HEADER.map((_, i) => ({ width: [12, 20, 24, 28, 10, 14, 30, 30, 16, 14, 40, 40, 16][i] ?? 16 }));
  const head = ws.addRow([...EVENT_EXPORT_HEADER]);
  head.font = { bold: true };
  head.commit();
  let n = 0;
  return {
    write: async (rows) => {
      n += rows.length;
      if (n > XLSX_MAX_ROWS)
        throw new AppError('validation_failed', `事件超过 ${XLSX_MAX_ROWS} 行，超出 Excel 单个工作表的上限：请导出为 .csv，或缩短日期区间`);
      for (const r of rows) ws.addRow(r.map(formulaSafe)).commit();
    },
    close: async () => {
      ws.commit();
      await wb.commit();
    },
    abort: async () => {
      try {
        ws.commit();
        await wb.commit();
      } catch {
        // the partial file is removed by the caller
      }
    },
  };
}

export interface EventsExportOptions {
  shopId: string;
  from: string;
  to: string;
  /** Called after every batch: rows written so far, days done, days in all. */
  onProgress?: (rows: number, daysDone: number, days: number) => void;
  batchSize?: number;
}

export async function exportEventsFile(
  db: Kysely<DB>,
  actor: Actor,
  filePath: string,
  opts: EventsExportOptions,
): Promise<{ rows: number }> {
  const ext = path.extname(filePath).toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx')
    throw new AppError('validation_failed', `不支持的导出格式「${ext || '无扩展名'}」：文件名请以 .csv 或 .xlsx 结尾`);
  if (opts.from > opts.to) throw new AppError('validation_failed', `开始日期 ${opts.from} 晚于结束日期 ${opts.to}`);
  const shop = await shopsSvc.getVisible(db, actor, opts.shopId);
  const sources = new Map((await traffic.listSources(db, actor.orgId)).map((s) => [s.code, s.name]));
  const titles = new Map<string, string>();
  const batch = opts.batchSize ?? EVENT_BATCH;

  await fs.promises.mkdir(path.dirname(path.resolve(filePath)), { recursive: true });
  const tmp = `${filePath}.part`;
  const sink = ext === '.csv' ? await csvSink(tmp) : xlsxSink(tmp);
  let rows = 0;
  try {
    const days = daysBetween(opts.from, opts.to);
    for (const [i, day] of days.entries()) {
      let after: { at: number; id: string } | null = null;
      for (;;) {
        let q = db
          .selectFrom('events')
          .select(['id', 'day', 'at', 'visitor_id', 'session_id', 'type', 'product_id', 'source_code', 'url', 'referrer', 'dwell_ms'])
          .where('shop_id', '=', shop.id)
          .where('day', '=', day);
        if (after) {
          const a = after;
          q = q.where((eb) => eb.or([eb('at', '>', a.at), eb.and([eb('at', '=', a.at), eb('id', '>', a.id)])]));
        }
        const evs = await q.orderBy('at').orderBy('id').limit(batch).execute();
        if (!evs.length) break;
        const missing = [...new Set(evs.map((e) => e.product_id).filter((p): p is string => !!p && !titles.has(p)))];
        if (missing.length) {
          const ps = await db
            .selectFrom('products')
            .select(['id', 'title'])
            .where('org_id', '=', actor.orgId)
            .where('id', 'in', missing)
            .execute();
          for (const id of missing) titles.set(id, '');
          for (const p of ps) titles.set(p.id, p.title);
        }
        await sink.write(
          evs.map((e) => [
            e.day,
            zonedTime(Number(e.at), shop.timezone),
            e.visitor_id,
            e.session_id,
            (EVENT_TYPES as readonly string[]).includes(e.type) ? TYPE_ZH[e.type as EventType] : e.type,
            e.type,
            e.product_id ?? '',
            e.product_id ? (titles.get(e.product_id) ?? '') : '',
            sources.get(e.source_code) ?? e.source_code,
            e.source_code,
            e.url,
            e.referrer,
            Number(e.dwell_ms),
          ]),
        );
        rows += evs.length;
        opts.onProgress?.(rows, i, days.length);
        if (evs.length < batch) break;
        const last = evs[evs.length - 1]!;
        after = { at: Number(last.at), id: last.id };
      }
      opts.onProgress?.(rows, i + 1, days.length);
    }
    await sink.close();
    await fs.promises.rename(tmp, filePath);
  } catch (err) {
    await sink.abort();
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  return { rows };
}
