/**
 * Cumulative metrics (spec 5.5). With an aggregation-time item in the group-by: spine rows at the
 * input's base grain INNER JOIN the input's rows on the window condition (`r.t <= s.t` plus the
 * trailing-window / grain-to-date lower bound), aggregated per spine time; at coarser grains one
 * value per period is picked with `period_agg`. The rows are pre-filtered to the time range widened
 * by the window (so values at the range's start see earlier rows), the spine to the range itself.
 * Filters on aggregation-time items only constrain the output times (spine), others the input rows.
 * Without an aggregation-time item (all-time only, 3.10) the input is aggregated over all rows up
 * to the range's end. The spine is limited to the times the rows' window can reach (data bounds,
 * plan-spine-bounds.ts), and the rows are reduced per time before the join (preAggregate). Where the
 * partials re-aggregate (sum, min, max) and the condition is a frame (to date, all time, a trailing
 * window on the rows' grain), a running window over spine rows and partials replaces the join (issue 24).
 */
import { compareGrains, finestGrain, type TimeGrain } from '../../core/time.js';
import type { Aggregation, SimpleAggregationDef } from '../../definitions/model.js';
import { isAggTimeItem } from '../resolve/agg-time.js';
import type { ResolvedCumulativeMetric, ResolvedFilter, ResolvedItem } from '../resolve/resolved-query.js';
import { formatNaiveTime, parseNaiveTime, periodStart, timeBefore } from '../resolve/time-range.js';
import { aggregationOf, finishAggregated, keyNames } from './plan-finish.js';
import { metricTimeItem, planInputRows, simpleModel } from './plan-input-rows.js';
import type { MetricOutput, MetricPlanContext } from './plan-metric-context.js';
import type { AggregateColumn, NodeId, RunningWindowNode, TimeJoinCondition } from './plan-nodes.js';
import { planOutputSpine } from './plan-output-spine.js';
import { planJoinBounds } from './plan-spine-bounds.js';
import { isGeneratedSpine } from './plan-time-spine.js';

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

/** Aggregations whose value over a window equals the same aggregation over per-group partial results. */
const REAGGREGATED = new Set<Aggregation>(['sum', 'min', 'max']);

/** Rows reduced for the window join, and the aggregation that gives the metric from them. */
interface Reduced {
  readonly node: NodeId;
  readonly final: (as: string) => AggregateColumn;
  /** The final aggregation when it re-aggregates the partials (a running window can compute it). */
  readonly window?: RunningWindowNode['agg'];
}

/**
 * The input rows reduced per time and key before the window join, which pairs every spine time
 * with every row in its window: sum/min/max of partial sums/minima/maxima give the same numbers
 * from far fewer rows. count_distinct keeps distinct values per time; over an all-time window a
 * value counts from its first time on, so it becomes a sum of first appearances per time (one row
 * per time and key instead of one per value — the distinct subjects of small-cell suppression);
 * sum_distinct (privacy cell keys) likewise, summing the values first seen at each time.
 * Other aggregations (average, percentile) need every row.
 */
function preAggregate(ctx: MetricPlanContext, agg: SimpleAggregationDef, condition: TimeJoinCondition, rows: NodeId, others: readonly string[], time: string, value: string): Reduced {
  const { b } = ctx;
  const same = (as: string) => aggregationOf(agg, value, as);
  const by = [...others, time];
  if ((agg.agg === 'count_distinct' || agg.agg === 'sum_distinct') && condition.kind === 'all-time') {
    // One row per key and value (its first time): per time, the values first seen then, each once.
    const first = b.add({ kind: 'aggregate', input: rows, groupBy: [...others, value], aggregations: [{ input: time, as: time, agg: 'min' }], columns: [...others, value, time] });
    const perTime = agg.agg === 'count_distinct' ? 'count_distinct' : 'sum';
    const node = b.add({ kind: 'aggregate', input: first, groupBy: by, aggregations: [{ input: value, as: value, agg: perTime }], columns: [...by, value] });
    return { node, final: (as) => ({ input: value, as, agg: 'sum' }), window: 'sum' };
  }
  if (agg.agg === 'count_distinct') return { node: b.add({ kind: 'distinct', input: rows, columns: [...by, value] }), final: same };
  if (!REAGGREGATED.has(agg.agg)) return { node: rows, final: same };
  const node = b.add({ kind: 'aggregate', input: rows, groupBy: by, aggregations: [{ input: value, as: value, agg: agg.agg }], columns: [...by, value] });
  return { node, final: same, window: agg.agg as RunningWindowNode['agg'] };
}

