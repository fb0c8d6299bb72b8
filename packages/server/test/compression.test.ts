/**
 * What travels over the wire: API answers are compressed (brotli, else gzip) when the client
 * accepts it and they are worth it; the console's files are sent as the build compressed them
 * (`*.br` / `*.gz` beside each asset), and a client that accepts neither gets the plain file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../src/http/app.js';
import { describeEachDialect } from './dialects.js';
import { makeShop } from './fixtures.js';
import { useTestApp } from './harness.js';

describeEachDialect('compression', (dialect) => {
  const ctx = useTestApp(dialect);
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'yy-dist-'));
  // A console build in miniature: a script large enough to compress, and its compressed twins.
  const script = `console.log(${JSON.stringify('运营台 '.repeat(2000))});\n`;
  let web: App;
  beforeAll(async () => {
    fs.mkdirSync(path.join(dist, 'assets'));
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    const file = path.join(dist, 'assets', 'index-abc.js');
    fs.writeFileSync(file, script);
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(script));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(script));
    web = await buildApp({ database: ctx.tdb.database, config: { ...ctx.config, webDist: dist } });
  });
  afterAll(async () => {
    await web?.close();
    fs.rmSync(dist, { recursive: true, force: true });
  });

  it('sends the prebuilt brotli or gzip file of a console asset, or the plain one', async () => {
    const br = await web.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(Buffer.byteLength(script) / 10);

    const gz = await web.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await web.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  it('compresses API answers worth compressing, and leaves small ones alone', async () => {
    const admin = await ctx.admin();
    for (let i = 0; i < 12; i++) await makeShop(ctx, admin, `压缩测试店铺${i}`);
    const list = await admin.request('GET', '/api/v1/shops', undefined, { 'accept-encoding': 'br, gzip' });
    expect(list.statusCode).toBe(200);
    expect(list.headers['content-encoding']).toBe('br');
    const json = JSON.parse(zlib.brotliDecompressSync(list.rawPayload).toString()) as { items: { name: string }[] };
    expect(json.items.filter((s) => s.name.startsWith('压缩测试店铺'))).toHaveLength(12);

    const gz = await admin.request('GET', '/api/v1/shops', undefined, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(zlib.gunzipSync(gz.rawPayload).toString())).toEqual(json);

    const none = await admin.request('GET', '/api/v1/shops', undefined, {});
    expect(none.headers['content-encoding']).toBeUndefined();
    expect(none.json()).toEqual(json);

    // Under the 1 kB threshold compression costs more than it saves.
    const small = await web.inject({ url: '/healthz', headers: { 'accept-encoding': 'br, gzip' } });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(small.json()).toEqual({ status: 'ok' });
  });
});
