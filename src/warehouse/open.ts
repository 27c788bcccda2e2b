import { openPgliteWarehouse } from './pglite.js';
import { openPostgresWarehouse } from './postgres.js';
import type { Warehouse, WarehouseOptions } from './warehouse.js';

export interface OpenWarehouseOptions extends WarehouseOptions {
  /** PostgreSQL URL; when absent the embedded PGlite warehouse is used. */
  readonly databaseUrl?: string;
  /** PGlite data folder (ignored for PostgreSQL); undefined → in memory. */
  readonly dataDir?: string;
  readonly poolSize?: number;
}

export async function openWarehouse(opts: OpenWarehouseOptions): Promise<Warehouse> {
  if (opts.databaseUrl) return openPostgresWarehouse({ ...opts, url: opts.databaseUrl });
  return openPgliteWarehouse(opts);
}
