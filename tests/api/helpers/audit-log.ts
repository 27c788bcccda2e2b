/** A real audit log in its own schema of a test warehouse, and the rows it stored. */
import { randomBytes } from 'node:crypto';
import { createAuditLog, type QueuedAuditLog } from '../../../src/audit/audit-log.js';
import { createSqlAuditStore, migrateAuditStore } from '../../../src/audit/store.js';
import type { Warehouse } from '../../../src/warehouse/warehouse.js';

export interface QueryLogRow {
  readonly request_id: string;
  readonly client_request_id: string | null;
  readonly interface: string;
  readonly outcome: string;
  readonly row_count: number | null;
  readonly caller_id: string;
  readonly query: Record<string, unknown>;
  readonly roles: string[];
}

export interface TestAuditLog {
  readonly audit: QueuedAuditLog;
  readonly schema: string;
  /** The stored entries of these (server) request ids, by request id (entries still queued are not there yet). */
  rows(requestIds: readonly string[]): Promise<QueryLogRow[]>;
  /** The stored entries of requests that sent these x-request-id headers, by that id. */
  rowsByClientId(clientRequestIds: readonly string[]): Promise<QueryLogRow[]>;
  /** Closes the log and drops its schema (PGlite warehouses are thrown away whole). */
  close(): Promise<void>;
}

export async function openTestAuditLog(wh: Warehouse, engineName: string, prefix: string): Promise<TestAuditLog> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  await migrateAuditStore(wh, schema);
  const audit = createAuditLog({ store: createSqlAuditStore(wh, schema) });
  const select = `SELECT request_id, client_request_id, interface, outcome, row_count, caller_id, query, roles FROM "${schema}".query_log`;
  return {
    audit,
    schema,
    async rows(requestIds) {
      const { rows } = await wh.query<QueryLogRow>(`${select} WHERE request_id = ANY($1::text[]) ORDER BY request_id`, [requestIds]);
      return rows;
    },
    async rowsByClientId(clientRequestIds) {
      const { rows } = await wh.query<QueryLogRow>(`${select} WHERE client_request_id = ANY($1::text[]) ORDER BY client_request_id`, [clientRequestIds]);
      return rows;
    },
    async close() {
      await audit.close();
      if (engineName === 'postgres') await wh.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    },
  };
}
