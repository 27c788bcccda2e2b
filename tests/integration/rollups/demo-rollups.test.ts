/**
 * The demo's rollups (metrics/rollups.yml): they build on both engines, and the dashboards' saved
 * queries they cover are answered from them (meta.rollup) with exactly the raw rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRollups } from '../../../src/engine/rollups/build-rollups.js';
import { loadEngine, type LoadedEngine } from '../../../src/engine/load-engine.js';
import { openDemoEngine, type DemoEngine } from '../../helpers/demo-engine.js';
import { sortedRows } from '../../helpers/rollups.js';
import { ENGINES } from '../../helpers/warehouses.js';

const SERVED = { reports_by_month_and_category: 'reports_monthly', satisfaction_by_month: 'satisfaction_monthly' };

describe.each(ENGINES)('demo rollups on %s', (engineName) => {
  let demo: DemoEngine;
  let loaded: LoadedEngine;
  beforeAll(async () => {
    demo = await openDemoEngine(engineName, 0.05);
    loaded = await loadEngine('metrics', demo.wh, { rollupSchema: `r_demo_${engineName}` });
    await buildRollups({ catalog: loaded.rollups!, write: demo.wh });
    await loaded.rollups!.refresh();
  }, 240_000);
  afterAll(async () => {
    await demo.wh.query(`DROP SCHEMA IF EXISTS "r_demo_${engineName}" CASCADE`);
    await demo.wh.dispose();
  });

  it.each(Object.entries(SERVED))('answers saved query %s from %s, equal to the raw answer', async (savedQuery, rollup) => {
    const sq = loaded.engine!.definitions.savedQueries.find((s) => s.name === savedQuery)!;
    const query = { metrics: [...sq.metrics], groupBy: [...sq.groupBy], where: [...sq.where] };
    const res = await loaded.engine!.run(query);
    expect(res.meta.rollup?.name).toBe(rollup);
    expect(res.rows.length).toBeGreaterThan(3);
    expect(sortedRows(res.rows)).toEqual(sortedRows((await loaded.engine!.run({ ...query, useRollups: false })).rows));
  });
});
