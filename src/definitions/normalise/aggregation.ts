/**
 * The aggregation a simple metric performs, with MetricFlow's rewrites (spec 1.6):
 * count(1) → sum(1); count(X) → sum(CASE WHEN X IS NOT NULL THEN 1 ELSE 0 END);
 * sum_boolean(X) → sum(CASE WHEN X THEN 1 ELSE 0 END); median → percentile 0.5.
 */
import type { Aggregation, ElementExpr, MeasureDef, SimpleAggregationDef } from '../model.js';

/** What the aggregation is computed from: a measure, or a simple metric's `metric_aggregation_params`. */
export type AggregationSource = Pick<
  MeasureDef,
  'agg' | 'expr' | 'percentile' | 'useDiscretePercentile' | 'useApproximatePercentile' | 'nonAdditiveDimension'
>;

export interface AggregationContext {
  readonly semanticModel: string;
  readonly aggTimeDimension: string;
  readonly joinToTimespine: boolean;
  readonly fillNullsWith?: number;
  readonly measure?: string;
}

export function normaliseAggregation(src: AggregationSource, ctx: AggregationContext): SimpleAggregationDef {
  const rewritten = rewrite(src);
  return {
    semanticModel: ctx.semanticModel,
    agg: rewritten.agg,
    sourceAgg: src.agg,
    expr: rewritten.expr,
    ...(rewritten.percentile !== undefined && { percentile: rewritten.percentile }),
    useDiscretePercentile: rewritten.useDiscretePercentile,
    useApproximatePercentile: src.useApproximatePercentile,
    aggTimeDimension: ctx.aggTimeDimension,
    ...(src.nonAdditiveDimension && { nonAdditiveDimension: src.nonAdditiveDimension }),
    joinToTimespine: ctx.joinToTimespine,
    ...(ctx.fillNullsWith !== undefined && { fillNullsWith: ctx.fillNullsWith }),
    ...(ctx.measure !== undefined && { measure: ctx.measure }),
  };
}

interface Rewritten {
  readonly agg: Aggregation;
  readonly expr: ElementExpr;
  readonly percentile?: number;
  readonly useDiscretePercentile: boolean;
}

function rewrite(src: AggregationSource): Rewritten {
  const sql = src.expr.sql;
  switch (src.agg) {
    case 'count':
      return sql.trim() === '1'
        ? { agg: 'sum', expr: { sql: '1' }, useDiscretePercentile: false }
        : { agg: 'sum', expr: { sql: `CASE WHEN ${sql} IS NOT NULL THEN 1 ELSE 0 END` }, useDiscretePercentile: false };
    case 'sum_boolean':
      return { agg: 'sum', expr: { sql: `CASE WHEN ${sql} THEN 1 ELSE 0 END` }, useDiscretePercentile: false };
    case 'median':
      return { agg: 'percentile', expr: src.expr, percentile: 0.5, useDiscretePercentile: false };
    case 'percentile':
      return { agg: 'percentile', expr: src.expr, ...(src.percentile !== undefined && { percentile: src.percentile }), useDiscretePercentile: src.useDiscretePercentile };
    case 'sum':
    case 'min':
    case 'max':
    case 'average':
    case 'count_distinct':
    case 'sum_distinct': // internal (privacy cell keys); never from a definition file
      return { agg: src.agg, expr: src.expr, useDiscretePercentile: false };
  }
}

/** Same computation (ignoring the `measure` it came from): used to reuse hidden simple metrics. */
export function sameAggregation(a: SimpleAggregationDef, b: SimpleAggregationDef): boolean {
  const nad = (x: SimpleAggregationDef) =>
    x.nonAdditiveDimension ? [x.nonAdditiveDimension.name, x.nonAdditiveDimension.windowChoice, ...x.nonAdditiveDimension.windowGroupings].join('|') : '';
  return (
    a.semanticModel === b.semanticModel &&
    a.agg === b.agg &&
    a.sourceAgg === b.sourceAgg &&
    a.expr.sql === b.expr.sql &&
    a.expr.column === b.expr.column &&
    a.percentile === b.percentile &&
    a.useDiscretePercentile === b.useDiscretePercentile &&
    Boolean(a.useApproximatePercentile) === Boolean(b.useApproximatePercentile) &&
    a.aggTimeDimension === b.aggTimeDimension &&
    nad(a) === nad(b) &&
    a.joinToTimespine === b.joinToTimespine &&
    a.fillNullsWith === b.fillNullsWith
  );
}
