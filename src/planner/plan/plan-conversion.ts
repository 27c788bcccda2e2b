/**
 * Conversion metrics (spec 5.7): opportunities = the base metric aggregated normally (with the
 * metric's and the query's filters and the time range); conversions = conversion rows (their own
 * definition filters only, no time range) joined to base rows of the same entity and constant
 * properties within the window, each attributed to its latest base event and aggregated by the
 * base event's group-by values. Then `conversions`, or `conversions / opportunities`.
 */
import type { TimeGrain } from '../../core/time.js';
import type { ResolvedConversionMetric, ResolvedFilter } from '../resolve/resolved-query.js';
import { CONVERSION_ROW, INTERNAL, elementExpr } from './element-columns.js';
import { aggregationOf, compute, finishAggregated, keyNames } from './plan-finish.js';
import { metricTimeItem, planInputRows, simpleModel } from './plan-input-rows.js';
import type { MetricOutput, MetricPlanContext, PlanMetricFn } from './plan-metric-context.js';
import type { SourceColumn } from './plan-nodes.js';

const ENTITY = `${INTERNAL}conversion_entity`;
const property = (i: number) => `${INTERNAL}conversion_property_${i}`;
const OPPORTUNITIES = `${INTERNAL}opportunities`;
const CONVERSIONS = `${INTERNAL}conversions`;

export function planConversion(ctx: MetricPlanContext, metric: ResolvedConversionMetric, inherited: readonly ResolvedFilter[], planMetric: PlanMetricFn): MetricOutput {
  const { b, graph, timeRange } = ctx;
  const { def } = metric;
  const base = metric.base.metric;
  const conv = metric.conversion.metric;
  const baseFilters = [...inherited, ...metric.filters, ...metric.base.filters];
  const opportunities = planMetric(ctx, base, baseFilters);

  const baseSide = simpleModel(ctx, base);
  const convSide = simpleModel(ctx, conv);
  const matchColumns = (model: typeof baseSide.model, side: 'base' | 'conversion'): SourceColumn[] => [
    { name: ENTITY, expr: elementExpr(graph, model, def.entity) },
    ...def.constantProperties.map((p, i) => ({ name: property(i), expr: elementExpr(graph, model, side === 'base' ? p.baseProperty : p.conversionProperty) })),
  ];
  const baseTime = metricTimeItem(baseSide.baseGrain);
  const baseRows = planInputRows(ctx, {
    metric: base,
    filters: [...baseFilters, ...base.filters],
    items: [...ctx.keys, baseTime],
    extra: matchColumns(baseSide.model, 'base'),
    ...(timeRange ? { constraint: { item: baseTime, start: timeRange.start, endExclusive: timeRange.endExclusive } } : {}),
  });
  const convTime = metricTimeItem(convSide.baseGrain);
  const convRows = planInputRows(ctx, {
    metric: conv,
    filters: [...metric.conversion.filters, ...conv.filters],
    items: [convTime],
    extra: matchColumns(convSide.model, 'conversion'),
  });
  const keys = keyNames(ctx);
  const matched = b.add(
    {
      kind: 'conversion-join',
      base: baseRows.node,
      conversion: convRows.node,
      baseTime: baseTime.name,
      conversionTime: convTime.name,
      on: [ENTITY, ...def.constantProperties.map((_, i) => property(i))].map((c) => ({ base: c, conversion: c })),
      ...(def.window ? { window: { count: def.window.count, grain: def.window.grain as TimeGrain } } : {}),
      attribute: keys,
      value: convRows.value,
      columns: [...keys, CONVERSION_ROW, convRows.value],
    },
    metric.name,
  );
  const aggregated = b.add(
    { kind: 'aggregate', input: matched, groupBy: keys, aggregations: [aggregationOf(conv.def.aggregation, convRows.value, conv.name)], columns: [...keys, conv.name] },
    conv.name,
  );
  const conversions = finishAggregated(ctx, conv.def.aggregation, { node: aggregated, column: conv.name, model: convSide.model, filters: [] });
  const parts = [
    { out: opportunities, as: OPPORTUNITIES },
    { out: conversions, as: CONVERSIONS },
  ];
  const combined = b.add({
    kind: 'combine',
    keys,
    inputs: parts.map((p) => ({ node: p.out.node, take: [{ from: p.out.column, as: p.as, ...(p.out.fillNullsWith !== undefined ? { fillNullsWith: p.out.fillNullsWith } : {}) }] })),
    columns: [...keys, OPPORTUNITIES, CONVERSIONS],
  });
  const expr = def.calculation === 'conversions' ? { kind: 'column' as const, column: CONVERSIONS } : { kind: 'ratio' as const, numerator: CONVERSIONS, denominator: OPPORTUNITIES };
  return { node: compute(ctx, combined, metric.name, expr), column: metric.name };
}
