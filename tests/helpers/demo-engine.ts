/**
 * The demo catalog's engine on a seeded demo warehouse, and a comparison of engine rows with rows
 * from hand-written SQL — shared by the demo KPI suites.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { migrateWarehouse } from '../../src/demo/migrate.js';
import { seedDemo } from '../../src/demo/seed.js';
import { loadEngine } from '../../src/engine/load-engine.js';
import type { Engine, QueryResult } from '../../src/engine/types.js';
import { openTestWarehouse, type EngineName, type TestWarehouse, type TestWarehouseOptions } from './warehouses.js';

export const DEMO_TZ = 'Europe/Amsterdam';

export interface DemoEngine {
  readonly wh: TestWarehouse;
  readonly engine: Engine;
}

/** A migrated demo warehouse seeded at `scale`, with the engine over the repository's `metrics/`. */
export async function openDemoEngine(engineName: EngineName, scale = 0.1, opts: TestWarehouseOptions = {}): Promise<DemoEngine> {
  const wh = await openTestWarehouse(engineName, opts);
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

/**
 * Cells the engine withheld (small-cell suppression of personal metrics, src/privacy) are set to
 * null in the hand rows too, so every number the engine does show is still checked; which cells
 * are withheld is tested in tests/integration/privacy.test.ts.
 */
function withWithheld(hand: readonly Record<string, unknown>[], ours: QueryResult, cols: string[]): Record<string, unknown>[] {
  const suppressed = ours.meta.suppressed ?? [];
  if (ours.meta.suppressed === undefined) return [...hand];
  const metrics = new Set(ours.columns.filter((c) => c.kind === 'metric').map((c) => c.name));
  const keys = cols.filter((c) => !metrics.has(c));
  const keyOf = (row: Record<string, unknown>) => canonRows([row], keys)[0]!;
  const byKey = new Map<string, string[]>();
  for (const s of suppressed) {
    const key = keyOf(ours.rows[s.row]!);
    byKey.set(key, [...(byKey.get(key) ?? []), ...s.columns]);
  }
  // Withholding everything would make the comparison vacuous: some shown number must remain.
  expect(ours.rows.some((r) => [...metrics].some((m) => r[m] !== null))).toBe(true);
  // Rows whose every value is withheld for its own size are dropped (tests/privacy checks which).
  const present = new Set(ours.rows.map(keyOf));
  return hand.filter((row) => present.has(keyOf(row))).map((row) => {
    const withheld = byKey.get(keyOf(row));
    return withheld ? { ...row, ...Object.fromEntries(withheld.map((c) => [c, null])) } : row;
  });
}

/** Runs `query` through the engine and `handSql` (with $1 = the project time zone); the rows must match. */
export async function expectSameAsSql(demo: DemoEngine, query: Parameters<Engine['run']>[0], handSql: string, cols: string[]) {
  const ours = await demo.engine.run(query);
  const hand = await demo.wh.query(handSql, [DEMO_TZ]);
  expect(hand.rows.length).toBeGreaterThan(0);
  expect(canonRows(ours.rows, cols)).toEqual(canonRows(withWithheld(hand.rows as Record<string, unknown>[], ours, cols), cols));
  return ours;
}

/**
 * For a `describe` block: opens the demo engine before its tests and disposes of it after;
 * `expectSame` compares a query with hand-written SQL on it (expectSameAsSql).
 */
export function useDemoEngine(engineName: EngineName) {
  let demo: DemoEngine | undefined;
  beforeAll(async () => {
    demo = await openDemoEngine(engineName);
  }, 180_000);
  afterAll(async () => {
    await demo?.wh.dispose();
  });
  const current = (): DemoEngine => {
    if (!demo) throw new Error('the demo engine is opened in beforeAll');
    return demo;
  };
  return {
    get demo(): DemoEngine {
      return current();
    },
    expectSame: (query: Parameters<Engine['run']>[0], handSql: string, cols: string[]) => expectSameAsSql(current(), query, handSql, cols),
  };
}
