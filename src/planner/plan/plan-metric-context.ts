/** What every metric sub-plan shares: the builder, the graph, the query's keys and time range. */
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import type { ResolvedFilter, ResolvedItem, ResolvedTimeRange } from '../resolve/resolved-query.js';
import type { PlanBuilder } from './plan-builder.js';
import type { BoundFilter, NodeId } from './plan-nodes.js';

export interface MetricPlanContext {
  readonly b: PlanBuilder;
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

export function bindFilter(f: ResolvedFilter): BoundFilter {
  return { filter: f.parsed, refColumns: f.items.map((i) => i.name), origin: f.origin };
}

export function uniqueItems(items: readonly ResolvedItem[]): ResolvedItem[] {
  const seen = new Map<string, ResolvedItem>();
  for (const i of items) if (!seen.has(i.name)) seen.set(i.name, i);
  return [...seen.values()];
}
