/**
 * A synthetic definitions set for the compile-time worst case: one fact model with 50 metrics and
 * enough dimensions (local and joined) for 10 group-bys.
 */
import type { DefinitionFile } from '../definitions/index.js';

export function wideDefinitionFiles(): DefinitionFile[] {
  const dims = Array.from({ length: 8 }, (_, i) => `      - {name: dim_${i}, type: categorical}`).join('\n');
  const measures = Array.from({ length: 50 }, (_, i) => `      - {name: m_${i}, agg: sum, expr: amount_${i % 5}, create_metric: true}`).join('\n');
  const text = `semantic_models:
  - name: facts
    model: ref('facts')
    defaults: {agg_time_dimension: ts}
    entities:
      - {name: fact, type: primary, expr: fact_id}
      - {name: customer, type: foreign, expr: customer_id}
    dimensions:
      - {name: ts, type: time, type_params: {time_granularity: day}}
${dims}
    measures:
${measures}
  - name: customers
    model: ref('customers')
    entities:
      - {name: customer, type: primary, expr: customer_id}
    dimensions:
      - {name: country, type: categorical}
      - {name: segment, type: categorical}
`;
  return [{ path: 'wide.yml', text }];
}

export const WIDE_QUERY = {
  metrics: Array.from({ length: 50 }, (_, i) => `m_${i}`),
  groupBy: ['metric_time__month', ...Array.from({ length: 7 }, (_, i) => `fact__dim_${i}`), 'customer__country', 'customer__segment'],
  where: ["{{ Dimension('customer__country') }} = 'NL'"],
  orderBy: ['metric_time__month'],
  limit: 1000,
};
