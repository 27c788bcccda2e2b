/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/** Districts (wijken) and neighbourhoods (buurten) of the demo municipality. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('districts')
    .addColumn('district_id', 'integer', (c) => c.primaryKey())
    .addColumn('district_code', 'text', (c) => c.notNull().unique())
    .addColumn('district_name', 'text', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .addColumn('area_hectares', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('neighbourhoods')
    .addColumn('neighbourhood_id', 'integer', (c) => c.primaryKey())
    .addColumn('district_id', 'integer', (c) => c.notNull().references('districts.district_id'))
    .addColumn('neighbourhood_code', 'text', (c) => c.notNull().unique())
    .addColumn('neighbourhood_name', 'text', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('neighbourhoods').ifExists().execute();
  await db.schema.dropTable('districts').ifExists().execute();
}
