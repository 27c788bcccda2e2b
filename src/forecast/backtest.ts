/**
 * Rolling-origin evaluation on the last part of a history, and the choice of method for `auto`.
 * Each origin cuts the history, fits on what came before (at most a window of recent periods, so
 * a two-year hourly history is not refitted in full three times) and forecasts the next `holdout`
 * periods; the errors of all origins are pooled. MASE here is the method's MAE over the seasonal-naive
 * forecast's MAE on the same held-out periods: below 1 means better than "same as last season".
 */
import { runMethod, type Method } from './models.js';

export interface BacktestScore {
  /** Periods forecast from each origin. */
  readonly holdout: number;
  /** How many origins (cuts) were evaluated. */
  readonly origins: number;
  readonly mae: number | null;
  /** Sum of absolute errors over the sum of absolute actuals; null when the actuals are all 0. */
  readonly wape: number | null;
  readonly mase: number | null;
  /** Share of held-out actuals inside the prediction interval. */
  readonly coverage: number | null;
}

/** Pooled error sums, kept so several series can be pooled too (meta.forecast.backtest). */
export interface ErrorSums {
  readonly points: number;
  readonly absError: number;
  readonly absActual: number;
  readonly naiveAbsError: number;
  readonly covered: number;
}

export interface BacktestPlan {
  readonly holdout: number;
  /** Training lengths (the origins), latest first. */
  readonly origins: readonly number[];
}

export const MAX_ORIGINS = 3;

/**
 * Origins at n-h, n-2h, n-3h, as many as leave two of the longest season (and at least 8 periods)
 * to train on; the holdout shrinks when even one origin would not.
 */
export function planBacktest(n: number, longestSeason: number, horizon: number): BacktestPlan | undefined {
  const minTrain = Math.max(2 * longestSeason, 8);
  const holdout = Math.min(horizon, n - minTrain);
  if (holdout < 1) return undefined;
  const origins: number[] = [];
  for (let k = 1; k <= MAX_ORIGINS && n - k * holdout >= minTrain; k++) origins.push(n - k * holdout);
  return { holdout, origins };
}

/** The most recent periods an origin trains on: ten of the longest season, at least 1,000. */
export const trainingWindow = (longestSeason: number) => Math.max(10 * longestSeason, 1000);

export function sumErrors(method: Method, y: Float64Array, periods: readonly number[], level: number, plan: BacktestPlan): ErrorSums {
  const longest = Math.max(1, ...periods);
  const window = trainingWindow(longest);
  let absError = 0;
  let absActual = 0;
  let naiveAbsError = 0;
  let covered = 0;
  let points = 0;
  for (const origin of plan.origins) {
    const train = y.subarray(Math.max(0, origin - window), origin);
    const { future } = runMethod(method, train, periods, plan.holdout, level);
    const naive = method === 'seasonal_naive' ? future : runMethod('seasonal_naive', train, periods, plan.holdout, level).future;
    for (let i = 0; i < plan.holdout; i++) {
      const actual = y[origin + i]!;
      absError += Math.abs(actual - future.point[i]!);
      absActual += Math.abs(actual);
      naiveAbsError += Math.abs(actual - naive.point[i]!);
      if (actual >= future.lower[i]! && actual <= future.upper[i]!) covered++;
      points++;
    }
  }
  return { points, absError, absActual, naiveAbsError, covered };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export function scoreOf(sums: readonly ErrorSums[], plan: Pick<BacktestPlan, 'holdout'> & { readonly origins: number }): BacktestScore {
  const total = sums.reduce((a, s) => ({
    points: a.points + s.points,
    absError: a.absError + s.absError,
    absActual: a.absActual + s.absActual,
    naiveAbsError: a.naiveAbsError + s.naiveAbsError,
    covered: a.covered + s.covered,
  }), { points: 0, absError: 0, absActual: 0, naiveAbsError: 0, covered: 0 });
  const { points } = total;
  return {
    holdout: plan.holdout,
    origins: plan.origins,
    mae: points ? round(total.absError / points) : null,
    wape: total.absActual > 0 ? round(total.absError / total.absActual) : null,
    mase: total.naiveAbsError > 0 ? round(total.absError / total.naiveAbsError) : null,
    coverage: points ? round(total.covered / points) : null,
  };
}

/**
 * `auto`: the candidate with the lowest backtest MAE (ties: mstl, ets, seasonal_naive in that
 * order). A model augurs cannot fit to this series drops out; seasonal naive always fits.
 */
export function chooseMethod(y: Float64Array, periods: readonly number[], level: number, plan: BacktestPlan): { method: Method; sums: ErrorSums } {
  const candidates: Method[] = periods.length ? ['mstl', 'ets', 'seasonal_naive'] : ['ets', 'seasonal_naive'];
  let best: { method: Method; sums: ErrorSums } | undefined;
  for (const method of candidates) {
    let sums: ErrorSums;
    try {
      sums = sumErrors(method, y, periods, level, plan);
    } catch {
      continue;
    }
    if (!Number.isFinite(sums.absError)) continue;
    if (!best || sums.absError < best.sums.absError) best = { method, sums };
  }
  return best!;
}
