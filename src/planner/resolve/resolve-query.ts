/**
 * Resolves a MetricQuery against the semantic graph: metrics, group-by items, filters, time range,
 * order and limit. Collects every problem and throws one MaatstafError (first problem's code,
 * all of them in `details.issues`).
 */
import type { QueryIssue } from '../../core/errors.js';
import type { MetricQuery, RowRule } from '../../core/query.js';
import { suggest } from '../../core/suggest.js';
import { finestGrain, type TimeGrain } from '../../core/time.js';
import type { SemanticGraph } from '../../semantic-graph/graph.js';
import { IssueLog } from './issue-log.js';
import { resolveFilters, type MetricRefResolver } from './resolve-filters.js';
import { resolveItem, type ItemScope } from './resolve-item.js';
import { resolveMetricNode } from './resolve-metrics.js';
import { resolveOrderBy } from './resolve-order-by.js';
import type { ResolvedGroupBy, ResolvedMetric, ResolvedOrderBy, ResolvedQuery } from './resolved-query.js';
import { checkTimeRequirements } from './time-requirements.js';
import { resolveTimeRange } from './time-range.js';

/** The query fields resolution reads; a parsed MetricQuery (with its access row rule) fits. */
export type QueryInput = Pick<MetricQuery, 'metrics' | 'groupBy' | 'orderBy'> &
  Partial<Pick<MetricQuery, 'where' | 'timeRange' | 'limit' | 'offset' | 'minMaxOnly' | 'applyGroupBy'>> & { readonly rowRule?: RowRule | undefined };

function isIssue<T extends object>(x: T | QueryIssue): x is QueryIssue {
  return 'code' in x && 'message' in x;
}

function resolveMetricNames(graph: SemanticGraph, metrics: readonly string[], issues: IssueLog): string[] {
  const names: string[] = [];
  metrics.forEach((raw, i) => {
    const name = raw.trim().toLowerCase();
    const path = `metrics[${i}]`;
    const def = graph.metric(name);
    if (names.includes(name)) issues.add({ code: 'DUPLICATE_METRIC', message: `${path}: metric '${name}' is queried twice.`, name: raw, path });
    else if (!def || def.hidden) {
      issues.add({ code: 'UNKNOWN_METRIC', message: `${path}: unknown metric '${raw}'.`, name: raw, path, suggestions: suggest(name, graph.metricNames) });
    } else names.push(name);
  });
  return names;
}

/** PostgreSQL silently truncates longer identifiers, which would rename the output column (names are ASCII). */
const MAX_COLUMN_NAME_BYTES = 63;

function resolveGroupBy(texts: readonly string[], scope: ItemScope, metrics: readonly string[], issues: IssueLog): ResolvedGroupBy[] {
  const out: ResolvedGroupBy[] = [];
  texts.forEach((text, i) => {
    const path = `groupBy[${i}]`;
    const item = resolveItem({ text, path, kind: 'any' }, scope);
    if (isIssue(item)) return issues.add(item);
    const clash = out.find((g) => g.item.name === item.name);
    if (clash) {
      return issues.add({ code: 'INVALID_QUERY', message: `${path}: '${text}' gives output column '${item.name}', like ${clash.path}.`, name: text, path });
    }
    if (metrics.includes(item.name)) {
      return issues.add({ code: 'INVALID_QUERY', message: `${path}: output column '${item.name}' is also a metric of this query.`, name: text, path });
    }
    if (item.name.length > MAX_COLUMN_NAME_BYTES) {
      return issues.add({ code: 'INVALID_QUERY', message: `${path}: output column '${item.name}' is longer than PostgreSQL's ${MAX_COLUMN_NAME_BYTES}-byte limit.`, name: text, path });
    }
    out.push({ requested: text, path, item });
  });
  return out;
}

/** The grain the time range widens to: the finest metric_time grain queried, else the default. */
function rangeGrain(groupBy: readonly ResolvedGroupBy[], fallback: TimeGrain): TimeGrain {
  const grains = groupBy.flatMap((g) => (g.item.spec.kind === 'metric_time' && g.item.time?.kind === 'grain' ? [g.item.time.grain] : []));
  return finestGrain(grains) ?? fallback;
}

