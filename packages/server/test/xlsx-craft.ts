/**
 * Hand-made XLSX files for the file-security tests: a minimal zip writer, and deflate data that
 * inflates to gigabytes while costing a few megabytes and a few milliseconds to make.
 */
import zlib from 'node:zlib';

export interface CraftEntry {
  name: string;
  /** The entry's content (deflated here), or `deflated` ready-made raw deflate data. */
  data?: Buffer | string;
  deflated?: Buffer;
  /** What the entry truly inflates to (for `deflated`). */
  size?: number;
  /** What the central directory claims instead (a lying directory). */
  claimedSize?: number;
}

/** A zip of deflated entries, sizes in local headers and central directory alike. */
export function zip(entries: readonly CraftEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const raw = e.data === undefined ? undefined : Buffer.from(e.data);
    const deflated = e.deflated ?? zlib.deflateRawSync(raw ?? Buffer.alloc(0));
    const size = e.claimedSize ?? e.size ?? raw?.length ?? 0;
    const crc = raw ? zlib.crc32(raw) : 0;
    const name = Buffer.from(e.name, 'utf8');
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x800, 6);
    lh.writeUInt16LE(8, 8);
    lh.writeUInt32LE(crc, 14);
    lh.writeUInt32LE(deflated.length, 18);
    lh.writeUInt32LE(size, 22);
    lh.writeUInt16LE(name.length, 26);
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x800, 8);
    ch.writeUInt16LE(8, 10);
    ch.writeUInt32LE(crc, 16);
    ch.writeUInt32LE(deflated.length, 20);
    ch.writeUInt32LE(size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(offset, 42);
    locals.push(lh, name, deflated);
    central.push(ch, name);
    offset += lh.length + name.length + deflated.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/**
 * Raw deflate data inflating to head + unit × copies + tail. The unit is compressed once with a
 * full flush (byte-aligned blocks that refer to nothing before them), so its bytes can simply be
 * repeated: a 2.8 GB sheet costs about 3 MB and no time to make.
 */
export function deflateRepeated(head: string, unit: string, copies: number, tail: string): { deflated: Buffer; size: number } {
  const flush = { finishFlush: zlib.constants.Z_FULL_FLUSH, level: 9 };
  const h = zlib.deflateRawSync(Buffer.from(head), flush);
  const u = zlib.deflateRawSync(Buffer.from(unit), flush);
  const t = zlib.deflateRawSync(Buffer.from(tail));
  const parts: Buffer[] = [h];
  for (let i = 0; i < copies; i++) parts.push(u);
  parts.push(t);
  return { deflated: Buffer.concat(parts), size: Buffer.byteLength(head) + Buffer.byteLength(unit) * copies + Buffer.byteLength(tail) };
}

const NS = 'http://schemas.openxmlformats.org';
export const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${NS}/spreadsheetml/2006/main"><sheetData>`;
export const SHEET_TAIL = '</sheetData></worksheet>';

/** An inline-string cell row (no shared strings needed). */
export function xmlRow(r: number, cells: readonly string[]): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const col = (i: number) => String.fromCharCode(65 + i);
  return `<row r="${r}">${cells.map((c, i) => `<c r="${col(i)}${r}" t="inlineStr"><is><t>${esc(c)}</t></is></c>`).join('')}</row>`;
}

/** The parts around a worksheet that make a workbook Excel opens. */
export function workbookParts(sheet: CraftEntry): CraftEntry[] {
  return [
    {
      name: '[Content_Types].xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="${NS}/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${NS}/package/2006/relationships"><Relationship Id="rId1" Type="${NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${NS}/spreadsheetml/2006/main" xmlns:r="${NS}/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${NS}/package/2006/relationships"><Relationship Id="rId1" Type="${NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    },
    { ...sheet, name: 'xl/worksheets/sheet1.xml' },
  ];
}

/** A workbook of one sheet with these rows (inline strings). */
export function xlsxOf(rows: readonly (readonly string[])[]): Buffer {
  return zip(workbookParts({ name: 'sheet', data: SHEET_HEAD + rows.map((r, i) => xmlRow(i + 1, r)).join('') + SHEET_TAIL }));
}

/**
 * The probe's zip bomb: a workbook whose sheet inflates to `inflatedBytes` (2.8 GB by default)
 * behind a header row. `lie` makes the central directory claim a small size instead.
 */
export function xlsxBomb(header: readonly string[], opts: { inflatedBytes?: number; lie?: boolean } = {}): Buffer {
  const unit = xmlRow(
    2,
    header.map(() => '0'),
  ).repeat(
    Math.ceil(
      (1024 * 1024) /
        (xmlRow(
          2,
          header.map(() => '0'),
        ).length +
          1),
    ),
  );
  const copies = Math.ceil((opts.inflatedBytes ?? 2.8 * 1024 ** 3) / unit.length);
  const { deflated, size } = deflateRepeated(SHEET_HEAD + xmlRow(1, header), unit, copies, SHEET_TAIL);
  return zip(workbookParts({ name: 'sheet', deflated, size: Math.min(size, 0xffffffff), claimedSize: opts.lie ? 40_000 : undefined }));
}

/** A workbook whose sheet declares an entity in a DOCTYPE (XML bomb / external entity style). */
export function xlsxWithDoctype(header: readonly string[]): Buffer {
  const sheet =
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
    SHEET_HEAD.slice(SHEET_HEAD.indexOf('<worksheet')) +
    xmlRow(1, header) +
    `<row r="2"><c r="A2" t="inlineStr"><is><t>&b;</t></is></c></row>` +
    SHEET_TAIL;
  return zip(workbookParts({ name: 'sheet', data: sheet }));
}
