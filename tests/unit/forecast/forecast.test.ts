/**
 * The pure forecasting module (src/forecast) on synthetic series whose truth is known: a weekday ×
 * hour pattern with seeded noise, an injected spike, gaps, DST days, and every refusal.
 */
import { describe, expect, it } from 'vitest';
import { isMaatstafError } from '../../../src/core/errors.js';
import { forecastAnswer, type ForecastRequest } from '../../../src/forecast/index.js';
import { HOUR_COLUMNS, hourlyRows, hourLabel, pattern, weekdayOf, gaussian } from './synthetic.js';

const TZ = 'Europe/Amsterdam';
const pickups = { name: 'pickups', fill: 'zero', personal: false } as const;

function request(over: Partial<ForecastRequest> = {}): ForecastRequest {
  return { columns: HOUR_COLUMNS, rows: hourlyRows(8 * 168, 1.5), forecast: { horizon: 168, level: 0.9, method: 'auto' }, timeZone: TZ, metrics: [pickups], ...over };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isMaatstafError(e) ? e.code : `not typed: ${String(e)}`;
  }
  return undefined;
}

describe('forecastAnswer on a weekday × hour pattern', () => {
  const answer = forecastAnswer(request());
  const future = answer.rows.filter((r) => r['forecast'] === true);
  const history = answer.rows.filter((r) => r['forecast'] === false);

  it('answers the history rows, then 168 future rows continuing the hourly grain', () => {
    expect(history).toHaveLength(8 * 168);
    expect(future).toHaveLength(168);
    expect(future[0]!['metric_time__hour']).toBe(hourLabel(8 * 168));
    expect(future[167]!['metric_time__hour']).toBe(hourLabel(9 * 168 - 1));
    expect(future.every((r) => r['pickups'] === null)).toBe(true);
    expect(answer.columns.map((c) => c.name)).toEqual(['metric_time__hour', 'pickups', 'pickups__forecast', 'pickups__lower', 'pickups__upper', 'forecast']);
  });

  it('forecasts the known pattern within tolerance, with the interval around it', () => {
    const errors = future.map((r, j) => Math.abs((r['pickups__forecast'] as number) - pattern(weekdayOf(8 * 168 + j), (8 * 168 + j) % 24)));
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThan(1.2);
    // Tuesday 10:00 (the busiest day) expects about 1.3 × the Monday office peak.
    const tuesdayTen = future[24 + 10]!;
    expect(tuesdayTen['pickups__forecast'] as number).toBeCloseTo(pattern(1, 10), -0.5);
    expect(future.every((r) => (r['pickups__lower'] as number) <= (r['pickups__forecast'] as number) && (r['pickups__forecast'] as number) <= (r['pickups__upper'] as number))).toBe(true);
  });

  it('covers about 90 % of fresh draws of the future at level 0.9', () => {
    const noise = gaussian(99);
    const inside = future.filter((r, j) => {
      const actual = pattern(weekdayOf(8 * 168 + j), (8 * 168 + j) % 24) + 1.5 * noise();
      return actual >= (r['pickups__lower'] as number) && actual <= (r['pickups__upper'] as number);
    }).length;
    expect(inside / future.length).toBeGreaterThan(0.75);
    expect(inside / future.length).toBeLessThanOrEqual(1);
  });

  it('reports the method, seasons, history and a rolling-origin backtest better than seasonal naive', () => {
    const { meta } = answer;
    expect(meta.seasonalPeriods).toEqual([24, 168]);
    expect(meta.level).toBe(0.9);
    expect(meta.history).toEqual({ start: hourLabel(0), end: hourLabel(8 * 168 - 1), points: 8 * 168 });
    expect(meta.backtest!.holdout).toBe(168);
    expect(meta.backtest!.origins).toBe(3);
    expect(meta.backtest!.mase!).toBeLessThan(1);
    expect(meta.method).toBe('mstl');
  });

  it('is deterministic: the same request gives the same JSON', () => {
    expect(JSON.stringify(forecastAnswer(request()))).toBe(JSON.stringify(answer));
  });
});

