/** What every metric sub-plan shares: the builder, the graph, the query's keys and time range. */
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import type { ResolvedFilter, ResolvedItem, ResolvedMetric, ResolvedTimeRange } from '../resolve/resolved-query.js';
import type { PlanBuilder } from './plan-builder.js';
import type { BoundFilter, NodeId } from './plan-nodes.js';

/** Plans one metric with the filters flowing into it (plan-metric.ts; passed around to avoid import cycles). */
export type PlanMetricFn = (ctx: MetricPlanContext, metric: ResolvedMetric, inherited: readonly ResolvedFilter[]) => MetricOutput;

export interface MetricPlanContext {
  readonly b: PlanBuilder;
  /** For sub-queries of Metric() filter references. */
  readonly planMetric: PlanMetricFn;
  readonly graph: SemanticGraph;
  /** The query's group-by items: every metric is aggregated to exactly these keys. */
  readonly keys: readonly ResolvedItem[];
  readonly timeRange?: ResolvedTimeRange;
}

/** A planned metric: the node holding the keys plus one value column. */
export interface MetricOutput {
  readonly node: NodeId;
  readonly column: string;
  /** Simple metrics with fill_nulls_with: also applied when combining (spec 4.3). */
  readonly fillNullsWith?: number;
}

/** Binds each reference to its column: the item's, or a Metric() reference's joined metric column. */
export function bindFilter(f: ResolvedFilter): BoundFilter {
  return { filter: f.parsed, refColumns: f.items.map((i, n) => f.metricRefs?.[n]?.column ?? i.name), origin: f.origin };
}

export function uniqueItems(items: readonly ResolvedItem[]): ResolvedItem[] {
  const seen = new Map<string, ResolvedItem>();
  for (const i of items) if (!seen.has(i.name)) seen.set(i.name, i);
  return [...seen.values()];
}
