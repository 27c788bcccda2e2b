import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { redactUrl } from '../config/config.js';
import { openWarehouse, type OpenWarehouseOptions } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CliExit } from './fail.js';

/** How the embedded warehouse runs: in this thread (one-shot commands) or in a worker thread of its own (`serve`). */
export type EmbeddedMode = Pick<OpenWarehouseOptions, 'worker' | 'onWorkerRestart'>;

/** Opens the configured warehouse and checks it answers, with one clear message when it does not. */
export async function openConfiguredWarehouse(config: Config, mode: EmbeddedMode = {}): Promise<Warehouse> {
  const embedded = !config.databaseUrl;
  let wh: Warehouse;
  try {
    if (embedded) mkdirSync(resolve(config.dataDir), { recursive: true });
    wh = await openWarehouse({
      databaseUrl: config.databaseUrl,
      dataDir: embedded ? resolve(config.dataDir, 'pgdata') : undefined,
      schema: config.schema,
      poolSize: config.poolSize,
      statementTimeoutMs: config.statementTimeoutMs,
      ...mode,
    });
  } catch (e) {
    throw new CliExit(1, `cannot open the ${embedded ? 'embedded warehouse in ' + config.dataDir : 'warehouse'}: ${describe(e)}`);
  }
  try {
    await wh.ping();
  } catch (e) {
    await wh.close().catch(() => {});
    const where = config.databaseUrl ? redactUrl(config.databaseUrl) : config.dataDir;
    throw new CliExit(1, `cannot reach the warehouse at ${where}: ${describe(e)}`);
  }
  return wh;
}

/**
 * The warehouse `maatstaf serve` answers from. The embedded one first gets its set-up writes
 * (`setUp`: migrations, the first-run seed) in this thread, free of the serving statement timeout,
 * and is then reopened on the same folder in a worker thread of its own, where the statement
 * timeout is enforced and no query can freeze the server (src/warehouse/pglite-threaded.ts).
 */
export async function openServingWarehouse(config: Config, setUp: (wh: Warehouse) => Promise<void>, onWorkerRestart: EmbeddedMode['onWorkerRestart']): Promise<Warehouse> {
  if (config.databaseUrl) return openConfiguredWarehouse(config);
  const setupWarehouse = await openConfiguredWarehouse(config);
  try {
    await setUp(setupWarehouse);
  } finally {
    await setupWarehouse.close();
  }
  return openConfiguredWarehouse(config, { worker: true, onWorkerRestart });
}

function describe(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ECONNREFUSED') return 'connection refused (is PostgreSQL running on that host and port?)';
  if (err?.code === 'ENOTFOUND') return 'host not found';
  if (err?.code === '3D000') return 'database does not exist';
  if (err?.code === '28P01' || err?.code === '28000') return 'authentication failed';
  return err?.message ?? String(e);
}
