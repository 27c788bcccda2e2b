/**
 * Which metrics a forecast may take as a series, and how a missing period is treated:
 * - `zero`: metrics that add up over periods (sum, count, count_distinct without a non-additive
 *   dimension): a period without rows is 0, so the history is zero-filled over the time spine;
 * - `complete`: everything else that is a series of its own (min, max, percentiles, snapshots,
 *   cumulative, derived, conversions): forecast only when every period has a value, never imputed;
 * - refused: ratios and averages (conversion rates included): forecast the numerator and the
 *   denominator instead and divide, which the error names.
 */
import type { MetricDef } from '../definitions/model.js';

export type MetricFill = 'zero' | 'complete';

export type MetricPolicy = { readonly fill: MetricFill } | { readonly refused: string; readonly suggestions: readonly string[] };

export function forecastPolicy(def: MetricDef): MetricPolicy {
  switch (def.type) {
    case 'simple': {
      const { agg, nonAdditiveDimension } = def.aggregation;
      if (agg === 'average') {
        return { refused: `'${def.name}' is an average: forecast a sum and a count metric of the same measure and divide them`, suggestions: [] };
      }
      const additive = (agg === 'sum' || agg === 'count_distinct' || agg === 'sum_distinct') && !nonAdditiveDimension;
      return { fill: additive ? 'zero' : 'complete' };
    }
    case 'ratio':
      return {
        refused: `'${def.name}' is a ratio: forecast its numerator '${def.numerator.name}' and denominator '${def.denominator.name}' and divide them`,
        suggestions: [def.numerator.name, def.denominator.name],
      };
    case 'conversion':
      if (def.calculation === 'conversion_rate') {
        return {
          refused: `'${def.name}' is a conversion rate: forecast its base '${def.base.name}' and conversions '${def.conversion.name}' and divide them`,
          suggestions: [def.base.name, def.conversion.name],
        };
      }
      return { fill: 'complete' };
    case 'derived':
    case 'cumulative':
      return { fill: 'complete' };
  }
}
