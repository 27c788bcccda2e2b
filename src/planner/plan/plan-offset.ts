/**
 * Derived-metric inputs with `offset_window` / `offset_to_grain` (spec 5.6): output time `t` gets
 * the input's value at `t - window` (or at `DATE_TRUNC(grain, t)`), through an INNER join with the
 * time spine, so rows exist only where the shifted time has data.
 * - After aggregation (queried grain q ≤ offset grain): the input is planned at metric_time__q
 *   (any metric kind, nested offsets included), then spine(q) joins it on the shifted time.
 * - Before aggregation (q coarser than the offset, q = week with offset_to_grain, or a custom grain
 *   in the group-by, whose periods come from the spine rows): spine rows at
 *   the input's base grain join its raw rows on the shifted time, then aggregate to the query keys
 *   (simple inputs with offset_window only).
 * Filters on time items only constrain the output times (spine); the time range applies to the
 * output times, while the input is read from the range shifted back by the offset.
 * The spine is limited to the input's time span shifted by the offset (plan-spine-bounds.ts).
 * Offsets by a custom granularity go to plan-custom-offset.ts.
 */
import { MaatstafError } from '../../core/errors.js';
import { compareGrains, finestGrain, type TimeGrain } from '../../core/time.js';
import { isMetricTimeLike } from '../resolve/time-requirements.js';
import type { ResolvedFilter, ResolvedItem, ResolvedMetricInput, ResolvedOffset, ResolvedTimeRange } from '../resolve/resolved-query.js';
import { formatNaiveTime, parseNaiveTime, periodStart, timeBefore } from '../resolve/time-range.js';
import { aggregationOf, finishAggregated, keyNames } from './plan-finish.js';
import { metricTimeItem, planInputRows, simpleModel } from './plan-input-rows.js';
import type { MetricOutput, MetricPlanContext, PlanMetricFn } from './plan-metric-context.js';
import type { TimeJoinCondition } from './plan-nodes.js';
import { planCustomOffsetInput } from './plan-custom-offset.js';
import { planOutputSpine } from './plan-output-spine.js';
import { planJoinBounds } from './plan-spine-bounds.js';

/** Offsets in a standard grain; custom-granularity windows are planned in plan-custom-offset.ts. */
type StandardOffset = Exclude<ResolvedOffset, { kind: 'custom-window' }>;

function conditionOf(offset: StandardOffset): TimeJoinCondition {
  return offset.kind === 'window' ? { kind: 'offset-window', window: { count: offset.count, grain: offset.grain } } : { kind: 'offset-to-grain', grain: offset.grain };
}

/** The input times feeding output times in `range`, widened to whole periods of `grain`. */
function sourceRange(range: ResolvedTimeRange | undefined, offset: StandardOffset, grain: TimeGrain): ResolvedTimeRange | undefined {
  if (!range) return undefined;
  const start = parseNaiveTime(range.start)!;
  const from = offset.kind === 'window' ? timeBefore(start, offset.count, offset.grain) : periodStart(start, offset.grain);
  return { start: formatNaiveTime(periodStart(from, grain)), endExclusive: range.endExclusive, grain };
}

function unsupported(input: ResolvedMetricInput, why: string): never {
  throw new MaatstafError('UNSUPPORTED_QUERY', `Offset input '${input.column}' ${why}.`, { name: input.column });
}

