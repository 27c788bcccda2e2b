/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/**
 * Inhabitants per district on a reference date (peildatum, the first day of each month), as the
 * population register reports them. A stock, not a flow: the metric on it is semi-additive over
 * reference_date (see metrics/shared/population.yml).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('district_population')
    .addColumn('district_id', 'integer', (c) => c.notNull().references('districts.district_id'))
    .addColumn('reference_date', 'date', (c) => c.notNull())
    .addColumn('inhabitants', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('district_population_pkey', ['district_id', 'reference_date'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('district_population').ifExists().execute();
}
