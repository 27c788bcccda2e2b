/**
 * The logical query plan: a list of immutable nodes, each reading earlier nodes by id, named for
 * what it does. The compiler renders every node as one named CTE, so the plan and the SQL have the
 * same shape. Every node lists its output columns.
 */
import type { OutputColumn } from '../../core/query.js';
import type { DatePart, TimeGrain } from '../../core/time.js';
import type { Aggregation, ElementExpr, Relation } from '../../definitions/model.js';
import type { TimeColumnType } from '../../semantic-graph/time-column-types.js';
import type { ParsedFilter } from '../filter-api.js';

export type NodeId = string;

/** How one column is computed from a row of a semantic model's relation (or of a time spine). */
export type SourceExpr =
  | { readonly kind: 'element'; readonly expr: ElementExpr }
  | { readonly kind: 'time-trunc'; readonly expr: ElementExpr; readonly columnType: TimeColumnType; readonly grain: TimeGrain }
  | { readonly kind: 'date-part'; readonly expr: ElementExpr; readonly columnType: TimeColumnType; readonly part: DatePart };

export interface SourceColumn {
  readonly name: string;
  readonly expr: SourceExpr;
}

interface NodeBase {
  readonly id: NodeId;
  readonly columns: readonly string[];
}

/** Reads one semantic model's relation, one row per relation row. */
export interface SourceNode extends NodeBase {
  readonly kind: 'source';
  readonly model: string;
  readonly relation: Relation;
  readonly select: readonly SourceColumn[];
}

/** Where time-spine rows come from: a spine table, or generate_series when there is none. */
export type SpineSource =
  | { readonly kind: 'table'; readonly relation: Relation; readonly column: string; readonly grain: TimeGrain }
  | { readonly kind: 'series'; readonly start: string; readonly stop: string; readonly step: TimeGrain };

/**
 * Limits spine times to `[lo, hi)` read from a time-bounds node (in the same statement): the span
 * of spine times that can meet the data. A series starts and stops there (within its own range).
 */
export interface SpineBounds {
  readonly node: NodeId;
  /** False when the bounds node has no end (all-time windows): only the start is limited. */
  readonly hasEnd: boolean;
}

/** Reads time-spine rows (metric_time in queries without metrics); `select` exprs read the spine column. */
export interface TimeSpineNode extends NodeBase {
  readonly kind: 'time-spine';
  readonly spine: SpineSource;
  readonly select: readonly SourceColumn[];
  readonly bounds?: SpineBounds;
}

/**
 * Moves times before `start` to `start`, other columns unchanged: for an all-time window over a
 * range, every row before the range counts for every output time alike, so those rows can be
 * reduced to one time per key before the window join. `date`: the column holds DATE values.
 */
export interface TimeFloorNode extends NodeBase {
  readonly kind: 'time-floor';
  readonly input: NodeId;
  readonly column: string;
  readonly start: string;
  readonly date: boolean;
}

/** Column names of a time-bounds node. */
export const BOUNDS_START = '__lo';
export const BOUNDS_END = '__hi';

/**
 * One row: the earliest spine time that can match the input's rows (`MIN(column)` plus
 * `startShift`) and the exclusive end (`MAX(column)` plus the `after` windows, or the end of the
 * `periodOf` period holding it; none: unbounded). No row when the input has none.
 */
export interface TimeBoundsNode extends NodeBase {
  readonly kind: 'time-bounds';
  readonly input: NodeId;
  readonly column: string;
  readonly startShift?: GrainWindow;
  readonly end?: { readonly after: readonly GrainWindow[] } | { readonly periodOf: TimeGrain };
}

export interface JoinClause {
  /** left: LEFT OUTER (metric rows, never dropped); full: dimension-only queries; cross: spine rows. */
  readonly type: 'left' | 'full' | 'cross';
  readonly right: NodeId;
  /** Equalities `left.<left> = right.<right>`. */
  readonly on: readonly { readonly left: string; readonly right: string }[];
  /** Right-side columns taken, renamed with the entity-link prefix. */
  readonly take: readonly { readonly from: string; readonly as: string }[];
  /** SCD type II (spec 6.3): `left.<time> >= right.<start> AND (left.<time> < right.<end> OR right.<end> IS NULL)`. */
  readonly validity?: { readonly leftTime: string; readonly start: string; readonly end: string };
}

