/** What a metric reads: the metrics under it, semantic models, relations, expressions and filters. */
import { tablesReadBy } from './expression-tables.js';
import type { MetricDef, Relation } from '../definitions/model.js';
import { metricClosure, metricInputs } from './metric-tree.js';
import type { ModelNode } from './model-node.js';

export interface LineageRead {
  readonly semanticModel: string;
  readonly role: 'aggregation' | 'agg_time_dimension';
  /** Simple metric (for `aggregation`) or dimension name. */
  readonly name: string;
  /** SQL expression as written in the definitions (after normalisation). */
  readonly expr: string;
}

export interface LineageFilter {
  /** The metric defining the filter (on itself or on one of its inputs). */
  readonly metric: string;
  /** Set when the filter is on an input of `metric`. */
  readonly input?: string;
  readonly filter: string;
}

export interface MetricLineage {
  readonly metric: string;
  /** The metric and every metric it depends on, each once. */
  readonly metrics: readonly string[];
  readonly semanticModels: readonly string[];
  /** Relations as `database.schema.alias` / `schema.alias` / `alias`: the models' tables and every table their expressions read (parsed). */
  readonly relations: readonly string[];
  readonly reads: readonly LineageRead[];
  readonly filters: readonly LineageFilter[];
}

export function relationName(r: Relation): string {
  return [r.database, r.schema, r.alias].filter((p): p is string => !!p).join('.');
}

export function metricLineage(
  name: string,
  metric: (name: string) => MetricDef | undefined,
  model: (name: string) => ModelNode | undefined,
): MetricLineage {
  const defs = metricClosure(metric, name);
  const models = new Set<string>();
  const reads: LineageRead[] = [];
  const filters: LineageFilter[] = [];
  for (const def of defs) {
    for (const f of def.filters) filters.push({ metric: def.name, filter: f });
    for (const input of metricInputs(def)) for (const f of input.filters) filters.push({ metric: def.name, input: input.alias ?? input.name, filter: f });
    if (def.type !== 'simple') continue;
    const agg = def.aggregation;
    models.add(agg.semanticModel);
    reads.push({ semanticModel: agg.semanticModel, role: 'aggregation', name: def.name, expr: agg.expr.sql });
    const timeDim = model(agg.semanticModel)?.dimensions.get(agg.aggTimeDimension);
    if (timeDim) reads.push({ semanticModel: agg.semanticModel, role: 'agg_time_dimension', name: timeDim.name, expr: timeDim.expr.sql });
  }
  const semanticModels = [...models].sort();
  // The models' tables, and every table an expression reads itself (a subquery on the calendar).
  const relations = [
    ...new Set([
      ...semanticModels.map((m) => model(m)).filter((m) => m !== undefined).map((m) => relationName(m.def.relation)),
      ...reads.flatMap((r) => tablesReadBy(r.expr)),
    ]),
  ];
  return { metric: name, metrics: defs.map((d) => d.name), semanticModels, relations, reads, filters };
}
