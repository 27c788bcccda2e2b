/**
 * Distinct values of one group-by item, for filter pickers: a query without metrics through the
 * engine (so the values come from the same compiled SQL as any query), ordered, paginated and
 * optionally searched. Values of personal models are listed only when at least k subjects have
 * them (src/privacy): the engine drops the others in the same SQL. Items only reachable through the given metrics' joins (e.g.
 * `neighbourhood__district__district_name`) are read with a query of those metrics instead.
 */
import { MaatstafError } from '../core/errors.js';
import type { MetricQueryInput, OutputColumn } from '../core/query.js';
import { suggest } from '../core/suggest.js';
import type { GroupByItemInfo } from '../semantic-graph/index.js';
import { queryableNames } from '../semantic-graph/group-by-info.js';
import { listGroupByItems } from './catalog.js';
import type { Engine, QueryResultMeta } from './types.js';

export const DEFAULT_VALUES_LIMIT = 100;
export const MAX_VALUES_LIMIT = 10_000;
export const MAX_VALUES_OFFSET = 100_000;
export const MAX_SEARCH_LENGTH = 200;

export interface DimensionValuesRequest {
  /** Group-by item in dunder form, optionally with a grain (`metric_time__month`). */
  readonly name: string;
  /** When given, the item must be available to all of them. */
  readonly metrics?: readonly string[];
  readonly limit?: number;
  readonly offset?: number;
  /** Case-insensitive substring of the value's text. */
  readonly search?: string;
  /** Aborted when the client has gone: the lookup is cancelled on the warehouse. */
  readonly signal?: AbortSignal;
  /** The id of the request that asks (for the audit log). */
  readonly requestId?: string;
  /** The client's own x-request-id (for the audit log, beside requestId). */
  readonly clientRequestId?: string;
}

/** A formatted value as every interface shows it (see format-values.ts). */
export type DimensionValue = string | number | boolean | null;

export interface DimensionValuesPage {
  readonly name: string;
  /** The output column (its name carries the grain actually used, e.g. `metric_time__day`). */
  readonly column: OutputColumn;
  readonly values: readonly DimensionValue[];
  readonly limit: number;
  readonly offset: number;
  /** True when more values follow this page. */
  readonly hasMore: boolean;
  readonly meta: QueryResultMeta;
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MaatstafError('INVALID_LIMIT', `${name} must be an integer from ${min} to ${max}, got ${value}.`, { name, path: name });
  }
}

/** The item a queryable name refers to, and the suffix after it (grain or `extract_<part>`). */
function findItem(items: readonly GroupByItemInfo[], name: string): { item: GroupByItemInfo; suffix?: string } | undefined {
  if (!queryableNames(items).includes(name)) return undefined;
  const item = items.filter((i) => name === i.name || name.startsWith(`${i.name}__`)).sort((a, b) => b.name.length - a.name.length)[0];
  if (!item) return undefined;
  return name === item.name ? { item } : { item, suffix: name.slice(item.name.length + 2) };
}

function unknownItem(name: string, items: readonly GroupByItemInfo[], metrics: readonly string[]): MaatstafError {
  const scope = metrics.length ? `for metrics ${metrics.join(', ')}` : 'for a query without metrics';
  return new MaatstafError('UNKNOWN_DIMENSION', `'${name}' is not a group-by item ${scope}.`, {
    name,
    suggestions: suggest(name, queryableNames(items)),
  });
}

/** The `{{ … }}` reference to the item in a where filter. */
function filterRef({ item, suffix }: { item: GroupByItemInfo; suffix?: string }): string {
  const q = (s: string) => `'${s}'`;
  if (item.kind === 'entity') return `Entity(${q(item.name)})`;
  if (item.kind === 'dimension') return `Dimension(${q(item.name)})`;
  if (suffix?.startsWith('extract_')) return `TimeDimension(${q(item.name)}, date_part_name=${q(suffix.slice('extract_'.length))})`;
  return `TimeDimension(${q(item.name)}, ${q(suffix ?? item.defaultGrain ?? 'day')})`;
}

/** `ILIKE` pattern for a literal substring; the filter parser binds it as a parameter. */
export function containsPattern(search: string): string {
  const escaped = search.replace(/[\\%_]/g, (c) => `\\${c}`).replaceAll("'", "''");
  return `'%${escaped}%'`;
}

/** One page of distinct values of a group-by item. Throws UNKNOWN_DIMENSION (404) or a query error. */
export async function dimensionValues(engine: Engine, req: DimensionValuesRequest): Promise<DimensionValuesPage> {
  const metrics = [...(req.metrics ?? [])];
  const limit = req.limit ?? DEFAULT_VALUES_LIMIT;
  const offset = req.offset ?? 0;
  checkRange('limit', limit, 1, MAX_VALUES_LIMIT);
  checkRange('offset', offset, 0, MAX_VALUES_OFFSET);
  if (req.search !== undefined && req.search.length > MAX_SEARCH_LENGTH) {
    throw new MaatstafError('INVALID_QUERY', `search must be at most ${MAX_SEARCH_LENGTH} characters.`, { name: 'search', path: 'search' });
  }

  const name = req.name.trim().toLowerCase();
  const forMetrics = listGroupByItems(engine.graph, metrics);
  const found = findItem(forMetrics, name);
  if (!found) throw unknownItem(req.name, forMetrics, metrics);
  // Prefer a query without metrics; fall back to the metrics' query for items reached through their joins.
  const withoutMetrics = metrics.length === 0 || findItem(engine.graph.groupByItemsFor([]), name) !== undefined;

  const search = req.search?.trim();
  const query: MetricQueryInput = {
    metrics: withoutMetrics ? [] : metrics,
    groupBy: [name],
    orderBy: [name],
    limit: offset + limit + 1,
    ...(search ? { where: [`CAST({{ ${filterRef(found)} }} AS TEXT) ILIKE ${containsPattern(search)}`] } : {}),
  };
  const result = await engine.run(query, {
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.requestId !== undefined ? { requestId: req.requestId } : {}),
    ...(req.clientRequestId !== undefined ? { clientRequestId: req.clientRequestId } : {}),
  });
  const column = result.columns.find((c) => c.kind !== 'metric')!;
  // Read through protected metrics: a value whose cell was withheld covers fewer than k subjects
  // (or complements one that does) and is not listed. Without metrics the engine already dropped them.
  const withheld = new Set((result.meta.suppressed ?? []).map((s) => s.row));
  const all = result.rows.filter((_, i) => !withheld.has(i)).map((r) => (r[column.name] ?? null) as DimensionValue);
  const values = all.slice(offset, offset + limit);
  return {
    name,
    column,
    values,
    limit,
    offset,
    hasMore: all.length > offset + limit,
    meta: { ...result.meta, rowCount: values.length },
  };
}
