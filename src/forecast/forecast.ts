/**
 * A governed answer plus its forecast: the engine's history rows (after access, row rules and
 * small-cell protection) become one series per metric and per combination of the other group-bys,
 * each is fitted, and `horizon` future rows follow its history. Pure apart from the augurs WASM;
 * deterministic (augurs is, and series and rows come in a fixed order).
 */
import { MaatstafError } from '../core/errors.js';
import type { AnomalySpec, ForecastSpec, OutputColumn } from '../core/query.js';
import { chooseMethod, planBacktest, scoreOf, sumErrors, type BacktestScore, type ErrorSums } from './backtest.js';
import { runMethod, seasonalNaive, type InSample, type Method } from './models.js';
import { groupSeries, seriesValues, type Series, type SeriesMetric } from './series.js';
import { defaultSeasons, futureKeys, historyKeys, isForecastGrain, labelOf, FORECAST_GRAINS, type ForecastGrain } from './spine.js';

/** Series (metric × combination of the other group-bys) one query may forecast. */
export const MAX_FORECAST_SERIES = 20;
/** History periods × series one query may fit (two years hourly is ~17,500 per series). */
export const MAX_FORECAST_POINTS = 200_000;

export interface ForecastRequest {
  readonly columns: readonly OutputColumn[];
  readonly rows: readonly Record<string, unknown>[];
  /** Absent with `anomalies` alone: history rows only. */
  readonly forecast?: ForecastSpec;
  readonly anomalies?: AnomalySpec;
  readonly timeRange?: { readonly start?: string; readonly end?: string };
  readonly timeZone: string;
  /** The query's metrics with how their missing periods are treated (metric-policy.ts). */
  readonly metrics: readonly SeriesMetric[];
}

export interface SeriesForecastMeta {
  readonly metric: string;
  readonly key: Readonly<Record<string, unknown>>;
  readonly method: Method;
  readonly backtest: BacktestScore | null;
}

export interface ForecastMeta {
  /** The method of every series, or `mixed` when `auto` chose differently per series. */
  readonly method: Method | 'mixed';
  readonly seasonalPeriods: readonly number[];
  readonly level: number;
  readonly horizon: number;
  readonly history: { readonly start: string | null; readonly end: string | null; readonly points: number };
  /** Pooled over every series (one series: its own). */
  readonly backtest: BacktestScore | null;
  readonly anomalies?: { readonly level: number; readonly flagged: number };
  readonly series: readonly SeriesForecastMeta[];
}

export interface ForecastAnswer {
  readonly columns: readonly OutputColumn[];
  readonly rows: readonly Record<string, unknown>[];
  readonly meta: ForecastMeta;
}

const round = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 1e4) / 1e4);

function timeColumnOf(columns: readonly OutputColumn[]): { column: OutputColumn; grain: ForecastGrain } {
  const metricTime = columns.filter((c) => c.kind === 'time' && c.name.startsWith('metric_time__'));
  const column = metricTime[0];
  const grain = column?.grain;
  if (metricTime.length !== 1 || !column || !isForecastGrain(grain) || column.name !== `metric_time__${grain}`) {
    throw new MaatstafError(
      'FORECAST_TIME_GRAIN',
      `a forecast needs exactly one metric_time grain in groupBy (${FORECAST_GRAINS.map((g) => `metric_time__${g}`).join(', ')}) and no metric_time date part; found ${metricTime.length ? metricTime.map((c) => c.name).join(', ') : 'none'}`,
      { ...(metricTime.length ? { name: metricTime.map((c) => c.name).join(',') } : {}), path: 'groupBy', available: FORECAST_GRAINS.map((g) => `metric_time__${g}`) },
    );
  }
  return { column, grain };
}

function addedColumns(columns: readonly OutputColumn[], metrics: readonly SeriesMetric[], level: number, anomalies: boolean): OutputColumn[] {
  const pct = `${Math.round(level * 100)} %`;
  const added: OutputColumn[] = [];
  for (const m of metrics) {
    const col = columns.find((c) => c.name === m.name);
    const label = col?.label ?? m.name;
    const unit = col?.unit !== undefined ? { unit: col.unit } : {};
    added.push({ name: `${m.name}__forecast`, kind: 'metric', dataType: 'number', label: `${label} (forecast)`, ...unit });
    added.push({ name: `${m.name}__lower`, kind: 'metric', dataType: 'number', label: `${label} (lower ${pct})`, ...unit });
    added.push({ name: `${m.name}__upper`, kind: 'metric', dataType: 'number', label: `${label} (upper ${pct})`, ...unit });
    if (anomalies) added.push({ name: `${m.name}__anomaly`, kind: 'metric', dataType: 'boolean', label: `${label} (anomaly)` });
  }
  added.push({ name: 'forecast', kind: 'dimension', dataType: 'boolean', label: 'Forecast' });
  const taken = new Set(columns.map((c) => c.name));
  const clash = added.find((c) => taken.has(c.name));
  if (clash) throw new MaatstafError('UNSUPPORTED_QUERY', `the forecast column '${clash.name}' is already an output of this query`, { name: clash.name });
  return [...columns, ...added];
}

