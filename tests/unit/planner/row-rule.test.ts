/**
 * The access policy's row rule is a typed part of the query (RowRule), not text appended to the
 * caller's `where`: the planner resolves it as a filter of its own origin, visible in the plan and
 * the SQL, and errors it causes carry the path `rowRule` (how the access layer recognises them).
 */
import { describe, expect, it } from 'vitest';
import { compileQuery } from '../../../src/compiler/index.js';
import { isMaatstafError } from '../../../src/core/errors.js';
import { MetricQuerySchema, type RowRule } from '../../../src/core/query.js';
import { explainPlan } from '../../../src/planner/plan/explain-plan.js';
import { planQuery } from '../../../src/planner/plan/plan-query.js';
import { resolveQuery } from '../../../src/planner/resolve/resolve-query.js';
import { fixtureGraph } from '../../fixtures/engine/fixture.js';

const graph = fixtureGraph();
const WEB: RowRule = { roles: ['web_team'], filter: "{{ Dimension('order__channel') }} = 'web'" };
const query = MetricQuerySchema.parse({ metrics: ['order_count'], groupBy: ['metric_time__month'], where: ["{{ TimeDimension('metric_time', 'month') }} >= '2024-01-01'"] });

describe('row rules in the plan', () => {
  it('are a filter of origin rowRule beside the caller’s where, in the plan and the SQL', () => {
    const plan = explainPlan(planQuery(graph, resolveQuery(graph, { ...query, rowRule: WEB })));
    expect(plan).toContain("rowRule: {{ Dimension('order__channel') }} = 'web' [order__channel]");
    expect(plan).toContain("where[0]: {{ TimeDimension('metric_time', 'month') }} >= '2024-01-01'");
    const compiled = compileQuery(graph, { ...query, rowRule: WEB });
    expect(compiled.sql).toMatchSnapshot();
    expect(compiled.params).toContain('web');
  });

  it('give the same SQL as the same filter written in where (the rows are the same)', () => {
    const ruled = compileQuery(graph, { ...query, rowRule: WEB });
    const written = compileQuery(graph, { ...query, where: [...(query.where as string[]), WEB.filter] });
    expect(ruled.sql).toBe(written.sql);
    expect(ruled.params).toEqual(written.params);
    expect(compileQuery(graph, query).sql).not.toBe(ruled.sql);
  });

  it('report their own errors under the path rowRule, never a where index', () => {
    let err: unknown;
    try {
      compileQuery(graph, { ...query, rowRule: { roles: ['r'], filter: "{{ Dimension('nobody__district') }} = 'x'" } });
    } catch (e) {
      err = e;
    }
    expect(isMaatstafError(err)).toBe(true);
    const paths = isMaatstafError(err) ? [err.details.path, ...(err.details.issues ?? []).map((i) => i.path)] : [];
    expect(paths).toContain('rowRule');
    expect(paths.some((p) => p?.startsWith('where'))).toBe(false);
  });
});
