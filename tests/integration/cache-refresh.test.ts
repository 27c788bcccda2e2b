/**
 * Freshness from a semantic model's `config.meta.refresh_key`: when the refresh SQL's answer
 * changes, cached answers are no longer used (checked at most every refreshCheckMs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataVersion, refreshKeysOf } from '../../src/cache/refresh-keys.js';
import { createSpeedLayer, DEFAULT_SPEED_LAYER } from '../../src/cache/speed-layer.js';
import type { Engine } from '../../src/engine/types.js';
import type { Warehouse } from '../../src/warehouse/warehouse.js';
import { demoDefinitionsWith, engineFor, openDemoWarehouse } from '../api/helpers/demo-app.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';

const Q = { metrics: ['reports_received'] };
const REFRESH_SQL = 'select count(*) as n from public_space_reports';

describe.each(ENGINES)('refresh keys on %s', (engineName) => {
  let wh: TestWarehouse;
  let engine: Engine;
  let cleanup = () => {};

  beforeAll(async () => {
    wh = await openDemoWarehouse(engineName);
    const defs = demoDefinitionsWith({});
    cleanup = defs.cleanup;
    const file = join(defs.dir, 'openbare_ruimte', 'reports.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    config:\n      meta:\n', `    config:\n      meta:\n        refresh_key: "${REFRESH_SQL}"\n`));
    engine = await engineFor(defs.dir, wh);
  }, 180_000);
  afterAll(async () => {
    cleanup();
    await wh?.dispose();
  });

  const deleteOneReport = () => wh.query('delete from public_space_reports where ctid = (select ctid from public_space_reports limit 1)');

  it('finds the refresh key in the definitions', () => {
    expect(refreshKeysOf(engine.definitions)).toEqual([{ model: 'reports', sql: REFRESH_SQL }]);
  });

  it('keeps the cached answer within the check interval, even when the data changed', async () => {
    const cached = createSpeedLayer({ ...DEFAULT_SPEED_LAYER, refreshCheckMs: 3_600_000 }).wrapEngine(engine, wh);
    const first = await cached.run(Q);
    await deleteOneReport();
    const second = await cached.run(Q);
    expect(second.meta.cache).toBe('hit');
    expect(second.rows).toEqual(first.rows);
  });

  it('answers from the warehouse once the refresh key changed', async () => {
    const cached = createSpeedLayer({ ...DEFAULT_SPEED_LAYER, refreshCheckMs: 0 }).wrapEngine(engine, wh);
    const first = await cached.run(Q);
    expect((await cached.run(Q)).meta.cache).toBe('hit');
    await deleteOneReport();
    const after = await cached.run(Q);
    expect(after.meta.cache).toBe('miss');
    expect(Number(after.rows[0]!['reports_received'])).toBe(Number(first.rows[0]!['reports_received']) - 1);
  });

  it('new data in one model leaves cached answers about other models alone', async () => {
    const cached = createSpeedLayer({ ...DEFAULT_SPEED_LAYER, refreshCheckMs: 0 }).wrapEngine(engine, wh);
    const SURVEYS = { metrics: ['survey_responses'] };
    const BOTH = { metrics: ['reports_received', 'survey_responses'] };
    const surveys = await cached.run(SURVEYS);
    await cached.run(BOTH);
    expect((await cached.run(SURVEYS)).meta.cache).toBe('hit');
    expect((await cached.run(BOTH)).meta.cache).toBe('hit');
    await deleteOneReport();
    const again = await cached.run(SURVEYS);
    expect(again.meta.cache).toBe('hit');
    expect(again.rows).toEqual(surveys.rows);
    // A query reading the changed model (with another) is answered anew.
    const both = await cached.run(BOTH);
    expect(both.meta.cache).toBe('miss');
    const [{ n }] = (await wh.query<{ n: number }>('select count(*)::int as n from public_space_reports')).rows as [{ n: number }];
    expect(Number(both.rows[0]!['reports_received'])).toBe(n);
  });
});

describe('data version', () => {
  it('runs the refresh SQL at most once per interval, shares a running check, and survives a failing one', async () => {
    let t = 0;
    let calls = 0;
    let answer = 1;
    let failing = false;
    const warehouse = {
      query: async () => {
        calls++;
        if (failing) throw new Error('down');
        return { rows: [{ n: answer }], fields: [] };
      },
    } as unknown as Warehouse;
    const failures: string[] = [];
    const dv = createDataVersion({ warehouse, keys: [{ model: 'm', sql: 'select 1' }], intervalMs: 1000, now: () => t, onCheckFailed: (m) => failures.push(m) });
    const [a, b] = await Promise.all([dv.current(), dv.current()]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    answer = 2;
    t = 500;
    expect(await dv.current()).toBe(a);
    expect(calls).toBe(1);
    t = 1500;
    const changed = await dv.current();
    expect(changed).not.toBe(a);
    failing = true;
    t = 3000;
    expect(await dv.current()).toBe(changed);
    expect(failures).toEqual(['m']);
  });

  it('versions a set of models by their own refresh answers only', async () => {
    const answers: Record<string, number> = { a: 1, b: 1 };
    const warehouse = { query: async (sql: string) => ({ rows: [{ n: answers[sql] }], fields: [] }) } as unknown as Warehouse;
    const dv = createDataVersion({ warehouse, keys: [{ model: 'm_a', sql: 'a' }, { model: 'm_b', sql: 'b' }], intervalMs: 0 });
    const onlyA = ['m_a'];
    const aAndOther = ['m_a', 'm_x'];
    const onlyB = ['m_b'];
    expect(await dv.forModels(['m_x'])).toBe('');
    const [a1, ax1, b1] = [await dv.forModels(onlyA), await dv.forModels(aAndOther), await dv.forModels(onlyB)];
    expect(a1).not.toBe('');
    expect(ax1).toBe(a1);
    answers.b = 2;
    expect(await dv.forModels(onlyA)).toBe(a1);
    expect(await dv.forModels(onlyB)).not.toBe(b1);
    answers.a = 2;
    expect(await dv.forModels(aAndOther)).not.toBe(a1);
  });

  it('gives the version without waiting only between checks (forModelsNow)', async () => {
    let t = 0;
    let calls = 0;
    const warehouse = { query: async () => ({ rows: [{ n: ++calls }], fields: [] }) } as unknown as Warehouse;
    const dv = createDataVersion({ warehouse, keys: [{ model: 'm', sql: 'select 1' }], intervalMs: 1000, now: () => t });
    const models = ['m', 'other'];
    expect(dv.forModelsNow(['other'])).toBe('');
    // Never checked: a check is due, and forModelsNow does not start one.
    expect(dv.forModelsNow(models)).toBeUndefined();
    expect(calls).toBe(0);
    const v1 = await dv.forModels(models);
    expect(dv.forModelsNow(models)).toBe(v1);
    t = 999;
    expect(dv.forModelsNow(models)).toBe(v1);
    t = 1000;
    expect(dv.forModelsNow(models)).toBeUndefined();
    const v2 = await dv.forModels(models);
    expect(v2).not.toBe(v1);
    expect(dv.forModelsNow(models)).toBe(v2);
    expect(calls).toBe(2);
  });

  it('is empty without refresh keys', async () => {
    const dv = createDataVersion({ warehouse: {} as Warehouse, keys: [], intervalMs: 0 });
    expect(await dv.current()).toBe('');
  });
});
