/**
 * Derived-metric inputs with `offset_window: <n> <custom granularity>` (spec 5.6; MetricFlow's
 * "offset by custom granularity"). The custom periods are numbered in time order over the whole
 * spine that defines the granularity (window functions; the spine is never cut by the time range).
 * - Grouped only by that custom granularity (MetricFlow's matching-grain case): the input is
 *   aggregated per custom period, and each output period takes the whole value of the period n
 *   earlier (after aggregation; any metric kind, nested offsets included).
 * - Otherwise (standard grains, date parts, or other grains alongside): each base-grain spine time takes the
 *   input rows of the time at the same position (1st day, 2nd day, …) of the period n earlier, then
 *   rows are aggregated to the query keys (simple inputs only). Choices, documented in the README:
 *   positions are matched by row number within the period, which equals MetricFlow's
 *   `first day + (position − 1) days` on a gap-free spine; a position that does not exist in the
 *   earlier period (a longer current period) gets no value, and rows of the earlier period beyond
 *   the current period's length are dropped (MetricFlow reports them under a NULL time);
 *   periods are ordered by their first spine time, then label (MetricFlow orders by label, the same
 *   when labels are period starts).
 * As for standard offsets, filters on time items constrain the output times, other filters the
 * input rows, and the time range applies to the output times (input rows are read up to its end).
 */
import { MaatstafError } from '../../core/errors.js';
import { compareGrains } from '../../core/time.js';
import type { CustomGranularity } from '../../semantic-graph/time-spines.js';
import { isMetricTimeLike } from '../resolve/time-requirements.js';
import type { ResolvedFilter, ResolvedItem, ResolvedMetricInput, ResolvedOffset } from '../resolve/resolved-query.js';
import { INTERNAL } from './element-columns.js';
import { aggregationOf, finishAggregated, keyNames } from './plan-finish.js';
import { metricTimeItem, planInputRows, simpleModel } from './plan-input-rows.js';
import type { MetricOutput, MetricPlanContext, PlanMetricFn } from './plan-metric-context.js';
import type { CustomOffsetNode } from './plan-nodes.js';
import { planOutputSpine } from './plan-output-spine.js';
import { planCustomGranularityLookup, SPINE_TIME } from './plan-time-spine.js';

type CustomWindow = Extract<ResolvedOffset, { kind: 'custom-window' }>;

/** The shifted time (or period) each output spine row reads. */
const OFFSET_COLUMN = `${INTERNAL}offset_time`;
const POSITION = `${INTERNAL}position`;
const PERIOD = `${INTERNAL}period`;

function unsupported(input: ResolvedMetricInput, why: string): never {
  throw new MaatstafError('UNSUPPORTED_QUERY', `Offset input '${input.column}' ${why}.`, { name: input.column });
}

/** metric_time at a custom granularity, as an item. */
function customTimeItem(g: CustomGranularity): ResolvedItem {
  return { spec: { kind: 'metric_time' }, time: { kind: 'custom', name: g.name }, name: `metric_time__${g.name}`, kind: 'time', baseGrain: g.spine.grain };
}

export function planCustomOffsetInput(ctx: MetricPlanContext, input: ResolvedMetricInput, offset: CustomWindow, inherited: readonly ResolvedFilter[], planMetric: PlanMetricFn): MetricOutput {
  const { b, graph } = ctx;
  const granularity = graph.customGranularities.get(offset.granularity);
  if (!granularity) unsupported(input, `uses the unknown granularity ${offset.granularity}`);
  const isTime = (i: ResolvedItem) => isMetricTimeLike(graph, i, input.metric);
  const timeKeys = ctx.keys.filter(isTime);
  if (timeKeys.length === 0) unsupported(input, 'needs metric_time in the group-by');
  const filters = [...inherited, ...input.filters];
  const spineFilters = filters.filter((f) => f.items.length > 0 && f.items.every(isTime));
  const inputFilters = filters.filter((f) => !spineFilters.includes(f));
  const others = ctx.keys.filter((k) => !isTime(k));
  const otherNames = others.map((k) => k.name);
  const condition = { kind: 'offset-custom', column: OFFSET_COLUMN } as const;

  const lookup = planCustomGranularityLookup(b, granularity);
  const periodColumns = { time: SPINE_TIME, label: granularity.name, position: POSITION, period: PERIOD };
  const periods = b.add({ kind: 'custom-periods', input: lookup, time: SPINE_TIME, label: granularity.name, position: POSITION, period: PERIOD, columns: [SPINE_TIME, granularity.name, POSITION, PERIOD] }, granularity.name);
  const shift = (spine: string, keep: readonly string[], match: string, by: CustomOffsetNode['by']) =>
    b.add({ kind: 'custom-offset', input: spine, match, periods, periodColumns, by, count: offset.count, as: OFFSET_COLUMN, columns: [...keep, OFFSET_COLUMN] }, input.column);

  if (timeKeys.every((k) => k.time?.kind === 'custom' && k.time.name === granularity.name)) {
    const at = customTimeItem(granularity);
    const inner = planMetric({ b, graph, planMetric, keys: [...others, at] }, input.metric, inputFilters);
    const spine = planOutputSpine(ctx, timeKeys, at, spineFilters);
    const shifted = shift(spine.node, spine.keep, at.name, 'period');
    const keep = timeKeys.map((k) => k.name);
    const take = [...otherNames, inner.column];
    const node = b.add({ kind: 'time-join', spine: shifted, spineTime: at.name, keep, rows: inner.node, rowTime: at.name, take, condition, columns: [...keep, ...take] }, input.column);
    return { node, column: inner.column, ...(inner.fillNullsWith !== undefined ? { fillNullsWith: inner.fillNullsWith } : {}) };
  }

  const metric = input.metric;
  if (metric.kind !== 'simple') unsupported(input, `of a ${metric.kind} metric can only be grouped by its offset granularity (${granularity.name})`);
  if (metric.def.aggregation.nonAdditiveDimension) unsupported(input, `of a semi-additive metric can only be grouped by its offset granularity (${granularity.name})`);
  const agg = metric.def.aggregation;
  const { model, baseGrain } = simpleModel(ctx, metric);
  const spineGrain = granularity.spine.grain;
  if (compareGrains(baseGrain, spineGrain) > 0) unsupported(input, `is aggregated by ${baseGrain}, coarser than the ${spineGrain} spine of ${granularity.name}`);
  const base = metricTimeItem(spineGrain);
  // Input times lie before the output times (n ≥ 1): rows after the range cannot count.
  const end = ctx.timeRange && offset.count > 0 ? ctx.timeRange.endExclusive : undefined;
  const rows = planInputRows(ctx, {
    metric,
    filters: [...inputFilters, ...metric.filters],
    items: [...others, base],
    ...(end !== undefined ? { constraint: { item: base, endExclusive: end } } : {}),
  });
  const spine = planOutputSpine(ctx, timeKeys, base, spineFilters);
  const shifted = shift(spine.node, spine.keep, base.name, 'position');
  const take = [...otherNames, rows.value];
  const joined = b.add({ kind: 'time-join', spine: shifted, spineTime: base.name, keep: spine.keep, rows: rows.node, rowTime: base.name, take, condition, columns: [...spine.keep, ...take] }, input.column);
  const keys = keyNames(ctx);
  const node = b.add({ kind: 'aggregate', input: joined, groupBy: keys, aggregations: [aggregationOf(agg, rows.value, metric.name)], columns: [...keys, metric.name] }, metric.name);
  return finishAggregated(ctx, agg, { node, column: metric.name, model, filters: [...inputFilters, ...metric.filters] });
}
