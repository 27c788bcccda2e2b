/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design */
/**
 * The client's own x-request-id, kept beside the server's request id (which is never taken from the
 * client: a forged header must not become the audit trail's correlation id). Existing rows get NULL.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>, schema: string): Promise<void> {
  await sql`ALTER TABLE ${sql.id(schema)}.query_log ADD COLUMN client_request_id text`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the audit log migration cannot be reverted');
}
