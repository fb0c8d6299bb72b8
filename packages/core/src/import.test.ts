import { describe, expect, it } from 'vitest';
import {
  cleanCell,
  fileSpec,
  mapPlatformStatus,
  matchHeaders,
  missingColumnsMessage,
  normalizeHeader,
  parseLongId,
  parseMoneyCell,
  parseRow,
  parseTimeCell,
  settleStatus,
  splitTrackingInfo,
  toHalfWidth,
} from './import.js';

describe('order import: headers', () => {
  it('normalises BOM, quotes, spaces and full-width characters', () => {
    expect(normalizeHeader('\uFEFF"订单编号 "')).toBe('订单编号');
    expect(normalizeHeader('商品数量（件）')).toBe('商品数量(件)');
    expect(toHalfWidth('ＳＫＵ１２３')).toBe('SKU123');
    expect(normalizeHeader('商家SKUID')).toBe(normalizeHeader('商家skuid'));
  });

  it('matches aliases across export versions and ignores unknown columns', () => {
    const spec = fileSpec('taobao', 'orders');
    const m = matchHeaders(['\uFEFF订单编号', '买家会员名', '总金额', '订单状态', '订单创建时间', '收货人手机', '店铺名称'], spec);
    expect(m.missing).toEqual([]);
    expect(m.columns).toMatchObject({ orderNo: 0, buyerNick: 1, paidAmount: 2, status: 3, orderedAt: 4, receiverPhone: 5 });
    // the better alias wins when both are present
    const both = matchHeaders(['订单编号', '总金额', '买家实际支付金额', '订单状态', '订单创建时间'], spec);
    expect(both.columns.paidAmount).toBe(2);
  });

  it('names every missing required column in one message', () => {
    const spec = fileSpec('jd');
    const m = matchHeaders(['订单号', '商品名称', '订购数量'], spec);
    expect(m.missing.map((x) => x.label)).toEqual(['京东价', '应付金额', '下单时间', '订单状态']);
    const msg = missingColumnsMessage(m.missing, '订单文件');
    expect(msg).toContain('「京东价」、「应付金额」、「下单时间」、「订单状态」');
    expect(msg).toContain('订单金额');
  });

  it('lets a generic mapping choose the columns', () => {
    const spec = fileSpec('generic');
    const m = matchHeaders(['单号', '时间', '状态', '品名', '件数', '价'], spec, {
      orderNo: '单号',
      orderedAt: '时间',
      status: '状态',
      title: '品名',
      qty: '件数',
      unitPrice: '价',
    });
    expect(m.missing).toEqual([]);
    expect(m.columns).toMatchObject({ orderNo: 0, orderedAt: 1, status: 2, title: 3, qty: 4, unitPrice: 5 });
  });
});

describe('order import: cells', () => {
  it('keeps long numbers exact and refuses digits lost to scientific notation', () => {
    expect(parseLongId('="1234567890123456789"')).toEqual({ ok: true, value: '1234567890123456789' });
    expect(parseLongId("'3012345678901234")).toEqual({ ok: true, value: '3012345678901234' });
    expect(parseLongId(' 3012345678901234\t')).toEqual({ ok: true, value: '3012345678901234' });
    expect(cleanCell('="SF1234"')).toBe('SF1234');
    expect(parseLongId('1.2345E+4')).toEqual({ ok: true, value: '12345' });
    const bad = parseLongId('1.23457E+17');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toContain('文本');
    expect(parseLongId('1.2E+5').ok).toBe(false);
  });

  it('parses money into fen without floats', () => {
    expect(parseMoneyCell('¥12.50')).toEqual({ ok: true, value: 1250 });
    expect(parseMoneyCell('12.5')).toEqual({ ok: true, value: 1250 });
    expect(parseMoneyCell('12.50元')).toEqual({ ok: true, value: 1250 });
    expect(parseMoneyCell('1,299.00')).toEqual({ ok: true, value: 129900 });
    expect(parseMoneyCell('0.29')).toEqual({ ok: true, value: 29 });
    expect(parseMoneyCell('')).toEqual({ ok: true, value: null });
    expect(parseMoneyCell('12.345').ok).toBe(false);
    expect(parseMoneyCell('abc').ok).toBe(false);
  });

  it('reads local times in the shop zone', () => {
    expect(parseTimeCell('2026-11-11 00:30:00')).toEqual({ ok: true, value: Date.UTC(2026, 10, 10, 16, 30) });
    expect(parseTimeCell('2026/11/11 0:30')).toEqual({ ok: true, value: Date.UTC(2026, 10, 10, 16, 30) });
    expect(parseTimeCell('2026-11-11 00:30:00', 'UTC')).toEqual({ ok: true, value: Date.UTC(2026, 10, 11, 0, 30) });
    expect(parseTimeCell('null')).toEqual({ ok: true, value: null });
    expect(parseTimeCell('2026-02-30 10:00').ok).toBe(false);
    expect(parseTimeCell('昨天').ok).toBe(false);
  });

  it('maps platform status texts', () => {
    const cases: [string, string][] = [
      ['等待买家付款', 'pending_payment'],
      ['买家已付款，等待卖家发货', 'paid'],
      ['待发货', 'paid'],
      ['卖家已发货，等待买家确认', 'shipped'],
      ['已发货', 'shipped'],
      ['交易成功', 'completed'],
      ['已完成', 'completed'],
      ['交易关闭', 'cancelled'],
      ['已取消', 'cancelled'],
      ['退款中', 'refunding'],
      ['已发货，退款成功', 'refunded'],
    ];
    for (const [text, status] of cases) expect(mapPlatformStatus(text)).toEqual({ ok: true, value: status });
    expect(mapPlatformStatus('火星状态').ok).toBe(false);
    expect(settleStatus('cancelled', 1, 1000, 1000)).toBe('refunded');
    expect(settleStatus('cancelled', null, 1000, 0)).toBe('cancelled');
  });

  it('splits Douyin tracking info', () => {
    expect(splitTrackingInfo('中通快递 75123456789012')).toEqual({ carrier: '中通快递', trackingNo: '75123456789012' });
    expect(splitTrackingInfo('顺丰速运,SF1234567890')).toEqual({ carrier: '顺丰速运', trackingNo: 'SF1234567890' });
  });
});

