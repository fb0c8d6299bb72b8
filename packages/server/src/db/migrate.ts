import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from './dialect.js';
import * as m0001 from './migrations/20261122_0001_foundation.js';
import * as m0002 from './migrations/20261122_0002_jobs_notifications.js';
import * as m0003 from './migrations/20261122_0003_catalog.js';
import * as m0004 from './migrations/20261122_0004_inventory.js';
import * as m0005 from './migrations/20261122_0005_orders.js';
import * as m0006 from './migrations/20261122_0006_analytics.js';
import * as m20261206_0001 from './migrations/20261206_0001_accounts.js';
import * as m20261206_0002 from './migrations/20261206_0002_orders_guards.js';
import * as m20261206_0003 from './migrations/20261206_0003_job_crashes.js';
import * as m20261206_0004 from './migrations/20261206_0004_rollup_claims.js';
import * as m20261206_0030 from './migrations/20261206_0030_order_flags_memo.js';
import * as m20261206_0040 from './migrations/20261206_0040_order_refunds.js';
import * as m20261206_0042 from './migrations/20261206_0042_aftersale_requested_replacement.js';
import * as m20261206_0050 from './migrations/20261206_0050_scale_list_indexes.js';
import * as m20261206_0060 from './migrations/20261206_0060_source_trees_rise_colour.js';
import * as m20261206_0061 from './migrations/20261206_0061_rebuild_grouped_source_days.js';
import * as m20261206_0101 from './migrations/20261206_0101_customers.js';
import * as m20261206_0102 from './migrations/20261206_0102_customer_segments.js';
import * as m20261206_0103 from './migrations/20261206_0103_membership.js';
import * as m20261206_0104 from './migrations/20261206_0104_outreach.js';
import * as m20261206_0110 from './migrations/20261206_0110_marketing.js';
import * as m20261206_0111 from './migrations/20261206_0111_order_pricings.js';
import * as m20261206_0112 from './migrations/20261206_0112_order_pricing_buyers.js';
import * as m20261206_0120 from './migrations/20261206_0120_ads.js';
import * as m20261206_0130 from './migrations/20261206_0130_reviews_service.js';
import * as m20261206_0140 from './migrations/20261206_0140_diagnosis.js';
import * as m20261206_0150 from './migrations/20261206_0150_team_routine.js';
import * as m20261207_0160 from './migrations/20261207_0160_notification_recipients_email.js';
import * as m20261207_0105 from './migrations/20261207_0105_customer_enquiries.js';
import * as m20261207_0106 from './migrations/20261207_0106_points_expiry.js';
import * as m20261207_0070 from './migrations/20261207_0070_events_insert_order.js';
import * as m20261207_0107 from './migrations/20261207_0107_customer_orders_rfm_idx.js';
import * as m20261207_0220 from './migrations/20261207_0220_orders_org_no_idx.js';
import * as m20261207_0221 from './migrations/20261207_0221_order_status_counts.js';
import * as m20261207_0125 from './migrations/20261207_0125_ad_spend_now.js';
import * as m20261207_0126 from './migrations/20261207_0126_ad_hourly.js';

/** Migrations are listed here in order; a static list works the same under tsx, bundlers and tests. */
const MIGRATIONS: Record<string, Migration> = {
  '20261122_0001_foundation': m0001,
  '20261122_0002_jobs_notifications': m0002,
  '20261122_0003_catalog': m0003,
  '20261122_0004_inventory': m0004,
  '20261122_0005_orders': m0005,
  '20261122_0006_analytics': m0006,
  '20261206_0001_accounts': m20261206_0001,
  '20261206_0002_orders_guards': m20261206_0002,
  '20261206_0003_job_crashes': m20261206_0003,
  '20261206_0004_rollup_claims': m20261206_0004,
  '20261206_0030_order_flags_memo': m20261206_0030,
  '20261206_0040_order_refunds': m20261206_0040,
  '20261206_0042_aftersale_requested_replacement': m20261206_0042,
  '20261206_0050_scale_list_indexes': m20261206_0050,
  '20261206_0060_source_trees_rise_colour': m20261206_0060,
  '20261206_0061_rebuild_grouped_source_days': m20261206_0061,
  '20261206_0101_customers': m20261206_0101,
  '20261206_0102_customer_segments': m20261206_0102,
  '20261206_0103_membership': m20261206_0103,
  '20261206_0104_outreach': m20261206_0104,
  '20261206_0110_marketing': m20261206_0110,
  '20261206_0111_order_pricings': m20261206_0111,
  '20261206_0112_order_pricing_buyers': m20261206_0112,
  '20261206_0120_ads': m20261206_0120,
  '20261206_0130_reviews_service': m20261206_0130,
  '20261206_0140_diagnosis': m20261206_0140,
  '20261206_0150_team_routine': m20261206_0150,
  '20261207_0160_notification_recipients_email': m20261207_0160,
  '20261207_0105_customer_enquiries': m20261207_0105,
  '20261207_0106_points_expiry': m20261207_0106,
  '20261207_0070_events_insert_order': m20261207_0070,
  '20261207_0107_customer_orders_rfm_idx': m20261207_0107,
  '20261207_0220_orders_org_no_idx': m20261207_0220,
  '20261207_0221_order_status_counts': m20261207_0221,
  '20261207_0125_ad_spend_now': m20261207_0125,
  '20261207_0126_ad_hourly': m20261207_0126,
};

class StaticProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

export async function migrateToLatest(database: Database): Promise<string[]> {
  // Modules' migrations are numbered in ranges and each touches its own tables, so one landed
  // later may carry a lower number than one a database already ran (a build between the two):
  // such a database still runs it instead of refusing to start. A fresh database runs them all in
  // name order. (docs/decisions.md, "Migrations out of order")
  const migrator = new Migrator({ db: database.db, provider: new StaticProvider(), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
