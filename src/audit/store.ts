/**
 * The audit table in SQL (PostgreSQL or PGlite): schema migration, chained batched inserts and
 * filtered reads. Every value is a bound parameter; the only identifier in the text is the schema
 * name, validated and quoted. There is no UPDATE or DELETE here (only the prune procedure in
 * prune.ts removes entries), and the table's trigger refuses them.
 */
import { Migrator } from 'kysely/migration';
import { auditMigrations } from '../../migrations/audit/index.js';
import { MaatstafError } from '../core/errors.js';
import { boundEntry } from './bounded.js';
import { entryDigest } from './chain.js';
import { COLUMNS, rowValues, selectList, tableName, toEntry, type Row, type StampedEntry } from './rows.js';
import type { AuditEntryKind, AuditFilter, AuditPage, PruneSummary } from './types.js';
import { quoteIdent, type Warehouse } from '../warehouse/warehouse.js';

export type { StampedEntry } from './rows.js';

export const DEFAULT_AUDIT_SCHEMA = 'maatstaf_audit';

export interface AuditStore {
  insert(rows: readonly StampedEntry[]): Promise<void>;
  list(filter: AuditFilter): Promise<AuditPage>;
}

export function checkSchemaName(schema: string): void {
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
    // Audit migrations are independent additions; one landing after a later-numbered one is fine.
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MaatstafError('AUDIT_UNAVAILABLE', `audit schema migration failed: ${reason}`, {}, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

const JSON_COLUMNS = new Set<string>(['roles', 'metrics', 'query', 'summary']);
const CASTS: Partial<Record<(typeof COLUMNS)[number], string>> = {
  at: 'timestamptz',
  roles: 'jsonb',
  metrics: 'jsonb',
  query: 'jsonb',
  summary: 'jsonb',
  row_count: 'integer',
  cells_suppressed: 'integer',
  duration_ms: 'integer',
};

/** An entry to append: its column values (JSON columns as text) and the digest its hash covers. */
export interface PreparedRow {
  readonly values: readonly unknown[];
  readonly digest: string;
}

export function prepareRow(at: Date, entry: StampedEntry['entry'], kind: AuditEntryKind = 'query', summary?: PruneSummary): PreparedRow {
  const raw = rowValues(at, kind === 'query' ? boundEntry(entry) : entry, kind, summary);
  const values = raw.map((v, i) => (JSON_COLUMNS.has(COLUMNS[i]!) && v !== null ? JSON.stringify(v) : v));
  // The digest is taken from the entry as it will read back, so the check recomputes the same.
  const row = Object.fromEntries(COLUMNS.map((c, i) => [c, values[i]])) as unknown as Row;
  return { values, digest: entryDigest(toEntry({ ...row, id: 0, prev_hash: null, hash: null })) };
}

/**
 * One INSERT that appends the rows as the next links of the chain: query_log_link (see the
 * migration) takes the chain's lock and numbers the links; ids follow the same order.
 */
export function appendStatement(schema: string, rows: readonly PreparedRow[]): { text: string; params: unknown[] } {
  const table = tableName(schema);
  const params: unknown[] = [rows.map((r) => r.digest)];
  const tuples = rows.map((row, n) => {
    const placeholders = row.values.map((v, i) => {
      params.push(v);
      const cast = CASTS[COLUMNS[i]!];
      return `$${params.length}${cast ? `::${cast}` : ''}`;
    });
    return `(${n + 1}, ${placeholders.join(', ')})`;
  });
  const text =
    `WITH link AS (SELECT * FROM ${quoteIdent(schema)}.query_log_link($1::text[])) ` +
    `INSERT INTO ${table} (${COLUMNS.join(', ')}, prev_hash, hash) ` +
    `SELECT ${COLUMNS.map((c) => `v.${c}`).join(', ')}, link.prev_hash, link.hash ` +
    `FROM (VALUES ${tuples.join(', ')}) AS v(n, ${COLUMNS.join(', ')}) JOIN link ON link.n = v.n ORDER BY v.n`;
  return { text, params };
}

export function createSqlAuditStore(wh: Warehouse, schema: string = DEFAULT_AUDIT_SCHEMA): AuditStore {
  checkSchemaName(schema);
  const table = tableName(schema);
  return {
    async insert(rows) {
      if (rows.length === 0) return;
      const { text, params } = appendStatement(schema, rows.map((r) => prepareRow(r.at, r.entry)));
      await wh.query(text, params);
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
      const sqlText = `SELECT ${selectList()} FROM ${table}` + (where.length ? ` WHERE ${where.join(' AND ')}` : '') + ` ORDER BY id DESC LIMIT $${params.length}`;
      const { rows } = await wh.query<Row>(sqlText, params);
      const page = rows.slice(0, filter.limit).map(toEntry);
      const last = page.at(-1);
      return rows.length > filter.limit && last ? { entries: page, nextCursor: last.id } : { entries: page };
    },
  };
}

/** Every entry in id order (the chain's order), read in pages so memory stays bounded. */
export async function* scanEntries(wh: Warehouse, schema: string, pageSize = 2000): AsyncGenerator<ReturnType<typeof toEntry>> {
  checkSchemaName(schema);
  let after = 0;
  for (;;) {
    const { rows } = await wh.query<Row>(`SELECT ${selectList()} FROM ${tableName(schema)} WHERE id > $1 ORDER BY id LIMIT $2`, [after, pageSize]);
    for (const row of rows) yield toEntry(row);
    if (rows.length < pageSize) return;
    after = Number(rows.at(-1)!.id);
  }
}
