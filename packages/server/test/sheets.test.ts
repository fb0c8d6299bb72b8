import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { csvLine, decodeText, detectFormat, formulaSafe, readSheet, toCsv, toXlsx, unFormulaSafe } from '../src/lib/sheets.js';

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
});
