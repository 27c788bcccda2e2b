/**
 * What changed between two definition sets, metric by metric, for reviewing pull requests: added,
 * removed and changed metrics (which fields), and for changed ones whether their numbers may
 * change: the SQL of `{metrics: [m], groupBy: ['metric_time__month']}` (or the grand total where
 * metric_time is not available) is compiled under both sets and compared. Pure: no warehouse.
 */
import { isMaatstafError } from '../core/errors.js';
import type { MetricQueryInput } from '../core/query.js';
import { compileQuery } from '../compiler/index.js';
import type { Definitions, MetricDef } from '../definitions/model.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import { canonicalJson, definitionHash } from './definition-hash.js';
import { parseQuery } from './engine.js';

export type ResultsVerdict = 'results_may_change' | 'results_unchanged';

export interface MetricChange {
  readonly name: string;
  /** Changed fields in dotted form (`meta.owner`, `aggregation.expr`); `upstream` when only inputs changed. */
  readonly fields: readonly string[];
  readonly verdict: ResultsVerdict;
  /** The query whose SQL was compared. */
  readonly query?: MetricQueryInput;
  /** Why the SQL could not be compared (then the verdict is results_may_change). */
  readonly note?: string;
}

export interface DefinitionsDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly MetricChange[];
  readonly unchanged: readonly string[];
}

/** A metric's full definition without its location: labels and meta count as changes too. */
function ownFields(def: MetricDef): Record<string, unknown> {
  const { loc: _loc, ...rest } = def;
  return rest;
}

/** Dotted paths (two levels deep) whose canonical JSON differs. */
export function changedFields(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>, prefix = '', depth = 2): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out: string[] = [];
  for (const k of keys) {
    const [x, y] = [a[k], b[k]];
    if (canonicalJson(x) === canonicalJson(y)) continue;
    const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (depth > 1 && isObj(x) && isObj(y)) out.push(...changedFields(x, y, `${prefix}${k}.`, depth - 1));
    else out.push(`${prefix}${k}`);
  }
  return out;
}

/** SQL + params of the comparison query, and the query used; undefined with a note when it does not compile. */
function comparisonSql(graph: SemanticGraph, name: string): { text?: string; query: MetricQueryInput; note?: string } {
  const attempts: MetricQueryInput[] = [{ metrics: [name], groupBy: ['metric_time__month'] }, { metrics: [name] }];
  let note: string | undefined;
  for (const query of attempts) {
    try {
      const c = compileQuery(graph, parseQuery(query));
      return { text: `${c.sql}\n${JSON.stringify(c.params)}`, query };
    } catch (e) {
      if (!isMaatstafError(e)) throw e;
      note ??= `${e.code}: ${e.message}`;
    }
  }
  return { query: attempts[0]!, note };
}

export function diffDefinitions(oldGraph: SemanticGraph, newGraph: SemanticGraph): DefinitionsDiff {
  const visible = (d: Definitions) => new Map(d.metrics.filter((m) => !m.hidden).map((m) => [m.name, m]));
  const before = visible(oldGraph.definitions);
  const after = visible(newGraph.definitions);
  const added = [...after.keys()].filter((n) => !before.has(n)).sort();
  const removed = [...before.keys()].filter((n) => !after.has(n)).sort();
  const changed: MetricChange[] = [];
  const unchanged: string[] = [];
  for (const name of [...after.keys()].filter((n) => before.has(n)).sort()) {
    const fields = changedFields(ownFields(before.get(name)!), ownFields(after.get(name)!));
    if (definitionHash(oldGraph, name) !== definitionHash(newGraph, name) && !fields.some((f) => !f.startsWith('meta') && f !== 'label' && f !== 'description')) {
      fields.push('upstream');
    }
    if (fields.length === 0) {
      unchanged.push(name);
      continue;
    }
    const a = comparisonSql(oldGraph, name);
    const b = comparisonSql(newGraph, name);
    const comparable = a.text !== undefined && b.text !== undefined;
    const verdict: ResultsVerdict = comparable && a.text === b.text ? 'results_unchanged' : 'results_may_change';
    const note = comparable ? undefined : (b.note ?? a.note);
    changed.push({ name, fields, verdict, query: b.query, ...(note ? { note } : {}) });
  }
  return { added, removed, changed, unchanged };
}
