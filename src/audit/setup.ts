/**
 * The audit log of `maatstaf serve`: on MAATSTAF_AUDIT_DATABASE_URL when set, else on the warehouse
 * (the embedded demo: the same PGlite), in schema MAATSTAF_AUDIT_SCHEMA. The schema is migrated on
 * first use and again after a failure, so a store that comes up later starts working without a
 * restart; until then queries of personal data fail closed (503 AUDIT_UNAVAILABLE).
 */
import { openWarehouse } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { createAuditLog, type AuditLogger, type QueuedAuditLog } from './audit-log.js';
import { createSqlAuditStore, migrateAuditStore, type AuditStore } from './store.js';

export interface AuditSetup {
  readonly audit: QueuedAuditLog;
  /** Flushes queued entries, then closes the audit database (when it is not the warehouse). */
  close(): Promise<void>;
}

export interface AuditSetupOptions {
  readonly auditDatabaseUrl?: string | undefined;
  readonly auditSchema: string;
  readonly log: AuditLogger & { warn(obj: object, msg: string): void };
}

/** A store that (re)applies the audit migrations before use, at most once per `retryMs` after a failure. */
export function migratingStore(wh: Warehouse, schema: string, log: AuditSetupOptions['log'], retryMs = 5000): AuditStore {
  const store = createSqlAuditStore(wh, schema);
  let migrated: Promise<void> | undefined;
  let failedAt = 0;
  const ready = (): Promise<void> => {
    if (!migrated && Date.now() - failedAt >= retryMs) {
      migrated = migrateAuditStore(wh, schema).then(
        (applied) => {
          if (applied.length > 0) log.info({ schema, applied }, 'audit schema migrated');
        },
        (err: unknown) => {
          failedAt = Date.now();
          migrated = undefined;
          throw err;
        },
      );
    }
    return migrated ?? Promise.reject(new Error('audit schema not migrated yet'));
  };
  return {
    insert: async (rows) => {
      await ready();
      await store.insert(rows);
    },
    list: async (filter) => {
      await ready();
      return store.list(filter);
    },
  };
}

export async function setupAuditLog(warehouse: Warehouse, opts: AuditSetupOptions): Promise<AuditSetup> {
  const own = opts.auditDatabaseUrl ? await openWarehouse({ databaseUrl: opts.auditDatabaseUrl, poolSize: 2, statementTimeoutMs: 10_000 }) : undefined;
  const wh = own ?? warehouse;
  const store = migratingStore(wh, opts.auditSchema, opts.log);
  const audit = createAuditLog({ store, log: opts.log });
  // Migrate now, so a read-only warehouse is reported at start-up rather than at the first query.
  await store.list({ limit: 1 }).catch((err: unknown) =>
    opts.log.error(
      { schema: opts.auditSchema, err: err instanceof Error ? err.message : String(err) },
      'audit log unavailable: queries of personal data answer 503 until it is (set MAATSTAF_AUDIT_DATABASE_URL to a writable database)',
    ),
  );
  return {
    audit,
    async close() {
      await audit.close();
      await own?.close();
    },
  };
}
