/**
 * Order import from the platforms' export files. Streams rows, groups them into orders, and writes
 * 1,000 orders per transaction with multi-row inserts and one lookup per batch for existing
 * orders, lines and SKUs. Idempotent on (shop, order number): the same file again changes nothing;
 * a later export updates status, times, logistics and refunds and notes the change on the order.
 * Bad rows are reported (file, row, column, value, reason) and skipped; good rows are imported.
 *
 * A batch's orders, their lines, their stock moves, its bad-row reports and the job's checkpoint
 * (counts and the last row done) commit in one transaction. So whenever the process stops, every
 * stored order has its lines, the job's counts equal what is stored, and a resumed run reads on
 * after the last committed row: nothing twice, nothing missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError, fileSpec, newId, showControlChars, type ImportFileKind } from '@yunying/core';
import type { Kysely, Transaction } from 'kysely';
import { GrowthAnalyzer, insertBatched } from '../../../db/kit.js';
import type { DB } from '../../../db/schema.js';
import type { Actor } from '../../../http/actor.js';
import * as audit from '../../audit/index.js';
import * as shops from '../../shops/index.js';
import { readFile, type CommitPoint } from './import.batches.js';
import {
  END_OF_FILE,
  ErrorSink,
  FILE_LABEL,
  zeroCounts,
  type Ctx,
  type ImportCheckpoint,
  type ImportCounts,
  type ImportOptions,
  type ImportRun,
  type ImportSummary,
  type ProgressFn,
} from './import.context.js';
import { flushItems } from './import.lines.js';
import { flushOrders } from './import.orders.js';
import type { FileEncoding } from './reader.js';

export { BATCH_ORDERS, MAX_STORED_ERRORS } from './import.context.js';
export type { ImportCheckpoint, ImportCounts, ImportOptions, ImportRun, ImportSummary, ProgressFn } from './import.context.js';

/**
 * Run an import in this process. `onProgress` gets bytes read / total bytes and the counts so far.
 * `run` ties it to its job: the checkpoint written with each batch, where a resumed run goes on
 * from, and the signal that stops it after the batch at hand.
 */
