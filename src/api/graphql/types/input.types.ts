/**
 * Input types. QueryInput mirrors the REST POST /v1/query body field for field, with plain
 * strings (names from variables, `-` for descending order, filters), so the engine validates it
 * exactly as it validates REST bodies. GraphQL `null` means "not given".
 */
import { GraphQLBoolean, GraphQLFloat, GraphQLInputObjectType, GraphQLInt, GraphQLString } from 'graphql/index.js';
import { AnomalySpecSchema, ForecastSpecSchema, MAX_LIMIT, MetricQuerySchema, TimeRangeSchema, type MetricQueryInput } from '../../../core/query.js';
import type { MetricFilter } from '../../../engine/catalog.js';
import type { SavedQueryParams } from '../../../engine/saved-queries.js';
import { MetricStatusEnum } from './metric.types.js';
import { optionalListOf } from './wrappers.js';

const doc = (schema: { description?: string | undefined }) => (schema.description ? { description: schema.description } : {});
const shape = MetricQuerySchema.shape;

export const TimeRangeInputType = new GraphQLInputObjectType({
  name: 'TimeRangeInput',
  description: 'Constrains metric_time; both ends inclusive.',
  fields: {
    start: { type: GraphQLString, ...doc(TimeRangeSchema.shape.start) },
    end: { type: GraphQLString, ...doc(TimeRangeSchema.shape.end) },
  },
});

/** The forecast spec; values are checked by the engine (same error codes as REST), so fields are plain scalars. */
export const ForecastInputType = new GraphQLInputObjectType({
  name: 'ForecastInput',
  description: 'Future periods with a prediction interval (README "Forecasts").',
  fields: {
    horizon: { type: GraphQLInt, ...doc(ForecastSpecSchema.shape.horizon) },
    level: { type: GraphQLFloat, ...doc(ForecastSpecSchema.shape.level) },
    method: { type: GraphQLString, ...doc(ForecastSpecSchema.shape.method) },
    seasonalPeriods: { type: optionalListOf(GraphQLInt), ...doc(ForecastSpecSchema.shape.seasonalPeriods) },
  },
});

export const AnomaliesInputType = new GraphQLInputObjectType({
  name: 'AnomaliesInput',
  description: 'Flags history rows whose actual lies outside the in-sample interval.',
  fields: { level: { type: GraphQLFloat, ...doc(AnomalySpecSchema.shape.level) } },
});

export const QueryInputType = new GraphQLInputObjectType({
  name: 'QueryInput',
  description: 'A query: the REST POST /v1/query body, field for field.',
  fields: {
    metrics: { type: optionalListOf(GraphQLString), ...doc(shape.metrics) },
    groupBy: { type: optionalListOf(GraphQLString), ...doc(shape.groupBy) },
    where: { type: optionalListOf(GraphQLString), ...doc(shape.where) },
    timeRange: { type: TimeRangeInputType, ...doc(shape.timeRange) },
    orderBy: { type: optionalListOf(GraphQLString), ...doc(shape.orderBy) },
    limit: { type: GraphQLInt, description: shape.limit.description ?? `Most rows to return (0 to ${MAX_LIMIT}).` },
    offset: { type: GraphQLInt, ...doc(shape.offset) },
    forecast: { type: ForecastInputType, ...doc(shape.forecast) },
    anomalies: { type: AnomaliesInputType, ...doc(shape.anomalies) },
    useRollups: { type: GraphQLBoolean, ...doc(shape.useRollups) },
    minMaxOnly: { type: GraphQLBoolean, ...doc(shape.minMaxOnly) },
    applyGroupBy: { type: GraphQLBoolean, ...doc(shape.applyGroupBy) },
  },
});

export const MetricFilterInputType = new GraphQLInputObjectType({
  name: 'MetricFilter',
  description: 'Keeps metrics matching every given field.',
  fields: {
    owner: { type: GraphQLString, description: 'Owner (exact, case-insensitive).' },
    tag: { type: GraphQLString, description: 'One of the metric’s tags (case-insensitive).' },
    status: { type: MetricStatusEnum },
    search: { type: GraphQLString, description: 'Case-insensitive text in name, label or description (Dutch or English).' },
  },
});

/** Drops null and undefined fields (GraphQL null = not given), one level down into objects. */
export function withoutNulls<T extends object>(value: T | null | undefined): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value ?? {})) {
    if (v === null || v === undefined) continue;
    out[key] = typeof v === 'object' && !Array.isArray(v) ? withoutNulls(v as object) : v;
  }
  return out as Partial<T>;
}

/** QueryInput as the engine's query model. */
export function queryFromInput(input: unknown): MetricQueryInput {
  return withoutNulls(input as MetricQueryInput | null) as MetricQueryInput;
}

/** MetricFilter as the catalogue's filter. */
export function metricFilterFromInput(input: unknown): MetricFilter {
  return withoutNulls(input as MetricFilter | null);
}

/** `SavedQuery.results` arguments as saved-query params. */
export function savedQueryParamsFromArgs(args: Record<string, unknown>): SavedQueryParams {
  return withoutNulls(args as SavedQueryParams);
}
