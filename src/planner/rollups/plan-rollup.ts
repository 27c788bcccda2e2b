/**
 * The plan of an answer from a rollup: read the rollup's cells where a queried metric has rows,
 * apply the query's filters and time range to key columns, re-aggregate to the query's grouping,
 * compute ratio/derived/average metrics, order and limit. The same node kinds (and so the same
 * SQL for filters, time truncation, ratios and derived expressions) as a raw plan.
 */
import type { OutputColumn } from '../../core/query.js';
import type { Aggregation } from '../../definitions/model.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { outputColumns } from '../plan/output-columns.js';
import type { AggregateColumn, BoundFilter, MetricExpr, PlanNode, QueryPlan, SourceColumn, SourceExpr } from '../plan/plan-nodes.js';
import type { ResolvedMetric, ResolvedQuery } from '../resolve/resolved-query.js';
import type { KeyUse, RollupMatch } from './match-rollup.js';
import type { StoredMetric } from './rollup-shape.js';

const TIME_KEY = '__rollup_time';

/** A key column as a SourceExpr: day-or-coarser keys are DATE columns. */
function keyExpr(u: KeyUse): SourceExpr {
  const expr = { sql: u.column, column: u.column };
  switch (u.read.kind) {
    case 'exact':
      return { kind: 'element', expr };
    case 'trunc':
      return { kind: 'time-trunc', expr, columnType: 'date', grain: u.read.grain };
    case 'part':
      return { kind: 'date-part', expr, columnType: 'date', part: u.read.part };
  }
}

/** How a stored value re-aggregates; distinct counts and percentiles only ever meet one row per group (exact grouping). */
function reaggregate(agg: Aggregation): Aggregation {
  return agg === 'min' || agg === 'max' ? agg : agg === 'sum' ? 'sum' : 'max';
}

/** Aggregated columns per stored simple metric, named for the project step. */
class Aggregates {
  readonly columns: AggregateColumn[] = [];
  readonly read = new Set<string>();
  readonly present = new Set<string>();
  private readonly names = new Map<string, string>();

  /** The column holding `stored`'s value per group (an average: an expression over two). */
  value(stored: StoredMetric): MetricExpr {
    this.present.add(stored.rows);
    const col = (from: string, agg: Aggregation) => {
      const key = `${agg}:${from}`;
      let as = this.names.get(key);
      if (!as) {
        as = `__a${this.names.size}`;
        this.names.set(key, as);
        this.read.add(from);
        this.columns.push({ input: from, as, agg });
      }
      return as;
    };
    if (stored.kind === 'value') return { kind: 'column', column: col(stored.column, reaggregate(stored.agg)) };
    // AVG = SUM / COUNT with AVG's own division (numeric for exact types, double for floats).
    const sum = col(stored.sum, 'sum');
    const count = col(stored.count, 'sum');
    return { kind: 'derived', sql: `"${sum}" / NULLIF(CAST("${count}" AS NUMERIC), 0)` };
  }
}

const columnOf = (e: MetricExpr): string => (e.kind === 'column' ? e.column : '');

export function planRollup(graph: SemanticGraph, q: ResolvedQuery, m: RollupMatch, columns: readonly OutputColumn[] = outputColumns(graph, q)): QueryPlan {
  const { shape, state } = m.candidate;
  const nodes: PlanNode[] = [];
  const select: SourceColumn[] = m.groupBy.map((u) => ({ name: u.item.name, expr: keyExpr(u) }));
  const bound: BoundFilter[] = q.where.map((f, i) => {
    const refColumns = m.filters[i]!.map((u, j) => {
      const name = `__rollup_f${i}_${j}`;
      select.push({ name, expr: keyExpr(u) });
      return name;
    });
    return { filter: f.parsed, refColumns, origin: f.origin };
  });
  if (q.timeRange) select.push({ name: TIME_KEY, expr: { kind: 'element', expr: { sql: shape.keys[0]!.column, column: shape.keys[0]!.column } } });

  const aggs = new Aggregates();
  const stored = (metric: ResolvedMetric) => aggs.value(shape.metrics.get(metric.name)!);
  const projected = q.metrics.map((metric): { name: string; expr: MetricExpr } => {
    switch (metric.kind) {
      case 'simple':
        return { name: metric.name, expr: stored(metric) };
      case 'ratio':
        return { name: metric.name, expr: { kind: 'ratio', numerator: columnOf(stored(metric.numerator.metric)), denominator: columnOf(stored(metric.denominator.metric)) } };
      case 'derived':
        return { name: metric.name, expr: { kind: 'derived', sql: metric.def.expr } };
      default:
        throw new Error(`rollup plan for a ${metric.kind} metric`); // matchRollup refuses these
    }
  });
  // Derived expressions read their inputs by alias: one aggregate column per alias.
  const aliased: AggregateColumn[] = q.metrics.flatMap((metric) =>
    metric.kind === 'derived'
      ? metric.inputs.map((input) => {
          const e = stored(input.metric);
          const from = aggs.columns.find((c) => c.as === columnOf(e))!;
          return { ...from, as: input.column };
        })
      : [],
  );
  const keys = m.groupBy.map((u) => u.item.name);
  for (const c of aggs.read) select.push({ name: c, expr: { kind: 'element', expr: { sql: c, column: c } } });
  const present = [...aggs.present];
  for (const c of present) if (!aggs.read.has(c)) select.push({ name: c, expr: { kind: 'element', expr: { sql: c, column: c } } });

  const add = <N extends PlanNode>(n: N): N => (nodes.push(n), n);
  let input = add({ kind: 'rollup-source', id: 'rollup', relation: state.relation, select, present, columns: select.map((s) => s.name) }).id;
  const rowColumns = select.map((s) => s.name);
  if (bound.length) input = add({ kind: 'filter', id: 'rollup_filtered', input, filters: bound, columns: rowColumns }).id;
  if (q.timeRange) {
    input = add({ kind: 'time-constraint', id: 'rollup_in_range', input, column: TIME_KEY, start: q.timeRange.start, endExclusive: q.timeRange.endExclusive, columns: rowColumns }).id;
  }
  const seen = new Set<string>();
  const aggregations = [...aggs.columns, ...aliased].filter((a) => !seen.has(a.as) && seen.add(a.as));
  input = add({ kind: 'aggregate', id: 'rollup_aggregated', input, groupBy: keys, aggregations, columns: [...keys, ...aggregations.map((a) => a.as)] }).id;
  input = add({ kind: 'project', id: 'rollup_metrics', input, keys, metrics: projected, columns: [...keys, ...projected.map((p) => p.name)] }).id;
  const root = add({
    kind: 'order-limit',
    id: 'rollup_answer',
    input,
    orderBy: q.orderBy,
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    columns: columns.map((c) => c.name),
  });
  return { nodes, root: root.id, columns, timeZone: graph.timeZone };
}