interface Fitted {
  readonly method: Method;
  readonly sums: ErrorSums | undefined;
  readonly origins: number;
  readonly holdout: number;
  readonly future: { readonly point: readonly number[]; readonly lower: readonly number[]; readonly upper: readonly number[] };
  readonly inSample: InSample | undefined;
  readonly anomalyBand: InSample | undefined;
}

function fitSeries(y: Float64Array, seasons: readonly number[], spec: Required<Pick<ForecastSpec, 'method' | 'level'>>, horizon: number, anomalyLevel: number | undefined, metric: string): Fitted {
  const longest = Math.max(1, ...seasons);
  const plan = planBacktest(y.length, longest, horizon || longest);
  let method: Method;
  let sums: ErrorSums | undefined;
  try {
    if (spec.method === 'auto') {
      ({ method, sums } = plan ? chooseMethod(y, seasons, spec.level, plan) : { method: 'seasonal_naive' as Method, sums: undefined });
    } else {
      method = spec.method;
      sums = plan ? sumErrors(method, y, seasons, spec.level, plan) : undefined;
    }
    const levels = anomalyLevel !== undefined && method !== 'ets' ? [spec.level, anomalyLevel] : [spec.level];
    const fit = runMethod(method, y, seasons, horizon, spec.level, levels);
    // Anomalies come from an in-sample interval: the MSTL decomposition's (seasonal naive without a season), whatever forecasts.
    let anomalyBand = anomalyLevel !== undefined ? fit.inSample[1] : undefined;
    if (anomalyLevel !== undefined && method === 'ets') {
      anomalyBand = (seasons.length ? runMethod('mstl', y, seasons, 0, anomalyLevel, [anomalyLevel]) : seasonalNaive(y, 1, 0, anomalyLevel, [anomalyLevel])).inSample[0];
    }
    if (anomalyBand && seasons.length) anomalyBand = widened(anomalyBand, y.length, seasons);
    return { method, sums, origins: plan?.origins.length ?? 0, holdout: plan?.holdout ?? 0, future: fit.future, inSample: fit.inSample[0], anomalyBand };
  } catch (e) {
    if (e instanceof MaatstafError) throw e;
    throw new MaatstafError('UNSUPPORTED_QUERY', `the ${spec.method} model could not be fitted to '${metric}' (${String(e).slice(0, 200)}); try method seasonal_naive or auto`, { name: metric, path: 'forecast.method' });
  }
}

/**
 * The MSTL in-sample interval with the usual degrees-of-freedom correction: its seasonal components
 * were estimated from these very points (about Σ periods parameters), so in-sample residuals
 * understate the noise by √((n − p) / n). Without it a clean 8-week hourly series was flagged at
 * ~1.05 % at level 0.99; with it about 0.7 %. Negligible on long histories.
 */
function widened(band: InSample, n: number, seasons: readonly number[]): InSample {
  const p = seasons.reduce((a, b) => a + b, 0);
  const factor = n > 2 * p ? Math.sqrt(n / (n - p)) : Math.SQRT2;
  const lower = band.lower.map((lo, i) => (lo === null || band.point[i] == null ? null : band.point[i]! - (band.point[i]! - lo) * factor));
  const upper = band.upper.map((hi, i) => (hi === null || band.point[i] == null ? null : band.point[i]! + (hi - band.point[i]!) * factor));
  return { point: band.point, lower, upper };
}