describe('anomaly flags', () => {
  it('flags an injected spike and at most 1 % of a clean series', () => {
    const rows = hourlyRows(8 * 168, 1.5, 11);
    const clean = forecastAnswer(request({ rows, anomalies: { level: 0.99 } }));
    const flaggedClean = clean.rows.filter((r) => r['pickups__anomaly'] === true).length;
    expect(flaggedClean / (8 * 168)).toBeLessThanOrEqual(0.01);
    expect(clean.meta.anomalies).toEqual({ level: 0.99, flagged: flaggedClean });

    const spiked = rows.map((r, i) => (i === 5 * 168 + 24 + 11 ? { ...r, pickups: (r['pickups'] as number) + 40 } : r));
    const withSpike = forecastAnswer(request({ rows: spiked, anomalies: { level: 0.99 } }));
    expect(withSpike.rows[5 * 168 + 24 + 11]!['pickups__anomaly']).toBe(true);
    expect(withSpike.rows.filter((r) => r['forecast'] === true).every((r) => r['pickups__anomaly'] === null)).toBe(true);
  });

  it('anomalies alone answer the history rows only', () => {
    const a = forecastAnswer(request({ forecast: undefined, anomalies: { level: 0.99 } }));
    expect(a.rows).toHaveLength(8 * 168);
    expect(a.rows.every((r) => r['forecast'] === false && typeof r['pickups__anomaly'] === 'boolean')).toBe(true);
  });
});

describe('the time spine', () => {
  it('zero-fills missing periods of a count and fits over them', () => {
    const rows = hourlyRows(8 * 168, 1.5).map((r) => ({ ...r, pickups: Math.max(0, r['pickups'] as number) }));
    const gappy = rows.filter((_, i) => i % 24 !== 3); // nothing counted at 03:00
    const a = forecastAnswer(request({ rows: gappy }));
    const history = a.rows.filter((r) => r['forecast'] === false);
    expect(history).toHaveLength(8 * 168);
    expect(history[3]).toMatchObject({ metric_time__hour: hourLabel(3), pickups: 0 });
    expect(a.rows.every((r) => r['pickups__lower'] === null || (r['pickups__lower'] as number) >= 0)).toBe(true);
  });

  it('refuses to impute a metric that does not add up (an average with a missing period)', () => {
    const rows = hourlyRows(8 * 168, 1.5).filter((_, i) => i !== 100);
    expect(codeOf(() => forecastAnswer(request({ rows, metrics: [{ name: 'pickups', fill: 'complete', personal: false }] })))).toBe('FORECAST_UNSUPPORTED_METRIC');
  });

  it('refuses a personal metric with a period that is not shown', () => {
    const rows = hourlyRows(8 * 168, 1.5).map((r, i) => (i === 200 ? { ...r, pickups: null } : r));
    expect(codeOf(() => forecastAnswer(request({ rows, metrics: [{ name: 'pickups', fill: 'zero', personal: true }] })))).toBe('PRIVACY_PROTECTED');
  });

  it('continues hourly across both DST changes: 23 local hours on 31 March, the repeated hour once on 27 October', () => {
    const columns = HOUR_COLUMNS;
    // Two weeks of daily history ending the day before each change, then a 48-hour horizon.
    const hours = (from: string, days: number) =>
      Array.from({ length: days * 24 }, (_, i) => {
        const t = new Date(Date.parse(`${from}T00:00:00Z`) + i * 3_600_000);
        return { metric_time__hour: `${t.toISOString().slice(0, 13)}:00:00`, pickups: 1 + (i % 24) };
      });
    const spring = hours('2024-03-16', 14).map((r) => ({ ...r, metric_time__hour: `${r.metric_time__hour}+01:00` }));
    const a = forecastAnswer({ columns, rows: spring, forecast: { horizon: 48, level: 0.9, method: 'seasonal_naive', seasonalPeriods: [24] }, timeZone: TZ, metrics: [pickups] });
    const f = a.rows.filter((r) => r['forecast'] === true).map((r) => r['metric_time__hour']);
    expect(f.slice(0, 4)).toEqual(['2024-03-30T00:00:00+01:00', '2024-03-30T01:00:00+01:00', '2024-03-30T02:00:00+01:00', '2024-03-30T03:00:00+01:00']);
    const march31 = f.filter((t) => String(t).startsWith('2024-03-31'));
    expect(march31).toHaveLength(23);
    expect(march31.slice(1, 3)).toEqual(['2024-03-31T01:00:00+01:00', '2024-03-31T03:00:00+02:00']);
    expect(f).toHaveLength(48);
    expect(f[47]).toBe('2024-04-01T00:00:00+02:00');

    const autumn = hours('2024-10-12', 14).map((r) => ({ ...r, metric_time__hour: `${r.metric_time__hour}+02:00` }));
    const b = forecastAnswer({ columns, rows: autumn, forecast: { horizon: 48, level: 0.9, method: 'seasonal_naive', seasonalPeriods: [24] }, timeZone: TZ, metrics: [pickups] });
    const g = b.rows.filter((r) => r['forecast'] === true).map((r) => r['metric_time__hour']);
    const oct27 = g.filter((t) => String(t).startsWith('2024-10-27'));
    expect(oct27).toHaveLength(24);
    expect(oct27.slice(1, 4)).toEqual(['2024-10-27T01:00:00+02:00', '2024-10-27T02:00:00+02:00', '2024-10-27T03:00:00+01:00']);
  });

  it('daily history over a time range wider than the data is zero-filled to the range', () => {
    const columns = [{ name: 'metric_time__day', kind: 'time', dataType: 'date', grain: 'day' } as const, { name: 'reports', kind: 'metric', dataType: 'number' } as const];
    const rows = [{ metric_time__day: '2024-01-10', reports: 4 }];
    const a = forecastAnswer({ columns, rows, forecast: { horizon: 7, level: 0.9, method: 'seasonal_naive' }, timeRange: { start: '2024-01-01', end: '2024-01-31' }, timeZone: TZ, metrics: [{ name: 'reports', fill: 'zero', personal: false }] });
    expect(a.meta.history).toEqual({ start: '2024-01-01', end: '2024-01-31', points: 31 });
    expect(a.rows.filter((r) => r['forecast'] === true).map((r) => r['metric_time__day'])).toEqual(['2024-02-01', '2024-02-02', '2024-02-03', '2024-02-04', '2024-02-05', '2024-02-06', '2024-02-07']);
    // Seasonal naive: the last week again (31 Jan is a Wednesday; 1 Feb repeats Thursday 25 Jan).
    expect(a.rows.find((r) => r['metric_time__day'] === '2024-01-10')!['reports']).toBe(4);
    expect(a.rows.find((r) => r['metric_time__day'] === '2024-01-11')!['reports']).toBe(0);
  });
});

