/**
 * Per-request access to what the catalogue says about a metric: the same engine functions REST
 * calls (metricSummary, metricGovernance, describeMetric), each computed once per request.
 */
import { describeMetric, metricSummary, requireMetric, type MetricDetail, type MetricSummary } from '../../engine/catalog.js';
import { metricGovernance, type MetricGovernance } from '../../engine/governance.js';
import type { MetricDef } from '../../definitions/model.js';
import type { GraphqlContext } from './context.js';

export function summaryOf(ctx: GraphqlContext, name: string): MetricSummary {
  return ctx.memo(`summary:${name}`, () => metricSummary(ctx.engine().graph, name));
}

export function governanceOf(ctx: GraphqlContext, name: string): MetricGovernance {
  return ctx.memo(`governance:${name}`, () => metricGovernance(requireMetric(ctx.engine().graph, name)));
}

export function detailOf(ctx: GraphqlContext, name: string): MetricDetail {
  return ctx.memo(`detail:${name}`, () => describeMetric(ctx.engine(), name));
}

/** Why a metric is deprecated, for `deprecationReason` and the MetricName enum; undefined if it is not. */
export function deprecationReason(g: MetricGovernance): string | undefined {
  if (g.status !== 'deprecated') return undefined;
  const parts = ['Deprecated'];
  if (g.replacement) parts.push(`use ${g.replacement} instead`);
  if (g.sunset) parts.push(`served until ${g.sunset}`);
  return `${parts.join('; ')}.`;
}

/** Names of the metrics a metric is computed from, each once, in definition order. */
export function inputMetricNames(def: MetricDef): string[] {
  switch (def.type) {
    case 'simple':
      return [];
    case 'ratio':
      return [...new Set([def.numerator.name, def.denominator.name])];
    case 'derived':
      return [...new Set(def.inputs.map((i) => i.name))];
    case 'cumulative':
      return [def.input.name];
    case 'conversion':
      return [...new Set([def.base.name, def.conversion.name])];
  }
}
