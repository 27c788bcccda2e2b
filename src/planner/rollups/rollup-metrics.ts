/**
 * The hidden helper metrics a rollup's build query asks for, beside the stored metrics themselves:
 * per simple metric the number of its rows in each cell (so a coarser answer has exactly the rows
 * the raw answer has), and for averages their sum and count (an average of averages is wrong).
 * Each helper keeps the metric's own filters. Pure: definitions in, definitions out.
 */
import type { Definitions, ElementExpr, SimpleMetricDef } from '../../definitions/model.js';
import { ROLLUP_COUNT_PREFIX, ROLLUP_ROWS_PREFIX, ROLLUP_SUM_PREFIX, type RollupShape } from './rollup-shape.js';

const exprSql = (e: ElementExpr): string => (e.column !== undefined ? `"${e.column.replace(/"/g, '""')}"` : `(${e.sql})`);

function helper(def: SimpleMetricDef, name: string, expr: ElementExpr): SimpleMetricDef {
  const { percentile: _p, ...aggregation } = def.aggregation;
  return { ...def, name, hidden: false, aggregation: { ...aggregation, agg: 'sum', sourceAgg: 'sum', expr } };
}

export function withRollupMetrics(defs: Definitions, shapes: readonly RollupShape[]): Definitions {
  const byName = new Map(defs.metrics.map((m) => [m.name, m]));
  const added = new Map<string, SimpleMetricDef>();
  for (const shape of shapes) {
    for (const stored of shape.metrics.values()) {
      const def = byName.get(stored.metric);
      if (def?.type !== 'simple') continue;
      added.set(ROLLUP_ROWS_PREFIX + def.name, helper(def, ROLLUP_ROWS_PREFIX + def.name, { sql: '1' }));
      if (stored.kind === 'average') {
        const e = def.aggregation.expr;
        added.set(ROLLUP_SUM_PREFIX + def.name, helper(def, ROLLUP_SUM_PREFIX + def.name, e));
        added.set(ROLLUP_COUNT_PREFIX + def.name, helper(def, ROLLUP_COUNT_PREFIX + def.name, { sql: `CASE WHEN ${exprSql(e)} IS NOT NULL THEN 1 ELSE 0 END` }));
      }
    }
  }
  return { ...defs, metrics: [...defs.metrics, ...[...added.values()].filter((m) => !byName.has(m.name))] };
}
