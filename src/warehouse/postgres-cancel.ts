/**
 * Cancelling a running PostgreSQL statement when its signal aborts (the client went away).
 *
 * The query runs on a client checked out of the pool, so we know its backend pid. On abort,
 * `pg_cancel_backend(pid)` runs on a separate small pool (the main pool may be full of exactly the
 * queries we want to stop). The client is held until the cancel has been delivered and is then
 * destroyed rather than returned to the pool: a cancel that arrives late can never hit the next
 * query that would have reused the connection.
 */
import pg from 'pg';
import { isQueryCancelled, queryCancelledError } from '../core/cancellation.js';

export interface Canceller {
  /** Asks PostgreSQL to cancel whatever backend `pid` is running now. */
  cancel(pid: number): Promise<void>;
  close(): Promise<void>;
}

export function createCanceller(config: { readonly connectionString: string; readonly connectionTimeoutMillis: number }): Canceller {
  let pool: pg.Pool | undefined;
  return {
    async cancel(pid) {
      // Created on first use: most servers never cancel anything.
      if (!pool) {
        pool = new pg.Pool({ ...config, max: 2, idleTimeoutMillis: 10_000 });
        pool.on('error', () => {});
      }
      await pool.query('SELECT pg_cancel_backend($1)', [pid]);
    },
    async close() {
      await pool?.end();
      pool = undefined;
    },
  };
}

export async function cancellableQuery(pool: pg.Pool, canceller: Canceller, sql: string, params: readonly unknown[], signal: AbortSignal): Promise<pg.QueryResult> {
  if (signal.aborted) throw queryCancelledError();
  // Waiting for a pool connection cannot be interrupted; the signal is checked again once we have one.
  const client = await pool.connect();
  const pid = (client as pg.PoolClient & { processID?: number }).processID;
  let cancelling: Promise<void> | undefined;
  const onAbort = () => {
    if (pid === undefined) return;
    // A failed cancel (database gone) leaves the query to its statement timeout; nothing to report.
    cancelling = canceller.cancel(pid).catch(() => {});
  };
  try {
    if (signal.aborted) throw queryCancelledError();
    signal.addEventListener('abort', onAbort, { once: true });
    return await client.query(sql, params as unknown[]);
  } catch (e) {
    // After an abort, 57014 (or any failure) is the cancel we asked for: one clear error.
    if (signal.aborted && !isQueryCancelled(e)) throw queryCancelledError(e);
    throw e;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (cancelling) await cancelling;
    // Destroyed only when a cancel was sent (it could still be pending for this backend).
    client.release(cancelling ? true : undefined);
  }
}
