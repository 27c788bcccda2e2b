/**
 * History rows → one numeric series per combination of the other group-bys and per metric, over
 * every period of the history. Missing periods are zero for metrics that add up; for any other
 * metric, and for every personal metric, a missing value is an error, never imputed.
 */
import { MaatstafError } from '../core/errors.js';
import type { OutputColumn } from '../core/query.js';
import type { MetricFill } from './metric-policy.js';
import { keyOf } from './spine.js';

export interface SeriesMetric {
  readonly name: string;
  readonly fill: MetricFill;
  /** About data subjects: a period without a shown value would be a small cell (src/privacy). */
  readonly personal: boolean;
}

export interface Series {
  /** The other group-bys' values, by column name. */
  readonly key: Readonly<Record<string, unknown>>;
  /** The history row of each period that has one. */
  readonly rows: ReadonlyMap<string, Record<string, unknown>>;
}

/** Groups the rows by the non-time columns, sorted by those values (the warehouse's row order is not part of the answer). */
export function groupSeries(rows: readonly Record<string, unknown>[], timeColumn: string, keyColumns: readonly OutputColumn[]): Series[] {
  const groups = new Map<string, { key: Record<string, unknown>; rows: Map<string, Record<string, unknown>> }>();
  for (const row of rows) {
    const time = keyOf(row[timeColumn]);
    if (time === undefined) continue; // no metric_time: not a period of any series
    const values = keyColumns.map((c) => row[c.name] ?? null);
    const id = JSON.stringify(values);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { key: Object.fromEntries(keyColumns.map((c, i) => [c.name, values[i]])), rows: new Map() }));
    group.rows.set(time, row);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

/** The values of `metric` in `series` over `periods`, or a typed error naming the first missing period. */
export function seriesValues(series: Series, metric: SeriesMetric, periods: readonly string[], label: (key: string) => string): Float64Array {
  const y = new Float64Array(periods.length);
  for (let i = 0; i < periods.length; i++) {
    const v = series.rows.get(periods[i]!)?.[metric.name];
    if (typeof v === 'number' && Number.isFinite(v)) {
      y[i] = v;
      continue;
    }
    const where = `${label(periods[i]!)}${Object.keys(series.key).length ? ` for ${JSON.stringify(series.key)}` : ''}`;
    if (metric.personal) {
      throw new MaatstafError(
        'PRIVACY_PROTECTED',
        `'${metric.name}' is about people and has no shown value at ${where}: a forecast is only given when every period of the history is shown unprotected; widen the grain or the groups`,
        { name: metric.name },
      );
    }
    if (metric.fill === 'zero') continue; // no rows in that period: nothing was counted
    throw new MaatstafError(
      'FORECAST_UNSUPPORTED_METRIC',
      `'${metric.name}' has no value at ${where}; it does not add up over periods, so a missing period is not imputed (choose a time range where it has a value for every period)`,
      { name: metric.name },
    );
  }
  return y;
}
