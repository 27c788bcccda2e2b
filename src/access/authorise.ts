/**
 * Authorises one query for a caller before it compiles: every metric (queried or named in a
 * `Metric()` filter), every group-by item and every item a filter reads must be granted, and the
 * row-level filter of the granting roles is added to the query.
 *
 * Semantics with several roles (union of grants): for each metric, the roles that may use it with
 * every item of the query are its candidates. Its row filter is the OR of the candidates' filters,
 * or none when a candidate has none. All metrics of one query must end up with the same row filter
 * (a where filter applies to the whole query); otherwise the query is refused as ambiguous and the
 * caller queries the metrics separately. Metric() filters are refused whenever a row filter applies
 * (their sub-query would read rows outside the caller's scope).
 */
import { MaatstafError, isMaatstafError } from '../core/errors.js';
import type { MetricQuery, MetricQueryInput } from '../core/query.js';
import { suggest } from '../core/suggest.js';
import { parseQuery } from '../engine/engine.js';
import { parseFilter } from '../planner/filter-api.js';
import { resolveQuery } from '../planner/index.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import { specKey } from '../semantic-graph/item-spec.js';
import type { CallerAccess } from './caller-access.js';
import { itemAllowed, type RoleGrant } from './grants.js';

/** The one answer for a metric the caller may not use, whether or not it exists. */
export function forbiddenMetric(access: CallerAccess, name: string, path?: string): MaatstafError {
  const suggestions = suggest(name.trim().toLowerCase(), access.metrics);
  return new MaatstafError('FORBIDDEN', `Metric '${name}' does not exist or you may not use it.`, {
    name,
    ...(path ? { path } : {}),
    ...(suggestions.length ? { suggestions } : {}),
  });
}

export interface AuthorisedQuery {
  /** The query to run: the caller's, with the row filter appended to `where` when one applies. */
  readonly query: MetricQueryInput;
  /** The row filter added (for the audit log); undefined when none. */
  readonly rowFilter?: string;
  /** Index of the row filter in `where` (errors there are the policy's, not the caller's). */
  readonly rowFilterIndex?: number;
}

const whereList = (w: MetricQuery['where']): string[] => (w === undefined ? [] : typeof w === 'string' ? [w] : [...w]);

/** Effective row filter of a set of candidate roles: undefined = unrestricted. */
function combinedFilter(roles: readonly RoleGrant[]): string | undefined {
  if (roles.some((r) => r.rowFilter === undefined)) return undefined;
  const filters = [...new Set(roles.map((r) => r.rowFilter!))].sort();
  return filters.length === 1 ? filters[0] : filters.map((f) => `(${f})`).join(' OR ');
}

interface Use {
  /** Undefined for a query without metrics. */
  readonly metric?: string;
  readonly items: readonly { key: string; path: string }[];
  readonly fromFilter: boolean;
}

function candidates(access: CallerAccess, use: Use): RoleGrant[] {
  return access.roles.filter((r) =>
    use.metric === undefined
      ? use.items.every((i) => access.dimensionOnlyItems(r).has(i.key))
      : r.metrics.has(use.metric) && use.items.every((i) => itemAllowed(r, use.metric, i.key)),
  );
}

function deniedItem(access: CallerAccess, use: Use): MaatstafError {
  const roles = use.metric === undefined ? access.roles : access.roles.filter((r) => r.metrics.has(use.metric!));
  const bad = use.items.find((i) =>
    roles.every((r) => (use.metric === undefined ? !access.dimensionOnlyItems(r).has(i.key) : !itemAllowed(r, use.metric, i.key))),
  );
  if (bad) {
    const what = use.metric === undefined ? 'in a query without metrics' : `with metric '${use.metric}'`;
    return new MaatstafError('FORBIDDEN', `You may not use '${bad.key}' ${what}.`, { name: bad.key, path: bad.path });
  }
  return new MaatstafError('FORBIDDEN', `No role of yours may use this combination of group-by items and filters${use.metric ? ` with metric '${use.metric}'` : ''}.`, {
    ...(use.metric ? { name: use.metric } : {}),
  });
}

/** Checks `input` for the caller; throws FORBIDDEN (403) or the query's own validation error. */
export function authoriseQuery(access: CallerAccess, graph: SemanticGraph, input: MetricQueryInput): AuthorisedQuery {
  const query = parseQuery(input);
  const canSee = (name: string) => access.metrics.has(name.trim().toLowerCase()) || access.fullMetricAccess;
  query.metrics.forEach((m, i) => {
    if (!canSee(m)) throw forbiddenMetric(access, m, `metrics[${i}]`);
  });
  const where = whereList(query.where);
  const metricRefs: { name: string; path: string }[] = [];
  where.forEach((text, i) => {
    for (const ref of parseFilter(text, { path: `where[${i}]` }).refs) {
      if (ref.kind !== 'metric') continue;
      if (!canSee(ref.name)) throw forbiddenMetric(access, ref.name, `where[${i}]`);
      metricRefs.push({ name: ref.name.toLowerCase(), path: `where[${i}]` });
    }
  });

  // Names are now ones the caller may see: resolution errors (typos in group-bys, bad grains) are theirs to read.
  const resolved = resolveQuery(graph, query);
  const items = [
    ...resolved.groupBy.map((g) => ({ key: specKey(g.item.spec), path: g.path })),
    ...resolved.where.flatMap((f) => f.items.map((it) => ({ key: specKey(it.spec), path: f.origin }))),
  ];
  const uses: Use[] = resolved.metrics.length
    ? resolved.metrics.map((m) => ({ metric: m.name, items, fromFilter: false }))
    : [{ items, fromFilter: false }];
  for (const f of resolved.where) {
    (f.metricRefs ?? []).forEach((ref) => {
      if (ref) uses.push({ metric: ref.metric.name, items: [{ key: specKey(ref.entity.spec), path: f.origin }], fromFilter: true });
    });
  }

  const filters = new Set<string | undefined>();
  for (const use of uses) {
    const roles = candidates(access, use);
    if (roles.length === 0) throw deniedItem(access, use);
    if (!use.fromFilter) filters.add(combinedFilter(roles));
  }
  const [rowFilter, ...others] = [...filters];
  if (others.length > 0) {
    throw new MaatstafError('FORBIDDEN', 'These metrics are visible to you for different sets of rows (row-level rules of your roles); query them separately.', {});
  }
  if (rowFilter === undefined) return { query: input };
  if (metricRefs.length > 0) {
    throw new MaatstafError('FORBIDDEN', 'Metric() filters are not available to callers with row-level restrictions.', { path: metricRefs[0]!.path });
  }
  return { query: { ...input, where: [...where, rowFilter] }, rowFilter, rowFilterIndex: where.length };
}

/**
 * An error caused by the row filter (its dimension cannot be joined to these metrics) is the
 * policy's, and its text must not be shown: it becomes FORBIDDEN without details.
 */
export function maskRowFilterError(e: unknown, authorised: AuthorisedQuery): unknown {
  if (authorised.rowFilterIndex === undefined || !isMaatstafError(e)) return e;
  const path = `where[${authorised.rowFilterIndex}]`;
  const hits = (p: string | undefined) => p !== undefined && (p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`));
  const mentions = hits(e.details.path) || (e.details.issues ?? []).some((i) => hits(i.path)) || e.message.includes(path);
  if (!mentions) return e;
  return new MaatstafError('FORBIDDEN', 'The row-level rule of your role cannot be applied to this query (its metrics cannot be filtered by it).', {});
}
