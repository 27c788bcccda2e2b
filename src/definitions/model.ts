/**
 * The validated, normalised object model of a definitions folder. This is what every later stage
 * (semantic graph, planner, compiler, catalogue) reads: plain immutable data, names lower-cased,
 * MetricFlow's normalisations already applied (count → sum of CASE, sum_boolean → sum of CASE,
 * median → percentile 0.5, measures inlined into simple metrics, hidden simple metrics created for
 * measure inputs of cumulative/conversion metrics, windows parsed).
 */
import type { TimeGrain, TimeWindow } from '../core/time.js';

/** Where a construct was defined, for error messages (`metrics/kcc.yaml:14 metrics[2]`). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly path: string;
}

export type Meta = Readonly<Record<string, unknown>>;

/** A table or view in the warehouse. `schema` undefined → the connection's search path / configured schema. */
export interface Relation {
  readonly database?: string;
  readonly schema?: string;
  readonly alias: string;
}

/**
 * A SQL expression from the definitions. `column` is set when the expr was a bare identifier (or
 * omitted and defaulted to the element name): the compiler then renders a quoted column reference.
 * Otherwise `sql` is pasted as raw SQL (MetricFlow's rule), which is why it only ever comes from
 * reviewed definition files, never from a request.
 */
export interface ElementExpr {
  readonly sql: string;
  readonly column?: string;
}

export type EntityType = 'primary' | 'unique' | 'foreign' | 'natural';

export interface EntityDef {
  readonly name: string;
  readonly type: EntityType;
  readonly expr: ElementExpr;
  readonly label?: string;
  readonly description?: string;
  readonly meta: Meta;
  readonly loc: SourceLocation;
}

export interface DimensionDef {
  readonly name: string;
  readonly type: 'categorical' | 'time';
  readonly expr: ElementExpr;
  /** Base grain; set for time dimensions only. */
  readonly grain?: TimeGrain;
  readonly isPartition: boolean;
  /** SCD type II validity window column. */
  readonly validity?: { readonly isStart: boolean; readonly isEnd: boolean };
  readonly label?: string;
  readonly description?: string;
  readonly meta: Meta;
  readonly loc: SourceLocation;
}

/**
 * Aggregations after normalisation. `sum_distinct` is internal: only the privacy layer's hidden
 * cell-key metrics use it (src/privacy/cell-key.ts); definition files cannot.
 */
export type Aggregation = 'sum' | 'min' | 'max' | 'average' | 'count_distinct' | 'percentile' | 'sum_distinct';
/** Aggregations as written in the YAML (kept for the catalogue). */
export type SourceAggregation = Aggregation | 'count' | 'sum_boolean' | 'median';

export interface NonAdditiveDimension {
  readonly name: string;
  readonly windowChoice: 'min' | 'max';
  readonly windowGroupings: readonly string[];
}

export interface MeasureDef {
  readonly name: string;
  readonly agg: SourceAggregation;
  readonly expr: ElementExpr;
  readonly aggTimeDimension?: string;
  readonly percentile?: number;
  readonly useDiscretePercentile: boolean;
  readonly useApproximatePercentile: boolean;
  readonly nonAdditiveDimension?: NonAdditiveDimension;
  readonly createMetric: boolean;
  readonly label?: string;
  readonly description?: string;
  readonly meta: Meta;
  readonly loc: SourceLocation;
}

export interface SemanticModelDef {
  readonly name: string;
  readonly relation: Relation;
  readonly label?: string;
  readonly description?: string;
  readonly defaultAggTimeDimension?: string;
  /** Virtual primary entity name (`primary_entity:`), when no entity has `type: primary`. */
  readonly primaryEntity?: string;
  readonly entities: readonly EntityDef[];
  readonly dimensions: readonly DimensionDef[];
  readonly measures: readonly MeasureDef[];
  readonly meta: Meta;
  readonly loc: SourceLocation;
}

/** The aggregation a simple metric performs (MetricFlow's "simple-metric input"). */
export interface SimpleAggregationDef {
  readonly semanticModel: string;
  /** Normalised aggregation. */
  readonly agg: Aggregation;
  /** What the author wrote (count, sum_boolean, median, …). */
  readonly sourceAgg: SourceAggregation;
  /** Normalised expression (e.g. `CASE WHEN x IS NOT NULL THEN 1 ELSE 0 END` for count). */
  readonly expr: ElementExpr;
  readonly percentile?: number;
  readonly useDiscretePercentile: boolean;
  /** MetricFlow's `use_approximate_percentile` (kept through the median → percentile rewrite). */
  readonly useApproximatePercentile?: boolean;
  /** Resolved: the measure/metric setting or the model default. Always a time dimension of the model. */
  readonly aggTimeDimension: string;
  readonly nonAdditiveDimension?: NonAdditiveDimension;
  readonly joinToTimespine: boolean;
  readonly fillNullsWith?: number;
  /** The measure this came from, if any. */
  readonly measure?: string;
}

