/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/** Social domain (sensitive; synthetic and pseudonymised): benefit cases and school absence reports. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('benefit_cases')
    .addColumn('case_id', 'integer', (c) => c.primaryKey())
    .addColumn('client_pseudonym', 'text', (c) => c.notNull())
    .addColumn('district_id', 'integer', (c) => c.notNull())
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('household_type', 'text', (c) => c.notNull())
    .addColumn('start_date', 'date', (c) => c.notNull())
    // NULL while the case is running.
    .addColumn('end_date', 'date')
    .addColumn('end_reason', 'text', (c) => c.check(sql`end_reason IN ('work', 'moved', 'other')`))
    .execute();

  await db.schema
    .createTable('school_absence_reports')
    .addColumn('report_id', 'integer', (c) => c.primaryKey())
    .addColumn('pupil_pseudonym', 'text', (c) => c.notNull())
    .addColumn('school', 'text', (c) => c.notNull())
    .addColumn('age', 'integer', (c) => c.notNull())
    .addColumn('gender', 'text', (c) => c.notNull().check(sql`gender IN ('female', 'male')`))
    .addColumn('district_id', 'integer', (c) => c.notNull())
    .addColumn('absence_type', 'text', (c) => c.notNull())
    .addColumn('report_date', 'date', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('school_absence_reports').ifExists().execute();
  await db.schema.dropTable('benefit_cases').ifExists().execute();
}
