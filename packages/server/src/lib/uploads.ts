/**
 * Saving an uploaded multipart file to disk without trusting the body to be well formed.
 *
 * When a request body ends inside a file part (cut off, or sent so on purpose), the multipart
 * parser reports it on the part's stream at once, often before the handler has started reading
 * that stream; the stream then neither ends nor fails and a plain `pipeline(part.file, …)` waits
 * for ever, holding the request, an open file and the upload. Here a part the parser has already
 * given up on is refused at once, and the copy also ends when the whole body has arrived and the
 * part's stream has stopped giving bytes: the upload is refused in Chinese (400) and the partial
 * file removed.
 */
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@yunying/core';
import type { FastifyRequest } from 'fastify';

const TICK_MS = 250;
/** Ticks without a byte, body complete and nothing buffered, before the part counts as cut off. */
const STALLED_TICKS = 3;

export function truncatedUpload(): AppError {
  return new AppError('validation_failed', '上传的内容不完整或格式不正确（可能是网络中断）：请重新选择文件上传。');
}

/** Copy a multipart file part to `dest`; a body that ends inside the part is a 400, not a hang. */
export async function savePart(file: Readable, dest: string, request: IncomingMessage): Promise<void> {
  // Already given up on by the parser (the body ended inside the part) before we got to it.
  if (file.destroyed && !file.readableEnded) throw truncatedUpload();
  let bytes = 0;
  let seen = -1;
  let still = 0;
  file.on('data', (c: Buffer) => (bytes += c.length));
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const bodyDone = request.complete || request.readableEnded;
      // Ended (all bytes pushed) but not yet read to its end does not count: the copy is just slow.
      const ended = file.readableEnded || (file as unknown as { _readableState?: { ended?: boolean } })._readableState?.ended === true;
      if (file.destroyed && !file.readableEnded) still = STALLED_TICKS;
      else if (bodyDone && bytes === seen && file.readableLength === 0 && !ended) still++;
      else still = 0;
      seen = bytes;
      if (still >= STALLED_TICKS) {
        const err = truncatedUpload();
        file.destroy(err);
        reject(err);
      }
    }, TICK_MS);
  });
  stalled.catch(() => {});
  try {
    await Promise.race([pipeline(file, fs.createWriteStream(dest)), stalled]);
  } catch (err) {
    fs.rmSync(dest, { force: true });
    const code = (err as { code?: string }).code;
    if (code === 'ERR_STREAM_PREMATURE_CLOSE' || /terminated early|Unexpected end/.test((err as Error).message ?? ''))
      throw truncatedUpload();
    throw err;
  } finally {
    clearInterval(timer);
  }
}

/** One uploaded file read into memory (small uploads: product import, images, batch shipping); over `maxBytes` is a Chinese 413. */
export async function uploadedFile(req: FastifyRequest, maxBytes: number, what: string): Promise<{ filename: string; buffer: Buffer }> {
  if (!req.isMultipart()) throw new AppError('validation_failed', `请以 multipart/form-data 上传${what}（表单字段 file）`);
  const part = await req.file({ limits: { fileSize: maxBytes, files: 1 } });
  if (!part) throw new AppError('validation_failed', `没有收到文件，请选择${what}后再上传`);
  try {
    return { filename: part.filename, buffer: await part.toBuffer() };
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new AppError(
        'payload_too_large',
        `${what}「${part.filename}」超过 ${Math.round(maxBytes / 1024 / 1024)} MB，请压缩或拆分后再上传`,
      );
    throw err;
  }
}