describe('refusals with stable codes', () => {
  it('not exactly one metric_time grain', () => {
    expect(codeOf(() => forecastAnswer(request({ columns: [{ name: 'pickups', kind: 'metric', dataType: 'number' }], rows: [{ pickups: 3 }] })))).toBe('FORECAST_TIME_GRAIN');
    const withPart = [...HOUR_COLUMNS, { name: 'metric_time__extract_dow', kind: 'time', dataType: 'integer', grain: 'extract_dow' } as const];
    expect(codeOf(() => forecastAnswer(request({ columns: withPart })))).toBe('FORECAST_TIME_GRAIN');
  });

  it('too little history: less than two of the longest season', () => {
    expect(codeOf(() => forecastAnswer(request({ rows: hourlyRows(2 * 168 - 1, 1) })))).toBe('FORECAST_HISTORY_TOO_SHORT');
    expect(codeOf(() => forecastAnswer(request({ rows: hourlyRows(2 * 168, 1) })))).toBeUndefined();
  });

  it('too many series', () => {
    const columns = [...HOUR_COLUMNS, { name: 'office', kind: 'dimension', dataType: 'string' } as const];
    const rows = Array.from({ length: 21 }, (_, k) => hourlyRows(2 * 168, 1).map((r) => ({ ...r, office: `o${k}` }))).flat();
    expect(codeOf(() => forecastAnswer(request({ columns, rows })))).toBe('FORECAST_TOO_MANY_SERIES');
  });

  it('one series per office, each with its own history and future', () => {
    const columns = [...HOUR_COLUMNS, { name: 'office', kind: 'dimension', dataType: 'string' } as const];
    const rows = ['Zuid', 'Noord'].flatMap((office, k) => hourlyRows(2 * 168, 1, k + 1).map((r) => ({ ...r, office })));
    const a = forecastAnswer(request({ columns, rows, forecast: { horizon: 24, level: 0.8, method: 'seasonal_naive' } }));
    expect(a.rows.map((r) => r['office'])).toEqual([...Array(2 * 168 + 24).fill('Noord'), ...Array(2 * 168 + 24).fill('Zuid')]);
    expect(a.meta.series.map((s) => s.key)).toEqual([{ office: 'Noord' }, { office: 'Zuid' }]);
  });
});
