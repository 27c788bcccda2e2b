/**
 * Checks common to all metrics (which type_params keys a type uses, time_granularity) and spec 2,
 * rule 17 for simple metrics.
 */
import type { Located } from '../spec-set.js';
import type { MetricSpec } from '../schema/metric.schema.js';
import { didYouMean } from '../did-you-mean.js';
import { TIME_GRAINS } from '../../core/time.js';
import { checkAggregation } from './aggregation-checks.js';
import type { Rule, RuleContext } from './context.js';
import { resolvedTimeDimension } from './measures.rule.js';
import { checkMeasureRef, exactlyOne } from './metric-inputs.js';
import { checkAggTimeDimension } from './semantic-models.rule.js';

const USED_KEYS: Record<string, readonly string[]> = {
  simple: ['measure', 'expr', 'metric_aggregation_params', 'join_to_timespine', 'fill_nulls_with'],
  ratio: ['numerator', 'denominator'],
  derived: ['expr', 'metrics'],
  cumulative: ['measure', 'window', 'grain_to_date', 'cumulative_type_params'],
  conversion: ['conversion_type_params'],
};

export const metricParamsRule: Rule = (ctx) => {
  for (const metric of ctx.index.specs.metrics) {
    const { spec, loc } = metric;
    const type = spec.type.toLowerCase();
    const used = USED_KEYS[type] ?? [];
    for (const [key, value] of Object.entries(spec.type_params)) {
      if (value !== undefined && !used.includes(key)) ctx.error(loc, `type_params.${key}`, `type_params.${key} is not used by ${type} metrics`);
    }
    if (spec.time_granularity !== undefined && !ctx.index.isGrain(spec.time_granularity.toLowerCase())) {
      const grains = [...TIME_GRAINS, ...ctx.index.customGrainNames];
      ctx.error(loc, 'time_granularity', `unknown time granularity '${spec.time_granularity}'${didYouMean(spec.time_granularity.toLowerCase(), grains)}`);
    }
    if (type === 'simple') checkSimple(ctx, metric);
  }
};

function checkSimple(ctx: RuleContext, { spec, loc }: Located<MetricSpec>): void {
  const tp = spec.type_params;
  const params = tp.metric_aggregation_params;
  if (!exactlyOne(ctx, loc, 'type_params', { key: 'measure', value: tp.measure }, { key: 'metric_aggregation_params', value: params })) return;
  if (tp.measure !== undefined) {
    checkMeasureRef(ctx, loc, 'type_params.measure', tp.measure);
    for (const key of ['fill_nulls_with', 'join_to_timespine'] as const) {
      if (tp[key] !== undefined) ctx.error(loc, `type_params.${key}`, `with a measure input, set ${key} on the measure input (type_params.measure: {name, ${key}})`);
    }
    if (tp.expr !== undefined) ctx.warning(loc, 'type_params.expr', "type_params.expr is ignored: the measure's expr is used");
    return;
  }
  if (!params) return;
  const model = ctx.index.models.get(params.semantic_model.toLowerCase());
  const sub = 'type_params.metric_aggregation_params';
  if (!model) {
    ctx.unknown(loc, `${sub}.semantic_model`, 'semantic model', params.semantic_model, ctx.index.models.keys());
    return;
  }
  const aggTime = params.agg_time_dimension ?? model.spec.defaults?.agg_time_dimension;
  if (params.agg_time_dimension !== undefined) checkAggTimeDimension(ctx, model, params.agg_time_dimension, { loc, sub: `${sub}.agg_time_dimension` });
  else if (aggTime === undefined) ctx.error(loc, sub, `no agg_time_dimension: set it here or as defaults.agg_time_dimension of semantic model '${model.name}'`);
  checkAggregation(
    ctx,
    model,
    { agg: params.agg, expr: tp.expr, aggParams: params.agg_params, nonAdditive: params.non_additive_dimension, aggTimeDimension: resolvedTimeDimension(model, aggTime) },
    { loc, params: sub, expr: 'type_params.expr' },
  );
}