export function resolveQuery(graph: SemanticGraph, query: QueryInput): ResolvedQuery {
  const issues = new IssueLog();
  if (query.metrics.length === 0 && query.groupBy.length === 0) {
    issues.add({ code: 'INVALID_QUERY', message: 'A query needs at least one metric or group-by item.' });
  }
  const names = resolveMetricNames(graph, query.metrics, issues);
  const someUnknown = names.length < query.metrics.length;
  const scope: ItemScope = {
    graph,
    available: graph.availableItems(names),
    metrics: names,
    metricTimeGrain: graph.defaultMetricTimeGrain(names),
  };
  // With every metric unknown, checking group-by items against "no metrics" would only add noise.
  const skipItems = someUnknown && names.length === 0;
  const groupBy = skipItems ? [] : resolveGroupBy(query.groupBy, scope, names, issues);
  const whereTexts = query.where === undefined ? [] : typeof query.where === 'string' ? [query.where] : query.where;
  // Metric() references plan a sub-query per metric, joined to the rows (also of dimension-only queries).
  const resolveRef: MetricRefResolver = (name, path) => resolveMetricNode({ graph, issues, path }, name);
  const where = skipItems ? [] : resolveFilters(whereTexts, (i) => ({ path: `where[${i}]`, origin: `where[${i}]`, level: 'query' }), scope, issues, resolveRef);
  // The access policy's row rule: a filter of its own origin, so its errors are recognised as the policy's.
  if (query.rowRule && !skipItems) where.push(...resolveFilters([query.rowRule.filter], () => ({ path: 'rowRule', origin: 'rowRule', level: 'query' }), scope, issues, resolveRef));

  const metricPaths: string[] = [];
  const metrics = names.flatMap((name) => {
    const path = `metrics[${query.metrics.findIndex((m) => m.trim().toLowerCase() === name)}]`;
    const metric = resolveMetricNode({ graph, issues, path }, name);
    if (metric) metricPaths.push(path);
    return metric ?? [];
  }) as ResolvedMetric[];
  if (!skipItems) checkTimeRequirements(graph, metrics, metricPaths, groupBy, issues);

  const timeRange = resolveTimeRange(query.timeRange, rangeGrain(groupBy, scope.metricTimeGrain));
  if (timeRange && isIssue(timeRange)) issues.add(timeRange);
  else if (timeRange && names.length === 0 && !groupBy.some((g) => g.item.spec.kind === 'metric_time')) {
    issues.add({ code: 'INVALID_TIME_RANGE', message: 'timeRange needs metric_time in groupBy when no metrics are queried.', path: 'timeRange' });
  }

  const orderBy: ResolvedOrderBy[] = [];
  query.orderBy.forEach((text, i) => {
    const o = resolveOrderBy(text, `orderBy[${i}]`, names, groupBy.map((g) => g.item));
    if (isIssue(o)) issues.add(o);
    else orderBy.push(o);
  });

  const limit = query.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    issues.add({ code: 'INVALID_LIMIT', message: `limit must be a whole number ≥ 0, got ${limit}.`, path: 'limit' });
  }
  const offset = query.offset;
  if (offset !== undefined && (!Number.isInteger(offset) || offset < 0)) {
    issues.add({ code: 'INVALID_LIMIT', message: `offset must be a whole number ≥ 0, got ${offset}.`, path: 'offset' });
  }
  checkRowShape(query, issues);
  issues.throwIfAny();
  return {
    metrics,
    groupBy,
    where,
    ...(timeRange && !isIssue(timeRange) ? { timeRange } : {}),
    orderBy,
    ...(limit !== undefined ? { limit } : {}),
    ...(offset ? { offset } : {}),
    ...(query.minMaxOnly ? { minMaxOnly: true as const } : {}),
    ...(query.applyGroupBy === false ? { applyGroupBy: false as const } : {}),
  };
}

/** minMaxOnly and applyGroupBy: false shape the rows of metric-less queries only (as in MetricFlow). */
function checkRowShape(query: QueryInput, issues: IssueLog): void {
  if (query.minMaxOnly) {
    if (query.metrics.length) issues.add({ code: 'INVALID_QUERY', message: 'minMaxOnly takes no metrics.', path: 'minMaxOnly' });
    if (query.groupBy.length !== 1) issues.add({ code: 'INVALID_QUERY', message: 'minMaxOnly takes exactly one group-by item.', path: 'groupBy' });
    if (query.orderBy.length) issues.add({ code: 'INVALID_QUERY', message: 'minMaxOnly returns one row: drop orderBy.', path: 'orderBy' });
    if (query.applyGroupBy === false) issues.add({ code: 'INVALID_QUERY', message: 'minMaxOnly and applyGroupBy: false exclude each other.', path: 'applyGroupBy' });
  }
  if (query.applyGroupBy === false && query.metrics.length) {
    issues.add({ code: 'INVALID_QUERY', message: 'applyGroupBy: false applies to queries without metrics only.', path: 'applyGroupBy' });
  }
}
