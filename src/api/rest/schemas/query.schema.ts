/**
 * Request and response schemas of the query routes. The POST body is the engine's own
 * MetricQuerySchema, so validation, documentation and the engine cannot drift apart.
 */
import { z } from 'zod';
import { MAX_FILTER_LENGTH, MAX_FORECAST_HORIZON, MAX_GROUP_BY, MAX_LIMIT, MAX_METRICS, MAX_OFFSET, MetricQuerySchema } from '../../../core/query.js';

/** The `offset` URL parameter's description (the query model's). */
export const OFFSET_NOTE = MetricQuerySchema.shape.offset.description ?? 'Rows to skip.';
import { EXAMPLE_FILTER, QUERY_EXAMPLES } from '../examples.js';

export const ColumnSchema = z
  .object({
    name: z.string().describe('Output name, e.g. `metric_time__month`.'),
    kind: z.enum(['metric', 'dimension', 'time', 'entity']),
    dataType: z.enum(['number', 'integer', 'string', 'boolean', 'date', 'datetime']),
    label: z.string().optional(),
    unit: z.string().optional(),
    grain: z.string().optional().describe('Time columns: the grain, or `extract_<part>` for date parts.'),
  })
  .meta({ id: 'Column' });

const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Withheld cells (small-cell suppression, src/privacy): the same shape as the engine's meta.suppressed. */
export const SuppressedCellsSchema = z
  .object({
    row: z.number().int().describe('Index into `rows` (0-based).'),
    columns: z.array(z.string()).describe('Metric columns whose value is withheld (null) in that row.'),
    reason: z
      .enum(['min_group_size', 'complementary'])
      .describe('`min_group_size`: fewer than k distinct subjects behind the cell; `complementary`: withheld so a suppressed cell cannot be recomputed from a total.'),
    k: z.number().int().describe('The minimum group size of the metric(s).'),
  })
  .meta({ id: 'SuppressedCells' });

const BacktestSchema = z
  .object({
    holdout: z.number().int().describe('Periods forecast from each origin.'),
    origins: z.number().int().describe('Rolling origins evaluated (at most 3).'),
    mae: z.number().nullable(),
    wape: z.number().nullable().describe('Sum of absolute errors / sum of absolute actuals.'),
    mase: z.number().nullable().describe('MAE / MAE of the seasonal-naive forecast on the same held-out periods (< 1: better).'),
    coverage: z.number().nullable().describe('Share of held-out actuals inside the interval.'),
  })
  .nullable();

export const ForecastMetaSchema = z
  .object({
    method: z.enum(['mstl', 'ets', 'seasonal_naive', 'mixed']).describe('`mixed`: auto chose differently per series (see `series`).'),
    seasonalPeriods: z.array(z.number().int()),
    level: z.number(),
    horizon: z.number().int(),
    history: z.object({ start: z.string().nullable(), end: z.string().nullable(), points: z.number().int() }),
    backtest: BacktestSchema.describe('Rolling-origin backtest, pooled over every series.'),
    anomalies: z.object({ level: z.number(), flagged: z.number().int() }).optional(),
    series: z.array(
      z.object({ metric: z.string(), key: z.record(z.string(), Cell), method: z.enum(['mstl', 'ets', 'seasonal_naive']), backtest: BacktestSchema }),
    ),
  })
  .meta({ id: 'ForecastMeta' });

export const RollupUseSchema = z
  .object({
    name: z.string(),
    builtAt: z.string().describe('ISO time of the build the answer was read from.'),
    ageSeconds: z.number().int(),
  })
  .meta({ id: 'RollupUse' });

export const QueryResultSchema = z
  .object({
    columns: z.array(ColumnSchema),
    rows: z.array(z.record(z.string(), Cell)).describe('One object per row, keyed by column name.'),
    meta: z.object({
      queryId: z.string().describe('The request id (also in the x-request-id header and the server log).'),
      definitionsVersion: z.string(),
      sqlHash: z.string().describe('Hash of the compiled SQL and parameters: equal hashes, equal numbers.'),
      rowCount: z.number().int(),
      durationMs: z.number(),
      suppressed: z
        .array(SuppressedCellsSchema)
        .optional()
        .describe('Present when the query has metrics with a minimum group size: the cells withheld as null (empty: none).'),
      forecast: ForecastMetaSchema.optional().describe('Present when the query asked for `forecast` or `anomalies` (README "Forecasts").'),
      rollup: RollupUseSchema.nullable()
        .optional()
        .describe('Present when rollups are declared: the rollup the answer was read from, or null (the raw tables answered).'),
    }),
  })
  .meta({ id: 'QueryResult' });

export const CompileResultSchema = z
  .object({
    sql: z.string(),
    params: z.array(z.unknown()).describe('Values for $1, $2, … in the SQL.'),
    columns: z.array(ColumnSchema),
    rollups: z
      .array(
        z.object({
          name: z.string(),
          used: z.boolean(),
          rule: z.string().optional().describe('The first rule the rollup failed (not-built, stale, time-grain, distinct-needs-exact-grouping, …).'),
          reason: z.string().optional(),
        }),
      )
      .optional()
      .describe('Present when rollups store metrics of the query: each one tried, in order, until one answers.'),
  })
  .meta({ id: 'CompiledQuery' });