/** Joins other nodes to the left node's rows along entities (spec 4.2). */
export interface JoinNode extends NodeBase {
  readonly kind: 'join';
  readonly left: NodeId;
  /** Left columns kept in the output. */
  readonly keep: readonly string[];
  readonly joins: readonly JoinClause[];
}

/** A filter with each reference bound to a column of the input. */
export interface BoundFilter {
  readonly filter: ParsedFilter;
  /** Column for `filter.refs[i]`. */
  readonly refColumns: readonly string[];
  readonly origin: string;
}

/** WHERE over row-level data, before aggregation (filters are ANDed). */
export interface FilterNode extends NodeBase {
  readonly kind: 'filter';
  readonly input: NodeId;
  readonly filters: readonly BoundFilter[];
}

/** Keeps rows whose time column lies in [start, endExclusive) (local wall-clock values); no start = unbounded. */
export interface TimeConstraintNode extends NodeBase {
  readonly kind: 'time-constraint';
  readonly input: NodeId;
  readonly column: string;
  readonly start?: string;
  readonly endExclusive: string;
}

/**
 * Semi-additive rows (spec 6.2): keeps the rows whose `timeColumn` equals its MIN/MAX within the
 * partition (window groupings plus the queried time item matching the non-additive dimension).
 */
export interface SemiAdditiveNode extends NodeBase {
  readonly kind: 'semi-additive';
  readonly input: NodeId;
  readonly timeColumn: string;
  readonly choice: 'min' | 'max';
  readonly partitionBy: readonly string[];
}

/**
 * Conversion events attributed to base events (spec 5.7): base rows INNER JOIN conversion rows on
 * the entity, the constant properties and `b.time <= c.time` (within the window), then each
 * conversion row takes the `attribute` columns of its latest matching base row, once per conversion row.
 */
export interface ConversionJoinNode extends NodeBase {
  readonly kind: 'conversion-join';
  readonly base: NodeId;
  readonly conversion: NodeId;
  readonly baseTime: string;
  readonly conversionTime: string;
  /** Equalities `base.<base> = conversion.<conversion>` (entity, constant properties). */
  readonly on: readonly { readonly base: string; readonly conversion: string }[];
  readonly window?: GrainWindow;
  /** Base columns attributed to each conversion row. */
  readonly attribute: readonly string[];
  /** The conversion value column. */
  readonly value: string;
}

/** A window or offset in a standard grain ("7 day", "1 month"). */
export interface GrainWindow {
  readonly count: number;
  readonly grain: TimeGrain;
}

/**
 * How a spine time `s` matches row times `r` (spec 5.5, 5.6): cumulative windows (`r <= s` and a
 * lower bound) or offsets (`r = s - window`, `r = DATE_TRUNC(grain, s)`).
 */
export type TimeJoinCondition =
  | { readonly kind: 'trailing-window'; readonly window: GrainWindow }
  | { readonly kind: 'grain-to-date'; readonly grain: TimeGrain }
  | { readonly kind: 'all-time' }
  | { readonly kind: 'offset-window'; readonly window: GrainWindow }
  /**
   * `r = DATE_TRUNC(grain, s)`; with `periodStarts`, only spine times that start a period of one of
   * those grains join (a week or year takes the value at the start of the offset grain's period
   * containing its first day, as MetricFlow computes offset_to_grain at another grain).
   */
  | { readonly kind: 'offset-to-grain'; readonly grain: TimeGrain; readonly periodStarts?: readonly TimeGrain[] }
  /** `r = s.<column>`: the shifted time (or custom period) a custom-offset node put on the spine row. */
  | { readonly kind: 'offset-custom'; readonly column: string };

