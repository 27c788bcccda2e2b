/**
 * Parses filter strings and resolves each `{{ Dimension(...) }}`-style reference like a group-by
 * item, against the items of the node where the filter is defined (spec 3.6).
 */
import { isMaatstafError } from '../../core/errors.js';
import { parseFilter, type FilterRef, type ParsedFilter } from '../filter-api.js';
import type { IssueLog } from './issue-log.js';
import { resolveItem, type ItemScope } from './resolve-item.js';
import type { FilterLevel, ResolvedFilter, ResolvedItem } from './resolved-query.js';

/** Where a filter string sits: request path (errors), origin (plans) and level. */
export interface FilterSite {
  readonly path: string;
  readonly origin: string;
  readonly level: FilterLevel;
}

function resolveRef(ref: FilterRef, path: string, scope: ItemScope, issues: IssueLog): ResolvedItem | undefined {
  if (ref.kind === 'metric') {
    issues.add({ code: 'UNSUPPORTED_QUERY', message: `${path}: Metric('${ref.name}') filters are not supported yet.`, name: ref.name, path });
    return undefined;
  }
  const result = resolveItem(
    {
      text: ref.name,
      path,
      kind: ref.kind,
      entityPath: ref.entityPath,
      ...(ref.kind !== 'entity' && ref.grain !== undefined ? { grain: ref.grain } : {}),
      ...(ref.kind !== 'entity' && ref.datePart !== undefined ? { datePart: ref.datePart } : {}),
    },
    scope,
  );
  if ('code' in result) {
    issues.add(result);
    return undefined;
  }
  return result;
}

/** One filter string; undefined (with issues logged) when it does not parse or resolve. */
export function resolveFilter(text: string, site: FilterSite, scope: ItemScope, issues: IssueLog): ResolvedFilter | undefined {
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
  const items = parsed.refs.map((ref) => resolveRef(ref, path, scope, issues));
  if (issues.count > before) return undefined;
  return { parsed, items: items as ResolvedItem[], level: site.level, origin: site.origin };
}

export function resolveFilters(texts: readonly string[], siteOf: (index: number) => FilterSite, scope: ItemScope, issues: IssueLog): ResolvedFilter[] {
  return texts.flatMap((t, i) => resolveFilter(t, siteOf(i), scope, issues) ?? []);
}
