/**
 * Forecasts through the engine on both warehouses: the history rows are the engine's own answer
 * (checked against hand-written SQL, zero-filled over every local hour, DST included), seasonal
 * naive forecasts equal hand-written SQL one week earlier, and every refusal has its code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMaatstafError } from '../../src/core/errors.js';
import type { MetricQueryInput } from '../../src/core/query.js';
import type { Engine } from '../../src/engine/types.js';
import { ENGINES, openTestWarehouse, type TestWarehouse } from '../helpers/warehouses.js';
import { HOURLY_SQL, openForecastFixture, TZ } from './forecast-fixture.js';

const HOURLY: MetricQueryInput = { metrics: ['pickups'], groupBy: ['metric_time__hour'], timeRange: { start: '2024-03-04', end: '2024-04-07' } };

describe.each(ENGINES)('forecasts on %s', (engineName) => {
  let wh: TestWarehouse;
  let engine: Engine;
  let close: () => Promise<void>;
  beforeAll(async () => {
    wh = await openTestWarehouse(engineName);
    ({ engine, close } = await openForecastFixture(wh));
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await wh?.dispose();
  });

  const codeOf = async (query: MetricQueryInput): Promise<string | undefined> => {
    try {
      await engine.run(query);
    } catch (e) {
      return isMaatstafError(e) ? e.code : `untyped: ${String(e)}`;
    }
    return undefined;
  };

  it('history rows are the hourly counts of hand-written SQL over every local hour (23 on 31 March), zeros included', async () => {
    const result = await engine.run({ ...HOURLY, forecast: { horizon: 48, method: 'seasonal_naive', seasonalPeriods: [168] } });
    const hand = (await wh.query(HOURLY_SQL)).rows as { h: string; n: number }[];
    const history = result.rows.filter((r) => r['forecast'] === false);
    expect(history.map((r) => [String(r['metric_time__hour']).slice(0, 19).replace('T', ' '), r['pickups']])).toEqual(hand.map((r) => [r.h, Number(r.n)]));
    expect(history.filter((r) => String(r['metric_time__hour']).startsWith('2024-03-31'))).toHaveLength(23);
    expect(hand.some((r) => Number(r.n) === 0)).toBe(true);
    expect(result.meta.forecast!.history).toEqual({ start: '2024-03-04T00:00:00+01:00', end: '2024-04-07T23:00:00+02:00', points: hand.length });
  });

  it('seasonal naive forecasts next Tuesday 10:00 as the count of Tuesday 10:00 a week earlier (hand-written SQL)', async () => {
    const result = await engine.run({ ...HOURLY, forecast: { horizon: 168, method: 'seasonal_naive', seasonalPeriods: [168] } });
    const future = result.rows.filter((r) => r['forecast'] === true);
    expect(future).toHaveLength(168);
    expect(future[0]!['metric_time__hour']).toBe('2024-04-08T00:00:00+02:00');
    const tuesdayTen = future.find((r) => r['metric_time__hour'] === '2024-04-09T10:00:00+02:00')!;
    const hand = await wh.query(
      `SELECT count(*)::int AS n FROM fc_pickups WHERE picked_up_at AT TIME ZONE '${TZ}' >= '2024-04-02 10:00' AND picked_up_at AT TIME ZONE '${TZ}' < '2024-04-02 11:00'`,
    );
    expect(tuesdayTen['pickups__forecast']).toBe(Number((hand.rows[0] as { n: number }).n));
    expect(tuesdayTen['pickups']).toBeNull();
    expect(tuesdayTen['pickups__lower'] as number).toBeLessThanOrEqual(tuesdayTen['pickups__forecast'] as number);
    expect(tuesdayTen['pickups__upper'] as number).toBeGreaterThan(tuesdayTen['pickups__forecast'] as number);
  });

  it('auto picks by backtest and beats seasonal naive on this weekly pattern; the answer is byte-identical when repeated', async () => {
    const a = await engine.run({ ...HOURLY, forecast: { horizon: 168 }, anomalies: {} });
    const b = await engine.run({ ...HOURLY, forecast: { horizon: 168 }, anomalies: {} });
    expect(JSON.stringify(b.rows)).toBe(JSON.stringify(a.rows));
    expect(JSON.stringify({ ...b.meta, durationMs: 0 })).toBe(JSON.stringify({ ...a.meta, durationMs: 0 }));
    const meta = a.meta.forecast!;
    expect(meta.seasonalPeriods).toEqual([24, 168]);
    expect(meta.backtest!.origins).toBeGreaterThanOrEqual(1);
    expect(meta.backtest!.mase!).toBeLessThanOrEqual(1);
    expect(a.columns.map((c) => c.name)).toEqual(['metric_time__hour', 'pickups', 'pickups__forecast', 'pickups__lower', 'pickups__upper', 'pickups__anomaly', 'forecast']);
  });

  it('a row rule (a where filter, as access adds it) gives that office its own history and forecast', async () => {
    const where = "{{ Dimension('pickup__office') }} = 'Noord'";
    const all = await engine.run({ ...HOURLY, forecast: { horizon: 24, method: 'seasonal_naive', seasonalPeriods: [168] } });
    const noord = await engine.run({ ...HOURLY, where, forecast: { horizon: 24, method: 'seasonal_naive', seasonalPeriods: [168] } });
    const hand = await wh.query(`SELECT count(*)::int AS n FROM fc_pickups WHERE office = 'Noord'`);
    const sum = (rows: readonly Record<string, unknown>[]) => rows.filter((r) => r['forecast'] === false).reduce((s, r) => s + (r['pickups'] as number), 0);
    expect(sum(noord.rows)).toBe(Number((hand.rows[0] as { n: number }).n));
    expect(sum(noord.rows)).toBeLessThan(sum(all.rows));
    expect(noord.rows.at(-14)!['pickups__forecast']).not.toBe(all.rows.at(-14)!['pickups__forecast']);
  });

  it('one series per office', async () => {
    const result = await engine.run({ ...HOURLY, groupBy: ['metric_time__day', 'pickup__office'], forecast: { horizon: 7, method: 'seasonal_naive' } });
    const hand = await wh.query(`SELECT office, count(*)::int AS n FROM fc_pickups GROUP BY office ORDER BY office`);
    for (const { office, n } of hand.rows as { office: string; n: number }[]) {
      const rows = result.rows.filter((r) => r['pickup__office'] === office);
      expect(rows.filter((r) => r['forecast'] === false).reduce((s, r) => s + (r['pickups'] as number), 0)).toBe(Number(n));
      expect(rows.filter((r) => r['forecast'] === true)).toHaveLength(7);
    }
    expect(result.meta.forecast!.series.map((s) => s.key)).toEqual([{ pickup__office: 'Noord' }, { pickup__office: 'Zuid' }]);
  });

  it('a personal metric is forecast where every history cell is shown (by day), refused where periods are empty or cells withheld', async () => {
    const daily = await engine.run({ metrics: ['people_served'], groupBy: ['metric_time__day'], forecast: { horizon: 7, method: 'seasonal_naive' } });
    const hand = await wh.query(`SELECT count(*)::int AS n FROM fc_pickups WHERE (picked_up_at AT TIME ZONE '${TZ}')::date = '2024-04-01'`);
    expect(daily.rows.filter((r) => r['forecast'] === true)[0]!['people_served__forecast']).toBe(Number((hand.rows[0] as { n: number }).n));
    // Hourly: the night hours have no one; a zero there would be a cell below k.
    expect(await codeOf({ ...HOURLY, metrics: ['people_served'], forecast: { horizon: 24 } })).toBe('PRIVACY_PROTECTED');
    // By office and hour: busy hours split 2 + 2, below k = 3, and are withheld.
    expect(await codeOf({ ...HOURLY, metrics: ['people_served'], groupBy: ['metric_time__hour', 'pickup__office'], forecast: { horizon: 24 } })).toBe('PRIVACY_PROTECTED');
  });

  it('refuses what cannot be forecast, each with its code', async () => {
    expect(await codeOf({ metrics: ['pickups'], groupBy: ['pickup__office'], forecast: { horizon: 3 } })).toBe('FORECAST_TIME_GRAIN');
    expect(await codeOf({ metrics: ['pickups'], groupBy: ['metric_time__day', 'metric_time__hour'], forecast: { horizon: 3 } })).toBe('FORECAST_TIME_GRAIN');
    expect(await codeOf({ metrics: ['pickups'], groupBy: ['metric_time__week'], forecast: { horizon: 3 } })).toBe('FORECAST_HISTORY_TOO_SHORT');
    expect(await codeOf({ ...HOURLY, timeRange: { start: '2024-03-25', end: '2024-04-07' } , forecast: { horizon: 3 } })).toBe('FORECAST_HISTORY_TOO_SHORT');
    expect(await codeOf({ ...HOURLY, forecast: { horizon: 2001 } })).toBe('FORECAST_HORIZON_OUT_OF_RANGE');
    expect(await codeOf({ ...HOURLY, forecast: { horizon: 0 } })).toBe('FORECAST_HORIZON_OUT_OF_RANGE');
    expect(await codeOf({ ...HOURLY, metrics: ['tuesday_share'], forecast: { horizon: 3 } })).toBe('FORECAST_UNSUPPORTED_METRIC');
    expect(await codeOf({ ...HOURLY, metrics: ['avg_wait'], forecast: { horizon: 3 } })).toBe('FORECAST_UNSUPPORTED_METRIC');
    expect(await codeOf({ ...HOURLY, orderBy: ['-nope'], forecast: { horizon: 3 } })).toBe('INVALID_ORDER_BY');
    expect(await codeOf({ ...HOURLY, forecast: { horizon: 3, level: 0.5 as 0.9 } })).toBe('INVALID_QUERY');
    const ratio = await engine.run({ ...HOURLY, metrics: ['tuesday_share'], forecast: { horizon: 3 } }).catch((e: unknown) => e);
    expect(isMaatstafError(ratio) && ratio.details.suggestions).toEqual(['tuesday_pickups', 'pickups']);
  });

  it('a limit cuts the answer, not the history the model is fitted on', async () => {
    const whole = await engine.run({ ...HOURLY, forecast: { horizon: 24, method: 'seasonal_naive', seasonalPeriods: [168] } });
    const cut = await engine.run({ ...HOURLY, limit: 10, forecast: { horizon: 24, method: 'seasonal_naive', seasonalPeriods: [168] } });
    expect(cut.rows).toEqual(whole.rows.slice(0, 10));
    expect(cut.meta.forecast).toEqual(whole.meta.forecast);
    // Ordered by the forecast's own column, descending: the busiest expected hour first.
    const busiest = await engine.run({ ...HOURLY, orderBy: ['-pickups__forecast'], limit: 1, forecast: { horizon: 24, method: 'seasonal_naive', seasonalPeriods: [168] } });
    expect(busiest.rows[0]!['pickups__forecast']).toBe(Math.max(...whole.rows.map((r) => (r['pickups__forecast'] as number | null) ?? -1)));
  });

  it('forecast answers are never streamed (CSV exports take them from run)', async () => {
    expect(await engine.stream({ ...HOURLY, forecast: { horizon: 3 } })).toBeUndefined();
  });
});
