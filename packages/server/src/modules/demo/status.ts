/** Whether a demo is loaded, and the first-start load of the small demo. */
import type { Shop } from '@yunying/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/dialect.js';
import type { DB } from '../../db/schema.js';
import * as orders from '../orders/index.js';
import * as shops from '../shops/index.js';
import { loadDemo } from './load.js';
import type { DemoSummary } from './manifest.js';

/** The organisation's demo shops (none: no demo loaded). */
export function demoShops(db: Kysely<DB>, orgId: string): Promise<Shop[]> {
  return shops.bulk.demoShops(db, orgId);
}

/**
 * On a brand-new installation (no shops, no orders) load the small demo so the console has
 * something to show, unless YUNYING_DEMO=0. Returns the summary, or null when nothing was loaded.
 */
export async function firstStartDemo(
  database: Database,
  opts: { env?: NodeJS.ProcessEnv; log?: (line: string) => void; now?: number } = {},
): Promise<DemoSummary | null> {
  const env = opts.env ?? process.env;
  if (env.YUNYING_DEMO === '0') return null;
  const db = database.db;
  if ((await shops.bulk.anyShop(db)) || (await orders.bulk.anyOrder(db))) return null;
  const log = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  log('首次启动：正在加载演示数据… / First start: loading demo data…');
  const s = await loadDemo(database, { profile: 'small', ...(opts.now !== undefined ? { now: opts.now } : {}) });
  log(
    `已加载演示数据（${s.shops} 家店铺名称带「演示」，${s.skus} 个 SKU，${s.orders} 笔订单，${(s.elapsedMs / 1000).toFixed(1)} 秒）。` +
      `删除：设置 → 店铺 → 删除演示数据，或运行 yunying demo --delete；设置 YUNYING_DEMO=0 可跳过。\n` +
      `Loaded a clearly labelled demo (shops marked 演示/demo). Remove it in Settings → Shops or with \`yunying demo --delete\`.`,
  );
  return s;
}
