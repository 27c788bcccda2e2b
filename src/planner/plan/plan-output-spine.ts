/**
 * Output times for spine-driven metrics (cumulative windows, offsets; spec 5.5, 5.6): spine rows
 * exposing the queried time items and a `base` time column, constrained to the query's time range
 * and to the filters that reference only time items (they constrain output times, not input rows).
 */
import type { ResolvedFilter, ResolvedItem } from '../resolve/resolved-query.js';
import { bindFilter, uniqueItems, type MetricPlanContext } from './plan-metric-context.js';
import type { NodeId, SpineBounds } from './plan-nodes.js';
import { planTimeSpine } from './plan-time-spine.js';

export interface OutputSpine {
  readonly node: NodeId;
  /** The time keys' names and `base`'s name. */
  readonly keep: readonly string[];
}

export interface OutputSpineOptions {
  /** The span the data can reach (plan-spine-bounds.ts). */
  readonly bounds?: SpineBounds;
  /** Keep one row per `at` period instead of per `base` time (`base` still picks the spine). */
  readonly at?: ResolvedItem;
}

export function planOutputSpine(ctx: MetricPlanContext, timeKeys: readonly ResolvedItem[], base: ResolvedItem, spineFilters: readonly ResolvedFilter[], opts: OutputSpineOptions = {}): OutputSpine {
  const { b, graph, timeRange } = ctx;
  const at = opts.at ?? base;
  const spine = planTimeSpine(b, graph, uniqueItems([...timeKeys, base, at, ...spineFilters.flatMap((f) => f.items)]), timeRange, opts.bounds);
  let node = spine.node;
  const columns = b.columnsOf(node);
  if (spineFilters.length) node = b.add({ kind: 'filter', input: node, filters: spineFilters.map(bindFilter), columns });
  if (timeRange) node = b.add({ kind: 'time-constraint', input: node, column: spine.baseColumn, start: timeRange.start, endExclusive: timeRange.endExclusive, columns });
  const keep = [...new Set([...timeKeys.map((k) => k.name), at.name])];
  // A spine finer than `at` has several rows per period.
  if (spine.baseColumn !== at.name) node = b.add({ kind: 'distinct', input: node, columns: keep });
  return { node, keep };
}
