/**
 * Issue 20 targets, on the demo (scale 1): (1) hold out the last 4 weeks of hourly document pickups
 * and of daily public-space reports, forecast them from the rest, and score against the actuals
 * (MASE against seasonal naive < 1, interval coverage within 0.1 of the level); (2) two years of
 * hourly history (~17,500 points) with a 336-hour horizon under 5 s, then from the result cache.
 * Through the engine (SQL, privacy, forecast) — the numbers every interface would serve.
 */
import type { MetricQueryInput } from '../core/query.js';
import { createSpeedLayer } from '../cache/speed-layer.js';
import type { Engine, QueryResult } from '../engine/types.js';
import type { BenchSection } from './engine.bench.js';
import { fmt } from './stats.js';

export const FORECAST_TARGET_MS = 5000;
const LEVEL = 0.9;

interface Holdout {
  readonly label: string;
  readonly metric: string;
  readonly grain: 'hour' | 'day';
  /** History start and the last day of the held-out 4 weeks. */
  readonly start: string;
  readonly end: string;
  readonly horizon: number;
}

const HOLDOUTS: readonly Holdout[] = [
  { label: 'document pickups, hourly', metric: 'document_pickups', grain: 'hour', start: '2024-01-01', end: '2025-12-28', horizon: 28 * 24 },
  { label: 'public-space reports, daily', metric: 'reports_received', grain: 'day', start: '2023-01-02', end: '2025-12-28', horizon: 28 },
];

const minusDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

interface Score {
  readonly method: string;
  readonly mae: number;
  readonly coverage: number;
}

function score(result: QueryResult, metric: string, actuals: ReadonlyMap<string, number>, time: string): Score {
  const future = result.rows.filter((r) => r['forecast'] === true);
  let abs = 0;
  let inside = 0;
  for (const r of future) {
    const actual = actuals.get(String(r[time])) ?? 0; // a count: no row is zero
    abs += Math.abs(actual - (r[`${metric}__forecast`] as number));
    if (actual >= (r[`${metric}__lower`] as number) && actual <= (r[`${metric}__upper`] as number)) inside++;
  }
  return { method: String(result.meta.forecast?.method), mae: abs / future.length, coverage: inside / future.length };
}

async function holdout(engine: Engine, h: Holdout): Promise<{ line: string; failures: string[] }> {
  const time = `metric_time__${h.grain}`;
  const cut = minusDays(h.end, 28);
  const actualRows = await engine.run({ metrics: [h.metric], groupBy: [time], timeRange: { start: minusDays(h.end, 27), end: h.end } });
  const actuals = new Map(actualRows.rows.map((r) => [String(r[time]), r[h.metric] as number]));
  const query = (method: 'auto' | 'seasonal_naive'): MetricQueryInput => ({
    metrics: [h.metric],
    groupBy: [time],
    timeRange: { start: h.start, end: cut },
    forecast: { horizon: h.horizon, level: LEVEL, method },
  });
  const t0 = performance.now();
  const auto = await engine.run(query('auto'));
  const ms = performance.now() - t0;
  const naive = await engine.run(query('seasonal_naive'));
  const a = score(auto, h.metric, actuals, time);
  const n = score(naive, h.metric, actuals, time);
  const mase = a.mae / n.mae;
  const bt = auto.meta.forecast?.backtest;
  const failures = auto.rows.filter((r) => r['forecast'] === true).length === h.horizon ? [] : [`${h.label}: ${h.horizon} future rows expected`];
  const line =
    `| ${h.label} | ${h.start} … ${cut} (${auto.meta.forecast?.history.points}) | ${h.horizon} | ${a.method} (seasons ${auto.meta.forecast?.seasonalPeriods.join(', ')}) | ` +
    `${a.mae.toFixed(3)} | ${n.mae.toFixed(3)} | **${mase.toFixed(3)}**${mase < 1 ? '' : ' (not < 1)'} | **${a.coverage.toFixed(3)}**${Math.abs(a.coverage - LEVEL) <= 0.1 ? '' : ' (outside ±0.1)'} | ` +
    `${bt ? `mase ${bt.mase}, coverage ${bt.coverage} (${bt.origins} × ${bt.holdout})` : '—'} | ${fmt(ms)} |`;
  return { line, failures };
}

export async function benchForecast(engine: Engine, label: string): Promise<BenchSection> {
  const lines: string[] = [
    `On ${label}, demo at scale 1; level ${LEVEL}. MASE here = MAE of the \`auto\` forecast / MAE of the seasonal-naive forecast (same seasons) on the held-out 4 weeks; coverage = share of held-out actuals inside the interval.`,
    '',
    '| series | history (periods) | horizon | method chosen | MAE | MAE seasonal naive | MASE | coverage | backtest (meta.forecast) | time |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const failures: string[] = [];
  for (const h of HOLDOUTS) {
    const r = await holdout(engine, h);
    lines.push(r.line);
    failures.push(...r.failures);
  }
  // Two years hourly + 336 hours ahead, cold (SQL + fit + backtest), then from the result cache.
  const speed = createSpeedLayer();
  const cached = speed.wrapEngine(engine);
  const query: MetricQueryInput = { metrics: ['document_pickups'], groupBy: ['metric_time__hour'], timeRange: { start: '2024-01-01', end: '2025-12-31' }, forecast: { horizon: 336 } };
  const t0 = performance.now();
  const cold = await cached.run(query);
  const coldMs = performance.now() - t0;
  const t1 = performance.now();
  const hit = await cached.run(query);
  const hitMs = performance.now() - t1;
  const points = cold.meta.forecast?.history.points ?? 0;
  lines.push(
    '',
    `Two years hourly (document_pickups, 2024-01-01 … 2025-12-31: ${points} points) + 336-hour horizon, method auto: **${fmt(coldMs)}** cold (target < ${FORECAST_TARGET_MS / 1000} s${coldMs < FORECAST_TARGET_MS ? '' : ', missed'}; chose ${cold.meta.forecast?.method}), ${fmt(hitMs)} from the result cache (${hit.meta.cache}).`,
  );
  if (hit.meta.cache !== 'hit') failures.push('the repeated forecast was not a cache hit');
  if (JSON.stringify(hit.rows) !== JSON.stringify(cold.rows)) failures.push('the cached forecast differs');
  return { title: 'Forecasts: demo hold-out and two years hourly', lines, failures };
}
