/**
 * Property tests: random valid queries over the fixture compile and run, return one row per group,
 * and for additive (sum) metrics the sum over any single group-by equals the ungrouped value.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupByItemInfo } from '../../src/semantic-graph/index.js';
import { ENGINES, type TestWarehouse } from '../helpers/warehouses.js';
import { fixtureGraph } from '../fixtures/engine/fixture.js';
import { openFixtureWarehouse, runQuery } from '../fixtures/engine/harness.js';

const graph = fixtureGraph();
/** Metrics with a windowed or grain-to-date cumulative metric or an offset under them need metric_time (spec 3.10). */
function needsMetricTime(name: string): boolean {
  const def = graph.metric(name);
  if (!def) return false;
  if (def.type === 'cumulative') return !!(def.window || def.grainToDate);
  const inputs = def.type === 'ratio' ? [def.numerator, def.denominator] : def.type === 'derived' ? def.inputs : [];
  return inputs.some((i) => i.offsetWindow || i.offsetToGrain || needsMetricTime(i.name));
}
const METRICS = graph.metricNames.filter((m) => !needsMetricTime(m));
const ADDITIVE = METRICS.filter((m) => {
  const def = graph.metric(m);
  return def?.type === 'simple' && def.aggregation.agg === 'sum' && !def.aggregation.nonAdditiveDimension && def.filters.length === 0;
});

/** Every concrete group-by name of an item: each grain and date part for time items. */
function concreteNames(info: GroupByItemInfo): string[] {
  if (info.kind !== 'time') return [info.name];
  return [
    ...(info.grains ?? []).map((g) => `${info.name}__${g}`),
    ...(info.dateParts ?? []).map((p) => `${info.name}__extract_${p}`),
    ...(info.customGrains ?? []).map((c) => `${info.name}__${c}`),
  ];
}

/** A filter referencing the item the way a user would write it. */
function filterOn(info: GroupByItemInfo): string | undefined {
  // Filter calls take one entity link in the name; further links go in entity_path.
  const path = info.entityPath.slice(0, -1);
  const last = info.entityPath.slice(-1);
  const args = (name: string) => `'${name}'${path.length ? `, entity_path=[${path.map((p) => `'${p}'`).join(', ')}]` : ''}`;
  const name = [...last, info.element].join('__');
  if (info.kind === 'entity') return `{{ Entity(${args(name)}) }} IS NOT NULL`;
  if (info.kind === 'time') return `{{ TimeDimension(${args(name)}).grain('${info.defaultGrain}') }} >= '2024-01-01'`;
  return info.entityPath.length ? `{{ Dimension(${args(name)}) }} IS NOT NULL` : undefined;
}

const queryArb = fc.uniqueArray(fc.constantFrom(...METRICS), { minLength: 1, maxLength: 3 }).chain((metrics) => {
  const infos = graph.groupByItemsFor(metrics);
  const filters = infos.map(filterOn).filter((f): f is string => f !== undefined);
  return fc.record({
    metrics: fc.constant(metrics),
    groupBy: fc.uniqueArray(fc.constantFrom(...infos.flatMap(concreteNames)), { maxLength: 3 }),
    where: fc.uniqueArray(fc.constantFrom(...filters), { maxLength: 2 }),
  });
});

const additiveArb = fc.constantFrom(...ADDITIVE).chain((metric) => {
  const names = graph.groupByItemsFor([metric]).flatMap(concreteNames);
  return fc.record({ metric: fc.constant(metric), item: fc.constantFrom(...names) });
});

describe.each(ENGINES)('engine properties on %s', (engine) => {
  let wh: TestWarehouse;
  beforeAll(async () => {
    wh = await openFixtureWarehouse(engine);
  });
  afterAll(async () => {
    await wh.dispose();
  });

  it('random valid queries compile, run and return one row per group', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        const rows = await runQuery(wh, graph, q);
        const keys = Object.keys(rows[0] ?? {}).filter((k) => !q.metrics.includes(k));
        const seen = new Set(rows.map((r) => JSON.stringify(keys.map((k) => r[k]))));
        expect(seen.size).toBe(rows.length);
        if (q.groupBy.length === 0) expect(rows).toHaveLength(1);
      }),
      { numRuns: engine === 'pglite' ? 80 : 40 },
    );
  });

  it('sums of additive metrics over any single group-by equal the ungrouped value', async () => {
    await fc.assert(
      fc.asyncProperty(additiveArb, async ({ metric, item }) => {
        const [total] = await runQuery(wh, graph, { metrics: [metric] });
        const rows = await runQuery(wh, graph, { metrics: [metric], groupBy: [item] });
        const sum = rows.reduce((s, r) => s + Number(r[metric] ?? 0), 0);
        expect(sum).toBeCloseTo(Number(total![metric] ?? 0), 6);
      }),
      { numRuns: engine === 'pglite' ? 80 : 40 },
    );
  });
});
