/**
 * Streaming a SELECT from PGlite through a server-side cursor. PGlite has ONE connection shared by
 * every request, so the cursor cannot live in an open transaction (every other query would run
 * inside it until the download ends). It is declared `WITH HOLD` outside a transaction instead:
 * the statement runs once (the statement timeout applies to it) and its result is kept inside the
 * embedded database (its own work memory and temp files, not the JS heap); `FETCH n` then hands
 * out one batch at a time, interleaving freely with other queries. `CLOSE` frees it, also when
 * the consumer stops early. The same code serves PGlite in the server's thread (an aborted signal
 * stops before the next FETCH) and in its own thread (the signal also ends a running statement).
 */
import { throwIfCancelled } from '../core/cancellation.js';
import { streamBatchSize, type WarehouseResult, type WarehouseStreamOptions } from './warehouse.js';

/** Runs one statement on the PGlite connection; `signal` may interrupt it where the engine can. */
export type CursorStatement = (sql: string, params: readonly unknown[], signal?: AbortSignal) => Promise<WarehouseResult>;

/** Cursor names are per session: one counter for the process keeps them unique. */
let sequence = 0;

export async function* streamPglite<R>(
  run: CursorStatement,
  sql: string,
  params: readonly unknown[],
  options: WarehouseStreamOptions = {},
): AsyncGenerator<WarehouseResult<R>, void, undefined> {
  const { signal } = options;
  const batchSize = streamBatchSize(options);
  throwIfCancelled(signal);
  const cursor = `maatstaf_export_${++sequence}`;
  await run(`DECLARE ${cursor} NO SCROLL CURSOR WITH HOLD FOR ${sql}`, params, signal);
  try {
    for (;;) {
      throwIfCancelled(signal);
      const res = await run(`FETCH FORWARD ${batchSize} FROM ${cursor}`, [], signal);
      if (res.rows.length > 0) yield res as WarehouseResult<R>;
      if (res.rows.length < batchSize) break;
    }
  } finally {
    // A closed database (shutdown) or a restarted thread has nothing left to free.
    await run(`CLOSE ${cursor}`, []).catch(() => {});
  }
}
