import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { cancellableQuery, createCanceller } from './postgres-cancel.js';
import { streamPostgres } from './postgres-stream.js';
import { NUMERIC_OIDS, TIME_OIDS, parseNumber, quoteIdent, type Warehouse, type WarehouseOptions, type WarehouseQueryOptions, type WarehouseResult, type WarehouseStreamOptions } from './warehouse.js';

export interface PostgresWarehouseOptions extends WarehouseOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
}

/** Type parsers local to our pool, so we never change node-pg's global defaults for other users. */
function makeTypes(): pg.CustomTypesConfig {
  const identity = (v: string) => v;
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === NUMERIC_OIDS.int8 || oid === NUMERIC_OIDS.numeric) return parseNumber;
      if (oid === TIME_OIDS.date || oid === TIME_OIDS.timestamp || oid === TIME_OIDS.timestamptz) return identity;
      return pg.types.getTypeParser(oid, format);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export async function openPostgresWarehouse(opts: PostgresWarehouseOptions): Promise<Warehouse> {
  const pgOptions: string[] = [];
  if (opts.statementTimeoutMs) pgOptions.push(`-c statement_timeout=${Math.floor(opts.statementTimeoutMs)}`);
  if (opts.schema) {
    // Schema names are validated as plain identifiers by the config, so they are safe in `options`.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.schema)) throw new Error(`invalid schema name '${opts.schema}'`);
    pgOptions.push(`-c search_path=${opts.schema},public`);
  }
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    types: makeTypes(),
    ...(pgOptions.length > 0 ? { options: pgOptions.join(' ') } : {}),
  });
  // An idle client losing its connection (database restarted) must not crash the process.
  pool.on('error', () => {});
  if (opts.schema && opts.createSchema) {
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    } catch (e) {
      await pool.end();
      throw e;
    }
  }
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  const canceller = createCanceller({ connectionString: opts.url, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000 });

  return {
    kind: 'postgres',
    db,
    schema: opts.schema,
    async query<R>(sql: string, params: readonly unknown[] = [], options: WarehouseQueryOptions = {}): Promise<WarehouseResult<R>> {
      const res = options.signal ? await cancellableQuery(pool, canceller, sql, params, options.signal) : await pool.query(sql, params as unknown[]);
      return { rows: res.rows as R[], fields: res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) };
    },
    stream<R>(sql: string, params: readonly unknown[] = [], options: WarehouseStreamOptions = {}) {
      return streamPostgres<R>(pool, canceller, sql, params, options);
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await canceller.close();
      await db.destroy();
    },
  };
}
