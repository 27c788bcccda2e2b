/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/**
 * maatstaf's own audit table (not part of the warehouse's data): one row per query of internal or
 * personal metrics. Append-only is enforced by the database itself: a trigger raises on UPDATE,
 * DELETE and TRUNCATE, so not even a bug or a direct SQL session through maatstaf's role can
 * rewrite history (only a superuser dropping the trigger can).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>, schema: string): Promise<void> {
  const s = sql.id(schema);
  await sql`CREATE SCHEMA IF NOT EXISTS ${s}`.execute(db);
  await sql`
    CREATE TABLE ${s}.query_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      request_id text,
      caller_id text NOT NULL,
      caller_kind text NOT NULL,
      roles jsonb NOT NULL,
      interface text NOT NULL,
      metrics jsonb NOT NULL,
      sensitivity text NOT NULL,
      query jsonb NOT NULL,
      row_count integer,
      cells_suppressed integer,
      outcome text NOT NULL CHECK (outcome IN ('ok', 'denied', 'error')),
      error_code text,
      duration_ms integer
    )`.execute(db);
  await sql`CREATE INDEX query_log_at ON ${s}.query_log (at)`.execute(db);
  await sql`CREATE INDEX query_log_caller ON ${s}.query_log (caller_id, id)`.execute(db);
  await sql`
    CREATE FUNCTION ${s}.query_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'maatstaf audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER query_log_no_change BEFORE UPDATE OR DELETE ON ${s}.query_log
    FOR EACH ROW EXECUTE FUNCTION ${s}.query_log_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER query_log_no_truncate BEFORE TRUNCATE ON ${s}.query_log
    FOR EACH STATEMENT EXECUTE FUNCTION ${s}.query_log_append_only()`.execute(db);
}

export async function down(): Promise<void> {
  // Deliberately none: an audit trail is never rolled back by a migration.
  throw new Error('the audit log migration cannot be reverted');
}
