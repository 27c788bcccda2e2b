/**
 * The engine's input: one query model for every interface (REST body, GET query string, GraphQL
 * input, CLI flags). Validated with zod so the REST/OpenAPI/GraphQL schemas come from one source.
 */
import { z } from 'zod';

export const MAX_METRICS = 50;
export const MAX_GROUP_BY = 20;
export const MAX_FILTER_LENGTH = 4000;
export const MAX_LIMIT = 1_000_000;
export const MAX_OFFSET = 100_000_000;

const name = z.string().min(1).max(200);

export const TimeRangeSchema = z
  .object({
    start: z.string().max(40).optional().describe('Inclusive start (ISO date or date-time, project time zone).'),
    end: z.string().max(40).optional().describe('Inclusive end (ISO date or date-time, project time zone).'),
  })
  .strict();

/** Forecasts (src/forecast): the most future periods a query may ask for, and the interval levels offered. */
export const MAX_FORECAST_HORIZON = 2000;
export const FORECAST_LEVELS = [0.8, 0.9, 0.95] as const;
export const FORECAST_METHODS = ['auto', 'mstl', 'ets', 'seasonal_naive'] as const;

export const ForecastSpecSchema = z
  .object({
    horizon: z.number().int().min(1).max(MAX_FORECAST_HORIZON).describe(`Future periods of the query's metric_time grain (1-${MAX_FORECAST_HORIZON}).`),
    level: z
      .union([z.literal(0.8), z.literal(0.9), z.literal(0.95)])
      .default(0.9)
      .describe('Prediction interval level of `<metric>__lower` / `<metric>__upper`.'),
    method: z.enum(FORECAST_METHODS).default('auto').describe('`auto` picks by rolling-origin backtest between mstl, ets and seasonal_naive.'),
    seasonalPeriods: z
      .array(z.number().int().min(2).max(10_000))
      .min(1)
      .max(4)
      .optional()
      .describe('Season lengths in periods; default from the grain (hour: 24, 168; day: 7 (+365); week: 52; month: 12; quarter: 4).'),
  })
  .strict();

export const AnomalySpecSchema = z
  .object({
    level: z.number().min(0.5).max(0.999).default(0.99).describe('An actual outside the in-sample prediction interval at this level is flagged.'),
  })
  .strict();

/** The forecast spec as flat parameters (GET /v1/query, CLI flags). */
export interface FlatForecastParams {
  readonly forecastHorizon?: number | undefined;
  readonly forecastLevel?: number | undefined;
  readonly forecastMethod?: string | undefined;
  readonly seasonalPeriods?: readonly number[] | undefined;
  readonly anomalies?: boolean | undefined;
  readonly anomalyLevel?: number | undefined;
}

/**
 * Flat parameters → `forecast` and `anomalies` of the query model. Values pass through unchecked:
 * the engine validates them, so every interface gets the same error codes. A forecast parameter
 * without a horizon still makes a `forecast` object (whose missing horizon is then reported);
 * an anomaly level implies anomalies.
 */
export function forecastFromFlat(p: FlatForecastParams): Pick<MetricQueryInput, 'forecast' | 'anomalies'> {
  const spec = {
    ...(p.forecastHorizon !== undefined ? { horizon: p.forecastHorizon } : {}),
    ...(p.forecastLevel !== undefined ? { level: p.forecastLevel } : {}),
    ...(p.forecastMethod !== undefined ? { method: p.forecastMethod } : {}),
    ...(p.seasonalPeriods?.length ? { seasonalPeriods: [...p.seasonalPeriods] } : {}),
  };
  const anomalies = p.anomalyLevel !== undefined ? { level: p.anomalyLevel } : p.anomalies ? {} : undefined;
  // Unchecked on purpose (see above): the engine's schema decides.
  return { ...(Object.keys(spec).length ? { forecast: spec as ForecastSpec } : {}), ...(anomalies ? { anomalies: anomalies as AnomalySpec } : {}) };
}

/** The code of a validation problem at `path` of the query model: a horizon out of range has its own, every other is INVALID_QUERY. */
export function validationCodeAt(path: string): 'FORECAST_HORIZON_OUT_OF_RANGE' | 'INVALID_QUERY' {
  return path === 'forecast.horizon' ? 'FORECAST_HORIZON_OUT_OF_RANGE' : 'INVALID_QUERY';
}

