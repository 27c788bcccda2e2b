/**
 * dbt's semantic_manifest.json as the definitions input, end to end on every engine: the fixture
 * manifest (its schema set to the test schema, as `dbt parse` would write it) is loaded from a file
 * path by loadEngine — the route `--metrics target/semantic_manifest.json` takes — and its results
 * are checked against hand-written SQL over the seeded fixture tables.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/engine/load-engine.js';
import type { Engine } from '../../src/engine/types.js';
import { seedFixture } from '../fixtures/engine/seed.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { canonRows } from '../helpers/demo-engine.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';

const MANIFEST = join(import.meta.dirname, '..', 'fixtures', 'manifest', 'semantic_manifest.json');

describe.each(ENGINES)('queries from semantic_manifest.json on %s', (engineName) => {
  let wh: TestWarehouse;
  let engine: Engine;
  let dir: string;

  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    await seedFixture(wh);
    dir = await mkdtemp(join(tmpdir(), 'maatstaf-manifest-'));
    await mkdir(join(dir, 'target'));
    const text = (await readFile(MANIFEST, 'utf8')).replaceAll('"schema_name": "fixture"', `"schema_name": "${wh.schema}"`);
    await writeFile(join(dir, 'target', 'semantic_manifest.json'), text);
    const loaded = await loadEngine(join(dir, 'target', 'semantic_manifest.json'), wh);
    if (!loaded.engine) throw new Error(loaded.error);
    engine = loaded.engine;
  }, 120_000);
  afterAll(async () => {
    await wh?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const expectSame = async (query: Parameters<Engine['run']>[0], handSql: string, cols: string[]) => {
    const ours = await engine.run(query);
    const hand = await wh.query(handSql);
    expect(hand.rows.length).toBeGreaterThan(0);
    expect(canonRows(ours.rows, cols)).toEqual(canonRows(hand.rows, cols));
  };

  it('a simple metric by month and a joined dimension', async () => {
    await expectSame(
      { metrics: ['revenue'], groupBy: ['metric_time__month', 'customer__country'] },
      `select date_trunc('month', o.ordered_at)::date as metric_time__month, c.country as customer__country,
              sum(o.amount)::float8 as revenue
       from fct_orders o left join dim_customers c on c.customer_id = o.customer_id
       group by 1, 2`,
      ['metric_time__month', 'customer__country', 'revenue'],
    );
  });

  it('a ratio with a filtered, aliased numerator (filter from where_filters)', async () => {
    await expectSame(
      { metrics: ['web_order_share'], groupBy: ['metric_time__month'] },
      // The filtered numerator is aggregated on its own: months without web orders have none (NULL share).
      `with t as (select date_trunc('month', ordered_at)::date as m, count(*) as n from fct_orders group by 1),
            w as (select date_trunc('month', ordered_at)::date as m, count(*) as n from fct_orders where channel = 'web' group by 1)
       select t.m as metric_time__month, w.n::float8 / nullif(t.n, 0)::float8 as web_order_share
       from t left join w on w.m = t.m`,
      ['metric_time__month', 'web_order_share'],
    );
  });

  // The CLI runs in its own process: it can share a PostgreSQL schema, not an in-memory PGlite.
  it.runIf(engineName === 'postgres')('the CLI takes the manifest as --metrics: validate (exit 0 / 1 with file:line) and query', async () => {
    const manifest = join(dir, 'target', 'semantic_manifest.json');
    const db = ['--database-url', process.env.TEST_DATABASE_URL!];
    const ok = await runCli(['validate', '--metrics', manifest, ...db], cliEnv());
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/ok {3}metrics_explain +\d+ checked/);

    const bad = JSON.parse(await readFile(manifest, 'utf8')) as { metrics: { type_params: { measure: { name: string } } }[] };
    bad.metrics[0]!.type_params.measure.name = 'order_totl';
    const badPath = join(dir, 'target', 'bad_manifest.json');
    const badText = JSON.stringify(bad, null, 2);
    await writeFile(badPath, badText);
    const failed = await runCli(['validate', '--metrics', badPath, ...db], cliEnv());
    expect(failed.code).toBe(1);
    const line = badText.split('\n').findIndex((l) => l.includes('"order_totl"')) + 1;
    expect(failed.stdout).toContain(`error   ${badPath}:${line} metrics[0].type_params.measure.name: unknown measure 'order_totl' (did you mean 'order_total'?)`);

    const query = await runCli(['query', '--metrics-dir', manifest, '--metrics', 'revenue', '--group-by', 'customer__country', '--format', 'csv', ...db], cliEnv());
    expect(query.code, query.stderr).toBe(0);
    const hand = await wh.query<{ country: string | null; revenue: number }>(
      `select c.country, sum(o.amount)::float8 as revenue from fct_orders o left join dim_customers c on c.customer_id = o.customer_id group by 1`,
    );
    const csvRows = query.stdout.trim().split('\n').slice(1).map((l) => l.split(',')).map(([c, v]) => JSON.stringify([c || null, Number(v)])).sort();
    expect(csvRows).toEqual(hand.rows.map((r) => JSON.stringify([r.country, Number(r.revenue)])).sort());
  }, 120_000);

  it('a semi-additive measure: the balance on the last snapshot day of each month', async () => {
    await expectSame(
      { metrics: ['total_balance'], groupBy: ['metric_time__month'] },
      `with b as (select date_trunc('month', snapshot_at)::date as m, snapshot_at, balance from fct_balances),
            last as (select m, max(snapshot_at) as d from b group by m)
       select b.m as metric_time__month, sum(b.balance)::float8 as total_balance
       from b join last on last.m = b.m and last.d = b.snapshot_at group by b.m`,
      ['metric_time__month', 'total_balance'],
    );
  });
});
