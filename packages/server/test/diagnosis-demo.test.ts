/**
 * The demo's planted problems (packages/sim world.ts: a product's conversion drop, a source's
 * traffic drop in the Tmall shop, a week of slow shipping at one warehouse) show up as findings
 * with their start days within ±2 days. SQLite only: loading the demo takes ~30 s there and
 * 100–120 s on PostgreSQL (decisions.md); the rules' SQL runs on both dialects in diagnosis.test.ts.
 */
import { addDays, businessDay } from '@yunying/core';
import { generate } from '@yunying/sim';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/http/actor.js';
import { DEMO_DEFAULT_SEED, demoShops, loadDemo } from '../src/modules/demo/index.js';
import { diagnose, shopRef } from '../src/modules/diagnosis/index.js';
import * as shopsSvc from '../src/modules/shops/index.js';
import { useTestApp } from './harness.js';

const NOW = Date.parse('2026-11-20T07:00:00Z');
const TZ = 'Asia/Shanghai';
const DATE = addDays(businessDay(NOW, TZ), -1);
const days = (a: string, b: string) => Math.round((Date.parse(a) - Date.parse(b)) / 86_400_000);

describe('shop diagnosis on the demo [sqlite]', () => {
  const ctx = useTestApp('sqlite');
  const world = generate({ profile: 'small', seed: DEMO_DEFAULT_SEED, timezone: TZ, now: NOW, endDay: businessDay(NOW, TZ) });
  const found = new Map<string, Awaited<ReturnType<typeof diagnose>>>();

  beforeAll(async () => {
    await loadDemo(ctx.tdb.database, { profile: 'small', seed: DEMO_DEFAULT_SEED, now: NOW });
    const db = ctx.tdb.database.db;
    for (const s of await demoShops(db, ctx.orgId)) {
      const row = await shopsSvc.getVisible(db, systemActor(ctx.orgId), s.id);
      found.set(row.name, await diagnose(db, shopRef(row), DATE, NOW));
    }
  }, 180_000);

  it('finds the product whose conversion fell, dated within ±2 days', () => {
    const p = world.problems.conversionDrop;
    const all = [...found.values()].flat().filter((f) => f.kind === 'conversion_drop' && f.subjectId === p.productId);
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) expect(Math.abs(days(f.startedOn, p.fromDay)), f.summary).toBeLessThanOrEqual(2);
  });

  it('finds the source whose visitors fell in the Tmall shop', () => {
    const t = world.problems.trafficDrop;
    const f = found.get(t.shopName)!.find((x) => x.kind === 'traffic_drop' && x.subjectId === t.sourceCode);
    expect(f, JSON.stringify(found.get(t.shopName)!.map((x) => x.summary))).toBeDefined();
    expect(Math.abs(days(f!.startedOn, t.fromDay))).toBeLessThanOrEqual(2);
  });

  it('finds the week of slow shipping at the warehouse, start and end', () => {
    const c = world.problems.shippingDelay;
    const all = [...found.values()].flat().filter((f) => f.kind === 'late_shipments' && f.subjectId === c.warehouseId);
    expect(all.length).toBeGreaterThan(0);
    for (const f of all) {
      expect(Math.abs(days(f.startedOn, c.fromDay)), f.summary).toBeLessThanOrEqual(2);
      expect(Math.abs(days(f.endedOn!, c.toDay)), f.summary).toBeLessThanOrEqual(2);
    }
  });
});
