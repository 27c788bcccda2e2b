/**
 * `orderBy` entries (spec 3.9): an optional leading `-` for descending, then a metric name or a
 * group-by name matched by pattern against the query's own items, so `-metric_time` matches
 * `metric_time__week` when that is the only metric_time item. Each must match exactly one.
 */
import type { QueryIssue } from '../../core/errors.js';
import { suggest } from '../../core/suggest.js';
import { METRIC_TIME, parseItemName } from '../../semantic-graph/item-spec.js';
import type { ResolvedItem, ResolvedOrderBy } from './resolved-query.js';

function matches(item: ResolvedItem, text: string): boolean {
  const p = parseItemName(text);
  if (!p) return false;
  const spec = item.spec;
  const element = spec.kind === 'metric_time' ? METRIC_TIME : spec.element;
  const links = spec.kind === 'metric_time' ? [] : spec.links;
  if (element !== p.element || p.links.length > links.length) return false;
  if (!p.links.every((l, i) => links[links.length - p.links.length + i] === l)) return false;
  if (p.grain !== undefined && !(item.time?.kind === 'grain' && item.time.grain === p.grain)) return false;
  if (p.datePart !== undefined && !(item.time?.kind === 'date_part' && item.time.part === p.datePart)) return false;
  return true;
}

export function resolveOrderBy(text: string, path: string, metrics: readonly string[], items: readonly ResolvedItem[]): ResolvedOrderBy | QueryIssue {
  const trimmed = text.trim().toLowerCase();
  const descending = trimmed.startsWith('-');
  const name = descending ? trimmed.slice(1).trim() : trimmed;
  const outputs = [...items.map((i) => i.name), ...metrics];
  if (outputs.includes(name)) return { column: name, descending };
  const found = items.filter((i) => matches(i, name));
  if (found.length === 1) return { column: found[0]!.name, descending };
  return {
    code: 'INVALID_ORDER_BY',
    message:
      found.length > 1
        ? `${path}: '${text}' matches several outputs (${found.map((f) => f.name).join(', ')}).`
        : `${path}: '${text}' is not a metric or group-by item of this query.`,
    name: text,
    path,
    suggestions: found.length > 1 ? found.map((f) => f.name) : suggest(name, outputs),
    available: outputs,
  };
}
