/**
 * Authorises one query for a caller before it compiles: every metric (queried or named in a
 * `Metric()` filter), every group-by item and every item a filter reads must be granted, and the
 * row-level filter of the granting roles becomes the query's row rule (a typed RowRule the layers
 * below receive beside the query, never text appended to the caller's `where`).
 *
 * Semantics with several roles (union of grants): for each metric, the roles that may use it with
 * every item of the query are its candidates. Its row filter is the OR of the candidates' filters,
 * or none when a candidate has none. All metrics of one query must end up with the same row filter
 * (a where filter applies to the whole query); otherwise the query is refused as ambiguous and the
 * caller queries the metrics separately. Metric() filters are refused whenever a row filter applies
 * (their sub-query would read rows outside the caller's scope).
 */
import { MaatstafError, isMaatstafError } from '../core/errors.js';
import type { MetricQueryInput, RowRule } from '../core/query.js';
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
  /** The row rule of the caller's roles for this query; undefined when none applies. */
  readonly rowRule?: RowRule;
}

const whereList = (w: string | readonly string[] | undefined): string[] => (w === undefined ? [] : typeof w === 'string' ? [w] : [...w]);

/** Effective row rule of a set of candidate roles: undefined = unrestricted. */
function combinedRule(roles: readonly RoleGrant[]): RowRule | undefined {
  if (roles.some((r) => r.rowFilter === undefined)) return undefined;
  const filters = [...new Set(roles.map((r) => r.rowFilter!))].sort();
  const names = roles.map((r) => r.name).sort();
  return { roles: names, filter: filters.length === 1 ? filters[0]! : filters.map((f) => `(${f})`).join(' OR ') };
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

  // By filter text: roles with the same filter give the same rows.
  const rules = new Map<string | undefined, RowRule | undefined>();
  for (const use of uses) {
    const roles = candidates(access, use);
    if (roles.length === 0) throw deniedItem(access, use);
    if (!use.fromFilter) {
      const rule = combinedRule(roles);
      rules.set(rule?.filter, rule);
    }
  }
  const [rowRule, ...others] = [...rules.values()];
  if (others.length > 0) {
    throw new MaatstafError('FORBIDDEN', 'These metrics are visible to you for different sets of rows (row-level rules of your roles); query them separately.', {});
  }
  if (rowRule === undefined) return {};
  if (metricRefs.length > 0) {
    throw new MaatstafError('FORBIDDEN', 'Metric() filters are not available to callers with row-level restrictions.', { path: metricRefs[0]!.path });
  }
  return { rowRule };
}

/**
 * An error caused by the row rule (its dimension cannot be joined to these metrics) is the
 * policy's, and its text must not be shown: it becomes FORBIDDEN without details. The planner
 * resolves the rule as its own filter (origin and path `rowRule`), so such errors carry that path.
 */
export function maskRowFilterError(e: unknown, authorised: AuthorisedQuery): unknown {
  if (authorised.rowRule === undefined || !isMaatstafError(e)) return e;
  const hits = (p: string | undefined) => p !== undefined && (p === 'rowRule' || p.startsWith('rowRule.') || p.startsWith('rowRule['));
  if (!hits(e.details.path) && !(e.details.issues ?? []).some((i) => hits(i.path))) return e;
  return new MaatstafError('FORBIDDEN', 'The row-level rule of your role cannot be applied to this query (its metrics cannot be filtered by it).', {});
}
