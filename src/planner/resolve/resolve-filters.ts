/**
 * Parses filter strings and resolves each `{{ Dimension(...) }}`-style reference like a group-by
 * item, against the items of the node where the filter is defined (spec 3.6); `{{ Metric(...) }}`
 * references resolve their entity there and their metric as a separate tree (spec 3.7).
 */
import { isMaatstafError } from '../../core/errors.js';
import { suggest } from '../../core/suggest.js';
import { parseFilter, type FilterRef, type ParsedFilter } from '../filter-api.js';
import type { IssueLog } from './issue-log.js';
import { resolveItem, type ItemScope } from './resolve-item.js';
import type { FilterLevel, ResolvedFilter, ResolvedItem, ResolvedMetric, ResolvedMetricRef } from './resolved-query.js';

/** Where a filter string sits: request path (errors), origin (plans) and level. */
export interface FilterSite {
  readonly path: string;
  readonly origin: string;
  readonly level: FilterLevel;
}

/** Resolves a metric named in a Metric() reference (with issues logged); undefined when it does not resolve. */
export type MetricRefResolver = (name: string, path: string) => ResolvedMetric | undefined;

type MetricFilterRef = Extract<FilterRef, { readonly kind: 'metric' }>;

type RefResult = { readonly item: ResolvedItem; readonly metricRef?: ResolvedMetricRef } | undefined;

function resolveMetricRef(ref: MetricFilterRef, path: string, scope: ItemScope, issues: IssueLog, resolveMetric: MetricRefResolver | undefined): RefResult {
  const fail = (message: string, code: 'UNSUPPORTED_QUERY' | 'INVALID_FILTER' = 'INVALID_FILTER') => {
    issues.add({ code, message: `${path}: ${message}`, name: ref.name, path });
    return undefined;
  };
  if (!resolveMetric) return fail(`Metric('${ref.name}') filters are not supported here.`, 'UNSUPPORTED_QUERY');
  if (ref.groupBy.length !== 1) return fail(`Metric('${ref.name}') needs exactly one group_by entity.`);
  const name = ref.name.toLowerCase();
  const def = scope.graph.metric(name);
  if (!def || def.hidden) {
    issues.add({ code: 'UNKNOWN_METRIC', message: `${path}: unknown metric '${ref.name}' in Metric().`, name: ref.name, path, suggestions: suggest(name, scope.graph.metricNames) });
    return undefined;
  }
  const text = ref.groupBy[0]!;
  const innerScope: ItemScope = { graph: scope.graph, available: scope.graph.availableItems([name]), metrics: [name], metricTimeGrain: scope.graph.defaultMetricTimeGrain([name]) };
  // Links may say how the outer rows reach the entity (`order__customer`) or, as in MetricFlow, how
  // the metric's own rows do (`view__listing`, `account__customer__region`): each side takes the
  // reading it can resolve, else the entity alone.
  const bare = text.split('__').at(-1)!;
  const either = (s: ItemScope) => {
    const full = resolveItem({ text, path, kind: 'entity' }, s);
    if (!('code' in full) || bare === text) return full;
    const alone = resolveItem({ text: bare, path, kind: 'entity' }, s);
    return 'code' in alone ? full : alone;
  };
  const outer = either(scope);
  if ('code' in outer) return void issues.add(outer);
  const entity = either(innerScope);
  if ('code' in entity) return void issues.add(entity);
  const metric = resolveMetric(name, path);
  if (!metric) return undefined;
  return { item: outer, metricRef: { metric, entity, column: `${outer.name}__${name}` } };
}

function resolveRef(ref: FilterRef, path: string, scope: ItemScope, issues: IssueLog, resolveMetric: MetricRefResolver | undefined): RefResult {
  if (ref.kind === 'metric') return resolveMetricRef(ref, path, scope, issues, resolveMetric);
  const result = resolveItem(
    {
      text: ref.name,
      path,
      // A bare name resolves like a requested group-by item of that name.
      kind: ref.kind === 'group_by_name' ? 'any' : ref.kind,
      entityPath: ref.entityPath,
      ...((ref.kind === 'dimension' || ref.kind === 'time_dimension') && ref.grain !== undefined ? { grain: ref.grain } : {}),
      ...((ref.kind === 'dimension' || ref.kind === 'time_dimension') && ref.datePart !== undefined ? { datePart: ref.datePart } : {}),
    },
    scope,
  );
  if ('code' in result) {
    issues.add(result);
    return undefined;
  }
  return { item: result };
}

/** One filter string; undefined (with issues logged) when it does not parse or resolve. */
export function resolveFilter(text: string, site: FilterSite, scope: ItemScope, issues: IssueLog, resolveMetric?: MetricRefResolver): ResolvedFilter | undefined {
  const path = site.path;
  let parsed: ParsedFilter;
  try {
    parsed = parseFilter(text, { path });
  } catch (e) {
    if (!isMaatstafError(e)) throw e;
    issues.add({ code: e.code, message: e.message, ...e.details, path: e.details.path ?? path });
    return undefined;
  }
  const before = issues.count;
  const refs = parsed.refs.map((ref) => resolveRef(ref, path, scope, issues, resolveMetric));
  if (issues.count > before) return undefined;
  const items = refs.map((r) => r!.item);
  const metricRefs = refs.map((r) => r!.metricRef);
  return { parsed, items, ...(metricRefs.some((m) => m) ? { metricRefs } : {}), level: site.level, origin: site.origin };
}

export function resolveFilters(
  texts: readonly string[],
  siteOf: (index: number) => FilterSite,
  scope: ItemScope,
  issues: IssueLog,
  resolveMetric?: MetricRefResolver,
): ResolvedFilter[] {
  return texts.flatMap((t, i) => resolveFilter(t, siteOf(i), scope, issues, resolveMetric) ?? []);
}
