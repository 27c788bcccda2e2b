/**
 * A request with every name resolved against the semantic graph: the planner's only input.
 * Plain immutable data; metric definitions are resolved into a tree carrying their filters.
 */
import type { ColumnKind } from '../../core/query.js';
import type { TimeGrain } from '../../core/time.js';
import type { ConversionMetricDef, CumulativeMetricDef, DerivedMetricDef, RatioMetricDef, SimpleMetricDef } from '../../definitions/model.js';
import type { QueriedItem } from '../../semantic-graph/item-spec.js';
import type { ParsedFilter } from '../filter-api.js';

/** A group-by item (or filter reference) resolved to one item of the graph. */
export interface ResolvedItem extends QueriedItem {
  /** Output column name (`metric_time__day`, `customer__country`). */
  readonly name: string;
  readonly kind: Exclude<ColumnKind, 'metric'>;
  /** Time items: base grain bounding the grain. */
  readonly baseGrain?: TimeGrain;
  /** Model owning the element (labels); undefined for metric_time. */
  readonly owner?: string;
}

export interface ResolvedGroupBy {
  /** As written in the request. */
  readonly requested: string;
  /** Request path, `groupBy[1]`. */
  readonly path: string;
  readonly item: ResolvedItem;
}

/** Where a filter was defined: the query, a metric's `filter`, or a ratio/derived input's `filter`. */
export type FilterLevel = 'query' | 'metric' | 'input';

/**
 * `{{ Metric('m', group_by=['entity']) }}` (spec 3.7): metric `m` computed per entity in a sub-query
 * (its own definition filters only), LEFT OUTER JOINed to the filtered rows on the entity.
 */
export interface ResolvedMetricRef {
  readonly metric: ResolvedMetric;
  /** The entity as a group-by item of `metric`. */
  readonly entity: ResolvedItem;
  /** Column the filter reads: `<entity>__<metric>`. */
  readonly column: string;
}

/** A filter whose references are resolved; `items[i]` belongs to `parsed.refs[i]`. */
export interface ResolvedFilter {
  readonly parsed: ParsedFilter;
  /** For a Metric() reference: the entity as an item of the rows being filtered. */
  readonly items: readonly ResolvedItem[];
  /** `metricRefs[i]` is set when `parsed.refs[i]` is a Metric() reference. */
  readonly metricRefs?: readonly (ResolvedMetricRef | undefined)[];
  readonly level: FilterLevel;
  /** Where it was defined, for plans and messages: `where[0]`, `metric revenue`, `metric ratio input web`. */
  readonly origin: string;
}

interface MetricNodeBase {
  readonly name: string;
  /** The metric's own `filter`, applied to all simple metrics under it. */
  readonly filters: readonly ResolvedFilter[];
}

export interface ResolvedSimpleMetric extends MetricNodeBase {
  readonly kind: 'simple';
  readonly def: SimpleMetricDef;
}

/** A derived input's time offset (spec 5.6): the value at `t - count grain`, or at the start of t's `grain` period. */
export type ResolvedOffset =
  | { readonly kind: 'window'; readonly count: number; readonly grain: TimeGrain }
  | { readonly kind: 'to-grain'; readonly grain: TimeGrain }
  /** `offset_window: <count> <custom granularity>` (e.g. "1 fiscal_quarter"), through the spine defining it. */
  | { readonly kind: 'custom-window'; readonly count: number; readonly granularity: string };

/** An input of a ratio/derived metric: another metric under a column name, with its own filters. */
export interface ResolvedMetricInput {
  /** Alias or metric name: the column the parent's expression reads. */
  readonly column: string;
  readonly filters: readonly ResolvedFilter[];
  readonly metric: ResolvedMetric;
  readonly offset?: ResolvedOffset;
}

export interface ResolvedRatioMetric extends MetricNodeBase {
  readonly kind: 'ratio';
  readonly def: RatioMetricDef;
  readonly numerator: ResolvedMetricInput;
  readonly denominator: ResolvedMetricInput;
}

export interface ResolvedDerivedMetric extends MetricNodeBase {
  readonly kind: 'derived';
  readonly def: DerivedMetricDef;
  readonly inputs: readonly ResolvedMetricInput[];
}

/** A cumulative metric over one simple metric (spec 5.5); the input's own `filter`s apply too. */
export interface ResolvedCumulativeMetric extends MetricNodeBase {
  readonly kind: 'cumulative';
  readonly def: CumulativeMetricDef;
  readonly input: ResolvedSimpleInput;
}

/** A simple metric as the input of a cumulative or conversion metric. */
export type ResolvedSimpleInput = ResolvedMetricInput & { readonly metric: ResolvedSimpleMetric };

/** A conversion metric (spec 5.7): base events converting into conversion events of the same entity. */
export interface ResolvedConversionMetric extends MetricNodeBase {
  readonly kind: 'conversion';
  readonly def: ConversionMetricDef;
  readonly base: ResolvedSimpleInput;
  readonly conversion: ResolvedSimpleInput;
}

export type ResolvedMetric = ResolvedSimpleMetric | ResolvedRatioMetric | ResolvedDerivedMetric | ResolvedCumulativeMetric | ResolvedConversionMetric;

/** The time range widened to whole periods (spec 3.8), as local wall-clock `YYYY-MM-DD HH:MM:SS`. */
export interface ResolvedTimeRange {
  /** Inclusive start of the first period. */
  readonly start: string;
  /** Exclusive end: start of the period after the last one. */
  readonly endExclusive: string;
  /** The grain the range was widened to. */
  readonly grain: TimeGrain;
}

export interface ResolvedOrderBy {
  /** Output column name. */
  readonly column: string;
  readonly descending: boolean;
}

export interface ResolvedQuery {
  readonly metrics: readonly ResolvedMetric[];
  readonly groupBy: readonly ResolvedGroupBy[];
  /** Query filters (ANDed), applied to every simple metric under every queried metric. */
  readonly where: readonly ResolvedFilter[];
  readonly timeRange?: ResolvedTimeRange;
  readonly orderBy: readonly ResolvedOrderBy[];
  readonly limit?: number;
  /** Rows skipped after ordering (0 or absent: none). */
  readonly offset?: number;
  /** Metric-less only: one row with MIN and MAX of the single group-by item. */
  readonly minMaxOnly?: true;
  /** Metric-less only: false keeps one row per source row (no DISTINCT). */
  readonly applyGroupBy?: false;
}