/**
 * The periods of a custom granularity numbered in time order (spec 5.6, custom-grain offsets):
 * per spine row its time, its period label, its 1-based position inside the period (by time) and
 * the period's rank ordered by the period's first spine time (then label). Rows without a label
 * belong to no period and are left out.
 */
export interface CustomPeriodsNode extends NodeBase {
  readonly kind: 'custom-periods';
  /** A custom granularity lookup (spine time, label). */
  readonly input: NodeId;
  readonly time: string;
  readonly label: string;
  /** Output columns: position within the period, period number. */
  readonly position: string;
  readonly period: string;
}

/**
 * Adds to each spine row the time (or period) `count` custom periods earlier (offset_window in a
 * custom granularity): `by: 'position'` matches the row's `match` time to a numbered spine time
 * and takes the time at the same position of the period `count` earlier (rows whose position does
 * not exist there are dropped); `by: 'period'` matches `match` to a period label and takes the
 * label `count` periods earlier.
 */
export interface CustomOffsetNode extends NodeBase {
  readonly kind: 'custom-offset';
  readonly input: NodeId;
  readonly match: string;
  /** A custom-periods node and its column names. */
  readonly periods: NodeId;
  readonly periodColumns: { readonly time: string; readonly label: string; readonly position: string; readonly period: string };
  readonly by: 'position' | 'period';
  readonly count: number;
  /** The added column. */
  readonly as: string;
}

/** INNER JOIN of spine rows to (row-level or aggregated) rows on a time condition. */
export interface TimeJoinNode extends NodeBase {
  readonly kind: 'time-join';
  readonly spine: NodeId;
  readonly spineTime: string;
  /** Spine columns kept. */
  readonly keep: readonly string[];
  readonly rows: NodeId;
  readonly rowTime: string;
  /** Row columns taken. */
  readonly take: readonly string[];
  readonly condition: TimeJoinCondition;
  /**
   * Join only the spine rows at the latest spine time within each group of these spine columns:
   * set when `period_agg: last` would discard every other spine time anyway (see plan-cumulative).
   */
  readonly lastPerGroup?: readonly string[];
}

/**
 * Cumulative values as a running window over per-time partial results, instead of a time-join and
 * an aggregate (sum/min/max only: their value over a window equals the same aggregation over
 * partials). Each spine row, once per key combination of `others` found in `rows`, gets `agg` of
 * the row values whose time lies in its frame — `to-date`: from the start of the spine time's
 * `grain` period (or all history) up to it; `trailing`: the `window` ending at it, i.e. row times
 * `> s - window` (`rowGrain` is the rows' time grain, nested in the window's) — and is dropped
 * when no row lies there, exactly as the inner time-join drops it.
 */
export interface RunningWindowNode extends NodeBase {
  readonly kind: 'running-window';
  readonly spine: NodeId;
  readonly spineTime: string;
  /** Spine columns kept. */
  readonly keep: readonly string[];
  readonly rows: NodeId;
  readonly rowTime: string;
  readonly others: readonly string[];
  readonly value: string;
  readonly agg: 'sum' | 'min' | 'max';
  readonly frame: { readonly kind: 'to-date'; readonly grain?: TimeGrain } | { readonly kind: 'trailing'; readonly window: GrainWindow; readonly rowGrain: TimeGrain };
  readonly as: string;
}

/**
 * One value per group from a finer time series (cumulative period_agg, spec 5.5): a window over
 * the rows of each group ordered by `orderBy`, then distinct rows.
 */
export interface PeriodAggNode extends NodeBase {
  readonly kind: 'period-agg';
  readonly input: NodeId;
  readonly keys: readonly string[];
  readonly orderBy: string;
  readonly value: string;
  readonly as: string;
  readonly agg: 'first' | 'last' | 'average';
}

export interface AggregateColumn {
  readonly input: string;
  readonly as: string;
  readonly agg: Aggregation;
  readonly percentile?: number;
  readonly discretePercentile?: boolean;
}

