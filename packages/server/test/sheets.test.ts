import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { csvLine, decodeText, detectFormat, formulaSafe, readSheet, toCsv, toXlsx, unFormulaSafe } from '../src/lib/sheets.js';
import { swallowedLines } from '../src/lib/text-files.js';
import { MAX_XML_RUN, SHEET_LIMITS, XmlGuard } from '../src/lib/xlsx-read.js';
import { openRows } from '../src/modules/orders/import/reader.js';
import { SHEET_HEAD, SHEET_TAIL, workbookParts, xlsxOf, zip } from './xlsx-craft.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-sheets-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** All rows of a file through the order import's streaming reader. */
async function streamed(name: string, data: Buffer): Promise<{ encoding: string; rows: string[][] }> {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, data);
  const src = openRows(file, undefined, { name });
  const rows: string[][] = [];
  for await (const r of src.rows) rows.push(r.cells);
  return { encoding: src.encoding, rows };
}

describe('spreadsheet files', () => {
  it('makes formula-like text inert and can undo it', () => {
    expect(formulaSafe('=HYPERLINK("x")')).toBe(`'=HYPERLINK("x")`);
    expect(formulaSafe('+86 138')).toBe(`'+86 138`);
    expect(formulaSafe('@SUM')).toBe(`'@SUM`);
    expect(formulaSafe('-1')).toBe(`'-1`);
    expect(formulaSafe(-1)).toBe(-1);
    expect(formulaSafe(null)).toBe('');
    expect(unFormulaSafe(`'=A1`)).toBe('=A1');
    expect(unFormulaSafe(`'hello`)).toBe(`'hello`);
  });

  it('writes CSV with a BOM, CRLF, quoting and escaping', () => {
    expect(csvLine(['a,b', 'say "hi"', 3, '=1+1'])).toBe(`"a,b","say ""hi""",3,'=1+1\r\n`);
    const buf = toCsv(['名称', '数量'], [['T恤', 2]]);
    expect(buf.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(buf.toString('utf8').slice(1)).toBe('名称,数量\r\nT恤,2\r\n');
  });

  it('decodes UTF-8 with or without BOM and GBK', () => {
    expect(decodeText(Buffer.from('\uFEFF订单编号', 'utf8'))).toBe('订单编号');
    expect(decodeText(Buffer.from('订单编号', 'utf8'))).toBe('订单编号');
    expect(decodeText(iconv.encode('订单编号,买家会员名', 'gbk'))).toBe('订单编号,买家会员名');
  });

  it('reads back what it writes, as CSV and as XLSX with a frozen bold header', async () => {
    const rows = [
      ['=cmd', 'TS01-W-M'],
      ['', ''],
      ['纯棉T恤', '00123'],
    ];
    const csv = await readSheet(toCsv(['标题', '编码'], rows), 'csv');
    expect(csv.header).toEqual(['标题', '编码']);
    expect(csv.rows).toEqual([
      { row: 2, cells: [`'=cmd`, 'TS01-W-M'] },
      { row: 4, cells: ['纯棉T恤', '00123'] },
    ]);
    const xbuf = await toXlsx(['标题', '编码'], rows, { sheetName: '商品', allText: true });
    expect(detectFormat(xbuf)).toBe('xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xbuf as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('商品')!;
    expect(ws.getRow(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const x = await readSheet(xbuf, 'xlsx');
    expect(x.rows.map((r) => r.cells)).toEqual([
      [`'=cmd`, 'TS01-W-M'],
      ['纯棉T恤', '00123'],
    ]);
  });

  it('refuses the old binary .xls with what to do', () => {
    expect(() => detectFormat(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0]), 'a.xls')).toThrow(/另存为 \.xlsx 或 CSV/);
  });

  it('streams an XLSX of long Chinese text intact (ExcelJS alone garbled a character split between two chunks)', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('订单');
    const texts = Array.from(
      { length: 400 },
      (_, i) => `第${i}号订单：浙江省杭州市西湖区文三路${'一二三四五六七八九十'.repeat(1 + (i % 7))}`,
    );
    ws.addRow(['订单编号', '收货地址']);
    texts.forEach((t, i) => ws.addRow([String(i), t]));
    const { encoding, rows } = await streamed('long.xlsx', Buffer.from(await wb.xlsx.writeBuffer()));
    expect(encoding).toBe('xlsx');
    expect(rows.slice(1).map((r) => r[1])).toEqual(texts);
  });

  it("reads the workbook's first sheet whatever its part is called and wherever the shared strings lie", async () => {
    const NS = 'http://schemas.openxmlformats.org';
    const parts = workbookParts({ name: 'x', data: '' }).filter(
      (e) => !e.name.startsWith('xl/worksheets/') && e.name !== 'xl/_rels/workbook.xml.rels',
    );
    const file = zip([
      // The sheet first, under a name ExcelJS's streaming reader did not recognise; shared strings last.
      {
        name: 'xl/worksheets/data.xml',
        data: `${SHEET_HEAD}<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>3</v></c></row>${SHEET_TAIL}`,
      },
      ...parts,
      {
        name: 'xl/_rels/workbook.xml.rels',
        data: `<Relationships xmlns="${NS}/package/2006/relationships"><Relationship Id="rId1" Type="${NS}/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/><Relationship Id="rId2" Type="${NS}/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>`,
      },
      {
        name: 'xl/strings.xml',
        data: `<sst xmlns="${NS}/spreadsheetml/2006/main"><si><t>商品</t></si><si><t>数量</t></si><si><t>保温杯</t></si></sst>`,
      },
    ]);
    expect((await streamed('odd.xlsx', file)).rows).toEqual([
      ['商品', '数量'],
      ['保温杯', '3'],
    ]);
    expect((await readSheet(file, 'xlsx', 'odd.xlsx')).rows).toEqual([{ row: 2, cells: ['保温杯', '3'] }]);
  });

  it('limits rows and cell length, naming the row and the column and saying what to do', async () => {
    const rows = [
      ['标题', '描述'],
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ];
    const few = { ...SHEET_LIMITS, maxRows: 3 };
    await expect(readSheet(xlsxOf(rows), 'xlsx', 'big.xlsx', few)).rejects.toMatchObject({
      code: 'payload_too_large',
      message: expect.stringMatching(/超过 3 行的上限.*拆分/),
    });
    await expect(readSheet(toCsv(rows[0]!, rows.slice(1)), 'csv', 'big.csv', few)).rejects.toMatchObject({ code: 'payload_too_large' });
    const long = [
      ['标题', '描述'],
      ['a', '长'.repeat(40_000)],
    ];
    for (const [buf, fmt] of [
      [xlsxOf(long), 'xlsx'],
      [toCsv(long[0]!, long.slice(1)), 'csv'],
    ] as const) {
      await expect(readSheet(buf, fmt, 'long')).rejects.toMatchObject({
        code: 'validation_failed',
        message: expect.stringMatching(/第 2 行 B 列有 40000 个字符，超过一个单元格最多 32767 个字符/),
      });
    }
    await expect(streamed('long.csv', Buffer.from(`标题,描述\n${'x'.repeat(40_000)},1\n`))).rejects.toThrow(/第 2 行 A 列有 40000 个字符/);
  });

  it('refuses DOCTYPE and entity declarations even when split between two chunks, and runs of text without tags', () => {
    const g = new XmlGuard('a.xlsx', 'xl/worksheets/sheet1.xml');
    g.check(Buffer.from('<?xml version="1.0"?>\n<'));
    expect(() => g.check(Buffer.from('!DOCTYPE x [<!ENTITY a "b">]><x/>'))).toThrow(/DOCTYPE/);
    const ok = new XmlGuard('a.xlsx', 'p');
    ok.check(Buffer.from(`<a>${'x'.repeat(MAX_XML_RUN - 10)}`));
    ok.check(Buffer.from('</a>'));
    const run = new XmlGuard('a.xlsx', 'p');
    run.check(Buffer.from(`<a>${'x'.repeat(MAX_XML_RUN - 10)}`));
    expect(() => run.check(Buffer.from('x'.repeat(20)))).toThrow(/超过 256 KB 的连续内容/);
    expect(() => new XmlGuard('a.xlsx', 'p').check(Buffer.from('<a><!-- x --></a>'))).toThrow(/注释、CDATA/);
  });

  it('reads a GBK file whose first 64 KB are plain ASCII as GBK (it was garbled as UTF-8)', async () => {
    const ascii = Array.from({ length: 3000 }, (_, i) => `${i},abcdefghijklmnopqrstuvwxyz`).join('\r\n');
    const data = Buffer.concat([Buffer.from(`id,name\r\n${ascii}\r\n`), iconv.encode('3000,纯棉短袖\r\n3001,保温杯\r\n', 'gbk')]);
    expect(data.indexOf(iconv.encode('纯', 'gbk'))).toBeGreaterThan(64 * 1024);
    const { encoding, rows } = await streamed('ascii-then-gbk.csv', data);
    expect(encoding).toBe('gb18030');
    expect(rows.slice(-2)).toEqual([
      ['3000', '纯棉短袖'],
      ['3001', '保温杯'],
    ]);
  });

  it('keeps reading GBK files whose first characters happen to look like UTF-8', () => {
    // 「谋」 in GBK is C4 B1: a valid two-byte UTF-8 sequence, so the file starts like UTF-8.
    expect(iconv.encode('谋', 'gbk')).toEqual(Buffer.from([0xc4, 0xb1]));
    const text = '谋略,数量\r\n生意参谋,2\r\n';
    expect(decodeText(iconv.encode(text, 'gbk'))).toBe(text);
  });

  it('does not take a real multi-line cell (an address) for an unbalanced quote', async () => {
    expect(swallowedLines(['王小明', '浙江省杭州市\n西湖区文三路 1 号', '2'], 3, ',')).toBe(0);
    const csv = Buffer.from('姓名,地址,数量\r\n王小明,"浙江省杭州市\r\n西湖区文三路 1 号",2\r\n李四,上海,1\r\n');
    expect((await readSheet(csv, 'csv', 'a.csv')).rows.map((r) => r.row)).toEqual([2, 3]);
    expect((await streamed('addr.csv', csv)).rows).toHaveLength(3);
  });
});
