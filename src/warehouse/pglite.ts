import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect } from 'kysely';
import { lockDataDir } from './data-dir-lock.js';
import { throwIfCancelled } from '../core/cancellation.js';
import { streamPglite } from './pglite-stream.js';
import { NUMERIC_OIDS, TIME_OIDS, parseNumber, quoteIdent, type Warehouse, type WarehouseOptions, type WarehouseQueryOptions, type WarehouseResult, type WarehouseStreamOptions } from './warehouse.js';

export interface PgliteWarehouseOptions extends WarehouseOptions {
  /** Folder for the data files; undefined → in memory. */
  readonly dataDir?: string;
}

const identity = (v: string) => v;

/** Embedded PostgreSQL (WASM): the default warehouse when no database URL is given. */
export async function openPgliteWarehouse(opts: PgliteWarehouseOptions = {}): Promise<Warehouse> {
  const unlock = opts.dataDir ? lockDataDir(opts.dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = await createPglite(opts);
  } catch (e) {
    unlock();
    throw e;
  }
  if (opts.schema) {
    if (opts.createSchema) await pglite.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    await pglite.exec(`SET search_path TO ${quoteIdent(opts.schema)}, public`);
  }
  if (opts.statementTimeoutMs) await pglite.exec(`SET statement_timeout = ${Math.floor(opts.statementTimeoutMs)}`);
  const db = new Kysely<unknown>({ dialect: new PGliteDialect({ pglite }) });
  let closed = false;
  const run = async <R>(text: string, values: readonly unknown[]): Promise<WarehouseResult<R>> => {
    const res = await pglite.query<R>(text, values as unknown[]);
    return { rows: res.rows, fields: res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) };
  };

  return {
    kind: 'pglite',
    db,
    schema: opts.schema,
    async query<R>(sql: string, params: readonly unknown[] = [], options: WarehouseQueryOptions = {}): Promise<WarehouseResult<R>> {
      // PGlite cannot interrupt a running statement: only work not yet started is dropped.
      throwIfCancelled(options.signal);
      return run<R>(sql, params);
    },
    stream<R>(sql: string, params: readonly unknown[] = [], options: WarehouseStreamOptions = {}) {
      return streamPglite<R>(run, sql, params, options);
    },
    async ping() {
      if (closed) throw new Error('warehouse closed');
      await pglite.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}

function createPglite(opts: PgliteWarehouseOptions): Promise<PGlite> {
  return PGlite.create({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    parsers: {
      [NUMERIC_OIDS.int8]: parseNumber,
      [NUMERIC_OIDS.numeric]: parseNumber,
      [TIME_OIDS.date]: identity,
      [TIME_OIDS.timestamp]: identity,
      [TIME_OIDS.timestamptz]: identity,
    },
  });
}
