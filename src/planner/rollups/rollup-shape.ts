/**
 * What a declared rollup stores, derived from its declaration and the definitions: one key column
 * per group-by item (metric_time at the rollup grain first) and, per simple metric, the columns it
 * is re-aggregated from. Column names are generated (`k0`, `v0`, …): metric names can exceed
 * PostgreSQL's 63-byte identifiers once prefixed. Pure; errors become definition issues.
 */
import { createHash } from 'node:crypto';
import type { DefinitionIssue } from '../../core/errors.js';
import { MaatstafError } from '../../core/errors.js';
import type { TimeGrain } from '../../core/time.js';
import type { RollupDef } from '../../definitions/rollups/parse-rollups.js';
import type { Aggregation, MetricDef } from '../../definitions/model.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { METRIC_TIME } from '../../semantic-graph/item-spec.js';
import { resolveQuery } from '../resolve/resolve-query.js';
import type { ResolvedItem } from '../resolve/resolved-query.js';

export interface RollupKey {
  readonly item: ResolvedItem;
  readonly column: string;
}

/** A simple metric as stored: its value (re-aggregated by `agg`), or an average's sum and count. Each has a row count. */
export type StoredMetric =
  | { readonly kind: 'value'; readonly metric: string; readonly agg: Aggregation; readonly column: string; readonly rows: string }
  | { readonly kind: 'average'; readonly metric: string; readonly sum: string; readonly count: string; readonly rows: string };

/** A column of the build query's answer and the rollup column it is stored in. */
export interface BuildColumn {
  readonly from: string;
  readonly as: string;
}

export interface RollupShape {
  readonly def: RollupDef;
  /** metric_time at the rollup grain first. */
  readonly keys: readonly RollupKey[];
  readonly grain: TimeGrain;
  readonly metrics: ReadonlyMap<string, StoredMetric>;
  /** The query whose answer is the rollup (against a graph with the rollup's helper metrics, rollupMetricDefs). */
  readonly build: { readonly metrics: readonly string[]; readonly groupBy: readonly string[]; readonly columns: readonly BuildColumn[] };
  /** Changes whenever the stored layout or the definitions it is built from change: a build of another hash is not used. */
  readonly hash: string;
}

export const ROLLUP_ROWS_PREFIX = '__rollup_rows__';
export const ROLLUP_SUM_PREFIX = '__rollup_sum__';
export const ROLLUP_COUNT_PREFIX = '__rollup_count__';

/** Simple metrics a rollup can store: no time-spine join, no null filling, no semi-additive window. */
export function storableReason(def: MetricDef): string | undefined {
  if (def.type !== 'simple') return `${def.type} metrics are not stored in rollups`;
  const a = def.aggregation;
  if (a.joinToTimespine || a.fillNullsWith !== undefined) return 'its rows are joined to the time spine (join_to_timespine / fill_nulls_with)';
  if (a.nonAdditiveDimension) return 'it is semi-additive (non_additive_dimension)';
  return undefined;
}

/** The simple metrics under `name` (ratio/derived inputs); cumulative and conversion metrics are refused. */
function simpleClosure(graph: SemanticGraph, name: string, out: Set<string>, fail: (msg: string) => void): void {
  const def = graph.metric(name);
  if (!def) return fail(`unknown metric '${name}'`);
  switch (def.type) {
    case 'simple':
      out.add(name);
      return;
    case 'ratio':
      simpleClosure(graph, def.numerator.name, out, fail);
      return simpleClosure(graph, def.denominator.name, out, fail);
    case 'derived':
      return def.inputs.forEach((i) => simpleClosure(graph, i.name, out, fail));
    case 'cumulative':
    case 'conversion':
      return fail(`metric '${name}' is a ${def.type} metric: rollups do not serve those (the raw tables answer)`);
  }
}

export interface ShapeResult {
  readonly shape?: RollupShape;
  readonly issues: readonly DefinitionIssue[];
}

/**
 * The shape of one rollup. `extraMetrics` adds hidden simple metrics stored beside the declared
 * ones (the privacy layer's subject counts of protected metrics), which `graph` must know.
 */
export function shapeRollup(graph: SemanticGraph, def: RollupDef, extraMetrics: (metric: string) => readonly string[] = () => []): ShapeResult {
  const issues: DefinitionIssue[] = [];
  const fail = (message: string, sub = '') => issues.push({ severity: 'error', file: def.loc.file, line: def.loc.line, path: sub ? `${def.loc.path}.${sub}` : def.loc.path, message });
  const simple = new Set<string>();
  if (def.model !== undefined) {
    if (!graph.definitions.semanticModels.some((m) => m.name === def.model)) fail(`unknown semantic model '${def.model}'`, 'model');
    for (const m of graph.definitions.metrics) {
      if (m.type === 'simple' && !m.hidden && m.aggregation.semanticModel === def.model && !storableReason(m)) simple.add(m.name);
    }
    if (!simple.size && !issues.length) fail(`semantic model '${def.model}' has no simple metric a rollup can store`, 'model');
  } else {
    def.metrics.forEach((m, i) => simpleClosure(graph, m, simple, (msg) => fail(msg, `metrics[${i}]`)));
    for (const m of simple) {
      const reason = storableReason(graph.metric(m)!);
      if (reason) fail(`metric '${m}' cannot be stored: ${reason}`, 'metrics');
    }
  }
  for (const m of [...simple]) for (const extra of extraMetrics(m)) simple.add(extra);
  if (issues.length) return { issues };

  const groupBy = [`${METRIC_TIME}__${def.timeGrain}`, ...def.groupBy];
  let items: ResolvedItem[];
  try {
    items = resolveQuery(graph, { metrics: [...simple], groupBy, orderBy: [] }).groupBy.map((g) => g.item);
  } catch (e) {
    if (!(e instanceof MaatstafError)) throw e;
    fail(`group_by does not resolve for every stored metric: ${e.message}`, 'group_by');
    return { issues };
  }
  if (items.some((i) => i.time?.kind === 'custom')) {
    fail('custom granularities cannot be rollup keys', 'group_by');
    return { issues };
  }
  const keys = items.map((item, i) => ({ item, column: `k${i}` }));
  const metrics = new Map<string, StoredMetric>();
  const buildMetrics: string[] = [];
  const columns: BuildColumn[] = keys.map((k) => ({ from: k.item.name, as: k.column }));
  let v = 0;
  const store = (metric: string): string => {
    const column = `v${v++}`;
    buildMetrics.push(metric);
    columns.push({ from: metric, as: column });
    return column;
  };
  for (const name of [...simple].sort()) {
    const d = graph.metric(name);
    if (d?.type !== 'simple') continue;
    const rows = store(ROLLUP_ROWS_PREFIX + name);
    if (d.aggregation.agg === 'average') metrics.set(name, { kind: 'average', metric: name, sum: store(ROLLUP_SUM_PREFIX + name), count: store(ROLLUP_COUNT_PREFIX + name), rows });
    else metrics.set(name, { kind: 'value', metric: name, agg: d.aggregation.agg, column: store(name), rows });
  }
  const layout = JSON.stringify({ columns, defs: [...simple].sort().map((m) => ({ ...graph.metric(m), loc: undefined })), grain: def.timeGrain, tz: graph.timeZone });
  const hash = createHash('sha256').update(layout).digest('hex').slice(0, 16);
  return { shape: { def, keys, grain: def.timeGrain, metrics, build: { metrics: buildMetrics, groupBy: items.map((i) => i.name), columns }, hash }, issues };
}
