import type { Kysely } from 'kysely';

/**
 * 咨询 lifecycle (issue 11 §1 with issue 14 §2): a customer row also for a buyer who only enquired.
 * `enquiries` is the number of service conversations of the buyer nick in the shop, and
 * `last_enquiry_day` the day of the latest (null without any), both written by the customers
 * module from the service module's `enquiriesByCustomer()`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('enquiries', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('customers').addColumn('last_enquiry_day', 'varchar(10)').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('customers').dropColumn('last_enquiry_day').execute();
  await db.schema.alterTable('customers').dropColumn('enquiries').execute();
}
