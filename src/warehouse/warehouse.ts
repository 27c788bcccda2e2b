import type { Kysely } from 'kysely';

export interface WarehouseField {
  readonly name: string;
  /** PostgreSQL type OID. */
  readonly dataTypeID: number;
}

export interface WarehouseResult<R = Record<string, unknown>> {
  readonly rows: R[];
  readonly fields: readonly WarehouseField[];
}

export interface WarehouseQueryOptions {
  /**
   * Aborted when nobody wants the answer any more (the client went away). The query then fails
   * with QUERY_CANCELLED: PostgreSQL cancels a running statement; PGlite in its own worker thread
   * (pglite-threaded.ts, what `serve` uses) ends the thread and restarts it; in-thread PGlite
   * (single-threaded WASM) cannot interrupt one, so it only refuses to start a statement.
   */
  readonly signal?: AbortSignal;
}

export interface WarehouseStreamOptions extends WarehouseQueryOptions {
  /** Rows per FETCH (default 1000): bounds the memory one export holds at a time. */
  readonly batchSize?: number;
}

/** Default rows per FETCH of a streamed query. */
export const STREAM_BATCH_SIZE = 1000;

/** Rows per FETCH for a stream: the caller's whole positive number, else STREAM_BATCH_SIZE. */
export function streamBatchSize(options: WarehouseStreamOptions): number {
  return Math.max(1, Math.floor(options.batchSize ?? STREAM_BATCH_SIZE));
}

/**
 * The one interface every warehouse implements. Values come back normalised the same way on both
 * engines: int8/numeric as JS numbers, date/timestamp/timestamptz as PostgreSQL's text form.
 */
export interface Warehouse {
  readonly kind: 'pglite' | 'postgres';
  /** Kysely on the same connection(s): migrations, seeding, introspection. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: Kysely<any>;
  /** Schema that unqualified table names resolve to (search_path), if one was configured. */
  readonly schema: string | undefined;
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: WarehouseQueryOptions): Promise<WarehouseResult<R>>;
  /**
   * The rows of one SELECT in batches, read through a server-side cursor (`DECLARE … NO SCROLL
   * CURSOR` + `FETCH n`), so memory stays bounded whatever the row count. Nothing runs until the
   * first batch is asked for. Stopping early (`return()`, a `break`) closes the cursor and frees
   * the connection; an aborted signal cancels a running FETCH (PostgreSQL) and fails with
   * QUERY_CANCELLED. Optional: wrappers and test doubles without it make callers buffer instead.
   */
  stream?<R = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: WarehouseStreamOptions): AsyncIterable<WarehouseResult<R>>;
  /** Throws when the warehouse cannot answer `select 1`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface WarehouseOptions {
  /** Unqualified names resolve here first (search_path). Created if missing when `createSchema` is set. */
  readonly schema?: string;
  readonly createSchema?: boolean;
  /** Milliseconds; 0 = none. */
  readonly statementTimeoutMs?: number;
}

/** OIDs whose text form we convert to JS numbers on both engines. */
export const NUMERIC_OIDS = { int8: 20, numeric: 1700 } as const;
/** OIDs we keep as PostgreSQL text (no JS Date: it would shift local times). */
export const TIME_OIDS = { date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

export function parseNumber(text: string): number {
  return Number(text);
}

/** Quote an identifier for the few statements built outside Kysely (SET search_path, CREATE SCHEMA). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