/**
 * All-time windows over a range starting at `start`: output times are at or after `start` (the
 * spine is constrained to the range), so `r <= s` holds for every row before it; moving those rows
 * to `start` (at `grain`) before preAggregate leaves one row per key for all of history.
 */
function floorAllTime(ctx: MetricPlanContext, condition: TimeJoinCondition, agg: SimpleAggregationDef, rows: NodeId, column: string, grain: TimeGrain): NodeId {
  const start = ctx.timeRange?.start;
  if (condition.kind !== 'all-time' || start === undefined || (!REAGGREGATED.has(agg.agg) && agg.agg !== 'count_distinct' && agg.agg !== 'sum_distinct')) return rows;
  const floor = formatNaiveTime(periodStart(parseNaiveTime(start)!, grain));
  return ctx.b.add({ kind: 'time-floor', input: rows, column, start: floor, date: compareGrains(grain, 'day') >= 0, columns: ctx.b.columnsOf(rows) });
}

/** True when every `inner` period lies inside one `outer` period (days in months; not weeks in months). */
function nests(inner: TimeGrain, outer: TimeGrain): boolean {
  if (compareGrains(inner, outer) > 0) return false;
  if (compareGrains(inner, 'day') <= 0) return true;
  return (inner === 'week') === (outer === 'week');
}

/**
 * The grain at which a `period_agg: last` window can be joined per output period rather than per
 * spine time, or undefined. The value of period P is the window at P's last spine time s; when the
 * spine is generated (complete: s is P's last base time, or the range's end, which the rows are cut
 * at too) and base times nest in P, `r <= s` is `trunc(r, P's grain) <= P`, and when P nests in the
 * to-date grain, `r >= trunc(s, g)` is `r >= trunc(P, g)`. A year-to-date by day at an hourly base
 * grain then joins 365 days to per-day partial sums instead of the last hour of each day to every row.
 */
function periodJoinGrain(ctx: MetricPlanContext, condition: TimeJoinCondition, timeKeys: readonly ResolvedItem[], base: ResolvedItem): TimeGrain | undefined {
  const grains = timeKeys.map((k) => (k.time?.kind === 'grain' ? k.time.grain : undefined));
  if (grains.some((g) => g === undefined)) return undefined;
  const q = finestGrain(grains as TimeGrain[]);
  const t0 = base.time?.kind === 'grain' ? base.time.grain : undefined;
  if (!q || !t0 || !nests(t0, q)) return undefined;
  if (condition.kind === 'grain-to-date' && !nests(q, condition.grain)) return undefined;
  if (condition.kind !== 'grain-to-date' && condition.kind !== 'all-time') return undefined;
  return isGeneratedSpine(ctx.graph, [...timeKeys, base], ctx.timeRange) ? q : undefined;
}

/**
 * The running-window frame that selects exactly the rows the join condition pairs with a spine
 * time, for rows at `rowGrain`; undefined where there is none (offsets, trailing windows whose start
 * is not on the rows' grain).
 */
function frameOf(condition: TimeJoinCondition, rowGrain: TimeGrain): RunningWindowNode['frame'] | undefined {
  switch (condition.kind) {
    case 'all-time':
      return { kind: 'to-date' };
    case 'grain-to-date':
      return { kind: 'to-date', grain: condition.grain };
    case 'trailing-window':
      return nests(rowGrain, condition.window.grain) ? { kind: 'trailing', window: condition.window, rowGrain } : undefined;
    default:
      return undefined;
  }
}

interface WindowJoin {
  readonly spine: { readonly node: NodeId; readonly keep: readonly string[] };
  readonly time: string;
  readonly rows: Reduced;
  readonly rowGrain: TimeGrain;
  readonly others: readonly string[];
  readonly value: string;
  /** Output keys, in order. */
  readonly keys: readonly string[];
  /** For the join: only the latest spine time of each group of these columns (see TimeJoinNode). */
  readonly lastPerGroup?: readonly string[];
}

