/**
 * The subject of a protected metric (statistical disclosure control, see src/privacy): the entity
 * whose distinct values are counted behind every result cell of a metric with
 * `meta.min_group_size`. Pure; checked once at load so a query never meets a protected metric
 * without a countable subject.
 *
 * Subject of a simple metric (checked in this order):
 *   1. `meta.subject` of the simple metric (or of its measure),
 *   2. `meta.subject` of its semantic model,
 *   3. the semantic model's primary entity (an entity with `type: primary`).
 * The value names an entity of that semantic model. Ratio, derived and cumulative metrics count
 * the subjects of their simple inputs; conversion metrics cannot be protected yet (their two
 * event sets have no common group-by rows to count subjects on).
 */
import type { Definitions, EntityDef, MetricDef, SemanticModelDef, SimpleMetricDef, SourceLocation } from '../model.js';

/** The `min_group_size` a metric declares itself (undefined when absent or invalid). */
export function ownMinGroupSize(def: MetricDef): number | undefined {
  const k = def.meta.min_group_size;
  return typeof k === 'number' && Number.isInteger(k) && k > 0 ? k : undefined;
}

/** The `round_to` base a metric declares (undefined when absent or invalid). */
export function ownRoundTo(def: MetricDef): number | undefined {
  const base = def.meta.round_to;
  return typeof base === 'number' && Number.isInteger(base) && base > 1 ? base : undefined;
}

/** `meta.disclosure_control: cell_key` (validated at load: counting simple metrics only). */
export const usesCellKey = (def: MetricDef): boolean => def.meta.disclosure_control === 'cell_key';

/** Aggregations (as written) whose values count rows or subjects: the only ones cell-key perturbation applies to. */
export const COUNTING_AGGREGATIONS: ReadonlySet<string> = new Set(['count', 'sum_boolean', 'count_distinct']);

/** Metric names a metric reads directly (inputs of ratio, derived, cumulative, conversion). */
export function metricInputNames(def: MetricDef): string[] {
  switch (def.type) {
    case 'simple':
      return [];
    case 'ratio':
      return [def.numerator.name, def.denominator.name];
    case 'derived':
      return def.inputs.map((i) => i.name);
    case 'cumulative':
      return [def.input.name];
    case 'conversion':
      return [def.base.name, def.conversion.name];
  }
}

/**
 * The k that protects each metric: the largest `min_group_size` of the metric and of every metric
 * below it, so a ratio or derived metric over personal inputs is protected even when it declares
 * nothing itself. Metrics missing from the map are not protected.
 */
export function effectiveMinGroupSizes(defs: Definitions): ReadonlyMap<string, number> {
  const byName = new Map(defs.metrics.map((m) => [m.name, m]));
  const memo = new Map<string, number | undefined>();
  const visit = (name: string, seen: readonly string[]): number | undefined => {
    if (memo.has(name)) return memo.get(name);
    const def = byName.get(name);
    if (!def || seen.includes(name)) return undefined;
    let k = ownMinGroupSize(def);
    for (const input of metricInputNames(def)) {
      const inner = visit(input, [...seen, name]);
      if (inner !== undefined) k = Math.max(k ?? 0, inner);
    }
    memo.set(name, k);
    return k;
  };
  const out = new Map<string, number>();
  for (const m of defs.metrics) {
    const k = visit(m.name, []);
    if (k !== undefined) out.set(m.name, k);
  }
  return out;
}

export type SubjectResolution = { readonly entity: EntityDef; readonly model: SemanticModelDef } | { readonly problem: string; readonly sub: string };

/** The subject entity of a simple metric (rules in the module comment). */
export function subjectOf(defs: Definitions, leaf: SimpleMetricDef): SubjectResolution {
  const model = defs.semanticModels.find((m) => m.name === leaf.aggregation.semanticModel);
  if (!model) return { problem: `semantic model '${leaf.aggregation.semanticModel}' not found`, sub: '' };
  const named = leaf.meta.subject ?? model.meta.subject;
  if (named !== undefined) {
    const where = leaf.meta.subject !== undefined ? `metric '${leaf.name}'` : `semantic model '${model.name}'`;
    if (typeof named !== 'string' || named.trim() === '') return { problem: `meta.subject of ${where} must name an entity, got ${JSON.stringify(named)}`, sub: 'meta.subject' };
    const entity = model.entities.find((e) => e.name === named.trim().toLowerCase());
    if (!entity) {
      const names = model.entities.map((e) => e.name).join(', ') || 'none';
      return { problem: `meta.subject of ${where}: '${named}' is not an entity of semantic model '${model.name}' (entities: ${names})`, sub: 'meta.subject' };
    }
    return { entity, model };
  }
  const primary = model.entities.find((e) => e.type === 'primary');
  if (primary) return { entity: primary, model };
  return {
    problem: `no subject for protected metric '${leaf.name}': semantic model '${model.name}' has no primary entity; set meta.subject to the entity that identifies the person`,
    sub: 'meta.subject',
  };
}

export interface SubjectProblem {
  readonly loc: SourceLocation;
  readonly sub: string;
  readonly message: string;
}

/** Every protected metric must reach simple metrics with a subject, and no conversion metric. */
export function checkSubjects(defs: Definitions): SubjectProblem[] {
  const ks = effectiveMinGroupSizes(defs);
  const byName = new Map(defs.metrics.map((m) => [m.name, m]));
  const out: SubjectProblem[] = [];
  const checked = new Set<string>();
  const visit = (def: MetricDef, protectedBy: MetricDef) => {
    if (checked.has(def.name)) return;
    checked.add(def.name);
    if (def.type === 'conversion') {
      out.push({ loc: protectedBy.loc, sub: 'config.meta.min_group_size', message: `min_group_size is not supported on conversion metrics (metric '${def.name}')` });
      return;
    }
    if (usesCellKey(def) && !(def.type === 'simple' && COUNTING_AGGREGATIONS.has(def.aggregation.sourceAgg))) {
      out.push({ loc: def.loc, sub: 'config.meta.disclosure_control', message: `disclosure_control cell_key perturbs counts: metric '${def.name}' must be a simple metric with agg count, sum_boolean or count_distinct (use round for others)` });
    }
    if (def.type === 'simple') {
      const s = subjectOf(defs, def);
      if ('problem' in s) out.push({ loc: protectedBy.loc, sub: 'config.meta.min_group_size', message: s.problem });
      return;
    }
    for (const name of metricInputNames(def)) {
      const input = byName.get(name);
      if (input) visit(input, protectedBy);
    }
  };
  for (const m of defs.metrics) if (ks.has(m.name) && !m.hidden) visit(m, m);
  return out;
}
