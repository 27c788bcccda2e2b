import { describe, expect, it } from 'vitest';
import { MetricQuerySchema, type MetricQueryInput } from '../../../src/core/query.js';
import { compileQuery, timeColumnProbes } from '../../../src/compiler/index.js';
import { buildSemanticGraph } from '../../../src/semantic-graph/index.js';
import { ENGINE_CASES } from '../../fixtures/engine/cases.js';
import { fixtureDefinitions, fixtureGraph } from '../../fixtures/engine/fixture.js';

const graph = fixtureGraph();
const compile = (q: MetricQueryInput, g = graph) => compileQuery(g, MetricQuerySchema.parse(q));

describe('SQL snapshots', () => {
  for (const [name, query] of Object.entries(ENGINE_CASES)) {
    it(name, () => {
      const c = compile(query);
      expect(`${c.sql}\n-- params: ${JSON.stringify(c.params)}`).toMatchSnapshot();
    });
  }
});

describe('determinism and parameters', () => {
  it('compiles the same query to byte-identical SQL and params', () => {
    for (const query of Object.values(ENGINE_CASES)) {
      const a = compile(query);
      const b = compileQuery(fixtureGraph(), MetricQuerySchema.parse(structuredClone(query)));
      expect(b.sql).toBe(a.sql);
      expect(b.params).toEqual(a.params);
    }
  });

  it('never puts a request value into the SQL text', () => {
    const c = compile({
      metrics: ['revenue'],
      groupBy: ['metric_time'],
      where: ["{{ Dimension('customer__country') }} = 'Zeeland'", "{{ Dimension('order__channel') }} IN ('magic-web', 'x''y')"],
      timeRange: { start: '2024-01-15', end: '2024-02-10' },
      limit: 4242,
    });
    for (const value of ['Zeeland', 'magic-web', "x'y", '2024-01-15', '2024-02-10', '2024-01', '4242']) expect(c.sql).not.toContain(value);
    expect(c.params).toEqual(expect.arrayContaining(['Zeeland', 'magic-web', "x'y", '2024-01-15 00:00:00', '2024-02-11 00:00:00', 4242]));
    expect(c.sql).toMatch(/LIMIT \$\d+$/);
  });

  it('binds the time zone for timestamptz columns and leaves naive columns alone', () => {
    const tz = compile({ metrics: ['pickups'], groupBy: ['metric_time__hour'] });
    expect(tz.sql).toContain(`DATE_TRUNC('hour', ("picked_up_at" AT TIME ZONE CAST($1 AS TEXT)))`);
    expect(tz.params).toEqual(['Europe/Amsterdam']);
    const naive = compile({ metrics: ['revenue'], groupBy: ['metric_time__month'] });
    expect(naive.sql).toContain(`CAST(DATE_TRUNC('month', "ordered_at") AS DATE)`);
    expect(naive.params).toEqual([]);
    const date = compile({ metrics: ['visits'], groupBy: ['metric_time__week'] });
    expect(date.sql).toContain(`CAST(DATE_TRUNC('week', CAST("visited_at" AS TIMESTAMP)) AS DATE)`);
  });

  it('uses the project time zone from the settings', () => {
    const defs = fixtureDefinitions();
    const g = buildSemanticGraph({ ...defs, settings: { ...defs.settings, timeZone: 'America/New_York' } }, { timeColumnTypes: () => 'timestamptz' });
    expect(compile({ metrics: ['revenue'], groupBy: ['metric_time'] }, g).params).toEqual(['America/New_York']);
  });

  it('renders ISO day of week, aggregations and ratios per spec 5.2, 6.1, 6.4', () => {
    expect(compile({ metrics: ['revenue'], groupBy: ['metric_time__extract_dow'] }).sql).toContain(`CAST(EXTRACT(isodow FROM "ordered_at") AS INTEGER)`);
    const aggs = compile(ENGINE_CASES['all aggregations']!).sql;
    expect(aggs).toContain(`PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY "__p90_order_amount")`);
    expect(aggs).toContain(`PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "__median_order_amount")`);
    expect(aggs).toContain(`COUNT(DISTINCT "__customers_with_orders")`);
    expect(aggs).toContain(`AVG("__avg_order_value")`);
    expect(compile({ metrics: ['orders_per_visit'] }).sql).toContain(
      `CAST("order_count" AS DOUBLE PRECISION) / CAST(NULLIF("visits", 0) AS DOUBLE PRECISION)`,
    );
  });

  it('quotes identifiers and pastes only definition expressions raw', () => {
    const c = compile({ metrics: ['order_count'], groupBy: ['order__amount_band'] });
    expect(c.sql).toContain(`(CASE WHEN amount >= 100 THEN 'large' ELSE 'small' END) AS "order__amount_band"`);
    expect(c.sql).toContain(`FROM "fct_orders"`);
  });

  it('returns output columns with their metadata', () => {
    expect(compile({ metrics: ['revenue'], groupBy: ['metric_time'] }).columns).toEqual([
      { name: 'metric_time__day', kind: 'time', dataType: 'date', grain: 'day' },
      { name: 'revenue', kind: 'metric', dataType: 'number', label: 'Revenue', unit: 'EUR' },
    ]);
  });
});

describe('time-column probes', () => {
  it('selects each time dimension from its relation without reading rows', () => {
    const probes = timeColumnProbes(fixtureDefinitions());
    expect(probes.find((p) => p.semanticModel === 'pickups')).toEqual({
      semanticModel: 'pickups',
      dimension: 'picked_up_at',
      sql: 'SELECT "picked_up_at" AS "t" FROM "fct_pickups" WHERE false',
    });
    expect(probes.map((p) => `${p.semanticModel}.${p.dimension}`)).toContain('orders.shipped_at');
  });
});
