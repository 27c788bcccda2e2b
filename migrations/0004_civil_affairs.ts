/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/** Civil affairs (burgerzaken): document applications and counter appointments. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('document_applications')
    .addColumn('application_id', 'integer', (c) => c.primaryKey())
    .addColumn('document_type', 'text', (c) => c.notNull().check(sql`document_type IN ('passport', 'id_card', 'driving_licence')`))
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('district_id', 'integer', (c) => c.notNull())
    .addColumn('applicant_age_band', 'text', (c) => c.notNull())
    .addColumn('applied_at', 'timestamptz', (c) => c.notNull())
    // NULL while still in production at the extract moment.
    .addColumn('ready_at', 'timestamptz')
    // NULL: not (yet) collected.
    .addColumn('picked_up_at', 'timestamptz')
    .addColumn('counter_wait_minutes', 'integer', (c) => c.notNull())
    .addColumn('fee_eur', 'numeric(7, 2)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('appointments')
    .addColumn('appointment_id', 'integer', (c) => c.primaryKey())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('booked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('scheduled_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('attended', 'no_show', 'cancelled')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('appointments').ifExists().execute();
  await db.schema.dropTable('document_applications').ifExists().execute();
}