/** GROUP BY the keys, aggregating row-level columns. */
export interface AggregateNode extends NodeBase {
  readonly kind: 'aggregate';
  readonly input: NodeId;
  readonly groupBy: readonly string[];
  readonly aggregations: readonly AggregateColumn[];
}

/** How a metric's value is computed from its input columns. */
export type MetricExpr =
  | { readonly kind: 'fill-nulls'; readonly column: string; readonly value: number }
  | { readonly kind: 'ratio'; readonly numerator: string; readonly denominator: string }
  /** One input column as is (conversion metrics' `conversions`). */
  | { readonly kind: 'column'; readonly column: string }
  /** A derived metric's expression from the definitions, pasted as SQL over the input columns. */
  | { readonly kind: 'derived'; readonly sql: string };

/** Adds one metric column computed row by row from the input's columns; passes the keys through. */
export interface ComputeMetricNode extends NodeBase {
  readonly kind: 'compute-metric';
  readonly input: NodeId;
  readonly keys: readonly string[];
  readonly metric: string;
  readonly expr: MetricExpr;
}

export interface CombineInput {
  readonly node: NodeId;
  readonly take: readonly { readonly from: string; readonly as: string; readonly fillNullsWith?: number }[];
}

/**
 * Combines separately aggregated parts on the group-by keys (spec 4.3): FULL OUTER JOINs with
 * COALESCEd keys, then GROUP BY with MAX; CROSS JOIN when there are no keys.
 */
export interface CombineNode extends NodeBase {
  readonly kind: 'combine';
  readonly keys: readonly string[];
  readonly inputs: readonly CombineInput[];
}

/**
 * Reads a rollup table (src/planner/rollups) like a source, keeping only rows where at least one
 * of the `present` row-count columns is above zero: the cells where a queried metric has rows.
 */
export interface RollupSourceNode extends NodeBase {
  readonly kind: 'rollup-source';
  readonly relation: Relation;
  readonly select: readonly SourceColumn[];
  readonly present: readonly string[];
}

/** Several metric columns computed row by row from the input's columns; passes the keys through. */
export interface ProjectNode extends NodeBase {
  readonly kind: 'project';
  readonly input: NodeId;
  readonly keys: readonly string[];
  readonly metrics: readonly { readonly name: string; readonly expr: MetricExpr }[];
}

/** Distinct rows of the columns (dimension-only queries). */
export interface DistinctNode extends NodeBase {
  readonly kind: 'distinct';
  readonly input: NodeId;
}

/** One row: MIN and MAX of `column`, as `<column>__min`, `<column>__max` (minMaxOnly queries). */
export interface MinMaxNode extends NodeBase {
  readonly kind: 'min-max';
  readonly input: NodeId;
  readonly column: string;
}

/** The final SELECT: output columns in order, ORDER BY, LIMIT. */
export interface OrderLimitNode extends NodeBase {
  readonly kind: 'order-limit';
  readonly input: NodeId;
  readonly orderBy: readonly { readonly column: string; readonly descending: boolean }[];
  readonly limit?: number;
  readonly offset?: number;
}

export type PlanNode =
  | SourceNode
  | MinMaxNode
  | TimeSpineNode
  | TimeBoundsNode
  | TimeFloorNode
  | JoinNode
  | FilterNode
  | TimeConstraintNode
  | TimeJoinNode
  | RunningWindowNode
  | CustomPeriodsNode
  | CustomOffsetNode
  | PeriodAggNode
  | SemiAdditiveNode
  | ConversionJoinNode
  | AggregateNode
  | ComputeMetricNode
  | CombineNode
  | DistinctNode
  | RollupSourceNode
  | ProjectNode
  | OrderLimitNode;

export interface QueryPlan {
  /** Topologically ordered; the last is `root`. */
  readonly nodes: readonly PlanNode[];
  readonly root: NodeId;
  readonly columns: readonly OutputColumn[];
  /** IANA zone that timestamptz columns are converted to before truncation. */
  readonly timeZone: string;
}
