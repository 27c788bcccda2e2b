import { describe, expect, it } from 'vitest';
import { MetricQuerySchema, type MetricQueryInput } from '../../../src/core/query.js';
import { compilePlan, compileQuery, timeColumnProbes } from '../../../src/compiler/index.js';
import type { QueryPlan } from '../../../src/planner/plan/plan-nodes.js';
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

  it('never puts a request value into the SQL text (the validated limit is the one number written in)', () => {
    const c = compile({
      metrics: ['revenue'],
      groupBy: ['metric_time'],
      where: ["{{ Dimension('customer__country') }} = 'Zeeland'", "{{ Dimension('order__channel') }} IN ('magic-web', 'x''y')"],
      timeRange: { start: '2024-01-15', end: '2024-02-10' },
      limit: 4242,
    });
    for (const value of ['Zeeland', 'magic-web', "x'y", '2024-01-15', '2024-02-10', '2024-01']) expect(c.sql).not.toContain(value);
    expect(c.params).toEqual(expect.arrayContaining(['Zeeland', 'magic-web', "x'y", '2024-01-15 00:00:00', '2024-02-11 00:00:00']));
    // A bound LIMIT hides the row count from the planner (issue 23): written in, as a whole number only.
    expect(c.sql).toMatch(/\nLIMIT 4242$/);
    expect(c.params).not.toContain(4242);
  });

  it('converts timestamptz columns to the project time zone (a setting, written as a literal) and leaves naive columns alone', () => {
    const tz = compile({ metrics: ['pickups'], groupBy: ['metric_time__hour'] });
    expect(tz.sql).toContain(`DATE_TRUNC('hour', ("picked_up_at" AT TIME ZONE 'Europe/Amsterdam'))`);
    expect(tz.params).toEqual([]);
    const naive = compile({ metrics: ['revenue'], groupBy: ['metric_time__month'] });
    expect(naive.sql).toContain(`CAST(DATE_TRUNC('month', "ordered_at") AS DATE)`);
    expect(naive.params).toEqual([]);
    const date = compile({ metrics: ['visits'], groupBy: ['metric_time__week'] });
    expect(date.sql).toContain(`CAST(DATE_TRUNC('week', CAST("visited_at" AS TIMESTAMP)) AS DATE)`);
  });

  it('uses the project time zone from the settings', () => {
    const defs = fixtureDefinitions();
    const g = buildSemanticGraph({ ...defs, settings: { ...defs.settings, timeZone: 'America/New_York' } }, { timeColumnTypes: () => 'timestamptz' });
    expect(compile({ metrics: ['revenue'], groupBy: ['metric_time'] }, g).sql).toContain(`AT TIME ZONE 'America/New_York'`);
  });

  it('renders ISO day of week, aggregations and ratios per spec 5.2, 6.1, 6.4', () => {
    expect(compile({ metrics: ['revenue'], groupBy: ['metric_time__extract_dow'] }).sql).toContain(`CAST(EXTRACT(isodow FROM "ordered_at") AS INTEGER)`);
    const aggs = compile(ENGINE_CASES['all aggregations']!).sql;
    expect(aggs).toContain(`PERCENTILE_DISC(0.9) WITHIN GROUP (ORDER BY "amount")`);
    expect(aggs).toContain(`PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY "amount")`);
    expect(aggs).toContain(`COUNT(DISTINCT "customer_id")`);
    expect(aggs).toContain(`AVG("amount")`);
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

describe('the simplest SQL for the same numbers (issue 23)', () => {
  it('renders a grouped count of one table as one SELECT with COUNT(*), GROUP BY positions and the LIMIT written in', () => {
    const c = compile({ metrics: ['order_count'], groupBy: ['metric_time__month', 'order__channel'], orderBy: ['-order_count'], limit: 10 });
    expect(c.sql).toBe(
      [
        'SELECT',
        `  CAST(DATE_TRUNC('month', "ordered_at") AS DATE) AS "metric_time__month",`,
        '  "channel" AS "order__channel",',
        '  COUNT(*) AS "order_count"',
        'FROM "fct_orders"',
        'GROUP BY 1, 2',
        'ORDER BY "order_count" DESC',
        'LIMIT 10',
      ].join('\n'),
    );
    expect(c.params).toEqual([]);
  });

  it('keeps SUM without GROUP BY, where an empty input gives NULL (COUNT would give 0)', () => {
    expect(compile({ metrics: ['order_count'] }).sql).toContain('SUM((1)) AS "order_count"');
  });

  it('puts the filters of the scan into its WHERE, on the same expressions', () => {
    const c = compile({ metrics: ['revenue'], groupBy: ['order__channel'], where: ["{{ Dimension('order__channel') }} = 'web'"] });
    expect(c.sql).not.toContain('WITH');
    expect(c.sql).toContain('WHERE ((("channel") = $1))');
    expect(c.params).toEqual(['web']);
  });
});

describe('count rewriting and the limit on hand-built plans', () => {
  const plan = (countExpr: string, limit?: number): QueryPlan => ({
    nodes: [
      { kind: 'source', id: 's', model: 'm', relation: { alias: 't' } as never, select: [{ name: 'k', expr: { kind: 'element', expr: { column: 'k', sql: 'k' } } }, { name: 'v', expr: { kind: 'element', expr: { sql: countExpr } } }], columns: ['k', 'v'] },
      { kind: 'aggregate', id: 'a', input: 's', groupBy: ['k'], aggregations: [{ input: 'v', as: 'n', agg: 'sum' }], columns: ['k', 'n'] },
      { kind: 'order-limit', id: 'r', input: 'a', orderBy: [], ...(limit !== undefined ? { limit } : {}), columns: ['k', 'n'] },
    ],
    root: 'r',
    columns: [],
    timeZone: 'UTC',
  });

  it('counts the column of the normaliser\'s not-null CASE', () => {
    expect(compilePlan(plan('CASE WHEN amount IS NOT NULL THEN 1 ELSE 0 END')).sql).toContain('COUNT((amount)) AS "n"');
  });

  it('counts the rows where a sum_boolean CASE is true, the condition taken whole', () => {
    expect(compilePlan(plan('CASE WHEN a >= b AND c THEN 1 ELSE 0 END')).sql).toContain('COUNT(*) FILTER (WHERE (a >= b AND c)) AS "n"');
    // A not-null CASE whose operand is not a plain expression is still a boolean CASE: its condition, whole.
    expect(compilePlan(plan('CASE WHEN a OR b IS NOT NULL THEN 1 ELSE 0 END')).sql).toContain('COUNT(*) FILTER (WHERE (a OR b IS NOT NULL)) AS "n"');
  });

  it('leaves a CASE alone when its operand could parse otherwise inside it', () => {
    for (const x of ['CASE WHEN a THEN 1 END', 'a THEN 2 WHEN b', 'x -- y', 'a /* b */', 'a; b']) {
      const text = `CASE WHEN ${x} IS NOT NULL THEN 1 ELSE 0 END`;
      expect(compilePlan(plan(text)).sql).toContain(`SUM((${text})) AS "n"`);
    }
    expect(compilePlan(plan('CASE WHEN a THEN 1 ELSE 0 END + 1')).sql).toContain('SUM((CASE WHEN a THEN 1 ELSE 0 END + 1)) AS "n"');
  });

  it('writes only a whole number ≥ 0 as the limit', () => {
    expect(compilePlan(plan('1', 0)).sql).toMatch(/\nLIMIT 0$/);
    for (const bad of [1.5, -1, Number.NaN, 2 ** 60]) expect(() => compilePlan(plan('1', bad))).toThrow(/invalid limit/);
  });
});

describe('cumulative metrics as running windows (issue 24)', () => {
  it('sums over a running window of per-day partials, no time join, for sum-based windows and grain-to-date', () => {
    for (const metric of ['payments_l7d', 'payments_ytd']) {
      const c = compile({ metrics: [metric], groupBy: ['metric_time__day', 'payment__method'] });
      expect(c.sql).toContain('RANGE BETWEEN');
      expect(c.sql).not.toMatch(/"time_join_\d+"/);
    }
    expect(compile({ metrics: ['payments_ytd'], groupBy: ['metric_time__day'] }).sql).toContain(`PARTITION BY DATE_TRUNC('year', CAST("metric_time__day" AS TIMESTAMP))`);
    expect(compile({ metrics: ['payments_l7d'], groupBy: ['metric_time__day'] }).sql).toContain('(MAKE_INTERVAL(days => 7) - MAKE_INTERVAL(days => 1)) PRECEDING');
  });

  it('keeps the time join for distinct counts, which cannot be summed over partials', () => {
    const c = compile({ metrics: ['payers_l30d'], groupBy: ['metric_time__day'] });
    expect(c.sql).toMatch(/"time_join_\d+"/);
    expect(c.sql).not.toContain('RANGE BETWEEN');
  });
});
