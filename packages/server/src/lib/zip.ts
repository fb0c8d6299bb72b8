/**
 * Reading a user's zip file (an XLSX workbook) without trusting it. The central directory is read
 * by hand (sizes, methods, where each entry's data lies) so that limits are checked before a
 * single byte is inflated, and an entry is inflated as a stream whose output is counted: the
 * directory's sizes are only claims, so an entry that inflates to more than its directory says is
 * cut off at the first byte too many. Memory stays at one chunk whatever the file claims or holds.
 */
import fs from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

/** Random access to the bytes of an uploaded file, in memory or on disk. */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  /** The bytes [start, end) as a stream. */
  stream(start: number, end: number): Readable;
  close(): Promise<void>;
}

export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: async (pos, len) => buf.subarray(pos, Math.min(buf.length, pos + len)),
    stream: (start, end) => {
      // One chunk at a time so a stored (uncompressed) entry is handed on in pieces too.
      const part = buf.subarray(start, end);
      async function* chunks() {
        for (let i = 0; i < part.length; i += 64 * 1024) yield part.subarray(i, i + 64 * 1024);
      }
      return Readable.from(chunks(), { objectMode: false });
    },
    close: async () => {},
  };
}

export async function fileSource(file: string): Promise<ByteSource> {
  const handle = await fs.promises.open(file, 'r');
  const { size } = await handle.stat();
  return {
    size,
    read: async (pos, len) => {
      const n = Math.max(0, Math.min(len, size - pos));
      const buf = Buffer.alloc(n);
      let done = 0;
      while (done < n) {
        const { bytesRead } = await handle.read(buf, done, n - done, pos + done);
        if (!bytesRead) break;
        done += bytesRead;
      }
      return buf.subarray(0, done);
    },
    stream: (start, end) =>
      end > start ? fs.createReadStream(file, { start, end: end - 1, highWaterMark: 64 * 1024 }) : Readable.from([]),
    close: () => handle.close(),
  };
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  compressedSize: number;
  /** Uncompressed size as the central directory claims it. */
  size: number;
  localOffset: number;
}

export interface ZipLimits {
  maxEntries: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CDH = 0x02014b50;
const LFH = 0x04034b50;

/** A zip file that cannot be read as one: the caller words it for the kind of file it expected. */
export class ZipFormatError extends Error {}

/** More entries (or a larger directory) than `ZipLimits.maxEntries` allows. */
export class ZipTooManyEntries extends Error {
  constructor(readonly count: number) {
    super(`too many zip entries: ${count}`);
  }
}

function u64(buf: Buffer, at: number): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('zip64 size out of range');
  return Number(v);
}

