/**
 * The metric catalogue every interface serves (REST `/v1/metrics`, GraphQL): names, labels,
 * governance, default time, group-by items, lineage and an example query with its SQL. Pure reads
 * of the semantic graph plus one compile; nothing here runs SQL.
 */
import { MaatstafError, isMaatstafError, type ErrorCode } from '../core/errors.js';
import type { MetricQueryInput } from '../core/query.js';
import { suggest } from '../core/suggest.js';
import { coarsestGrain, type TimeGrain } from '../core/time.js';
import type { MetricDef, MetricType } from '../definitions/model.js';
import type { GroupByItemInfo, MetricLineage, SemanticGraph } from '../semantic-graph/index.js';
import { definitionHash } from './definition-hash.js';
import { metricGovernance, type MetricGovernance, type MetricStatus } from './governance.js';
import type { Engine } from './types.js';

export interface MetricDefaultTime {
  /** Always `metric_time`: each metric's aggregation time dimension. */
  readonly dimension: 'metric_time';
  /** Grain of `metric_time` when a query gives none. */
  readonly grain: TimeGrain;
  /** The time dimensions metric_time stands for, in dunder form (`report__received_at`). */
  readonly aggTimeDimensions: readonly string[];
}

export interface MetricSummary {
  readonly name: string;
  /** The definitions' label, or the name when there is none. */
  readonly label: string;
  readonly description?: string;
  readonly labelEn?: string;
  readonly descriptionEn?: string;
  readonly type: MetricType;
  readonly unit?: string;
  readonly format?: string;
  readonly owner?: string;
  readonly status?: MetricStatus;
  readonly tags: readonly string[];
  readonly defaultTime: MetricDefaultTime;
  /** Fingerprint of what the metric computes (see definition-hash.ts). */
  readonly definitionHash: string;
}

export interface MetricExample {
  readonly query: MetricQueryInput;
  readonly sql?: string;
  readonly params?: readonly unknown[];
  /** Set when the example does not compile (then sql/params are absent). */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
}

export interface MetricDetail extends MetricSummary {
  readonly governance: MetricGovernance;
  /** The normalised definition (what every stage reads), without its source location. */
  readonly definition: Readonly<Record<string, unknown>>;
  readonly source: { readonly file: string; readonly line: number };
  /** Every group-by item the metric accepts. */
  readonly groupBy: readonly GroupByItemInfo[];
  readonly lineage: MetricLineage;
  readonly example: MetricExample;
}

export interface MetricFilter {
  /** Exact owner, case-insensitive. */
  readonly owner?: string;
  /** One of the metric's tags, case-insensitive. */
  readonly tag?: string;
  readonly status?: MetricStatus;
  /** Substring of name, label or description (Dutch or English), case-insensitive. */
  readonly search?: string;
}

/** The queryable metric of this name; UNKNOWN_METRIC (404) with suggestions otherwise. */
export function requireMetric(graph: SemanticGraph, name: string): MetricDef {
  const def = graph.metric(name);
  if (def && !def.hidden) return def;
  throw new MaatstafError('UNKNOWN_METRIC', `Unknown metric '${name}'.`, { name, suggestions: suggest(name, graph.metricNames) });
}

/** Dunder names of the aggregation time dimensions under a metric (one per distinct model/dimension). */
function aggTimeDimensions(graph: SemanticGraph, name: string): string[] {
  const out = new Set<string>();
  for (const leaf of graph.simpleLeaves(name)) {
    const model = graph.model(leaf.aggregation.semanticModel);
    const primary = model?.def.primaryEntity ?? model?.def.entities.find((e) => e.type === 'primary')?.name ?? model?.linkableEntities[0];
    out.add(primary ? `${primary}__${leaf.aggregation.aggTimeDimension}` : leaf.aggregation.aggTimeDimension);
  }
  return [...out];
}

export function metricSummary(graph: SemanticGraph, name: string): MetricSummary {
  const def = requireMetric(graph, name);
  const g = metricGovernance(def);
  const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));
  return {
    name: def.name,
    label: def.label ?? def.name,
    ...opt('description', def.description),
    ...opt('labelEn', g.labelEn),
    ...opt('descriptionEn', g.descriptionEn),
    type: def.type,
    ...opt('unit', g.unit),
    ...opt('format', g.format),
    ...opt('owner', g.owner),
    ...opt('status', g.status),
    tags: g.tags,
    defaultTime: { dimension: 'metric_time', grain: graph.defaultMetricTimeGrain([name]), aggTimeDimensions: aggTimeDimensions(graph, name) },
    definitionHash: definitionHash(graph, name),
  };
}

function matches(m: MetricSummary, f: MetricFilter): boolean {
  const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();
  if (f.owner !== undefined && !eq(m.owner, f.owner)) return false;
  if (f.tag !== undefined && !m.tags.some((t) => eq(t, f.tag!))) return false;
  if (f.status !== undefined && m.status !== f.status) return false;
  if (f.search !== undefined && f.search.trim() !== '') {
    const needle = f.search.trim().toLowerCase();
    const hay = [m.name, m.label, m.description, m.labelEn, m.descriptionEn];
    if (!hay.some((h) => h !== undefined && h.toLowerCase().includes(needle))) return false;
  }
  return true;
}

/** Every queryable metric, by name, optionally filtered. */
export function listMetrics(graph: SemanticGraph, filter: MetricFilter = {}): MetricSummary[] {
  return graph.metricNames.map((n) => metricSummary(graph, n)).filter((m) => matches(m, filter));
}

/** A small query that shows the metric over time: by month (or its coarser default grain). */
export function exampleQuery(graph: SemanticGraph, name: string): MetricQueryInput {
  const grain = coarsestGrain(['month', graph.defaultMetricTimeGrain([name])]) ?? 'month';
  const time = `metric_time__${grain}`;
  return { metrics: [name], groupBy: [time], orderBy: [time] };
}

function example(engine: Engine, name: string): MetricExample {
  const query = exampleQuery(engine.graph, name);
  try {
    const compiled = engine.compile(query);
    return { query, sql: compiled.sql, params: compiled.params };
  } catch (e) {
    if (!isMaatstafError(e)) throw e;
    return { query, error: { code: e.code, message: e.message } };
  }
}

/** Everything about one metric. Throws UNKNOWN_METRIC (404) with suggestions. */
export function describeMetric(engine: Engine, name: string): MetricDetail {
  const graph = engine.graph;
  const def = requireMetric(graph, name);
  const { loc, ...definition } = def;
  return {
    ...metricSummary(graph, name),
    governance: metricGovernance(def),
    definition,
    source: { file: loc.file, line: loc.line },
    groupBy: graph.groupByItemsFor([name]),
    lineage: graph.lineage(name),
    example: example(engine, name),
  };
}

/**
 * Group-by items valid for every one of the metrics; with no metrics, the items a query without
 * metrics accepts (dimension values). Throws UNKNOWN_METRIC for an unknown name.
 */
export function listGroupByItems(graph: SemanticGraph, metrics: readonly string[]): GroupByItemInfo[] {
  for (const m of metrics) requireMetric(graph, m);
  return graph.groupByItemsFor(metrics);
}