/**
 * The metric per spine time and key: a running window over the partials when they re-aggregate
 * (sum/min/max partials; first appearances of distinct values over all time) and the condition is a frame — linear in spine times plus rows, where
 * the join pairs every spine time with every row of its window (a year to date by day: 365 × ~180
 * per-day partials per key) — else the time-join and an aggregate.
 */
function windowOrJoin(ctx: MetricPlanContext, condition: TimeJoinCondition, metric: string, j: WindowJoin): NodeId {
  const { b } = ctx;
  const frame = j.rows.window ? frameOf(condition, j.rowGrain) : undefined;
  if (frame && j.rows.window) {
    const node: Omit<RunningWindowNode, 'id'> = {
      kind: 'running-window',
      spine: j.spine.node,
      spineTime: j.time,
      keep: j.spine.keep,
      rows: j.rows.node,
      rowTime: j.time,
      others: j.others,
      value: j.value,
      agg: j.rows.window,
      frame,
      as: metric,
      columns: [...j.keys, metric],
    };
    return b.add(node, metric);
  }
  const take = [...j.others, j.value];
  const last = j.lastPerGroup ? { lastPerGroup: j.lastPerGroup } : {};
  const joined = b.add({ kind: 'time-join', spine: j.spine.node, spineTime: j.time, keep: j.spine.keep, rows: j.rows.node, rowTime: j.time, take, condition, ...last, columns: [...j.spine.keep, ...take] });
  return b.add({ kind: 'aggregate', input: joined, groupBy: j.keys, aggregations: [j.rows.final(metric)], columns: [...j.keys, metric] }, metric);
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
  const otherKeys = ctx.keys.filter((k) => !isAggTime(k));
  const others = otherKeys.map((k) => k.name);
  const start = timeRange ? rowsStart(condition, timeRange.start) : undefined;
  const constraint = timeRange ? { constraint: { item: base, ...(start !== undefined ? { start } : {}), endExclusive: timeRange.endExclusive } } : {};
  const lastOnly = !keys.includes(base.name) && metric.def.periodAgg === 'last' && lastTimeSuffices(condition, timeKeys);
  const period = lastOnly && spineFilters.length === 0 ? periodJoinGrain(ctx, condition, timeKeys, base) : undefined;

  if (period) {
    // One join per output period instead of per base time (see periodJoinGrain).
    const at: ResolvedItem = { ...metricTimeItem(period), baseGrain };
    const rows = planInputRows(ctx, { metric: input, filters: rowFilters, items: [...otherKeys, base, at], ...constraint });
    const perPeriod = preAggregate(ctx, agg, condition, floorAllTime(ctx, condition, agg, rows.node, at.name, period), others, at.name, rows.value);
    const bounds = planJoinBounds(b, rows.node, base.name, condition);
    const spine = planOutputSpine(ctx, timeKeys, base, [], { at, ...(bounds ? { bounds } : {}) });
    const node = windowOrJoin(ctx, condition, metric.name, { spine, time: at.name, rows: perPeriod, rowGrain: period, others, value: rows.value, keys });
    return finishAggregated(ctx, agg, { node, column: metric.name, model, filters });
  }

  const rows = planInputRows(ctx, { metric: input, filters: rowFilters, items: [...otherKeys, base], ...constraint });
  const bounds = planJoinBounds(b, rows.node, base.name, condition);
  const spine = planOutputSpine(ctx, timeKeys, base, spineFilters, bounds ? { bounds } : {});
  const periods = spine.keep.filter((c) => c !== base.name);
  const lastPerGroup = lastOnly && periods.length > 0;
  const reduced = preAggregate(ctx, agg, condition, floorAllTime(ctx, condition, agg, rows.node, base.name, baseGrain), others, base.name, rows.value);
  const groupBy = [...new Set([...keys, base.name])];
  const window = { spine, time: base.name, rows: reduced, rowGrain: baseGrain, others, value: rows.value, keys: groupBy, ...(lastPerGroup ? { lastPerGroup: periods } : {}) };
  let node = windowOrJoin(ctx, condition, metric.name, window);
  if (!keys.includes(base.name)) {
    node = b.add({ kind: 'period-agg', input: node, keys, orderBy: base.name, value: metric.name, as: metric.name, agg: metric.def.periodAgg, columns: [...keys, metric.name] }, metric.name);
  }
  return finishAggregated(ctx, agg, { node, column: metric.name, model, filters });
}
