/**
 * The demo catalog's engine on a seeded demo warehouse, and a comparison of engine rows with rows
 * from hand-written SQL — shared by the demo KPI suites.
 */
import { expect } from 'vitest';
import { migrateWarehouse } from '../../src/demo/migrate.js';
import { seedDemo } from '../../src/demo/seed.js';
import { loadEngine } from '../../src/engine/load-engine.js';
import type { Engine } from '../../src/engine/types.js';
import { openTestWarehouse, type EngineName, type TestWarehouse } from './warehouses.js';

export const DEMO_TZ = 'Europe/Amsterdam';

export interface DemoEngine {
  readonly wh: TestWarehouse;
  readonly engine: Engine;
}

/** A migrated demo warehouse seeded at `scale`, with the engine over the repository's `metrics/`. */
export async function openDemoEngine(engineName: EngineName, scale = 0.1): Promise<DemoEngine> {
  const wh = await openTestWarehouse(engineName);
  await migrateWarehouse(wh);
  await seedDemo(wh, { scale });
  const loaded = await loadEngine('metrics', wh);
  if (!loaded.engine) throw new Error(loaded.error);
  return { wh, engine: loaded.engine };
}

/** Rows as sorted JSON tuples with numbers rounded, so engine and SQL outputs compare exactly. */
export function canonRows(rows: readonly Record<string, unknown>[], cols: string[]): string[] {
  return rows
    .map((r) =>
      JSON.stringify(
        cols.map((c) => {
          const v = r[c];
          if (typeof v === 'number') return Math.round(v * 1e6) / 1e6;
          if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return v.slice(0, 10);
          return v ?? null;
        }),
      ),
    )
    .sort();
}

/** Runs `query` through the engine and `handSql` (with $1 = the project time zone); the rows must match. */
export async function expectSameAsSql(demo: DemoEngine, query: Parameters<Engine['run']>[0], handSql: string, cols: string[]) {
  const ours = await demo.engine.run(query);
  const hand = await demo.wh.query(handSql, [DEMO_TZ]);
  expect(hand.rows.length).toBeGreaterThan(0);
  expect(canonRows(ours.rows, cols)).toEqual(canonRows(hand.rows, cols));
  return ours;
}