/** The POST body: the query model with demo examples. */
export const QueryBodySchema = MetricQuerySchema.meta({ 'x-examples': QUERY_EXAMPLES });

const FORMAT = z.enum(['json', 'csv']);

/** `?format=` and `?bom=` of every route that returns rows. */
export const formatParams = {
  format: FORMAT.optional()
    .describe('Response format; overrides the Accept header. `csv` is RFC 4180 with a header row.')
    .meta({ examples: ['json'] }),
  bom: z
    .enum(['true', 'false'])
    .optional()
    .describe('CSV only: start with a UTF-8 byte order mark so Excel reads accents correctly.')
    .meta({ examples: ['false'] }),
  header: z
    .enum(['names', 'labels'])
    .optional()
    .describe('CSV only: header row of technical column names (default) or of the human-readable labels from the definitions (the name where a column has none).')
    .meta({ examples: ['labels'] }),
};

const itemName = z.string().min(1).max(200);
const listNote = 'Comma-separated or repeated.';

/** GET /v1/query: the query model as URL parameters (for Power BI's Web connector, Excel "From Web"). */
export const QueryStringSchema = z
  .object({
    metrics: z
      .array(itemName)
      .max(MAX_METRICS)
      .optional()
      .describe(`Metric names. ${listNote}`)
      .meta({ examples: [['reports_received', 'reports_resolved']] }),
    groupBy: z
      .array(itemName)
      .max(MAX_GROUP_BY)
      .optional()
      .describe(`Group-by items in dunder form (metric_time__month, report__category). ${listNote}`)
      .meta({ examples: [['metric_time__month']] }),
    where: z
      .array(z.string().max(MAX_FILTER_LENGTH))
      .max(20)
      .optional()
      .describe('MetricFlow filter; repeat the parameter for several (ANDed). Not split on commas.')
      .meta({ examples: [[EXAMPLE_FILTER]] }),
    start: z.string().max(40).optional().describe('Inclusive start of metric_time (ISO date or local date-time).').meta({ examples: ['2024-01-01'] }),
    end: z.string().max(40).optional().describe('Inclusive end of metric_time.').meta({ examples: ['2024-12-31'] }),
    orderBy: z
      .array(itemName)
      .max(MAX_GROUP_BY + MAX_METRICS)
      .optional()
      .describe(`Output names; prefix - for descending. ${listNote}`)
      .meta({ examples: [['metric_time__month']] }),
    limit: z.coerce.number().int().min(0).max(MAX_LIMIT).optional().meta({ examples: [100] }),
    offset: z.coerce.number().int().min(0).max(MAX_OFFSET).optional().describe(OFFSET_NOTE).meta({ examples: [100] }),
    // The forecast spec flattened (README "Forecasts"); ranges are checked by the engine, so every interface gets the same error codes.
    forecastHorizon: z.coerce
      .number()
      .optional()
      .describe(`forecast.horizon: future periods of the metric_time grain, 1-${MAX_FORECAST_HORIZON}.`)
      .meta({ examples: [3] }),
    forecastLevel: z.coerce.number().optional().describe('forecast.level: 0.8, 0.9 (default) or 0.95.').meta({ examples: [0.9] }),
    forecastMethod: z.string().max(40).optional().describe('forecast.method: auto (default), mstl, ets or seasonal_naive.').meta({ examples: ['seasonal_naive'] }),
    seasonalPeriods: z
      .array(z.coerce.number())
      .max(4)
      .optional()
      .describe(`forecast.seasonalPeriods (needs forecastHorizon). ${listNote}`)
      .meta({ examples: [[3]] }),
    anomalies: z.enum(['true', 'false']).optional().describe('true: add `<metric>__anomaly` flags on history rows.').meta({ examples: ['true'] }),
    anomalyLevel: z.coerce.number().optional().describe('anomalies.level (default 0.99); implies anomalies=true.').meta({ examples: [0.99] }),
    minMaxOnly: z.enum(['true', 'false']).optional().describe(MetricQuerySchema.shape.minMaxOnly.description ?? 'true: MIN and MAX only.').meta({ examples: ['false'] }),
    applyGroupBy: z.enum(['true', 'false']).optional().describe(MetricQuerySchema.shape.applyGroupBy.description ?? 'false: keep duplicates.').meta({ examples: ['true'] }),
    ...formatParams,
  })
  .strict();

/** Parameters split on commas (and accepted repeated) before validation. */
export const QUERY_LIST_PARAMS = ['metrics', 'groupBy', 'orderBy', 'seasonalPeriods'] as const;
/** Parameters accepted repeated but never split (filters contain commas). */
export const QUERY_REPEATED_PARAMS = ['where'] as const;