/** The entries of the central directory, checked to lie inside the file. */
export async function readZipDirectory(src: ByteSource, limits: ZipLimits): Promise<{ entries: ZipEntry[]; directoryOffset: number }> {
  const tailLen = Math.min(src.size, 22 + 0xffff);
  const tail = await src.read(src.size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD && i + 22 + tail.readUInt16LE(i + 20) <= tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError('no end of central directory');
  const eocdPos = src.size - tailLen + at;
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  let end = eocdPos;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locAt = eocdPos - 20;
    const loc = locAt >= 0 ? await src.read(locAt, 20) : Buffer.alloc(0);
    if (loc.length < 20 || loc.readUInt32LE(0) !== EOCD64_LOCATOR) throw new ZipFormatError('zip64 locator missing');
    const rec64At = u64(loc, 8);
    const rec = await src.read(rec64At, 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== EOCD64) throw new ZipFormatError('zip64 end record missing');
    count = u64(rec, 32);
    cdSize = u64(rec, 40);
    cdOffset = u64(rec, 48);
    end = rec64At;
  }
  // Checked before the directory is read: its size is the file's claim too.
  if (count > limits.maxEntries || cdSize > limits.maxEntries * 1024) throw new ZipTooManyEntries(count);
  if (cdOffset + cdSize > end) throw new ZipFormatError('central directory outside the file');
  const cd = await src.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CDH) throw new ZipFormatError('bad central directory entry');
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    if (p + 46 + nameLen + extraLen + commentLen > cd.length) throw new ZipFormatError('bad central directory entry');
    const name = cd.subarray(p + 46, p + 46 + nameLen).toString(flags & 0x800 ? 'utf8' : 'latin1');
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      // Zip64 extended information: only the fields whose 32-bit value is saturated, in this order.
      const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
      let q = 0;
      let found = false;
      while (q + 4 <= extra.length) {
        const id = extra.readUInt16LE(q);
        const len = extra.readUInt16LE(q + 2);
        if (id === 0x0001) {
          let r = q + 4;
          const next = () => {
            if (r + 8 > q + 4 + len) throw new ZipFormatError('short zip64 field');
            const v = u64(extra, r);
            r += 8;
            return v;
          };
          if (size === 0xffffffff) size = next();
          if (compressedSize === 0xffffffff) compressedSize = next();
          if (localOffset === 0xffffffff) localOffset = next();
          found = true;
          break;
        }
        q += 4 + len;
      }
      if (!found) throw new ZipFormatError('zip64 field missing');
    }
    if (localOffset + 30 + compressedSize > cdOffset) throw new ZipFormatError(`entry ${name} outside the file`);
    entries.push({ name, method, flags, compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return { entries, directoryOffset: cdOffset };
}

/** Where an entry's data starts (after its local header), checked to end before the directory. */
async function dataStart(src: ByteSource, e: ZipEntry, directoryOffset: number): Promise<number> {
  const h = await src.read(e.localOffset, 30);
  if (h.length < 30 || h.readUInt32LE(0) !== LFH) throw new ZipFormatError(`bad local header for ${e.name}`);
  const start = e.localOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
  if (start + e.compressedSize > directoryOffset) throw new ZipFormatError(`entry ${e.name} outside the file`);
  return start;
}

/** Why an entry's inflated bytes were refused (thrown as `EntryError`). */
export type EntryProblem = 'encrypted' | 'method' | 'size_mismatch' | 'corrupt';

export class EntryError extends Error {
  constructor(
    readonly problem: EntryProblem,
    readonly entry: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An entry's inflated bytes, chunk by chunk. The output is counted as it comes: more bytes than
 * the directory's size (a lying directory: the zip bomb's trick) stop the inflation at once, fewer
 * mean a damaged file. `onCompressed` reports the compressed bytes read (progress).
 */
export async function* entryChunks(
  src: ByteSource,
  e: ZipEntry,
  directoryOffset: number,
  onCompressed: (n: number) => void = () => {},
): AsyncGenerator<Buffer> {
  if (e.flags & 0x1) throw new EntryError('encrypted', e.name, 'encrypted entry');
  if (e.method !== 0 && e.method !== 8) throw new EntryError('method', e.name, `compression method ${e.method}`);
  if (e.method === 0 && e.compressedSize !== e.size) throw new EntryError('size_mismatch', e.name, 'stored size mismatch');
  const start = await dataStart(src, e, directoryOffset);
  const raw = src.stream(start, start + e.compressedSize);
  raw.on('data', (c: Buffer) => onCompressed(c.length));
  const out: Readable = e.method === 8 ? raw.pipe(zlib.createInflateRaw({ chunkSize: 64 * 1024 })) : raw;
  if (out !== raw) raw.on('error', (err) => out.destroy(err));
  let n = 0;
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > e.size) throw new EntryError('size_mismatch', e.name, `inflates to more than the ${e.size} bytes its directory claims`);
      yield chunk;
    }
  } catch (err) {
    if (err instanceof EntryError) throw err;
    throw new EntryError('corrupt', e.name, err instanceof Error ? err.message : String(err));
  } finally {
    raw.destroy();
    out.destroy();
  }
  if (n !== e.size) throw new EntryError('size_mismatch', e.name, `inflates to ${n} bytes, its directory claims ${e.size}`);
}

/** A whole (small) entry in memory; the caller has checked `e.size` against its limit. */
export async function entryBuffer(src: ByteSource, e: ZipEntry, directoryOffset: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of entryChunks(src, e, directoryOffset)) parts.push(c);
  return Buffer.concat(parts);
}
