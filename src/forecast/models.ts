/**
 * The three forecasting methods behind one call: MSTL and ETS from augurs (augurs.ts), and the
 * seasonal-naive benchmark (the value one season earlier), which every backtest is measured against.
 */
import { etsForecast, mstlForecast, type Band } from './augurs.js';

export type Method = 'mstl' | 'ets' | 'seasonal_naive';

/** In-sample values: null where the method has none (the first season of seasonal naive; ETS). */
export interface InSample {
  readonly point: readonly (number | null)[];
  readonly lower: readonly (number | null)[];
  readonly upper: readonly (number | null)[];
}

export interface Fit {
  readonly future: Band;
  /** One per asked in-sample level, in that order; empty for ETS (augurs' ETS has no in-sample fit). */
  readonly inSample: readonly InSample[];
}

/**
 * The standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9): the width of
 * seasonal-naive intervals. The augurs models compute their own.
 */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** z for a two-sided interval at `level`. */
const zOf = (level: number) => normalQuantile(0.5 + level / 2);

/**
 * Seasonal naive with season `m` (1: naive): the forecast h periods ahead is the last observed value
 * of the same phase; its standard error grows with the number of whole seasons ahead (sigma·√(k+1)),
 * sigma the root mean square of the one-season differences.
 */
export function seasonalNaive(y: Float64Array, m: number, horizon: number, level: number, inSampleLevels: readonly number[] = []): Fit {
  const n = y.length;
  let sumSq = 0;
  for (let t = m; t < n; t++) sumSq += (y[t]! - y[t - m]!) ** 2;
  const sigma = n > m ? Math.sqrt(sumSq / (n - m)) : 0;
  const z = zOf(level);
  const point: number[] = [];
  const lower: number[] = [];
  const upper: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    const p = y[n - m + ((h - 1) % m)]!;
    const half = z * sigma * Math.sqrt(Math.floor((h - 1) / m) + 1);
    point.push(p);
    lower.push(p - half);
    upper.push(p + half);
  }
  const inSample = inSampleLevels.map((l): InSample => {
    const half = zOf(l) * sigma;
    const fitted = Array.from(y, (_, t) => (t >= m ? y[t - m]! : null));
    return { point: fitted, lower: fitted.map((f) => (f === null ? null : f - half)), upper: fitted.map((f) => (f === null ? null : f + half)) };
  });
  return { future: { point, lower, upper }, inSample };
}

/** Fits `method` to `y` and forecasts `horizon` periods; throws what augurs throws when it cannot fit. */
export function runMethod(method: Method, y: Float64Array, periods: readonly number[], horizon: number, level: number, inSampleLevels: readonly number[] = []): Fit {
  switch (method) {
    case 'mstl':
      return mstlForecast(y, periods, horizon, level, inSampleLevels);
    case 'ets':
      return { future: horizon > 0 ? etsForecast(y, horizon, level) : { point: [], lower: [], upper: [] }, inSample: [] };
    case 'seasonal_naive':
      return seasonalNaive(y, Math.max(1, ...periods), horizon, level, inSampleLevels);
  }
}
