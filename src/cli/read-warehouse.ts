/**
 * Opens the configured warehouse for commands that only read (validate, compile, query, docs):
 * unlike `serve`, never migrates or seeds the embedded demo, and says so when it is missing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CliExit } from './fail.js';
import { openConfiguredWarehouse } from './warehouse-from-config.js';

export async function openReadWarehouse(config: Config): Promise<Warehouse> {
  if (!config.databaseUrl && !existsSync(resolve(config.dataDir, 'pgdata'))) {
    throw new CliExit(1, `no embedded warehouse in ${config.dataDir}: run 'maatstaf seed' first, or pass --database-url`);
  }
  return openConfiguredWarehouse(config);
}

/** Runs `fn` with the warehouse open and always closes it (PGlite holds a data-folder lock). */
export async function withReadWarehouse<T>(config: Config, fn: (wh: Warehouse) => Promise<T>): Promise<T> {
  const wh = await openReadWarehouse(config);
  try {
    return await fn(wh);
  } finally {
    await wh.close().catch(() => {});
  }
}
