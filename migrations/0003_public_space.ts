/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/**
 * Public-space reports (meldingen openbare ruimte), the daily open-backlog snapshot and resident
 * satisfaction surveys. No foreign keys on the fact tables: they are bulk loaded (millions of rows)
 * and deliberately contain flaws (reports without a district).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('public_space_reports')
    .addColumn('report_id', 'integer', (c) => c.primaryKey())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    // NULL while open; a handful lie before received_at (a known data-quality flaw).
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('subcategory', 'text', (c) => c.notNull())
    // NULL for ~0.5% of reports that could not be located (a known data-quality flaw).
    .addColumn('district_id', 'integer')
    .addColumn('neighbourhood_id', 'integer')
    // 100 m grid cell (CBS style, e.g. E1534N4312): repeat reports at the same spot.
    .addColumn('location_cell', 'text')
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel IN ('app', 'web', 'phone', 'counter')`))
    .addColumn('priority', 'text', (c) => c.notNull().check(sql`priority IN ('low', 'normal', 'high', 'urgent')`))
    // resolved: fixed; closed: closed without a fix (duplicate, not the municipality's task).
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('new', 'in_progress', 'resolved', 'closed')`))
    .addColumn('reporter_pseudonym', 'text')
    .execute();

  // Key: (snapshot_date, district_id, category), district_id NULL for "unknown". Deliberately no
  // unique index: maintaining it tripled the snapshot's load time on PGlite; the seed guarantees it.
  await db.schema
    .createTable('daily_open_reports')
    .addColumn('snapshot_date', 'date', (c) => c.notNull())
    // NULL: reports without a district.
    .addColumn('district_id', 'integer')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('open_count', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('survey_responses')
    .addColumn('survey_id', 'integer', (c) => c.primaryKey())
    .addColumn('report_id', 'integer', (c) => c.notNull())
    .addColumn('responded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull().check(sql`score BETWEEN 1 AND 10`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('survey_responses').ifExists().execute();
  await db.schema.dropTable('daily_open_reports').ifExists().execute();
  await db.schema.dropTable('public_space_reports').ifExists().execute();
}
