/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/** One row per date with ISO weeks and Dutch public holidays; the MetricFlow time spine (date_day). */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('calendar')
    .addColumn('date_day', 'date', (c) => c.primaryKey())
    .addColumn('iso_year', 'integer', (c) => c.notNull())
    .addColumn('iso_week', 'integer', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('quarter', 'integer', (c) => c.notNull())
    .addColumn('month', 'integer', (c) => c.notNull())
    .addColumn('month_name', 'text', (c) => c.notNull())
    .addColumn('day_of_month', 'integer', (c) => c.notNull())
    // ISO: 1 = Monday … 7 = Sunday
    .addColumn('day_of_week', 'integer', (c) => c.notNull().check(sql`day_of_week BETWEEN 1 AND 7`))
    .addColumn('day_name', 'text', (c) => c.notNull())
    .addColumn('is_weekend', 'boolean', (c) => c.notNull())
    .addColumn('is_public_holiday', 'boolean', (c) => c.notNull())
    .addColumn('holiday_name', 'text')
    .addColumn('is_workday', 'boolean', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('calendar').ifExists().execute();
}