/** A reference to another metric as an input of ratio/derived/cumulative/conversion metrics. */
export interface MetricInputDef {
  readonly name: string;
  readonly alias?: string;
  /** Filter strings (with Jinja), ANDed. */
  readonly filters: readonly string[];
  readonly offsetWindow?: TimeWindow;
  readonly offsetToGrain?: TimeGrain;
}

interface MetricCommon {
  readonly name: string;
  readonly label?: string;
  readonly description?: string;
  /** Metric-level filter strings, ANDed. */
  readonly filters: readonly string[];
  /** Default grain for `metric_time` without a grain. */
  readonly timeGranularity?: string;
  /** Created by normalisation for a measure input; not listed in the catalogue. */
  readonly hidden: boolean;
  readonly meta: Meta;
  readonly loc: SourceLocation;
}

export interface SimpleMetricDef extends MetricCommon {
  readonly type: 'simple';
  readonly aggregation: SimpleAggregationDef;
}

export interface RatioMetricDef extends MetricCommon {
  readonly type: 'ratio';
  readonly numerator: MetricInputDef;
  readonly denominator: MetricInputDef;
}

export interface DerivedMetricDef extends MetricCommon {
  readonly type: 'derived';
  readonly expr: string;
  readonly inputs: readonly MetricInputDef[];
}

export interface CumulativeMetricDef extends MetricCommon {
  readonly type: 'cumulative';
  /** Always a simple metric (possibly a hidden one created for a measure). */
  readonly input: MetricInputDef;
  readonly window?: TimeWindow;
  readonly grainToDate?: TimeGrain;
  readonly periodAgg: 'first' | 'last' | 'average';
}

export interface ConversionMetricDef extends MetricCommon {
  readonly type: 'conversion';
  /** Simple metrics (possibly hidden ones created for measures). */
  readonly base: MetricInputDef;
  readonly conversion: MetricInputDef;
  readonly entity: string;
  readonly calculation: 'conversions' | 'conversion_rate';
  readonly window?: TimeWindow;
  readonly constantProperties: readonly { readonly baseProperty: string; readonly conversionProperty: string }[];
}

export type MetricDef = SimpleMetricDef | RatioMetricDef | DerivedMetricDef | CumulativeMetricDef | ConversionMetricDef;
export type MetricType = MetricDef['type'];

export interface SavedQueryOrderBy {
  /** A metric name or a group-by item in dunder form. */
  readonly name: string;
  readonly descending: boolean;
}

export interface SavedQueryDef {
  readonly name: string;
  readonly label?: string;
  readonly description?: string;
  readonly metrics: readonly string[];
  /** Group-by items in dunder form (`metric_time__week`, `customer__country`, `x__ds__extract_year`). */
  readonly groupBy: readonly string[];
  readonly where: readonly string[];
  readonly orderBy: readonly SavedQueryOrderBy[];
  readonly limit?: number;
  readonly tags: readonly string[];
  readonly meta: Meta;
  readonly loc: SourceLocation;
}

export interface CustomGranularityDef {
  readonly name: string;
  readonly column: string;
}

export interface TimeSpineDef {
  readonly relation: Relation;
  readonly primaryColumn: string;
  readonly grain: TimeGrain;
  readonly customGranularities: readonly CustomGranularityDef[];
  readonly loc: SourceLocation;
}

/** `maatstaf.yaml` beside the definitions; everything optional. */
export interface ProjectSettings {
  /** Warehouse schema for `ref('x')`; undefined → the connection's search path. */
  readonly schema?: string;
  /** IANA time zone for truncating timestamptz columns. */
  readonly timeZone: string;
}

export interface Definitions {
  readonly semanticModels: readonly SemanticModelDef[];
  readonly metrics: readonly MetricDef[];
  readonly savedQueries: readonly SavedQueryDef[];
  readonly timeSpines: readonly TimeSpineDef[];
  readonly settings: ProjectSettings;
  /** Content hash of all definition files (sha256, hex, first 12 chars): the definitions version. */
  readonly version: string;
}
