import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../config/config.js';
import { redactUrl } from '../config/config.js';
import { openWarehouse } from '../warehouse/open.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { CliExit } from './fail.js';

/** Opens the configured warehouse and checks it answers, with one clear message when it does not. */
export async function openConfiguredWarehouse(config: Config): Promise<Warehouse> {
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

function describe(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ECONNREFUSED') return 'connection refused (is PostgreSQL running on that host and port?)';
  if (err?.code === 'ENOTFOUND') return 'host not found';
  if (err?.code === '3D000') return 'database does not exist';
  if (err?.code === '28P01' || err?.code === '28000') return 'authentication failed';
  return err?.message ?? String(e);
}