export async function runImport(
  db: Kysely<DB>,
  actor: Actor,
  opts: ImportOptions,
  onProgress?: ProgressFn,
  run: ImportRun = {},
): Promise<ImportSummary> {
  const resume = run.resume ?? null;
  // The closing step had committed: only the final status was not written.
  if (resume?.summary) return resume.summary;
  const started = resume?.startedAt ?? Date.now();
  const shop = await shops.getVisible(db, actor, opts.shopId);
  if (opts.itemsFile && opts.format !== 'taobao') {
    throw new AppError(
      'validation_failed',
      '只有淘宝/天猫格式需要单独的宝贝明细文件；其他平台的订单导出每行就是一个商品，请只上传订单文件。',
    );
  }
  const counts: ImportCounts = resume ? { ...resume.counts } : zeroCounts();
  const errors = new ErrorSink(opts.jobId);
  if (resume) {
    errors.restore(resume);
    await db.deleteFrom('import_errors').where('job_id', '=', opts.jobId).where('seq', '>', resume.errorSeq).execute();
  } else {
    await db.deleteFrom('import_errors').where('job_id', '=', opts.jobId).execute();
  }
  const c: Ctx = {
    db,
    actor,
    shop,
    opts,
    counts,
    errors,
    actorName: actor.via === 'system' ? actor.username : actor.displayName,
    warehouseId: null,
    jobStart: started,
    run,
    statistics: new GrowthAnalyzer(db, ['orders', 'order_lines']),
  };
  // Never a server path in a message: the user knows the file by the name they uploaded.
  const missing = (kind: ImportFileKind, file: string) => {
    const name = opts.names?.[kind] ?? path.basename(file);
    return new AppError(
      'not_found',
      `找不到${FILE_LABEL[kind]}「${showControlChars(name)}」：服务器上已没有这个文件，请重新上传后再导入（已导入的订单不会重复）。`,
      { file: kind },
    );
  };
  if (!fs.existsSync(opts.file)) throw missing('orders', opts.file);
  if (opts.itemsFile && !fs.existsSync(opts.itemsFile)) throw missing('items', opts.itemsFile);
  const ordersSize = fs.statSync(opts.file).size;
  const itemsSize = opts.itemsFile ? fs.statSync(opts.itemsFile).size : 0;
  const total = ordersSize + itemsSize;
  let processed = 0;
  const report = () => {
    counts.errors = errors.count;
    onProgress?.(processed, total, { ...counts });
  };
  let lastReport = 0;
  const onBytes = (n: number) => {
    processed += n;
    const now = Date.now();
    if (now - lastReport > 200) {
      lastReport = now;
      report();
    }
  };

  const encodings: ImportCheckpoint['encodings'] = { ...resume?.encodings };
  const checkpointAt = (at: Omit<CommitPoint, 'encoding'>): ImportCheckpoint => {
    counts.errors = errors.count;
    return {
      counts: { ...counts },
      file: at.file,
      afterRow: at.afterRow,
      fileDone: at.fileDone,
      encodings: { ...encodings },
      startedAt: started,
      errorSeq: errors.seq,
      errorsStored: errors.stored,
    };
  };
  const commit = async (trx: Transaction<DB>, at: CommitPoint) => {
    encodings[at.file] = at.encoding;
    await run.checkpoint?.(trx, checkpointAt(at));
  };
  /** Where to go on in a file: 0 = from the start, END_OF_FILE = done. */
  const resumeAfter = (kind: ImportFileKind): number => {
    if (!resume) return 0;
    if (resume.file === kind) return resume.fileDone ? END_OF_FILE : resume.afterRow;
    return kind === 'orders' && resume.file === 'items' ? END_OF_FILE : 0;
  };

  const ordersSpec = fileSpec(opts.format, 'orders');
  let encOrders: FileEncoding;
  if (resumeAfter('orders') === END_OF_FILE && encodings.orders) {
    encOrders = encodings.orders;
    processed += ordersSize;
  } else {
    encOrders = await readFile(c, {
      kind: 'orders',
      file: opts.file,
      onBytes,
      write: (trx, g) => flushOrders(trx, c, ordersSpec, g),
      commit,
      report,
      resumeAfter: resumeAfter('orders'),
    });
  }
  let encItems: FileEncoding | undefined;
  if (opts.format === 'taobao' && opts.itemsFile) {
    if (resumeAfter('items') === END_OF_FILE && encodings.items) encItems = encodings.items;
    else
      encItems = await readFile(c, {
        kind: 'items',
        file: opts.itemsFile,
        onBytes,
        write: (trx, g) => flushItems(trx, c, g),
        commit,
        report,
        resumeAfter: resumeAfter('items'),
      });
  }

  // The closing step commits with the final checkpoint, so it happens exactly once too.
  const summary = await db.transaction().execute(async (trx) => {
    if (opts.format === 'taobao') {
      // Orders created by this job whose items never came: imported, with a note on the order.
      const orphans = await trx
        .selectFrom('orders')
        .select('id')
        .where('shop_id', '=', shop.id)
        .where('source', '=', 'import')
        .where('created_at', '>=', started)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('order_lines').select('order_lines.id').whereRef('order_lines.order_id', '=', 'orders.id'))),
        )
        .execute();
      counts.ordersWithoutItems = orphans.length;
      const now = Date.now();
      const note = opts.itemsFile
        ? '导入时宝贝明细文件中没有这个订单的商品，订单已导入但没有商品行：请补充导入包含该订单的宝贝报表。'
        : '只导入了订单报表，没有宝贝明细：请再导入同一时间段的宝贝报表以补全商品行。';
      await insertBatched(
        trx,
        'order_events',
        orphans.map((o) => ({
          id: newId('orderEvent'),
          order_id: o.id,
          type: 'note',
          from_status: null,
          to_status: null,
          note,
          actor_name: c.actorName,
          at: now,
        })),
      );
    }
    await errors.flush(trx);
    counts.errors = errors.count;
    const unmatched = await trx
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('orders.shop_id', '=', shop.id)
      .where('order_lines.sku_id', 'is', null)
      .executeTakeFirst();
    counts.unmatchedLines = Number(unmatched?.n ?? 0);
    const result: ImportSummary = {
      ...counts,
      jobId: opts.jobId,
      shopId: shop.id,
      format: opts.format,
      encoding: encItems ? { orders: encOrders, items: encItems } : { orders: encOrders },
      durationMs: Date.now() - started,
      errorsStored: errors.stored,
    };
    await audit.record(trx, actor, 'orders.import', {
      entityType: 'job',
      entityId: opts.jobId,
      shopId: shop.id,
      after: {
        format: opts.format,
        ordersCreated: counts.ordersCreated,
        ordersUpdated: counts.ordersUpdated,
        errors: counts.errors,
        moveStock: !!opts.moveStock,
      },
    });
    const last: ImportFileKind = opts.format === 'taobao' && opts.itemsFile ? 'items' : 'orders';
    await run.checkpoint?.(trx, { ...checkpointAt({ file: last, afterRow: END_OF_FILE, fileDone: true }), summary: result });
    return result;
  });
  onProgress?.(total, total, { ...counts });
  return summary;
}