export type ForecastSpec = z.output<typeof ForecastSpecSchema>;
export type AnomalySpec = z.output<typeof AnomalySpecSchema>;

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
    forecast: ForecastSpecSchema.optional().describe('Adds future rows with a point forecast and a prediction interval per metric (README "Forecasts").'),
    anomalies: AnomalySpecSchema.optional().describe('Adds `<metric>__anomaly` on history rows: the actual lies outside the in-sample interval.'),
    offset: z
      .number()
      .int()
      .min(0)
      .max(MAX_OFFSET)
      .optional()
      .describe('Rows to skip, after ordering and privacy protection (paging: order by every group-by item so pages are stable).'),
    useRollups: z.boolean().optional().describe('false: answer from the raw tables even when a declared rollup could (default true).'),
    minMaxOnly: z
      .boolean()
      .optional()
      .describe('true: one row with the smallest and largest value of the single group-by item (columns <item>__min, <item>__max); no metrics.'),
    applyGroupBy: z
      .boolean()
      .optional()
      .describe('false: a query without metrics returns one row per source row, duplicates kept (default true: distinct values).'),
  })
  .strict();

export type MetricQueryInput = z.input<typeof MetricQuerySchema>;
export type MetricQuery = z.output<typeof MetricQuerySchema>;

/**
 * A row-level rule of the access policy: the caller sees only rows where `filter` holds. Never part
 * of what a caller sends: the access layer (src/access) derives it from the caller's roles and hands
 * it down as its own field (RunOptions.rowRule), so the planner resolves it apart from the caller's
 * `where` (origin `rowRule`: its errors are the policy's), the cache keys on it and the audit log
 * records it.
 */
export interface RowRule {
  /** The roles the rule comes from (sorted); with several, a row any of them may see is visible. */
  readonly roles: readonly string[];
  /** MetricFlow filter text from the policy: the roles' own filters ANDed, several roles' ORed. */
  readonly filter: string;
}

/** A validated query with the row rule the caller's access adds (absent: every row). */
export type ConstrainedQuery = MetricQuery & { readonly rowRule?: RowRule };

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
    // Only when asked for, so the keys of every other query stay what they were.
    ...(query.forecast ? { forecast: normaliseForecast(query.forecast) } : {}),
    ...(query.anomalies ? { anomalies: { level: query.anomalies.level } } : {}),
    ...(query.offset ? { offset: query.offset } : {}),
    ...(query.useRollups === false ? { useRollups: false } : {}),
    ...(query.minMaxOnly ? { minMaxOnly: true } : {}),
    ...(query.applyGroupBy === false ? { applyGroupBy: false } : {}),
  };
}

/** The forecast spec with defaults filled, its seasonal periods sorted and without repeats (their order means nothing). */
export function normaliseForecast(spec: ForecastSpec): Record<string, unknown> {
  return {
    horizon: spec.horizon,
    level: spec.level,
    method: spec.method,
    seasonalPeriods: spec.seasonalPeriods ? [...new Set(spec.seasonalPeriods)].sort((a, b) => a - b) : null,
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

/** The rollup an answer was read from (src/planner/rollups): its name and the age of its build. */
export interface RollupUse {
  readonly name: string;
  /** ISO time of the build. */
  readonly builtAt: string;
  readonly ageSeconds: number;
}

/** One declared rollup tried for a query, in order: used, or the first rule it failed. */
export interface RollupCandidateInfo {
  readonly name: string;
  readonly used: boolean;
  readonly rule?: string;
  readonly reason?: string;
}

/** What the compiler returns: deterministic SQL with bound parameters ($1, $2, …). */
export interface CompiledQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly columns: readonly OutputColumn[];
  /** The semantic models whose relations the SQL reads, sorted (freshness: refresh keys per model). */
  readonly models: readonly string[];
  /** Set when the SQL reads a rollup instead of the raw tables. */
  readonly rollup?: RollupUse;
  /** Set when rollups are declared for the metrics queried: each one tried, in order. */
  readonly rollupCandidates?: readonly RollupCandidateInfo[];
}
