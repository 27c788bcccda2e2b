/**
 * Streaming a SELECT from PostgreSQL through a server-side cursor: a dedicated pool connection,
 * `BEGIN READ ONLY`, `DECLARE … NO SCROLL CURSOR FOR <sql>` (bound parameters as usual) and
 * `FETCH FORWARD n` until the cursor is exhausted. Chosen over pg-query-stream (no extra
 * dependency, and the same SQL works on PGlite): the server produces rows as they are fetched,
 * Node holds one batch at a time, and `statement_timeout` (a connection option of the pool)
 * applies to every FETCH.
 *
 * Leaving early (the consumer stops, an error, the client went away) ends the transaction, which
 * closes the cursor. On abort a running FETCH is cancelled with pg_cancel_backend (as in
 * postgres-cancel.ts) and that connection is destroyed rather than reused.
 */
import type pg from 'pg';
import { isQueryCancelled, queryCancelledError, throwIfCancelled } from '../core/cancellation.js';
import type { Canceller } from './postgres-cancel.js';
import { streamBatchSize, type WarehouseField, type WarehouseResult, type WarehouseStreamOptions } from './warehouse.js';

const CURSOR = 'maatstaf_export';

export async function* streamPostgres<R>(
  pool: pg.Pool,
  canceller: Canceller,
  sql: string,
  params: readonly unknown[],
  options: WarehouseStreamOptions = {},
): AsyncGenerator<WarehouseResult<R>, void, undefined> {
  const { signal } = options;
  const batchSize = streamBatchSize(options);
  throwIfCancelled(signal);
  const client = await pool.connect();
  const pid = (client as pg.PoolClient & { processID?: number }).processID;
  let cancelling: Promise<void> | undefined;
  const onAbort = () => {
    if (pid !== undefined) cancelling = canceller.cancel(pid).catch(() => {});
  };
  let inTransaction = false;
  let broken = false;
  try {
    throwIfCancelled(signal);
    signal?.addEventListener('abort', onAbort, { once: true });
    await client.query('BEGIN READ ONLY');
    inTransaction = true;
    await client.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`, params as unknown[]);
    let fields: WarehouseField[] | undefined;
    for (;;) {
      const res = await client.query(`FETCH FORWARD ${batchSize} FROM ${CURSOR}`);
      fields ??= res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
      if (res.rows.length > 0) yield { rows: res.rows as R[], fields };
      if (res.rows.length < batchSize) break;
      throwIfCancelled(signal);
    }
    await client.query('COMMIT');
    inTransaction = false;
  } catch (e) {
    broken = true;
    if (signal?.aborted && !isQueryCancelled(e)) throw queryCancelledError(e);
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (cancelling) await cancelling;
    // Stopped early without an error: end the transaction (closes the cursor) and keep the connection.
    if (inTransaction && !broken && !cancelling) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
    }
    // After an error or a cancel the connection's state is unknown: destroy it rather than reuse it.
    client.release(broken || cancelling ? true : undefined);
  }
}
