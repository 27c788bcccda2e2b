/** URL parameters (`?metrics=…&start=…`) → the query model the engine takes. */
import { forecastFromFlat, type MetricQueryInput } from '../../core/query.js';

export interface UrlQueryParams {
  readonly metrics?: readonly string[] | undefined;
  readonly groupBy?: readonly string[] | undefined;
  readonly where?: readonly string[] | undefined;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly orderBy?: readonly string[] | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
  readonly forecastHorizon?: number | undefined;
  readonly forecastLevel?: number | undefined;
  readonly forecastMethod?: string | undefined;
  readonly seasonalPeriods?: readonly number[] | undefined;
  readonly anomalies?: 'true' | 'false' | undefined;
  readonly anomalyLevel?: number | undefined;
  readonly minMaxOnly?: 'true' | 'false' | undefined;
  readonly applyGroupBy?: 'true' | 'false' | undefined;
}

/** `start`/`end` become `timeRange`; absent lists stay absent so the engine's defaults apply. */
export function queryFromUrl(p: UrlQueryParams): MetricQueryInput {
  const timeRange = p.start !== undefined || p.end !== undefined ? { ...(p.start !== undefined ? { start: p.start } : {}), ...(p.end !== undefined ? { end: p.end } : {}) } : undefined;
  return {
    ...(p.metrics ? { metrics: [...p.metrics] } : {}),
    ...(p.groupBy ? { groupBy: [...p.groupBy] } : {}),
    ...(p.where?.length ? { where: [...p.where] } : {}),
    ...(timeRange ? { timeRange } : {}),
    ...(p.orderBy ? { orderBy: [...p.orderBy] } : {}),
    ...(p.limit !== undefined ? { limit: p.limit } : {}),
    ...(p.offset ? { offset: p.offset } : {}),
    ...(p.minMaxOnly === 'true' ? { minMaxOnly: true } : {}),
    ...(p.applyGroupBy === 'false' ? { applyGroupBy: false } : {}),
    ...forecastFromFlat({ ...p, anomalies: p.anomalies === 'true' }),
  };
}

/** The saved-query run params from URL parameters (same names). */
export function savedQueryParamsFromUrl(p: Omit<UrlQueryParams, 'metrics' | 'groupBy'>): Record<string, unknown> {
  const { metrics: _m, groupBy: _g, ...rest } = queryFromUrl(p);
  return rest;
}