export function forecastAnswer(req: ForecastRequest): ForecastAnswer {
  const { column: timeCol, grain } = timeColumnOf(req.columns);
  const metricNames = new Set(req.metrics.map((m) => m.name));
  const keyColumns = req.columns.filter((c) => c !== timeCol && !metricNames.has(c.name));
  const series = groupSeries(req.rows, timeCol.name, keyColumns);
  const seriesCount = Math.max(series.length, 1) * req.metrics.length;
  if (seriesCount > MAX_FORECAST_SERIES) {
    throw new MaatstafError('FORECAST_TOO_MANY_SERIES', `this query makes ${seriesCount} series (metrics × combinations of ${keyColumns.map((c) => c.name).join(', ') || 'groups'}); a forecast takes at most ${MAX_FORECAST_SERIES}: filter or group by less`, { path: 'groupBy' });
  }
  const dataKeys = [...new Set(series.flatMap((s) => [...s.rows.keys()]))];
  const maxPeriods = Math.floor(MAX_FORECAST_POINTS / Math.max(seriesCount, 1));
  const periods = historyKeys(req.timeRange, dataKeys, grain, req.timeZone, maxPeriods);
  if (!periods) {
    throw new MaatstafError('QUERY_LIMIT_EXCEEDED', `a forecast fits at most ${MAX_FORECAST_POINTS} history periods × series; narrow the time range or use a coarser grain`, { path: 'timeRange' });
  }
  const seasons = req.forecast?.seasonalPeriods ? [...new Set(req.forecast.seasonalPeriods)].sort((a, b) => a - b) : defaultSeasons(grain, periods.length);
  const longest = Math.max(1, ...seasons);
  const needed = Math.max(2 * longest, 3);
  if (periods.length < needed) {
    throw new MaatstafError('FORECAST_HISTORY_TOO_SHORT', `a forecast at ${grain} grain with seasons ${seasons.join(', ') || 'none'} needs at least ${needed} periods of history (two of the longest season); this one has ${periods.length}`, { path: 'timeRange' });
  }
  const spec = { method: req.forecast?.method ?? 'auto', level: req.forecast?.level ?? 0.9 } as const;
  if (spec.method === 'mstl' && seasons.length === 0) {
    throw new MaatstafError('INVALID_QUERY', `method mstl needs a seasonal period and ${grain} grain has none by default; give forecast.seasonalPeriods or use auto`, { path: 'forecast.method' });
  }
  const horizon = req.forecast?.horizon ?? 0;
  const anomalyLevel = req.anomalies?.level;
  const label = (key: string) => labelOf(key, grain, req.timeZone);
  const future = futureKeys(periods[periods.length - 1]!, grain, horizon, req.timeZone);

  const rows: Record<string, unknown>[] = [];
  const metas: SeriesForecastMeta[] = [];
  const allSums: ErrorSums[] = [];
  let flagged = 0;
  for (const s of series.length ? series : [{ key: Object.fromEntries(keyColumns.map((c) => [c.name, null])), rows: new Map() } satisfies Series]) {
    const history = periods.map((p) => ({ ...(s.rows.get(p) ?? { ...s.key, [timeCol.name]: label(p) }) }) as Record<string, unknown>);
    const ahead = future.map((p) => ({ ...s.key, [timeCol.name]: label(p) }) as Record<string, unknown>);
    for (const metric of req.metrics) {
      const y = seriesValues(s, metric, periods, label);
      const fitted = fitSeries(y, seasons, spec, horizon, anomalyLevel, metric.name);
      // Counts and sums that never went below zero are not forecast below it either.
      const floor = metric.fill === 'zero' && y.every((v) => v >= 0) ? (x: number | null) => (x === null ? null : Math.max(0, x)) : (x: number | null) => x;
      history.forEach((row, i) => {
        if (metric.fill === 'zero' && row[metric.name] == null) row[metric.name] = 0;
        row[`${metric.name}__forecast`] = floor(round(fitted.inSample?.point[i]));
        row[`${metric.name}__lower`] = floor(round(fitted.inSample?.lower[i]));
        row[`${metric.name}__upper`] = floor(round(fitted.inSample?.upper[i]));
        if (anomalyLevel !== undefined) {
          const lo = fitted.anomalyBand?.lower[i];
          const hi = fitted.anomalyBand?.upper[i];
          const out = lo != null && hi != null && (y[i]! < lo || y[i]! > hi);
          if (out) flagged++;
          row[`${metric.name}__anomaly`] = out;
        }
      });
      ahead.forEach((row, i) => {
        row[metric.name] = null;
        row[`${metric.name}__forecast`] = floor(round(fitted.future.point[i]));
        row[`${metric.name}__lower`] = floor(round(fitted.future.lower[i]));
        row[`${metric.name}__upper`] = floor(round(fitted.future.upper[i]));
        if (anomalyLevel !== undefined) row[`${metric.name}__anomaly`] = null;
      });
      if (fitted.sums) allSums.push(fitted.sums);
      metas.push({ metric: metric.name, key: s.key, method: fitted.method, backtest: fitted.sums ? scoreOf([fitted.sums], { holdout: fitted.holdout, origins: fitted.origins }) : null });
    }
    for (const row of history) rows.push({ ...row, forecast: false });
    for (const row of ahead) rows.push({ ...row, forecast: true });
  }
  const columns = addedColumns(req.columns, req.metrics, spec.level, anomalyLevel !== undefined);
  const ordered = rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, r[c.name] ?? null])));
  const methods = new Set(metas.map((m) => m.method));
  const first = metas[0]?.backtest;
  return {
    columns,
    rows: ordered,
    meta: {
      method: methods.size === 1 ? [...methods][0]! : 'mixed',
      seasonalPeriods: seasons,
      level: spec.level,
      horizon,
      history: { start: periods.length ? label(periods[0]!) : null, end: periods.length ? label(periods[periods.length - 1]!) : null, points: periods.length },
      backtest: first && allSums.length ? scoreOf(allSums, { holdout: first.holdout, origins: first.origins }) : null,
      ...(anomalyLevel !== undefined ? { anomalies: { level: anomalyLevel, flagged } } : {}),
      series: metas,
    },
  };
}
