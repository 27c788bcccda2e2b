/**
 * Saved queries as KPI endpoints (spec 1.10): a saved query is an ordinary query with stored
 * params. At run time extra `where` filters are ANDed with the saved ones, and a given `orderBy`
 * or `limit` replaces the saved one; `timeRange` applies as in any query.
 */
import { z } from 'zod';
import { MaatstafError } from '../core/errors.js';
import { MetricQuerySchema, type MetricQueryInput } from '../core/query.js';
import { suggest } from '../core/suggest.js';
import type { Definitions, SavedQueryDef } from '../definitions/model.js';

export interface SavedQuerySummary {
  readonly name: string;
  /** The definitions' label, or the name. */
  readonly label: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** The query it runs, in the query model (`orderBy` with `-` for descending). */
  readonly query: SavedQueryRequest;
}

/** A saved query in the query model; assignable to MetricQueryInput. */
export interface SavedQueryRequest {
  metrics: string[];
  groupBy: string[];
  where?: string[];
  orderBy: string[];
  limit?: number;
}

/** What a caller may add when running a saved query. */
export const SavedQueryParamsSchema = z
  .object({
    where: MetricQuerySchema.shape.where.describe('Filter(s) ANDed with the saved query’s own filters.'),
    timeRange: MetricQuerySchema.shape.timeRange,
    orderBy: z
      .array(z.string().min(1).max(200))
      .max(70)
      .optional()
      .describe('Replaces the saved order. Output names; prefix - for descending.'),
    limit: MetricQuerySchema.shape.limit.describe('Replaces the saved limit.'),
    offset: MetricQuerySchema.shape.offset,
  })
  .strict();

export type SavedQueryParams = z.input<typeof SavedQueryParamsSchema>;

/** The saved query as a query-model request. */
export function savedQueryRequest(def: SavedQueryDef): SavedQueryRequest {
  return {
    metrics: [...def.metrics],
    groupBy: [...def.groupBy],
    ...(def.where.length ? { where: [...def.where] } : {}),
    orderBy: def.orderBy.map((o) => (o.descending ? `-${o.name}` : o.name)),
    ...(def.limit !== undefined ? { limit: def.limit } : {}),
  };
}

export function savedQuerySummary(def: SavedQueryDef): SavedQuerySummary {
  return {
    name: def.name,
    label: def.label ?? def.name,
    ...(def.description !== undefined ? { description: def.description } : {}),
    tags: def.tags,
    query: savedQueryRequest(def),
  };
}

/** Every saved query, by name; `tag` keeps those with that tag (case-insensitive). */
export function listSavedQueries(defs: Definitions, filter: { readonly tag?: string } = {}): SavedQuerySummary[] {
  const tag = filter.tag?.toLowerCase();
  return [...defs.savedQueries]
    .filter((q) => tag === undefined || q.tags.some((t) => t.toLowerCase() === tag))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(savedQuerySummary);
}

/** The saved query of this name; UNKNOWN_SAVED_QUERY (404) with suggestions otherwise. */
export function requireSavedQuery(defs: Definitions, name: string): SavedQueryDef {
  const def = defs.savedQueries.find((q) => q.name === name);
  if (def) return def;
  const names = defs.savedQueries.map((q) => q.name);
  throw new MaatstafError('UNKNOWN_SAVED_QUERY', `Unknown saved query '${name}'.`, { name, suggestions: suggest(name, names) });
}

const asList = (w: string | readonly string[] | undefined): string[] => (w === undefined ? [] : typeof w === 'string' ? [w] : [...w]);

/**
 * The request that runs a saved query with run-time params: `where` ANDed, `orderBy` and `limit`
 * replacing the saved ones when given. Throws UNKNOWN_SAVED_QUERY, or INVALID_QUERY for bad params.
 */
export function savedQueryRunRequest(defs: Definitions, name: string, params: unknown = {}): MetricQueryInput {
  const def = requireSavedQuery(defs, name);
  const parsed = SavedQueryParamsSchema.safeParse(params ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.');
    throw new MaatstafError('INVALID_QUERY', `${path || 'params'}: ${issue.message}`, path ? { path } : {});
  }
  const p = parsed.data;
  const base = savedQueryRequest(def);
  const where = [...asList(base.where), ...asList(p.where)];
  return {
    ...base,
    ...(where.length ? { where } : {}),
    ...(p.timeRange ? { timeRange: p.timeRange } : {}),
    ...(p.orderBy ? { orderBy: p.orderBy } : {}),
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
    ...(p.offset ? { offset: p.offset } : {}),
  };
}
