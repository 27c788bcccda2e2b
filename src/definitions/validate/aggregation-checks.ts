/**
 * Spec 2, rules 14–16, shared by measures and `metric_aggregation_params` of simple metrics: count
 * needs an expr, percentile settings, non-additive dimensions.
 */
import { readPercentile } from '../normalise/percentile.js';
import type { ExprLike } from '../normalise/element-expr.js';
import type { AggParamsSpec, NonAdditiveDimensionSpec } from '../schema/semantic-model.schema.js';
import type { SourceLocation } from '../model.js';
import type { ModelEntry } from '../spec-index.js';
import type { RuleContext } from './context.js';

export interface AggregationUnderCheck {
  readonly agg: string;
  readonly expr: ExprLike | undefined;
  readonly aggParams: AggParamsSpec | undefined;
  readonly nonAdditive: NonAdditiveDimensionSpec | undefined;
  /** The resolved agg time dimension, when it resolved. */
  readonly aggTimeDimension: string | undefined;
}

export interface AggregationPaths {
  readonly loc: SourceLocation;
  /** Where `agg`, `agg_params` and `non_additive_dimension` are, e.g. `measures[2]`. */
  readonly params: string;
  /** Where `expr` is, e.g. `measures[2].expr` or `type_params.expr`. */
  readonly expr: string;
}

const join = (base: string, key: string) => (base === '' ? key : `${base}.${key}`);

export function checkAggregation(ctx: RuleContext, model: ModelEntry, a: AggregationUnderCheck, at: AggregationPaths): void {
  const agg = a.agg.toLowerCase();
  if (agg === 'count') {
    if (a.expr === undefined) ctx.error(at.loc, at.params, "agg: count needs an expr (use expr: 1 to count rows)");
    else if (/^\s*distinct\s/i.test(String(a.expr))) ctx.error(at.loc, at.expr, "use agg: count_distinct instead of an expr starting with 'distinct'");
  }
  checkPercentile(ctx, agg, a.aggParams, at);
  if (a.nonAdditive) checkNonAdditive(ctx, model, a.nonAdditive, a.aggTimeDimension, at);
}

function checkPercentile(ctx: RuleContext, agg: string, params: AggParamsSpec | undefined, at: AggregationPaths): void {
  const path = join(at.params, 'agg_params');
  const p = params?.percentile;
  if (agg === 'percentile') {
    if (p === undefined) {
      ctx.error(at.loc, at.params, 'agg: percentile needs agg_params.percentile (a fraction such as 0.9)');
      return;
    }
    const read = readPercentile(p);
    if (!read.ok) ctx.error(at.loc, `${path}.percentile`, `percentile must be between 0 and 1 (exclusive), got ${p}`);
    else if (read.fromPercentage) ctx.warning(at.loc, `${path}.percentile`, `percentile ${p} read as a percentage: ${read.value}`);
    return;
  }
  if (agg === 'median') {
    const read = p === undefined ? undefined : readPercentile(p);
    if (p !== undefined && !(read?.ok && read.value === 0.5)) {
      ctx.error(at.loc, `${path}.percentile`, `agg: median is percentile 0.5; it cannot set percentile ${p}`);
    }
    if (params?.use_discrete_percentile === true) ctx.error(at.loc, `${path}.use_discrete_percentile`, 'agg: median cannot use a discrete percentile');
    return;
  }
  for (const key of ['percentile', 'use_discrete_percentile', 'use_approximate_percentile'] as const) {
    if (params?.[key] !== undefined) ctx.error(at.loc, `${path}.${key}`, `${key} is only allowed with agg: percentile (or median), not ${agg}`);
  }
}

function checkNonAdditive(
  ctx: RuleContext,
  model: ModelEntry,
  nad: NonAdditiveDimensionSpec,
  aggTimeDimension: string | undefined,
  at: AggregationPaths,
): void {
  const path = join(at.params, 'non_additive_dimension');
  const dim = model.dimensions.get(nad.name.toLowerCase());
  const timeDims = [...model.dimensions.values()].filter((d) => d.spec.type.toLowerCase() === 'time').map((d) => d.spec.name);
  if (!dim) ctx.unknown(at.loc, `${path}.name`, 'time dimension', nad.name, timeDims, `semantic model '${model.name}'`);
  else if (dim.spec.type.toLowerCase() !== 'time') ctx.error(at.loc, `${path}.name`, `non_additive_dimension '${nad.name}' must be a time dimension`);
  else if (aggTimeDimension !== undefined) {
    const aggGrain = model.dimensions.get(aggTimeDimension.toLowerCase())?.spec.type_params?.time_granularity?.toLowerCase();
    const grain = dim.spec.type_params?.time_granularity?.toLowerCase();
    if (aggGrain !== undefined && grain !== undefined && aggGrain !== grain) {
      ctx.error(at.loc, `${path}.name`, `non_additive_dimension '${nad.name}' has grain ${grain} but the agg time dimension '${aggTimeDimension}' has grain ${aggGrain}; they must match`);
    }
  }
  nad.window_groupings?.forEach((g, i) => {
    if (!model.entities.has(g.toLowerCase())) ctx.unknown(at.loc, `${path}.window_groupings[${i}]`, 'entity', g, model.entities.keys(), `semantic model '${model.name}'`);
  });
}
