import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { claimNext, enqueue, requeueExpired, startJobWorker, waitForJob, type JobWorker } from '../src/modules/jobs/index.js';
import { jobHandlers } from '../src/modules/jobs/registry.js';
import { systemActor } from '../src/http/actor.js';
import * as inventory from '../src/modules/inventory/index.js';
import { describeEachDialect } from './dialects.js';
import { makeProduct, makeShop, multipart } from './fixtures.js';
import { useTestApp, type Client } from './harness.js';

// ------------------------------------------------------------------ fixture files, made here

const TB_ORDER_HEADERS = [
  '订单编号',
  '买家会员名',
  '买家应付货款',
  '买家应付邮费',
  '买家实际支付金额',
  '订单状态',
  '买家留言',
  '收货人姓名',
  '收货地址',
  '联系手机',
  '订单创建时间',
  '订单付款时间',
  '宝贝标题',
  '物流单号',
  '物流公司',
  '订单备注',
  '宝贝总数量',
  '退款金额',
  '发货时间',
  '店铺名称',
];
const TB_ITEM_HEADERS = ['订单编号', '标题', '价格', '购买数量', '外部系统编号', '商品属性', '商家编码', '订单状态', '退款状态'];

const A = '3001000000000000001';
const B = '3001000000000000002';
const C = '3001000000000000003';

function csvLine(cells: string[]): string {
  return cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',');
}
/** A Taobao-style cell: ="…" so Excel keeps the digits. */
const tx = (s: string) => `="${s}"`;

function gbk(rows: string[][]): Buffer {
  return iconv.encode(rows.map(csvLine).join('\r\n') + '\r\n', 'gbk');
}

type OrderRowInput = { no: string; status: string; paid: string; refund?: string; tracking?: string; carrier?: string; shippedAt?: string };
function taobaoOrders(rows: OrderRowInput[]): Buffer {
  const base: Record<string, string[]> = {
    [A]: [tx(A), '小明同学', '218.80', '0.00', '208.80', '', '请尽快发货', '王小明', '浙江省 杭州市 西湖区 文三路 1 号', tx('13812345678')],
    [B]: [tx(B), 'tb_buyer2', '12.50', '6.00', '18.50', '', '', '李四', '上海市 浦东新区 世纪大道 100 号', tx('13900001111')],
    [C]: [tx(C), 'tb_buyer3', '30.00', '0.00', '30.00', '', '', '赵五', '北京市 朝阳区 望京 8 号', tx('13700002222')],
  };
  return gbk([
    TB_ORDER_HEADERS,
    ...rows.map((r) => {
      const b = [...base[r.no]!];
      b[4] = r.paid;
      b[5] = r.status;
      return [
        ...b,
        '2026-11-11 00:05:00',
        r.status === '等待买家付款' ? '' : '2026/11/11 0:06',
        '宝贝标题',
        r.tracking ? tx(r.tracking) : '',
        r.carrier ?? '',
        '',
        '3',
        r.refund ?? '0.00',
        r.shippedAt ?? '',
        '我的小店',
      ];
    }),
  ]);
}

function taobaoItems(): Buffer {
  // Items in any order: A's two lines are not next to each other.
  return gbk([
    TB_ITEM_HEADERS,
    [tx(B), '棉质短袖 白色', '12.50', '1', '', '颜色分类:白色', 'TEE-W', '卖家已发货，等待买家确认', ''],
    [tx(A), '保温杯 500ml', '59.90', '2', '', '颜色分类:蓝色', 'CUP-01', '买家已付款，等待卖家发货', ''],
    [tx(C), '神秘商品', '30.00', '1', '', '', 'X-404', '等待买家付款', ''],
    [tx(A), '纯棉T恤', '99.00', '1', 'TEE-M', '尺码:M', '', '买家已付款，等待卖家发货', ''],
  ]);
}

