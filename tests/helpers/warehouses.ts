/**
 * The engines every integration test runs on: embedded PGlite always, real PostgreSQL when
 * TEST_DATABASE_URL is set. Each opened warehouse gets its own fresh schema, dropped on close.
 */
import { randomBytes } from 'node:crypto';
import { openWarehouse } from '../../src/warehouse/open.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';

export type EngineName = 'pglite' | 'postgres';

export const ENGINES: EngineName[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestWarehouse extends Warehouse {
  /** Drops the test schema (PostgreSQL) and closes the connection. */
  dispose(): Promise<void>;
}

/** PGlite in a worker thread of its own (as `maatstaf serve` runs it), with its statement timeout. */
export interface TestWarehouseOptions {
  readonly worker?: boolean;
  readonly statementTimeoutMs?: number;
}

export async function openTestWarehouse(engine: EngineName, opts: TestWarehouseOptions = {}): Promise<TestWarehouse> {
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = engine === 'postgres' ? process.env.TEST_DATABASE_URL : undefined;
  const wh = await openWarehouse({ databaseUrl, schema, createSchema: true, poolSize: 4, ...opts });
  return Object.assign(Object.create(null) as object, wh, {
    async dispose() {
      if (engine === 'postgres') await wh.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await wh.close();
    },
  }) as TestWarehouse;
}