export function planOffsetInput(ctx: MetricPlanContext, input: ResolvedMetricInput, offset: ResolvedOffset, inherited: readonly ResolvedFilter[], planMetric: PlanMetricFn): MetricOutput {
  if (offset.kind === 'custom-window') return planCustomOffsetInput(ctx, input, offset, inherited, planMetric);
  const { b, graph } = ctx;
  const isTime = (i: ResolvedItem) => isMetricTimeLike(graph, i, input.metric);
  const timeKeys = ctx.keys.filter(isTime);
  const grains = timeKeys.flatMap((k) => (k.time?.kind === 'grain' ? [k.time.grain] : []));
  if (timeKeys.length === 0) unsupported(input, 'needs metric_time in the group-by');
  // Date parts of the output time are read off the shifted spine rows, before aggregation (MetricFlow).
  const datePart = timeKeys.some((k) => k.time?.kind === 'date_part');
  // A custom grain in the group-by always shifts rows before aggregation (spec 5.6), like MetricFlow.
  const custom = timeKeys.flatMap((k) => (k.time?.kind === 'custom' ? [graph.customGranularities.get(k.time.name)!] : []));
  const q = finestGrain(grains);
  const filters = [...inherited, ...input.filters];
  const spineFilters = filters.filter((f) => f.items.length > 0 && f.items.every(isTime));
  const inputFilters = filters.filter((f) => !spineFilters.includes(f));
  const others = ctx.keys.filter((k) => !isTime(k));
  const otherNames = others.map((k) => k.name);
  const condition = conditionOf(offset);

  if (q !== undefined && custom.length === 0 && !datePart && compareGrains(q, offset.grain) <= 0 && !(q === 'week' && offset.kind === 'to-grain')) {
    const at = metricTimeItem(q);
    const range = sourceRange(ctx.timeRange, offset, q);
    const inner = planMetric({ b, graph, planMetric, keys: [...others, at], ...(range ? { timeRange: range } : {}) }, input.metric, inputFilters);
    const bounds = planJoinBounds(b, inner.node, at.name, condition);
    const spine = planOutputSpine(ctx, timeKeys, at, spineFilters, bounds ? { bounds } : {});
    const keep = timeKeys.map((k) => k.name);
    const take = [...otherNames, inner.column];
    const node = b.add({ kind: 'time-join', spine: spine.node, spineTime: at.name, keep, rows: inner.node, rowTime: at.name, take, condition, columns: [...keep, ...take] }, input.column);
    return { node, column: inner.column, ...(inner.fillNullsWith !== undefined ? { fillNullsWith: inner.fillNullsWith } : {}) };
  }

  const metric = input.metric;
  if (metric.kind !== 'simple') unsupported(input, `of a ${metric.kind} metric cannot be queried at a grain coarser than its offset`);
  if (metric.def.aggregation.nonAdditiveDimension) unsupported(input, `of a semi-additive metric cannot be queried at a grain coarser than its offset`);
  if (offset.kind === 'to-grain' && (datePart || custom.length > 0 || q === undefined)) {
    unsupported(input, `with offset_to_grain ${offset.grain} cannot be queried ${datePart ? 'by date parts' : `at grain ${q ?? custom[0]!.name}`}`);
  }
  const agg = metric.def.aggregation;
  const { model, baseGrain } = simpleModel(ctx, metric);
  const tooFine = custom.find((c) => compareGrains(baseGrain, c.spine.grain) < 0);
  if (tooFine) unsupported(input, `is aggregated by ${baseGrain}, finer than the ${tooFine.spine.grain} spine of ${tooFine.name}`);
  const base = metricTimeItem(baseGrain);
  const range = sourceRange(ctx.timeRange, offset, baseGrain);
  const rows = planInputRows(ctx, {
    metric,
    filters: [...inputFilters, ...metric.filters],
    items: [...others, base],
    ...(range ? { constraint: { item: base, start: range.start, endExclusive: range.endExclusive } } : {}),
  });
  const bounds = planJoinBounds(b, rows.node, base.name, condition);
  const spine = planOutputSpine(ctx, timeKeys, base, spineFilters, bounds ? { bounds } : {});
  const take = [...otherNames, rows.value];
  // offset_to_grain at a week or a coarser grain: each output period takes the value at its first
  // base time (with several grains, at the start of any of their periods, as MetricFlow does).
  const shift = condition.kind === 'offset-to-grain' ? { ...condition, periodStarts: [...new Set(grains)].sort(compareGrains) } : condition;
  const joined = b.add({ kind: 'time-join', spine: spine.node, spineTime: base.name, keep: spine.keep, rows: rows.node, rowTime: base.name, take, condition: shift, columns: [...spine.keep, ...take] }, input.column);
  const keys = keyNames(ctx);
  const node = b.add({ kind: 'aggregate', input: joined, groupBy: keys, aggregations: [aggregationOf(agg, rows.value, metric.name)], columns: [...keys, metric.name] }, metric.name);
  return finishAggregated(ctx, agg, { node, column: metric.name, model, filters: [...inputFilters, ...metric.filters] });
}
