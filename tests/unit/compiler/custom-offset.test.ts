/** Offsets by a custom granularity (spec 5.6): SQL and plan snapshots, and what stays unsupported. */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/compiler/index.js';
import { MaatstafError } from '../../../src/core/errors.js';
import { MetricQuerySchema, type MetricQueryInput } from '../../../src/core/query.js';
import { explainPlan } from '../../../src/planner/plan/explain-plan.js';
import { planQuery } from '../../../src/planner/plan/plan-query.js';
import { resolveQuery } from '../../../src/planner/resolve/resolve-query.js';
import { CUSTOM_OFFSETS_YAML } from '../../fixtures/engine/custom-offsets.js';
import { fixtureGraphWith } from '../../fixtures/engine/fixture.js';

const graph = fixtureGraphWith([CUSTOM_OFFSETS_YAML]);
const compile = (q: MetricQueryInput) => compileQuery(graph, MetricQuerySchema.parse(q));
const explain = (q: MetricQueryInput) => explainPlan(planQuery(graph, resolveQuery(graph, MetricQuerySchema.parse(q))));

function errorOf(q: MetricQueryInput): MaatstafError {
  try {
    compile(q);
  } catch (e) {
    expect(e).toBeInstanceOf(MaatstafError);
    return e as MaatstafError;
  }
  throw new Error('expected the query to fail');
}

const CASES: Record<string, MetricQueryInput> = {
  'by day: same position in the previous fiscal quarter': { metrics: ['payments_prev_fq'], groupBy: ['metric_time'] },
  'by fiscal quarter: the whole previous period': { metrics: ['payments_fq_change'], groupBy: ['metric_time__fiscal_quarter'] },
  'by month in a time range, filtered by method': {
    metrics: ['payments_prev_fq'],
    groupBy: ['metric_time__month', 'payment__method'],
    where: ["{{ Dimension('payment__method') }} = 'card'"],
    timeRange: { start: '2024-03-01', end: '2024-05-31' },
  },
  'cumulative input by fiscal quarter': { metrics: ['payments_ytd_prev_fq'], groupBy: ['metric_time__fiscal_quarter'] },
  'standard offset grouped by fiscal quarter': { metrics: ['payments_prev_week'], groupBy: ['metric_time__fiscal_quarter'] },
};

describe('custom-granularity offsets', () => {
  for (const [name, query] of Object.entries(CASES)) {
    it(`SQL: ${name}`, () => {
      const c = compile(query);
      expect(`${c.sql}\n-- params: ${JSON.stringify(c.params)}`).toMatchSnapshot();
    });
  }

  it('plans position matching below the custom grain and period matching at it', () => {
    expect(explain(CASES['by day: same position in the previous fiscal quarter']!)).toMatchSnapshot();
    const byQuarter = explain({ metrics: ['payments_prev_2fq'], groupBy: ['metric_time__fiscal_quarter'] });
    expect(byQuarter).toContain('__offset_time = fiscal_quarter 2 period(s) earlier of metric_time__fiscal_quarter');
    expect(byQuarter).not.toContain('same position');
  });

  it('compiles deterministically', () => {
    for (const q of Object.values(CASES)) expect(compile(q).sql).toBe(compileQuery(fixtureGraphWith([CUSTOM_OFFSETS_YAML]), MetricQuerySchema.parse(structuredClone(q))).sql);
  });

  it('answers UNSUPPORTED_QUERY for offset_to_grain grouped by a custom grain', () => {
    expect(errorOf({ metrics: ['payments_at_month_start'], groupBy: ['metric_time__fiscal_quarter'] }).code).toBe('UNSUPPORTED_QUERY');
  });

  it('answers UNSUPPORTED_QUERY for a non-simple input below the custom grain, and without metric_time; accepts date parts', () => {
    const e = errorOf({ metrics: ['payments_ytd_prev_fq'], groupBy: ['metric_time__month'] });
    expect(e.code).toBe('UNSUPPORTED_QUERY');
    expect(e.message).toContain('fiscal_quarter');
    // Date parts are read off the shifted days, as MetricFlow does (tests/integration/engine-custom-offsets.test.ts).
    expect(compile({ metrics: ['payments_prev_fq'], groupBy: ['metric_time__extract_year'] }).sql).toContain('EXTRACT');
    expect(errorOf({ metrics: ['payments_prev_fq'], groupBy: ['payment__method'] }).code).not.toBe('INTERNAL');
  });

  it('offsets by a granularity of another spine than the queried custom grain (joined on the base time)', () => {
    expect(compile({ metrics: ['payments_prev_tertial'], groupBy: ['metric_time__fiscal_quarter'] }).sql).toContain('time_spine_tertial');
  });
});
