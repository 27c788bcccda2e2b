/**
 * Definitions against the warehouse, without reading data: every relation exists, every element
 * and measure expression can be selected from its relation, and aggregations that need numbers
 * (sum, average, percentile) get numeric expressions. All by zero-row probes.
 */
import { sql } from 'kysely';
import { elementSql, relationRef } from '../compiler/render-exprs.js';
import type { Definitions, ElementExpr, SemanticModelDef, SimpleMetricDef, SourceLocation } from '../definitions/model.js';
import { relationName } from '../semantic-graph/lineage.js';
import type { Warehouse } from '../warehouse/warehouse.js';
import { emptyPhase, findingAt, statusOf, type PhaseResult } from './validate/findings.js';
import { isNumericOid, probeSql, runProbe, typeName } from './validate/probe.js';

const NUMERIC_AGGREGATIONS = new Set(['sum', 'average', 'percentile']);

interface ElementProbe {
  readonly what: string;
  readonly expr: ElementExpr;
  readonly loc: SourceLocation;
}

function elementsOf(model: SemanticModelDef): ElementProbe[] {
  return [
    ...model.entities.map((e) => ({ what: `entity '${e.name}'`, expr: e.expr, loc: e.loc })),
    ...model.dimensions.map((d) => ({ what: `dimension '${d.name}'`, expr: d.expr, loc: d.loc })),
    ...model.measures.map((m) => ({ what: `measure '${m.name}'`, expr: m.expr, loc: m.loc })),
  ];
}

const exprText = (e: ElementExpr) => e.column ?? e.sql;

/** Relations, element expressions and time spines. Returns the models whose relation is readable. */
export async function validateRelations(defs: Definitions, wh: Warehouse): Promise<{ phase: PhaseResult; readable: Set<string> }> {
  const phase = emptyPhase();
  const readable = new Set<string>();
  let elementCount = 0;
  let elementErrors = 0;
  for (const model of defs.semanticModels) {
    const rel = relationRef(model.relation);
    const probe = await runProbe(wh, probeSql(rel));
    if (!probe.ok) {
      phase.errors.push(findingAt(model.loc, 'RELATION_MISSING', `semantic model '${model.name}': relation ${relationName(model.relation)} cannot be read: ${probe.message}`, 'model'));
      continue;
    }
    readable.add(model.name);
    for (const el of elementsOf(model)) {
      elementCount++;
      const res = await runProbe(wh, probeSql(rel, elementSql(el.expr)));
      if (res.ok) continue;
      elementErrors++;
      phase.errors.push(findingAt(el.loc, 'EXPRESSION_INVALID', `${el.what} of '${model.name}': expr ${exprText(el.expr)} cannot be selected from ${relationName(model.relation)}: ${res.message}`));
    }
  }
  const relationErrors = defs.semanticModels.length - readable.size;
  phase.checks.push({ name: 'relations', status: statusOf(relationErrors, 0), checked: defs.semanticModels.length, failed: relationErrors });
  phase.checks.push({ name: 'expressions', status: statusOf(elementErrors, 0), checked: elementCount, failed: elementErrors });

  let spineErrors = 0;
  for (const spine of defs.timeSpines) {
    const res = await runProbe(wh, probeSql(relationRef(spine.relation), sql.id(spine.primaryColumn)));
    if (res.ok) continue;
    spineErrors++;
    phase.errors.push(findingAt(spine.loc, 'RELATION_MISSING', `time spine ${relationName(spine.relation)}.${spine.primaryColumn} cannot be read: ${res.message}`));
  }
  phase.checks.push({ name: 'time_spines', status: statusOf(spineErrors, 0), checked: defs.timeSpines.length, failed: spineErrors });
  return { phase, readable };
}

/** Every simple metric's aggregation expression can be selected, and is numeric where the aggregation needs it. */
export async function validateAggregations(defs: Definitions, wh: Warehouse, readable: ReadonlySet<string>): Promise<PhaseResult> {
  const phase = emptyPhase();
  const models = new Map(defs.semanticModels.map((m) => [m.name, m]));
  const seen = new Set<string>();
  let checked = 0;
  for (const metric of defs.metrics.filter((m): m is SimpleMetricDef => m.type === 'simple')) {
    const a = metric.aggregation;
    const model = models.get(a.semanticModel);
    if (!model || !readable.has(model.name)) continue;
    const key = `${model.name}\u0000${a.agg}\u0000${a.sourceAgg}\u0000${exprText(a.expr)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    checked++;
    const label = a.measure ? `measure '${a.measure}'` : `metric '${metric.name}'`;
    const res = await runProbe(wh, probeSql(relationRef(model.relation), elementSql(a.expr)));
    if (!res.ok) {
      phase.errors.push(findingAt(metric.loc, 'EXPRESSION_INVALID', `${label}: ${a.sourceAgg} expression cannot be selected from ${relationName(model.relation)}: ${res.message}`));
    } else if (NUMERIC_AGGREGATIONS.has(a.agg) && !isNumericOid(res.oid)) {
      const type = await typeName(wh, res.oid);
      phase.errors.push(findingAt(metric.loc, 'AGGREGATION_TYPE', `${label}: ${a.sourceAgg} needs a numeric expression, but ${exprText(a.expr)} is ${type}`));
    }
  }
  phase.checks.push({ name: 'aggregation_types', status: statusOf(phase.errors.length, 0), checked, failed: phase.errors.length });
  return phase;
}
