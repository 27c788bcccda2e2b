/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/**
 * Indexes for the demo measures that look up other rows of their own table (correlated EXISTS):
 * `repeat_reports` (an earlier report of the same category in the same grid cell within 30 days)
 * and `repeat_absence_within_12_months` (a later report of the same pupil within a year). Without
 * them every row scans the whole table: `repeat_report_share` over one year took minutes on
 * PostgreSQL at demo scale, well under a second with them (issue 24's spine benchmark).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('public_space_reports_repeat_lookup').on('public_space_reports').columns(['location_cell', 'category', 'received_at']).execute();
  await db.schema.createIndex('school_absence_reports_pupil_lookup').on('school_absence_reports').columns(['pupil_pseudonym', 'report_date']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('school_absence_reports_pupil_lookup').execute();
  await db.schema.dropIndex('public_space_reports_repeat_lookup').execute();
}