describeEachDialect('order import', (dialect) => {
  const ctx = useTestApp(dialect);
  let worker: JobWorker;
  let admin: Client;
  let shopId: string;
  const sku: Record<string, string> = {};

  beforeAll(async () => {
    const db = ctx.tdb.database.db;
    worker = startJobWorker(db, jobHandlers(db), { pollMs: 50 });
    admin = await ctx.admin();
    shopId = await makeShop(ctx, admin, '淘宝旗舰店', { channel: 'taobao' });
    const skus = [
      { code: 'CUP-01', priceFen: 5990, costFen: 2000, weightG: 0 },
      { code: 'TEE-M', priceFen: 5990, costFen: 3000, weightG: 0 },
      { code: 'TEE-W', priceFen: 5990, costFen: 400, weightG: 0 },
      { code: 'MYS-1', priceFen: 5990, costFen: 100, weightG: 0 },
    ];
    const { skuIds } = await makeProduct(ctx, { title: '保温杯', code: 'P-CUP', skus });
    for (const [i, s] of skus.entries()) sku[s.code] = skuIds[i]!;
  });
  afterAll(async () => {
    await worker?.stop();
  });

  async function upload(fields: Record<string, string>, files: Record<string, { name: string; data: Buffer }>) {
    const mp = multipart({ shopId, ...fields }, files);
    return admin.request('POST', '/api/v1/imports/orders', mp.body, { 'content-type': mp.type });
  }
  async function importAndWait(fields: Record<string, string>, files: Record<string, { name: string; data: Buffer }>) {
    const res = await upload(fields, files);
    expect(res.statusCode, res.body).toBe(202);
    const { jobId } = res.json();
    await waitForJob(ctx.tdb.database.db, jobId);
    const job = (await admin.get(`/api/v1/imports/jobs/${jobId}`)).json();
    return job;
  }
  async function checksum() {
    const db = ctx.tdb.database.db;
    const orders = await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).orderBy('order_no').execute();
    const lines = await db
      .selectFrom('order_lines')
      .innerJoin('orders', 'orders.id', 'order_lines.order_id')
      .select([
        'orders.order_no',
        'order_lines.id',
        'line_no',
        'sku_id',
        'qty',
        'unit_price_fen',
        'order_lines.paid_fen',
        'order_lines.discount_fen',
        'title',
      ])
      .where('orders.shop_id', '=', shopId)
      .orderBy('orders.order_no')
      .orderBy('line_no')
      .execute();
    const events = await db
      .selectFrom('order_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return JSON.stringify({ orders: orders.map((o) => ({ ...o, updated_at: 0 })), lines, events: Number(events?.n) });
  }

  const first: OrderRowInput[] = [
    { no: A, status: '买家已付款，等待卖家发货', paid: '208.80' },
    {
      no: B,
      status: '卖家已发货，等待买家确认',
      paid: '18.50',
      tracking: '75123456789012',
      carrier: '中通快递',
      shippedAt: '2026-11-11 09:00:00',
    },
    { no: C, status: '等待买家付款', paid: '30.00' },
  ];

  it('previews a GBK Taobao file: encoding, headers and the auto-matched columns', async () => {
    const mp = multipart({ format: 'taobao' }, { file: { name: 'orders.csv', data: taobaoOrders(first) } });
    const res = await admin.request('POST', '/api/v1/imports/preview', mp.body, { 'content-type': mp.type });
    expect(res.statusCode, res.body).toBe(200);
    const pv = res.json();
    expect(pv.encoding).toBe('gb18030');
    expect(pv.headers[0]).toBe('订单编号');
    expect(pv.rows).toHaveLength(3);
    expect(pv.mapping).toMatchObject({ orderNo: '订单编号', paidAmount: '买家实际支付金额', receiverPhone: '联系手机' });
    expect(pv.missing).toEqual([]);
  });

  it('imports a GBK Taobao order report with its items file', async () => {
    const job = await importAndWait(
      { format: 'taobao' },
      { orders: { name: '订单报表.csv', data: taobaoOrders(first) }, items: { name: '宝贝报表.csv', data: taobaoItems() } },
    );
    expect(job.status, job.error).toBe('succeeded');
    expect(job.progress).toBe(100);
    expect(job.result).toMatchObject({
      ordersCreated: 3,
      ordersUpdated: 0,
      lines: 4,
      errors: 0,
      encoding: { orders: 'gb18030', items: 'gb18030' },
    });

    const db = ctx.tdb.database.db;
    const orders = await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).orderBy('order_no').execute();
    expect(orders.map((o) => [o.order_no, o.status, o.source, o.stock_mode])).toEqual([
      [A, 'paid', 'import', 'none'],
      [B, 'shipped', 'import', 'none'],
      [C, 'pending_payment', 'import', 'none'],
    ]);
    const a = orders[0]!;
    expect(a).toMatchObject({
      buyer_nick: '小明同学',
      receiver_name: '王小明',
      receiver_phone: '13812345678',
      buyer_note: '请尽快发货',
      goods_fen: 21880,
      shipping_fen: 0,
      paid_fen: 20880,
      discount_fen: 1000,
      item_count: 3,
      ordered_at: Date.UTC(2026, 10, 10, 16, 5),
      paid_at: Date.UTC(2026, 10, 10, 16, 6),
      order_day: '2026-11-11',
      paid_day: '2026-11-11',
      channel: 'taobao',
    });
    expect(orders[1]).toMatchObject({
      carrier: '中通快递',
      tracking_no: '75123456789012',
      shipped_at: Date.UTC(2026, 10, 11, 1, 0),
      paid_fen: 1850,
    });
    expect(orders[2]!.paid_at).toBeNull();

    const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', a.id).orderBy('line_no').execute();
    expect(lines.map((l) => [l.title, l.qty, Number(l.unit_price_fen), l.sku_id, l.merchant_code, l.spec_text])).toEqual([
      ['保温杯 500ml', 2, 5990, sku['CUP-01'], 'CUP-01', '颜色分类:蓝色'],
      ['纯棉T恤', 1, 9900, sku['TEE-M'], 'TEE-M', '尺码:M'],
    ]);
    // the order discount is spread over the lines and the fen add up
    expect(lines.reduce((s, l) => s + Number(l.paid_fen), 0)).toBe(20880);
    expect(lines.reduce((s, l) => s + Number(l.discount_fen), 0)).toBe(1000);
    expect(Number(lines[0]!.unit_cost_fen)).toBe(2000);
  });

  it('changes nothing when the same files are imported again', async () => {
    const before = await checksum();
    const job = await importAndWait(
      { format: 'taobao' },
      { orders: { name: '订单报表.csv', data: taobaoOrders(first) }, items: { name: '宝贝报表.csv', data: taobaoItems() } },
    );
    expect(job.status, job.error).toBe('succeeded');
    expect(job.result).toMatchObject({ ordersCreated: 0, ordersUpdated: 0, ordersUnchanged: 3, linesChanged: 0 });
    expect(await checksum()).toBe(before);
  });

  it('updates status, logistics and refunds from a later export and notes the change', async () => {
    const job = await importAndWait(
      { format: 'taobao' },
      {
        orders: {
          name: '订单报表-2.csv',
          data: taobaoOrders([
            {
              no: A,
              status: '卖家已发货，等待买家确认',
              paid: '208.80',
              refund: '10.00',
              tracking: 'SF1234567890',
              carrier: '顺丰速运',
              shippedAt: '2026-11-12 10:00:00',
            },
            { no: B, status: '交易成功', paid: '18.50', tracking: '75123456789012', carrier: '中通快递', shippedAt: '2026-11-11 09:00:00' },
            { no: C, status: '交易关闭', paid: '30.00' },
          ]),
        },
      },
    );
    expect(job.status, job.error).toBe('succeeded');
    expect(job.result).toMatchObject({ ordersCreated: 0, ordersUpdated: 3 });
    const db = ctx.tdb.database.db;
    const orders = await db.selectFrom('orders').selectAll().where('shop_id', '=', shopId).orderBy('order_no').execute();
    expect(orders.map((o) => o.status)).toEqual(['shipped', 'completed', 'cancelled']);
    expect(orders[0]).toMatchObject({
      carrier: '顺丰速运',
      tracking_no: 'SF1234567890',
      refund_fen: 1000,
      shipped_at: Date.UTC(2026, 10, 12, 2, 0),
    });
    // the lines from the earlier items file are still there
    expect(await db.selectFrom('order_lines').select('id').where('order_id', '=', orders[0]!.id).execute()).toHaveLength(2);
    const ev = await db.selectFrom('order_events').selectAll().where('order_id', '=', orders[0]!.id).where('type', '=', 'import').execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ from_status: 'paid', to_status: 'shipped' });
    expect(ev[0]!.note).toContain('顺丰速运 SF1234567890');
    expect(ev[0]!.note).toContain('退款 ¥0.00 → ¥10.00');
  });

  it('imports the good rows of a file with bad ones and reports each bad row', async () => {
    /** A ¥10.00 order row of 2026-11-01 10:00, one item; the columns not named are empty. */
    const row = (no: string, buyer: string, paid: string, name: string, paidAt = '') => {
      const cells: Record<string, string> = {
        订单编号: no,
        买家会员名: buyer,
        买家应付货款: '10.00',
        买家应付邮费: '0',
        买家实际支付金额: paid,
        订单状态: '交易成功',
        收货人姓名: name,
        收货地址: '地址',
        订单创建时间: '2026-11-01 10:00:00',
        订单付款时间: paidAt,
        宝贝总数量: '1',
      };
      return TB_ORDER_HEADERS.map((h) => cells[h] ?? '');
    };
    const rows = [
      TB_ORDER_HEADERS,
      row(tx('3001000000000000010'), 'ok', '10.00', '甲', '2026-11-01 10:01:00'),
      row('3.00100E+18', 'sci', '10.00', '乙'),
      row(tx('3001000000000000012'), 'money', '12.3.4', '丙'),
      row('', 'noid', '10.00', '丁'),
      row(tx('3001000000000000014'), 'formula', '=1+1', '戊'),
    ];
    const job = await importAndWait({ format: 'taobao' }, { orders: { name: 'bad.csv', data: gbk(rows) } });
    expect(job.status, job.error).toBe('succeeded');
    expect(job.result).toMatchObject({ ordersCreated: 1, errors: 4 });
    const errs = (await admin.get(`/api/v1/imports/jobs/${job.id}/errors`)).json();
    expect(errs.items.map((e: { rowNo: number; column: string; value: string }) => [e.rowNo, e.column, e.value])).toEqual([
      [3, '订单编号', '3.00100E+18'],
      [4, '买家实际支付金额', '12.3.4'],
      [5, '订单编号', ''],
      [6, '买家实际支付金额', '=1+1'],
    ]);
    expect(errs.items[0].reason).toContain('科学计数法');
    expect(errs.items[0].file).toBe('orders');
    const csv = await admin.get(`/api/v1/imports/jobs/${job.id}/errors.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body).toContain('订单文件,3,订单编号,3.00100E+18');
    expect(csv.body).toContain("'=1+1");
    const db = ctx.tdb.database.db;
    expect(
      await db.selectFrom('orders').select('order_no').where('order_no', 'in', ['3001000000000000012', '3001000000000000014']).execute(),
    ).toEqual([]);
  });

  it('fails fast naming a missing required column', async () => {
    const rows = [TB_ORDER_HEADERS.filter((h) => h !== '订单状态' && h !== '订单创建时间'), [tx('1'), 'x']];
    const job = await importAndWait({ format: 'taobao' }, { orders: { name: 'missing.csv', data: gbk(rows) } });
    expect(job.status).toBe('failed');
    expect(job.error).toContain('「订单状态」、「订单创建时间」');
  });

  it('imports a UTF-8 (BOM) JD export, one row per item, matching SKUs by 商家SKUID', async () => {
    const headers = [
      '订单号',
      '商品ID',
      '商品名称',
      '订购数量',
      '京东价',
      '应付金额',
      '运费金额',
      '下单时间',
      '付款时间',
      '订单状态',
      '客户姓名',
      '客户地址',
      '联系电话',
      '商家SKUID',
    ];
    /** A row of the file: the cells by column name, the others empty. */
    const row = (cells: Record<string, string>) => headers.map((h) => cells[h] ?? '');
    // One paid order of two items (a row per item), and one unpaid order of an unknown SKU.
    const paid = {
      订单号: '280000000001',
      订购数量: '1',
      应付金额: '150.00',
      运费金额: '0',
      下单时间: '2026-06-18 10:00:00',
      付款时间: '2026-06-18 10:01:00',
      订单状态: '等待出库',
      客户姓名: '张三',
      客户地址: '北京',
      联系电话: '13800000000',
    };
    const rows = [
      headers,
      row({ ...paid, 商品ID: '100001', 商品名称: '保温杯', 京东价: '59.90', 商家SKUID: 'CUP-01' }),
      row({ ...paid, 商品ID: '100002', 商品名称: 'T恤', 京东价: '99.00', 商家SKUID: 'TEE-M' }),
      row({
        订单号: '280000000002',
        商品ID: '100009',
        商品名称: '未知商品',
        订购数量: '3',
        京东价: '10.00',
        应付金额: '30.00',
        运费金额: '0',
        下单时间: '2026-06-18 11:00:00',
        订单状态: '等待付款',
        客户姓名: '李四',
        客户地址: '上海',
        联系电话: '13900000000',
        商家SKUID: 'NOPE',
      }),
    ];
    const data = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows.map(csvLine).join('\n'), 'utf8')]);
    const job = await importAndWait({ format: 'jd' }, { orders: { name: 'jd.csv', data } });
    expect(job.status, job.error).toBe('succeeded');
    expect(job.result).toMatchObject({ ordersCreated: 2, lines: 3, errors: 0, encoding: { orders: 'utf-8-bom' } });
    const db = ctx.tdb.database.db;
    const o = await db.selectFrom('orders').selectAll().where('order_no', '=', '280000000001').executeTakeFirstOrThrow();
    expect(o).toMatchObject({ status: 'paid', goods_fen: 15890, paid_fen: 15000, discount_fen: 890, item_count: 2, receiver_name: '张三' });
    const lines = await db.selectFrom('order_lines').selectAll().where('order_id', '=', o.id).orderBy('line_no').execute();
    expect(lines.map((l) => [l.sku_id, l.channel_item_id])).toEqual([
      [sku['CUP-01'], '100001'],
      [sku['TEE-M'], '100002'],
    ]);
    // importing again: nothing changes
    const again = await importAndWait({ format: 'jd' }, { orders: { name: 'jd.csv', data } });
    expect(again.result).toMatchObject({ ordersCreated: 0, ordersUpdated: 0, ordersUnchanged: 2, linesChanged: 0 });
  });

  it('imports an XLSX export and refuses an order number Excel stored as a rounded number', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('订单');
    ws.addRow(['订单号', '商品名称', '订购数量', '京东价', '应付金额', '下单时间', '订单状态', '商家SKUID']);
    ws.addRow(['281000000001', '保温杯', 2, 59.9, 119.8, '2026-06-18 10:00:00', '完成', 'CUP-01']);
    ws.addRow([281000000002, '保温杯', 1, 59.9, 59.9, new Date(Date.UTC(2026, 5, 18, 11, 30)), '完成', 'CUP-01']);
    ws.addRow([123456789012345680000, '保温杯', 1, 59.9, 59.9, '2026-06-18 12:00:00', '完成', 'CUP-01']);
    const data = Buffer.from(await wb.xlsx.writeBuffer());
    const job = await importAndWait({ format: 'jd' }, { orders: { name: 'jd.xlsx', data } });
    expect(job.status, job.error).toBe('succeeded');
    expect(job.result).toMatchObject({ ordersCreated: 2, errors: 1, encoding: { orders: 'xlsx' } });
    const db = ctx.tdb.database.db;
    const rows = await db
      .selectFrom('orders')
      .selectAll()
      .where('order_no', 'in', ['281000000001', '281000000002'])
      .orderBy('order_no')
      .execute();
    expect(rows.map((r) => [r.order_no, r.status, r.paid_fen])).toEqual([
      ['281000000001', 'completed', 11980],
      ['281000000002', 'completed', 5990],
    ]);
    // a date cell is the wall-clock time of the shop
    expect(rows[1]!.ordered_at).toBe(Date.UTC(2026, 5, 18, 3, 30));
    const errs = (await admin.get(`/api/v1/imports/jobs/${job.id}/errors`)).json();
    expect(errs.items[0]).toMatchObject({ rowNo: 4, column: '订单号' });
  });

  it('imports a generic CSV with a saved mapping preset', async () => {
    const preset = await admin.post('/api/v1/imports/presets', {
      name: '自有商城',
      mapping: {
        orderNo: '单号',
        orderedAt: '时间',
        status: '状态',
        title: '品名',
        qty: '件数',
        unitPrice: '单价(元)',
        paidAmount: '实收',
        merchantCode: '货号',
      },
    });
    expect(preset.statusCode, preset.body).toBe(201);
    expect((await admin.get('/api/v1/imports/presets')).json().items.map((p: { name: string }) => p.name)).toContain('自有商城');
    const rows = [
      ['单号', '时间', '状态', '品名', '件数', '单价(元)', '实收', '货号', '无关列'],
      ['G-1001', '2026/5/1 9:30', '已完成', '白T', '2', '¥12.50', '25元', 'TEE-W', 'x'],
    ];
    const job = await importAndWait(
      { format: 'generic', presetId: preset.json().id },
      { orders: { name: 'own.csv', data: Buffer.from(rows.map(csvLine).join('\n')) } },
    );
    expect(job.status, job.error).toBe('succeeded');
    expect(job.result).toMatchObject({ ordersCreated: 1, lines: 1, errors: 0 });
    const db = ctx.tdb.database.db;
    const o = await db.selectFrom('orders').selectAll().where('order_no', '=', 'G-1001').executeTakeFirstOrThrow();
    expect(o).toMatchObject({ status: 'completed', paid_fen: 2500, goods_fen: 2500, ordered_at: Date.UTC(2026, 4, 1, 1, 30) });
    const noMapping = await upload({ format: 'generic' }, { orders: { name: 'own.csv', data: Buffer.from('a,b\n1,2\n') } });
    expect(noMapping.statusCode).toBe(400);
    expect(noMapping.json().detail).toContain('列对应');
  });

  it('lists unmatched lines and maps them to a SKU', async () => {
    const list = (await admin.get(`/api/v1/imports/unmatched?shopId=${shopId}`)).json();
    const x = list.items.find((i: { merchantCode: string }) => i.merchantCode === 'X-404');
    expect(x).toMatchObject({ title: '神秘商品', lines: 1, qty: 1 });
    const opts = (await admin.get('/api/v1/imports/sku-options?q=MYS')).json();
    expect(opts.items.map((o: { code: string }) => o.code)).toEqual(['MYS-1']);
    const mapped = await admin.post('/api/v1/imports/unmatched/map', { shopId, merchantCode: 'X-404', skuId: sku['MYS-1'] });
    expect(mapped.statusCode, mapped.body).toBe(200);
    expect(mapped.json().lines).toBe(1);
    const after = (await admin.get(`/api/v1/imports/unmatched?shopId=${shopId}`)).json();
    expect(after.items.find((i: { merchantCode: string }) => i.merchantCode === 'X-404')).toBeUndefined();
    const jdList = (await admin.get('/api/v1/imports/unmatched')).json();
    const nope = jdList.items.find((i: { merchantCode: string }) => i.merchantCode === 'NOPE');
    const byItem = await admin.post('/api/v1/imports/unmatched/map', { shopId: nope.shopId, channelItemId: '100009', skuId: sku['MYS-1'] });
    expect(byItem.json()).toEqual({ lines: 1, listingCreated: true });
  });

  it('requires orders.import and lists the import jobs', async () => {
    const { client } = await ctx.userWithRoles('cs1', ['service']);
    expect((await client.get('/api/v1/imports/jobs')).statusCode).toBe(403);
    const jobs = (await admin.get('/api/v1/imports/jobs?pageSize=50')).json();
    expect(jobs.total).toBeGreaterThanOrEqual(7);
    expect(jobs.items[0].payload.names.orders).toBeTruthy();
    // server-side upload paths stay on the server
    expect(jobs.items[0].payload.files).toBeUndefined();
  });

  it('moves stock when asked: reserves for paid orders, ships when a later export says shipped', async () => {
    const db = ctx.tdb.database.db;
    const actor = systemActor(ctx.orgId);
    const wh = await db.transaction().execute(async (trx) => {
      const id = await inventory.defaultWarehouseId(trx, ctx.orgId);
      await inventory.moveQty(trx, actor, 'inbound', sku['TEE-W']!, id, 10);
      return id;
    });
    const headers = [
      '订单号',
      '商品名称',
      '订购数量',
      '京东价',
      '应付金额',
      '下单时间',
      '付款时间',
      '订单状态',
      '商家SKUID',
      '运单号',
      '承运商',
    ];
    const file = (status: string, tracking = '') =>
      Buffer.from(
        [
          headers,
          [
            '290000000001',
            '白T',
            '3',
            '12.50',
            '37.50',
            '2026-07-01 10:00:00',
            '2026-07-01 10:01:00',
            status,
            'TEE-W',
            tracking,
            tracking ? '京东物流' : '',
          ],
        ]
          .map(csvLine)
          .join('\n'),
      );
    const level = async () =>
      db
        .selectFrom('stock')
        .select(['on_hand', 'reserved', 'available'])
        .where('sku_id', '=', sku['TEE-W']!)
        .where('warehouse_id', '=', wh)
        .executeTakeFirstOrThrow();
    const j1 = await importAndWait({ format: 'jd', moveStock: 'true' }, { orders: { name: 'jd-stock.csv', data: file('等待出库') } });
    expect(j1.status, j1.error).toBe('succeeded');
    expect(await level()).toEqual({ on_hand: 10, reserved: 3, available: 7 });
    const o = await db.selectFrom('orders').selectAll().where('order_no', '=', '290000000001').executeTakeFirstOrThrow();
    expect(o.stock_mode).toBe('reserved');
    const j2 = await importAndWait(
      { format: 'jd', moveStock: 'true' },
      { orders: { name: 'jd-stock-2.csv', data: file('等待确认收货', 'JD0001') } },
    );
    expect(j2.status, j2.error).toBe('succeeded');
    expect(await level()).toEqual({ on_hand: 7, reserved: 0, available: 7 });
    expect((await db.selectFrom('orders').select('stock_mode').where('id', '=', o.id).executeTakeFirstOrThrow()).stock_mode).toBe(
      'shipped',
    );
    // without moveStock an import never touches stock
    const j3 = await importAndWait(
      { format: 'jd' },
      { orders: { name: 'jd-other.csv', data: Buffer.from(file('等待出库').toString().replace('290000000001', '290000000002')) } },
    );
    expect(j3.result).toMatchObject({ ordersCreated: 1 });
    expect(await level()).toEqual({ on_hand: 7, reserved: 0, available: 7 });
  });

  it("job queue: one claim per job, progress and result stored, a dead worker's job re-queued", async () => {
    const db = ctx.tdb.database.db;
    const id = await enqueue(db, { orgId: ctx.orgId, type: 'test.echo', payload: { n: 3 } });
    // two workers race for the same job: exactly one wins
    const claims = await Promise.all([claimNext(db, 'w1', ['test.echo'], 60_000), claimNext(db, 'w2', ['test.echo'], 60_000)]);
    expect(claims.filter((c) => c?.id === id)).toHaveLength(1);
    // the winner "dies": its lease runs out and the job goes back to the queue
    await db
      .updateTable('jobs')
      .set({ locked_until: Date.now() - 1 })
      .where('id', '=', id)
      .execute();
    expect(await requeueExpired(db)).toBe(1);
    expect((await db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('queued');
    const w = startJobWorker(
      db,
      {
        'test.echo': async (job, jc) => {
          jc.progress(1, 2);
          const { n } = JSON.parse(job.payload) as { n?: unknown };
          if (typeof n !== 'number') throw new Error('n is not a number');
          return { doubled: n * 2 };
        },
      },
      { pollMs: 20 },
    );
    try {
      const done = await waitForJob(db, id, 10_000);
      expect(done).toMatchObject({ status: 'succeeded', progress: 100, locked_by: null });
      expect(JSON.parse(done.result!)).toEqual({ doubled: 6 });
      const bad = await enqueue(db, { orgId: ctx.orgId, type: 'test.echo', payload: { n: 'x' } });
      const failed = await waitForJob(db, bad, 10_000);
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('任务执行失败');
    } finally {
      await w.stop();
    }
  });
});
