/**
 * A query with `forecast` or `anomalies`: its history is the same query without them, answered by
 * the engine as any other (access row rules already in its `where`, small cells protected), then
 * src/forecast adds the fitted values, the future rows and `meta.forecast`. Personal metrics are
 * forecast only when no history cell was withheld or dropped.
 */
import { MaatstafError } from '../core/errors.js';
import type { MetricQuery } from '../core/query.js';
import { forecastAnswer, forecastPolicy, type SeriesMetric } from '../forecast/index.js';
import type { SemanticGraph } from '../semantic-graph/index.js';
import type { QueryResult } from './types.js';

/** The history's answer and what privacy did to it. */
export interface HistoryAnswer {
  readonly result: QueryResult;
  /** A cell was withheld or a row dropped by small-cell protection. */
  readonly withheld: boolean;
  /** The query's metrics about data subjects (protected columns). */
  readonly personal: readonly string[];
}

export type ForecastQuery = MetricQuery & Required<Pick<MetricQuery, 'forecast'>> | MetricQuery & Required<Pick<MetricQuery, 'anomalies'>>;

export const asksForecast = (q: MetricQuery): q is ForecastQuery => q.forecast !== undefined || q.anomalies !== undefined;

/** How each metric's missing periods are treated; ratios and averages are refused before any SQL runs. */
function seriesMetrics(graph: SemanticGraph, query: MetricQuery): Omit<SeriesMetric, 'personal'>[] {
  if (query.metrics.length === 0) {
    throw new MaatstafError('FORECAST_UNSUPPORTED_METRIC', 'a forecast needs at least one metric', { path: 'metrics' });
  }
  return query.metrics.flatMap((name, i) => {
    const def = graph.metric(name);
    if (!def) return []; // unknown: the history query reports it with suggestions
    const policy = forecastPolicy(def);
    if ('refused' in policy) {
      const suggestions = policy.suggestions.filter((s) => graph.metric(s)?.hidden === false);
      throw new MaatstafError('FORECAST_UNSUPPORTED_METRIC', `${policy.refused}; it cannot be forecast as it is`, { name, path: `metrics[${i}]`, suggestions });
    }
    return [{ name, fill: policy.fill }];
  });
}

export async function runForecast(graph: SemanticGraph, query: ForecastQuery, runHistory: (history: MetricQuery) => Promise<HistoryAnswer>): Promise<QueryResult> {
  const metrics = seriesMetrics(graph, query);
  // The history is always whole; offset and limit (also a row bound the limits layer sets) page the answer.
  const { forecast, anomalies, limit, offset = 0, orderBy, ...history } = query;
  const { result, withheld, personal } = await runHistory({ ...history, orderBy: [] });
  if (withheld && personal.length) {
    throw new MaatstafError(
      'PRIVACY_PROTECTED',
      `a forecast of ${personal.join(', ')} (about people) is only given when every history cell is shown unprotected; this history has withheld cells: use a coarser grain, fewer groups or a wider time range`,
      { name: personal[0]! },
    );
  }
  const answer = forecastAnswer({
    columns: result.columns,
    rows: result.rows,
    ...(forecast ? { forecast } : {}),
    ...(anomalies ? { anomalies } : {}),
    ...(query.timeRange ? { timeRange: query.timeRange } : {}),
    timeZone: graph.timeZone,
    metrics: metrics.map((m) => ({ ...m, personal: personal.includes(m.name) })),
  });
  const ordered = orderBy.length ? orderRows(answer.rows, orderBy, answer.columns.map((c) => c.name)) : answer.rows;
  const rows = ordered.slice(offset, limit === undefined ? undefined : offset + limit);
  return { columns: answer.columns, rows, meta: { ...result.meta, rowCount: rows.length, forecast: answer.meta } };
}

/** Orders by output names of the forecast answer (its own columns included): stable, nulls last, strings in code-unit order. */
function orderRows(rows: readonly Record<string, unknown>[], orderBy: readonly string[], names: readonly string[]): readonly Record<string, unknown>[] {
  const keys = orderBy.map((entry, i) => {
    const name = entry.startsWith('-') ? entry.slice(1) : entry;
    if (!names.includes(name)) {
      throw new MaatstafError('INVALID_ORDER_BY', `orderBy '${name}' is not an output of this forecast`, { name, path: `orderBy[${i}]`, available: names });
    }
    return { name, sign: entry.startsWith('-') ? -1 : 1 };
  });
  const compare = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    return (a as number | string) < (b as number | string) ? -1 : 1;
  };
  return [...rows].sort((x, y) => {
    for (const { name, sign } of keys) {
      const c = compare(x[name], y[name]);
      if (c !== 0) return x[name] == null || y[name] == null ? c : sign * c;
    }
    return 0;
  });
}
