/**
 * The engine's input: one query model for every interface (REST body, GET query string, GraphQL
 * input, CLI flags). Validated with zod so the REST/OpenAPI/GraphQL schemas come from one source.
 */
import { z } from 'zod';

export const MAX_METRICS = 50;
export const MAX_GROUP_BY = 20;
export const MAX_FILTER_LENGTH = 4000;
export const MAX_LIMIT = 1_000_000;

const name = z.string().min(1).max(200);

export const TimeRangeSchema = z
  .object({
    start: z.string().max(40).optional().describe('Inclusive start (ISO date or date-time, project time zone).'),
    end: z.string().max(40).optional().describe('Inclusive end (ISO date or date-time, project time zone).'),
  })
  .strict();

export const MetricQuerySchema = z
  .object({
    metrics: z.array(name).max(MAX_METRICS).default([]).describe('Metric names. Empty: list dimension values.'),
    groupBy: z
      .array(name)
      .max(MAX_GROUP_BY)
      .default([])
      .describe('Group-by items in MetricFlow dunder form: metric_time__month, entity__dimension, …'),
    where: z
      .union([z.string().max(MAX_FILTER_LENGTH), z.array(z.string().max(MAX_FILTER_LENGTH)).max(20)])
      .optional()
      .describe("MetricFlow filter(s), e.g. {{ Dimension('report__district') }} = 'Centrum'. Several are ANDed."),
    timeRange: TimeRangeSchema.optional().describe('Constrains metric_time; both ends inclusive.'),
    orderBy: z.array(name).max(MAX_GROUP_BY + MAX_METRICS).default([]).describe('Output names; prefix - for descending.'),
    limit: z.number().int().min(0).max(MAX_LIMIT).optional(),
  })
  .strict();

export type MetricQueryInput = z.input<typeof MetricQuerySchema>;
export type MetricQuery = z.output<typeof MetricQuerySchema>;

/** A name as every layer compares it: MetricFlow names are case-insensitive and surrounding blanks mean nothing. */
export const canonicalName = (name: string): string => name.trim().toLowerCase();

/** An orderBy entry in canonical form: `-name` descending, `name` ascending (`- Name ` → `-name`). */
export function canonicalOrderBy(entry: string): string {
  const trimmed = entry.trim();
  return trimmed.startsWith('-') ? `-${canonicalName(trimmed.slice(1))}` : canonicalName(trimmed);
}

/**
 * The query with its names canonicalised. Done ONCE, where a query is validated (engine
 * parseQuery), so access, privacy, cache and audit all see the same spelling: a metric asked for as
 * `BENEFIT_CASES_STARTED` or ` benefit_cases_started ` is the same metric everywhere.
 */
export function canonicalQuery(query: MetricQuery): MetricQuery {
  return {
    ...query,
    metrics: query.metrics.map(canonicalName),
    groupBy: query.groupBy.map(canonicalName),
    orderBy: query.orderBy.map(canonicalOrderBy),
  };
}

/**
 * The query with defaults filled and the `where` list sorted (filters are ANDed, so their order
 * does not change the answer). metrics, groupBy and orderBy keep their order: it shapes the output.
 */
export function normaliseQuery(query: MetricQuery): Record<string, unknown> {
  const where = query.where === undefined ? [] : typeof query.where === 'string' ? [query.where] : [...query.where];
  where.sort();
  // Fixed property order so equal queries serialise equally whatever order the caller wrote.
  return {
    metrics: query.metrics,
    groupBy: query.groupBy,
    where,
    timeRange: query.timeRange ? { start: query.timeRange.start ?? null, end: query.timeRange.end ?? null } : null,
    orderBy: query.orderBy,
    limit: query.limit ?? null,
  };
}

export type ColumnKind = 'metric' | 'dimension' | 'time' | 'entity';

export interface OutputColumn {
  /** Resolved output name (`metric_time` → `metric_time__day`). */
  readonly name: string;
  readonly kind: ColumnKind;
  /** `number`, `string`, `boolean`, `date` (day or coarser grain), `datetime` (sub-daily), `integer` (date parts). */
  readonly dataType: 'number' | 'integer' | 'string' | 'boolean' | 'date' | 'datetime';
  readonly label?: string;
  /** For metrics: the unit from the definitions' meta, if any. */
  readonly unit?: string;
  /** For time columns: the grain; for date parts: `extract_<part>`. */
  readonly grain?: string;
}

/** What the compiler returns: deterministic SQL with bound parameters ($1, $2, …). */
export interface CompiledQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly columns: readonly OutputColumn[];
  /** The semantic models whose relations the SQL reads, sorted (freshness: refresh keys per model). */
  readonly models: readonly string[];
}