describe('order import: rows', () => {
  it('parses a JD line row and reports every bad cell with its column', () => {
    const spec = fileSpec('jd');
    const headers = ['订单号', '商品ID', '商品名称', '订购数量', '京东价', '应付金额', '下单时间', '订单状态', '商家SKUID'];
    const m = matchHeaders(headers, spec);
    const ok = parseRow(
      ['="300123456789"', '100012', '保温杯', '2', '¥59.90', '119.80', '2026-06-18 10:00:00', '等待出库', 'CUP-01'],
      spec,
      m,
      'Asia/Shanghai',
    );
    expect(ok.ok).toBe(true);
    if (ok.ok) {
      expect(ok.row.orderNo).toBe('300123456789');
      expect(ok.row.order).toMatchObject({ status: 'paid', paidFen: 11980 });
      expect(ok.row.line).toMatchObject({ qty: 2, unitPriceFen: 5990, grossFen: 11980, merchantCode: 'CUP-01', channelItemId: '100012' });
    }
    const bad = parseRow(
      ['3.00123E+11', '100012', '保温杯', '两', '59.9x', '119.80', '2026-06-18', '等待出库', ''],
      spec,
      m,
      'Asia/Shanghai',
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.column)).toEqual(['订单号', '订购数量', '京东价']);
  });

  it('refuses quantities and amounts beyond what the database holds, naming the column', () => {
    const spec = fileSpec('jd');
    const headers = ['订单号', '商品ID', '商品名称', '订购数量', '京东价', '应付金额', '下单时间', '订单状态', '商家SKUID'];
    const m = matchHeaders(headers, spec);
    const bad = parseRow(
      ['300123456789', '100012', '保温杯', String(2 ** 31), '59.90', '200000000000.00', '2026-06-18 10:00:00', '等待出库', 'CUP-01'],
      spec,
      m,
      'Asia/Shanghai',
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      const reasons = Object.fromEntries(bad.errors.map((e) => [e.column, e.reason]));
      expect(Object.keys(reasons).sort()).toEqual(['应付金额', '订购数量'].sort());
      expect(reasons['订购数量']).toContain('不能超过 10,000,000');
      expect(reasons['应付金额']).toContain('1000 亿');
    }
  });

  it('reads Pinduoduo and Douyin rows: line totals, address parts and 快递信息', () => {
    const pdd = fileSpec('pdd');
    const pm = matchHeaders(
      ['订单号', '商品', '商品数量（件）', '商品总价(元)', '用户实付金额(元)', '订单状态', '订单成交时间', '样式ID', '商家编码-SKU维度'],
      pdd,
    );
    expect(pm.missing).toEqual([]);
    const p = parseRow(
      ['260101-123', '抽纸', '3', '29.90', '25.00', '已发货，待签收', '2026-01-01 12:00:00', '998877', 'TISSUE'],
      pdd,
      pm,
      'Asia/Shanghai',
    );
    expect(p.ok && p.row.line).toMatchObject({ qty: 3, grossFen: 2990, unitPriceFen: 997, channelSkuId: '998877', merchantCode: 'TISSUE' });
    expect(p.ok && p.row.order.status).toBe('shipped');
    const dy = fileSpec('douyin');
    const dm = matchHeaders(
      [
        '主订单编号',
        '子订单编号',
        '选购商品',
        '商品数量',
        '商品单价',
        '订单应付金额',
        '订单提交时间',
        '订单状态',
        '省',
        '市',
        '详细地址',
        '快递信息',
      ],
      dy,
    );
    expect(dm.missing).toEqual([]);
    const d = parseRow(
      [
        '="6912345678901234567"',
        '="6912345678901234568"',
        '面膜',
        '2',
        '49.00',
        '88.00',
        '2026-03-08 20:00:00',
        '已发货',
        '广东省',
        '深圳市',
        '南山区科技园 1 号',
        '中通快递 75999999999999',
      ],
      dy,
      dm,
      'Asia/Shanghai',
    );
    expect(d.ok && d.row.order).toMatchObject({
      paidFen: 8800,
      carrier: '中通快递',
      trackingNo: '75999999999999',
      receiverAddress: '广东省深圳市南山区科技园 1 号',
    });
    expect(dy.paidScope).toBe('line');
  });
});
