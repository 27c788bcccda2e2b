/**
 * Cumulative metrics (spec 5.5). With an aggregation-time item in the group-by: spine rows at the
 * input's base grain INNER JOIN the input's rows on the window condition (`r.t <= s.t` plus the
 * trailing-window / grain-to-date lower bound), aggregated per spine time; at coarser grains one
 * value per period is picked with `period_agg`. The rows are pre-filtered to the time range widened
 * by the window (so values at the range's start see earlier rows), the spine to the range itself.
 * Filters on aggregation-time items only constrain the output times (spine), others the input rows.
 * Without an aggregation-time item (all-time only, 3.10) the input is aggregated over all rows up
 * to the range's end.
 */
import { compareGrains, type TimeGrain } from '../../core/time.js';
import { isAggTimeItem } from '../resolve/agg-time.js';
import type { ResolvedCumulativeMetric, ResolvedFilter, ResolvedItem } from '../resolve/resolved-query.js';
import { formatNaiveTime, parseNaiveTime, periodStart, timeBefore } from '../resolve/time-range.js';
import { aggregationOf, finishAggregated, keyNames } from './plan-finish.js';
import { metricTimeItem, planInputRows, simpleModel } from './plan-input-rows.js';
import type { MetricOutput, MetricPlanContext } from './plan-metric-context.js';
import type { TimeJoinCondition } from './plan-nodes.js';
import { planOutputSpine } from './plan-output-spine.js';

function conditionOf(metric: ResolvedCumulativeMetric): TimeJoinCondition {
  const { window, grainToDate } = metric.def;
  // Custom-grain windows are rejected during resolution.
  if (window) return { kind: 'trailing-window', window: { count: window.count, grain: window.grain as TimeGrain } };
  if (grainToDate) return { kind: 'grain-to-date', grain: grainToDate };
  return { kind: 'all-time' };
}

/** Earliest row time that can count towards an output time at or after `start`. */
function rowsStart(condition: TimeJoinCondition, start: string): string | undefined {
  const t = parseNaiveTime(start)!;
  switch (condition.kind) {
    case 'trailing-window':
      return formatNaiveTime(timeBefore(t, condition.window.count, condition.window.grain));
    case 'grain-to-date':
      return formatNaiveTime(periodStart(t, condition.grain));
    default:
      return undefined;
  }
}

/**
 * True when, within every output period, the spine's latest time matches a superset of the rows any
 * earlier time matches: then `period_agg: last` picks that time's value and the other spine times
 * need not be joined at all (a year-to-date by month at hourly base grain would otherwise join
 * ~730 spine hours per month to every row). Holds for all-time windows, and for grain-to-date when
 * each output period lies inside one to-date period; not for trailing windows, which can empty.
 */
function lastTimeSuffices(condition: TimeJoinCondition, timeKeys: readonly ResolvedItem[]): boolean {
  if (condition.kind === 'all-time') return true;
  if (condition.kind !== 'grain-to-date') return false;
  return timeKeys.every((k) => k.time?.kind === 'grain' && compareGrains(k.time.grain, condition.grain) <= 0);
}

export function planCumulative(ctx: MetricPlanContext, metric: ResolvedCumulativeMetric, inherited: readonly ResolvedFilter[]): MetricOutput {
  const { b, timeRange } = ctx;
  const input = metric.input.metric;
  const agg = input.def.aggregation;
  const filters = [...inherited, ...metric.filters, ...metric.input.filters, ...input.filters];
  const { model, baseGrain } = simpleModel(ctx, input);
  const base = metricTimeItem(baseGrain);
  const keys = keyNames(ctx);
  const isAggTime = (i: ResolvedItem) => isAggTimeItem(i, model, agg.aggTimeDimension);
  const timeKeys = ctx.keys.filter(isAggTime);

  if (timeKeys.length === 0) {
    const rows = planInputRows(ctx, { metric: input, filters, items: ctx.keys, ...(timeRange ? { constraint: { item: base, endExclusive: timeRange.endExclusive } } : {}) });
    const node = b.add(
      { kind: 'aggregate', input: rows.node, groupBy: keys, aggregations: [aggregationOf(agg, rows.value, metric.name)], columns: [...keys, metric.name] },
      metric.name,
    );
    return finishAggregated(ctx, agg, { node, column: metric.name, model, filters });
  }

  const condition = conditionOf(metric);
  const spineFilters = filters.filter((f) => f.items.length > 0 && f.items.every(isAggTime));
  const rowFilters = filters.filter((f) => !spineFilters.includes(f));
  const others = ctx.keys.filter((k) => !isAggTime(k)).map((k) => k.name);
  const start = timeRange ? rowsStart(condition, timeRange.start) : undefined;
  const rows = planInputRows(ctx, {
    metric: input,
    filters: rowFilters,
    items: [...ctx.keys.filter((k) => !isAggTime(k)), base],
    ...(timeRange ? { constraint: { item: base, ...(start !== undefined ? { start } : {}), endExclusive: timeRange.endExclusive } } : {}),
  });
  const spine = planOutputSpine(ctx, timeKeys, base, spineFilters);
  const take = [...others, rows.value];
  const periods = spine.keep.filter((c) => c !== base.name);
  const lastOnly = !keys.includes(base.name) && metric.def.periodAgg === 'last' && periods.length > 0 && lastTimeSuffices(condition, timeKeys);
  let node = b.add({
    kind: 'time-join',
    spine: spine.node,
    spineTime: base.name,
    keep: spine.keep,
    rows: rows.node,
    rowTime: base.name,
    take,
    condition,
    ...(lastOnly ? { lastPerGroup: periods } : {}),
    columns: [...spine.keep, ...take],
  });
  const groupBy = [...new Set([...keys, base.name])];
  node = b.add(
    { kind: 'aggregate', input: node, groupBy, aggregations: [aggregationOf(agg, rows.value, metric.name)], columns: [...groupBy, metric.name] },
    metric.name,
  );
  if (!keys.includes(base.name)) {
    node = b.add({ kind: 'period-agg', input: node, keys, orderBy: base.name, value: metric.name, as: metric.name, agg: metric.def.periodAgg, columns: [...keys, metric.name] }, metric.name);
  }
  return finishAggregated(ctx, agg, { node, column: metric.name, model, filters });
}
