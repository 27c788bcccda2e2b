/**
 * Issue 17 item 5 — differencing two queries. The demo's personal counts are published with the
 * cell-key method: every shown value is checked against our own computation (true count and
 * client set from hand-written SQL, record keys recomputed here with node:crypto, the published
 * table copied literally), so the same cell gets the same value on both engines, across queries
 * and across engine restarts; two cells that differ by one client no longer differ by exactly
 * the true difference; ratios are recomputed from perturbed counts; the secret never leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateWarehouse } from '../../src/demo/migrate.js';
import { seedDemo } from '../../src/demo/seed.js';
import { createEngine } from '../../src/engine/engine.js';
import { isMaatstafError } from '../../src/core/errors.js';
import { DEMO_CELL_KEY_SECRET, recordKeySql, secretParam } from '../../src/privacy/cell-key.js';
import { publishedCount, recordKeyJs } from '../helpers/cell-key-sql.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';
import { roleApp, type RoleApp } from './helpers/role-app.js';

type Row = Record<string, unknown>;
const K = 10;

describe.each(ENGINES)('cell-key perturbation on %s', (engineName) => {
  let wh: TestWarehouse;
  let demo: RoleApp;
  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await migrateWarehouse(wh);
    await seedDemo(wh, { scale: 0.2 });
    demo = await roleApp(wh);
  }, 240_000);
  afterAll(async () => {
    await demo?.close();
    await wh?.dispose();
  });
  const sql = async (text: string, params: unknown[] = []) => (await wh.query<Row>(text, params)).rows;

  /** True count and clients of benefit cases started in [from, to] matching `where` (SQL on b, d). */
  async function cell(where: string, params: unknown[] = []): Promise<{ n: number; clients: string[] }> {
    const rows = await sql(`SELECT b.client_pseudonym AS c FROM benefit_cases b LEFT JOIN districts d ON d.district_id = b.district_id WHERE ${where}`, params);
    return { n: rows.length, clients: rows.map((r) => String(r.c)) };
  }

  it('record keys computed in SQL equal the published rule: the first 28 bits of HMAC-SHA256(secret, subject) (node:crypto)', async () => {
    const rows = await sql(`SELECT client_pseudonym AS c, ${recordKeySql('client_pseudonym').replaceAll('__maatstaf_cell_key_secret__', '$1')} AS k FROM benefit_cases LIMIT 50`, [secretParam(DEMO_CELL_KEY_SECRET)]);
    expect(rows).toHaveLength(50);
    for (const r of rows) expect(Number(r.k)).toBe(recordKeyJs(String(r.c)));
  });

  it('item 5: two answers whose populations differ by one client no longer differ by the true difference', async () => {
    // Molenwijk per year, all clients vs all but one age band or household type: every pair where that removes exactly one client.
    const years = Array.from({ length: 13 }, (_, i) => 2013 + i);
    const filters: [string, string][] = [];
    for (const [item, column] of [['benefit_case__age_band', 'age_band'], ['benefit_case__household_type', 'household_type']]) {
      for (const r of await sql(`SELECT DISTINCT ${column} AS v FROM benefit_cases ORDER BY 1`)) filters.push([`{{ Dimension('${item}') }} <> '${String(r.v)}'`, `b.${column} <> '${String(r.v)}'`]);
    }
    let pairs = 0;
    let blurred = 0;
    for (const year of years) {
      const range = { start: `${year}-01-01`, end: `${year}-12-31` };
      const inYear = `d.district_name = 'Molenwijk' AND b.start_date BETWEEN DATE '${range.start}' AND DATE '${range.end}'`;
      const all = await cell(inYear);
      if (new Set(all.clients).size < K + 1) continue;
      const whole = await demo.as('wijkteam_molenwijk').post('/v1/query', { metrics: ['benefit_cases_started'], timeRange: range }).expect(200);
      expect(whole.body.rows[0].benefit_cases_started).toBe(publishedCount(all.n, all.clients));
      for (const [filter, handFilter] of filters) {
        const rest = await cell(`${inYear} AND ${handFilter}`);
        if (new Set(all.clients).size - new Set(rest.clients).size !== 1 || all.n - rest.n !== 1) continue;
        const part = await demo.as('wijkteam_molenwijk').post('/v1/query', { metrics: ['benefit_cases_started'], timeRange: range, where: [filter] }).expect(200);
        expect(part.body.rows[0].benefit_cases_started).toBe(publishedCount(rest.n, rest.clients));
        pairs++;
        if (whole.body.rows[0].benefit_cases_started - part.body.rows[0].benefit_cases_started !== 1) blurred++;
      }
    }
    expect(pairs).toBeGreaterThan(0);
    expect(blurred).toBeGreaterThan(0);
  });

  it('the same cell gets the same value in any query, on every engine, after a restart', async () => {
    const range = { start: '2024-01-01', end: '2024-12-31' };
    const byDistrict = await demo.as('council').post('/v1/query', { metrics: ['benefit_cases_started'], groupBy: ['district__district_name'], timeRange: range }).expect(200);
    const shown = (byDistrict.body.rows as Row[]).filter((r) => r.benefit_cases_started !== null);
    expect(shown.length).toBeGreaterThan(0);
    for (const row of shown) {
      const truth = await cell(`d.district_name = $1 AND b.start_date BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'`, [row.district__district_name]);
      expect(row.benefit_cases_started).toBe(publishedCount(truth.n, truth.clients));
      const alone = await demo
        .as('council')
        .post('/v1/query', { metrics: ['benefit_cases_started'], timeRange: range, where: [`{{ Dimension('district__district_name') }} = '${String(row.district__district_name)}'`] })
        .expect(200);
      expect(alone.body.rows[0].benefit_cases_started).toBe(row.benefit_cases_started);
    }
    // A new engine with the same secret (a restart) publishes the same values.
    const restarted = createEngine({ graph: demo.engine.graph, warehouse: wh, cellKeySecret: DEMO_CELL_KEY_SECRET });
    const again = await restarted.run({ metrics: ['benefit_cases_started'], groupBy: ['district__district_name'], timeRange: range });
    expect(again.rows).toEqual(byDistrict.body.rows);
  });

  it('ratios of cell-key counts are published from the perturbed counts', async () => {
    const range = { start: '2024-01-01', end: '2024-12-31' };
    const res = await demo.as('council').post('/v1/query', { metrics: ['outflow_to_work_share'], timeRange: range }).expect(200);
    const ended = await sql(`SELECT client_pseudonym AS c, end_reason FROM benefit_cases WHERE end_date BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'`);
    const work = ended.filter((r) => r.end_reason === 'work');
    expect(work.length).toBeGreaterThanOrEqual(K);
    const expected = publishedCount(work.length, work.map((r) => String(r.c))) / publishedCount(ended.length, ended.map((r) => String(r.c)));
    expect(res.body.rows[0].outflow_to_work_share).toBeCloseTo(expected, 12);
  });

  it('the secret never leaves: /v1/compile shows a placeholder; without a secret in production such queries are refused', async () => {
    const compiled = await demo.as('council').post('/v1/compile', { metrics: ['benefit_cases_started'] }).expect(200);
    expect(JSON.stringify(compiled.body)).not.toContain(DEMO_CELL_KEY_SECRET);
    expect(compiled.body.params).toContain('[MAATSTAF_CELL_KEY_SECRET]');
    const noSecret = createEngine({ graph: demo.engine.graph, warehouse: wh, cellKeySecret: undefined });
    const refused = await noSecret.run({ metrics: ['benefit_cases_started'] }).catch((e: unknown) => e);
    expect(isMaatstafError(refused) && refused.code).toBe('NOT_READY');
    // Everything over a keyed model decides on perturbed counts, so it needs the secret too: rounded
    // metrics and answers without metrics are refused the same way (never decided on exact counts).
    for (const query of [{ metrics: ['benefit_cases_started_to_date'], groupBy: ['metric_time__year'] }, { metrics: [], groupBy: ['benefit_case__age_band'] }]) {
      const err = await noSecret.run(query).catch((e: unknown) => e);
      expect(isMaatstafError(err) && err.code).toBe('NOT_READY');
    }
    // Public data is unaffected.
    const open = await noSecret.run({ metrics: [], groupBy: ['district__district_name'] });
    expect(open.rows.length).toBeGreaterThan(0);
  });
});
