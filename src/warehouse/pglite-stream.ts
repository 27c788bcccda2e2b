/**
 * Streaming a SELECT from PGlite through a server-side cursor. PGlite has ONE connection shared by
 * every request, so the cursor cannot live in an open transaction (every other query would run
 * inside it until the download ends). It is declared `WITH HOLD` outside a transaction instead:
 * the statement runs once (statement_timeout applies to it) and its result is kept inside the
 * embedded database (its own work memory and temp files, not the JS heap); `FETCH n` then hands
 * out one batch at a time, interleaving freely with other queries. `CLOSE` frees it, also when
 * the consumer stops early. PGlite cannot interrupt a running statement: an aborted signal stops
 * before the next FETCH.
 */
import type { PGlite } from '@electric-sql/pglite';
import { throwIfCancelled } from '../core/cancellation.js';
import { streamBatchSize, type WarehouseResult, type WarehouseStreamOptions } from './warehouse.js';

/** Cursor names are per session: one counter for the process keeps them unique. */
let sequence = 0;

export async function* streamPglite<R>(
  pglite: PGlite,
  sql: string,
  params: readonly unknown[],
  options: WarehouseStreamOptions = {},
): AsyncGenerator<WarehouseResult<R>, void, undefined> {
  const { signal } = options;
  const batchSize = streamBatchSize(options);
  throwIfCancelled(signal);
  const cursor = `maatstaf_export_${++sequence}`;
  await pglite.query(`DECLARE ${cursor} NO SCROLL CURSOR WITH HOLD FOR ${sql}`, params as unknown[]);
  try {
    for (;;) {
      throwIfCancelled(signal);
      const res = await pglite.query<R>(`FETCH FORWARD ${batchSize} FROM ${cursor}`);
      if (res.rows.length > 0) yield { rows: res.rows, fields: res.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) };
      if (res.rows.length < batchSize) break;
    }
  } finally {
    // A closed database (shutdown) has nothing left to free.
    await pglite.query(`CLOSE ${cursor}`).catch(() => {});
  }
}
