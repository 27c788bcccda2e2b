/**
 * An entity-set request as ONE maatstaf query: the saved query's own run request (as
 * GET /v1/saved-queries/{name}/results builds it) with `$filter` ANDed to its filters, `$orderby`
 * (then the saved order, then every remaining key column, so the order is total) and the page's
 * `offset`/`limit`. `$select` only picks the columns sent: the rows stay the saved query's.
 */
import type { MetricQueryInput } from '../../core/query.js';
import type { ODataEntitySet } from './entity-sets.js';
import { translateFilter } from './filter.js';
import type { ODataOptions } from './options.js';

const orderName = (o: string): string => (o.startsWith('-') ? o.slice(1) : o);

/** The order: asked for, then the saved one, then the remaining keys (ascending). */
export function totalOrder(set: ODataEntitySet, asked: ODataOptions['orderBy']): string[] {
  const out: string[] = asked.map((o) => (o.descending ? `-${o.name}` : o.name));
  const has = (name: string) => out.some((o) => orderName(o) === name);
  for (const o of asked.length ? [] : ((set.request.orderBy as string[] | undefined) ?? [])) if (!has(orderName(o))) out.push(o);
  for (const k of set.keys) if (!has(k)) out.push(k);
  return out;
}

/** The query without paging (`limit` stays the saved query's own). */
export function setQuery(set: ODataEntitySet, opts: ODataOptions, timeZone: string): MetricQueryInput {
  const saved = set.request;
  const savedWhere = saved.where === undefined ? [] : typeof saved.where === 'string' ? [saved.where] : [...saved.where];
  const where = opts.filter !== undefined ? [...savedWhere, translateFilter(opts.filter, { set, timeZone })] : savedWhere;
  return { ...saved, ...(where.length ? { where } : {}), orderBy: totalOrder(set, opts.orderBy) };
}

/** The same query reading `limit` rows from `offset`. */
export function pagedQuery(query: MetricQueryInput, offset: number, limit: number): MetricQueryInput {
  const { offset: _o, ...rest } = query;
  return { ...rest, limit, ...(offset > 0 ? { offset } : {}) };
}

/** The row as sent: the selected properties in the order asked, or every column in the answer's order. */
export function project(set: ODataEntitySet, select: readonly string[] | undefined): (row: Readonly<Record<string, unknown>>) => Record<string, unknown> {
  const names = select ?? set.properties.map((p) => p.name);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const n of names) out[n] = row[n] ?? null;
    return out;
  };
}
