/**
 * PostgreSQL restarting under a running server (issue 16): the server reaches PostgreSQL through
 * a TCP proxy the test controls. "Restart" = every open connection cut at once (what the server
 * sees when PostgreSQL goes down: its pooled connections die) and new connections refused for a
 * while. Meanwhile requests get the Chinese 503 `unavailable` with Retry-After — not a 500, not a
 * crash of the process, nothing half-written; once PostgreSQL is back the same requests succeed on
 * fresh connections, with no restart of the server.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Database } from '../src/db/dialect.js';
import { buildApp, type App } from '../src/http/app.js';
import { freshDatabaseUrl, pgUnavailable } from './dialects.js';
import { ADMIN_PASSWORD, Client } from './harness.js';

/** A TCP proxy to PostgreSQL that can cut every connection and refuse new ones. */
class PgProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  /** PostgreSQL "goes down": open connections cut, the port closed (new connections refused). */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** PostgreSQL is back on the same port. */
  up(): Promise<void> {
    return this.start(this.port);
  }
}

const pgMissing = await pgUnavailable();

describe.skipIf(pgMissing !== null && process.env.CI !== 'true')('PostgreSQL restart mid-traffic', () => {
  let proxy: PgProxy;
  let database: Database;
  let app: App;
  let drop: () => Promise<void>;
  let admin: Client;
  let shopId: string;
  let skuId: string;

  beforeAll(async () => {
    const fresh = await freshDatabaseUrl('postgres');
    drop = fresh.drop;
    const target = new URL(fresh.url);
    proxy = new PgProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(fresh.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    database = openDatabase(viaProxy.toString());
    await bootstrap(database, { adminPassword: ADMIN_PASSWORD });
    app = await buildApp({ database, config: { ...loadConfig({}), webDist: '/nonexistent', databaseUrl: viaProxy.toString() } });
    admin = new Client(app);
    expect((await admin.login('admin', ADMIN_PASSWORD)).statusCode).toBe(200);
    shopId = (await admin.post('/api/v1/shops', { name: '重启演练店', channel: 'own', timezone: 'Asia/Shanghai' })).json().id;
    const product = await admin.post('/api/v1/products', {
      title: '重启演练商品',
      specDims: [{ name: '颜色', values: ['黑'] }],
      skus: [{ spec: { 颜色: '黑' }, code: 'PGR-1', priceFen: 1000, costFen: 400 }],
    });
    expect(product.statusCode, product.body).toBe(201);
    skuId = product.json().skus[0].id;
    const wh = (await admin.get('/api/v1/warehouses')).json().items[0].id;
    expect((await admin.post('/api/v1/stock/adjust', { skuId, warehouseId: wh, qty: 100, reason: '期初' })).statusCode).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await proxy?.down();
    await drop?.();
  });

  const order = () =>
    admin.post('/api/v1/orders', {
      shopId,
      lines: [{ skuId, qty: 1 }],
      buyerNick: 'pg_restart',
      receiverName: '王五',
      receiverPhone: '13900001111',
      receiverAddress: '北京市朝阳区建国路 1 号',
    });

  it('answers 503 while PostgreSQL is down and recovers on its own once it is back', async () => {
    expect((await order()).statusCode).toBe(201);

    await proxy.down();
    for (const res of [await order(), await admin.get('/api/v1/orders'), await order()]) {
      expect(res.statusCode, res.body).toBe(503);
      expect(res.json()).toMatchObject({ code: 'unavailable' });
      expect(res.json().detail).toContain('数据库暂时无法连接');
      expect(res.headers['retry-after']).toBe('30');
    }

    await proxy.up();
    // The pool opens fresh connections: no server restart needed.
    const after = await order();
    expect(after.statusCode, after.body).toBe(201);
    const list = (await admin.get(`/api/v1/orders?shopId=${shopId}`)).json();
    // The two orders that were acknowledged, nothing from the outage, each with its line; stock agrees.
    expect(list.items.filter((o: { buyerNick: string }) => o.buyerNick === 'pg_restart')).toHaveLength(2);
    const lines = await database.db.selectFrom('order_lines').select('order_id').execute();
    expect(new Set(lines.map((l) => l.order_id)).size).toBe(2);
    const stock = await database.db
      .selectFrom('stock')
      .select(['on_hand', 'reserved'])
      .where('sku_id', '=', skuId)
      .executeTakeFirstOrThrow();
    expect({ onHand: Number(stock.on_hand), reserved: Number(stock.reserved) }).toEqual({ onHand: 100, reserved: 2 });
  }, 60_000);
});
