import { openPgliteWarehouse } from './pglite.js';
import { openThreadedPgliteWarehouse } from './pglite-threaded.js';
import type { RestartReason } from './pglite-thread.js';
import { openPostgresWarehouse } from './postgres.js';
import type { Warehouse, WarehouseOptions } from './warehouse.js';

export interface OpenWarehouseOptions extends WarehouseOptions {
  /** PostgreSQL URL; when absent the embedded PGlite warehouse is used. */
  readonly databaseUrl?: string;
  /** PGlite data folder (ignored for PostgreSQL); undefined → in memory (a temporary folder with `worker`). */
  readonly dataDir?: string;
  readonly poolSize?: number;
  /**
   * Embedded PGlite only: run it in a worker thread of its own (pglite-threaded.ts), so a long
   * statement never blocks the caller's event loop and the statement timeout is enforced. What
   * `maatstaf serve` uses; one-shot CLI commands and tests' seeded warehouses run it in-thread.
   */
  readonly worker?: boolean;
  /** With `worker`: told when the thread restarts. */
  readonly onWorkerRestart?: (reason: RestartReason) => void;
}

export async function openWarehouse(opts: OpenWarehouseOptions): Promise<Warehouse> {
  if (opts.databaseUrl) return openPostgresWarehouse({ ...opts, url: opts.databaseUrl });
  if (opts.worker) return openThreadedPgliteWarehouse({ ...opts, ...(opts.onWorkerRestart ? { onRestart: opts.onWorkerRestart } : {}) });
  return openPgliteWarehouse(opts);
}
