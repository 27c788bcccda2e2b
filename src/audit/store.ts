/**
 * The audit table in SQL (PostgreSQL or PGlite): schema migration, batched inserts and filtered
 * reads. Every value is a bound parameter; the only identifier in the text is the schema name,
 * validated and quoted. There is no UPDATE or DELETE here, and the table's trigger refuses them.
 */
import { Migrator } from 'kysely/migration';
import { auditMigrations } from '../../migrations/audit/index.js';
import { MaatstafError } from '../core/errors.js';
import { boundEntry } from './bounded.js';
import { quoteIdent, type Warehouse } from '../warehouse/warehouse.js';
import type { AuditEntry, AuditEntryInput, AuditFilter, AuditPage } from './types.js';

export const DEFAULT_AUDIT_SCHEMA = 'maatstaf_audit';

/** An entry with the time it was recorded (the query's time, not the batch's). */
export interface StampedEntry {
  readonly at: Date;
  readonly entry: AuditEntryInput;
}

export interface AuditStore {
  insert(rows: readonly StampedEntry[]): Promise<void>;
  list(filter: AuditFilter): Promise<AuditPage>;
}

const COLUMNS = [
  'at',
  'request_id',
  'client_request_id',
  'caller_id',
  'caller_kind',
  'roles',
  'interface',
  'metrics',
  'sensitivity',
  'query',
  'row_count',
  'cells_suppressed',
  'outcome',
  'error_code',
  'duration_ms',
] as const;

function checkSchemaName(schema: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw new MaatstafError('INVALID_CONFIG', `audit schema '${schema}' is not a plain identifier`);
}

/** Creates or updates the audit schema; returns the migrations applied. */
export async function migrateAuditStore(wh: Warehouse, schema: string = DEFAULT_AUDIT_SCHEMA): Promise<string[]> {
  checkSchemaName(schema);
  const migrator = new Migrator({
    db: wh.db,
    provider: { getMigrations: async () => ({ ...auditMigrations(schema) }) },
    migrationTableSchema: schema,
    // Own bookkeeping names: the audit schema may be the warehouse's schema (tests, small setups).
    migrationTableName: 'maatstaf_audit_migration',
    migrationLockTableName: 'maatstaf_audit_migration_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MaatstafError('AUDIT_UNAVAILABLE', `audit schema migration failed: ${reason}`, {}, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

const int = (n: number | undefined): number | null => (n === undefined || !Number.isFinite(n) ? null : Math.round(n));

function rowValues({ at, entry }: StampedEntry): unknown[] {
  const e = boundEntry(entry);
  return [
    at.toISOString(),
    e.requestId ?? null,
    e.clientRequestId ?? null,
    e.callerId,
    e.callerKind,
    JSON.stringify(e.roles),
    e.interface,
    JSON.stringify(e.metrics),
    e.sensitivity,
    JSON.stringify(e.query),
    int(e.rowCount),
    int(e.cellsSuppressed),
    e.outcome,
    e.errorCode ?? null,
    int(e.durationMs),
  ];
}

const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = { at: 'timestamptz', roles: 'jsonb', metrics: 'jsonb', query: 'jsonb', row_count: 'integer', cells_suppressed: 'integer', duration_ms: 'integer' };

interface Row {
  id: number;
  at: string;
  request_id: string | null;
  client_request_id: string | null;
  caller_id: string;
  caller_kind: string;
  roles: string[];
  interface: AuditEntry['interface'];
  metrics: string[];
  sensitivity: AuditEntry['sensitivity'];
  query: Record<string, unknown>;
  row_count: number | null;
  cells_suppressed: number | null;
  outcome: AuditEntry['outcome'];
  error_code: string | null;
  duration_ms: number | null;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function toEntry(r: Row): AuditEntry {
  return {
    id: Number(r.id),
    at: r.at,
    requestId: r.request_id ?? undefined,
    ...(r.client_request_id !== null ? { clientRequestId: r.client_request_id } : {}),
    callerId: r.caller_id,
    callerKind: r.caller_kind,
    roles: json<string[]>(r.roles),
    interface: r.interface,
    metrics: json<string[]>(r.metrics),
    sensitivity: r.sensitivity,
    query: json<Record<string, unknown>>(r.query),
    rowCount: r.row_count ?? undefined,
    cellsSuppressed: r.cells_suppressed ?? undefined,
    outcome: r.outcome,
    errorCode: r.error_code ?? undefined,
    durationMs: r.duration_ms ?? 0,
  };
}

export function createSqlAuditStore(wh: Warehouse, schema: string = DEFAULT_AUDIT_SCHEMA): AuditStore {
  checkSchemaName(schema);
  const table = `${quoteIdent(schema)}.query_log`;
  return {
    async insert(rows) {
      if (rows.length === 0) return;
      const params: unknown[] = [];
      const tuples = rows.map((row) => {
        const values = rowValues(row);
        const placeholders = values.map((v, i) => {
          params.push(v);
          const cast = CASTS[COLUMNS[i]!];
          return `$${params.length}${cast ? `::${cast}` : ''}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      await wh.query(`INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    },

    async list(filter) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: (p: string) => string, value: unknown) => {
        params.push(value);
        where.push(clause(`$${params.length}`));
      };
      if (filter.callerId !== undefined) add((p) => `caller_id = ${p}`, filter.callerId);
      if (filter.metric !== undefined) add((p) => `metrics @> ${p}::jsonb`, JSON.stringify([filter.metric]));
      if (filter.from !== undefined) add((p) => `at >= ${p}::timestamptz`, filter.from);
      if (filter.to !== undefined) add((p) => `at < ${p}::timestamptz`, filter.to);
      if (filter.outcome !== undefined) add((p) => `outcome = ${p}`, filter.outcome);
      if (filter.interface !== undefined) add((p) => `interface = ${p}`, filter.interface);
      if (filter.before !== undefined) add((p) => `id < ${p}`, filter.before);
      params.push(filter.limit + 1);
      const sqlText =
        `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, request_id, client_request_id, caller_id, caller_kind, roles, interface, ` +
        `metrics, sensitivity, query, row_count, cells_suppressed, outcome, error_code, duration_ms FROM ${table}` +
        (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
        ` ORDER BY id DESC LIMIT $${params.length}`;
      const { rows } = await wh.query<Row>(sqlText, params);
      const page = rows.slice(0, filter.limit).map(toEntry);
      const last = page.at(-1);
      return rows.length > filter.limit && last ? { entries: page, nextCursor: last.id } : { entries: page };
    },
  };
}
