/**
 * Migrations of maatstaf's own audit schema (default `maatstaf_audit`), kept apart from the demo
 * warehouse migrations in ../index.ts: they run on the audit store (MAATSTAF_AUDIT_DATABASE_URL,
 * default the warehouse) and take the schema name, so tests can use a schema of their own.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_query_log.js';
import * as m0002 from './0002_client_request_id.js';
import * as m0003 from './0003_hash_chain.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kysely migrations are untyped by design
type Db = Kysely<any>;

export function auditMigrations(schema: string): Readonly<Record<string, Migration>> {
  return {
    '0001_query_log': { up: (db: Db) => m0001.up(db, schema), down: () => m0001.down() },
    '0002_client_request_id': { up: (db: Db) => m0002.up(db, schema), down: () => m0002.down() },
    '0003_hash_chain': { up: (db: Db) => m0003.up(db, schema), down: () => m0003.down() },
  };
}
