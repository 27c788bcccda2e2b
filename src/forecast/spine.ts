/**
 * The periods of a forecast's history and future at the query's metric_time grain, as naive
 * wall-clock keys `YYYY-MM-DD HH:MM:SS` (the planner's time-range helpers). Hourly periods are
 * the engine's: local wall-clock hours, so the hour skipped when clocks go forward does not exist
 * (a 23-row day) and the repeated hour when they go back is one period, as the engine groups it.
 */
import { localDateTimeWithOffset, wallClockExists } from '../core/local-time.js';
import type { TimeGrain } from '../core/time.js';
import { formatNaiveTime, nextPeriod, parseNaiveTime, periodStart, resolveTimeRange } from '../planner/resolve/time-range.js';

export const FORECAST_GRAINS = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const satisfies readonly TimeGrain[];
export type ForecastGrain = (typeof FORECAST_GRAINS)[number];

export const isForecastGrain = (g: string | undefined): g is ForecastGrain => (FORECAST_GRAINS as readonly string[]).includes(g ?? '');

/** Seasons per grain when the query names none; a yearly season at day grain only with two years of history. */
export function defaultSeasons(grain: ForecastGrain, points: number): number[] {
  switch (grain) {
    case 'hour':
      return [24, 168];
    case 'day':
      return points >= 2 * 365 ? [7, 365] : [7];
    case 'week':
      return [52];
    case 'month':
      return [12];
    case 'quarter':
      return [4];
    case 'year':
      return [];
  }
}

/** The key of a row's metric_time value (`2024-05-01` or `2024-05-01T10:00:00+02:00`). */
export function keyOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length < 10) return undefined;
  return value.length >= 19 ? `${value.slice(0, 10)} ${value.slice(11, 19)}` : `${value.slice(0, 10)} 00:00:00`;
}

/** A key as the engine prints the grain: a date, or a local date-time with the zone's offset. */
export function labelOf(key: string, grain: ForecastGrain, timeZone: string): string {
  if (grain !== 'hour') return key.slice(0, 10);
  const date = key.slice(0, 10);
  if (clockChangesOn(date, timeZone)) return localDateTimeWithOffset(key, timeZone);
  // One offset for the whole day: taken from its midnight (memoised with the day).
  return `${key.slice(0, 10)}T${key.slice(11, 19)}${dayOffset(date, timeZone)}`;
}

const dayOffsets = new Map<string, string>();
function dayOffset(date: string, timeZone: string): string {
  const key = `${timeZone} ${date}`;
  let found = dayOffsets.get(key);
  if (found === undefined) {
    if (dayOffsets.size > 100_000) dayOffsets.clear();
    dayOffsets.set(key, (found = localDateTimeWithOffset(`${date} 00:00:00`, timeZone).slice(19)));
  }
  return found;
}

/**
 * Whether a local day has a clock change (its midnight and 23:00 have different offsets): only
 * then are its hours checked one by one (Intl is slow; two years of hours would take seconds).
 */
const changeDays = new Map<string, boolean>();
function clockChangesOn(date: string, timeZone: string): boolean {
  const key = `${timeZone} ${date}`;
  let found = changeDays.get(key);
  if (found === undefined) {
    if (changeDays.size > 100_000) changeDays.clear();
    found = localDateTimeWithOffset(`${date} 00:00:00`, timeZone).slice(19) !== localDateTimeWithOffset(`${date} 23:00:00`, timeZone).slice(19);
    changeDays.set(key, found);
  }
  return found;
}

const hourExists = (key: string, timeZone: string) => !clockChangesOn(key.slice(0, 10), timeZone) || wallClockExists(key, timeZone);

function step(t: Date, grain: ForecastGrain, timeZone: string): Date {
  let next = nextPeriod(t, grain);
  while (grain === 'hour' && !hourExists(formatNaiveTime(next), timeZone)) next = nextPeriod(next, grain);
  return next;
}

/** `count` periods after `lastKey`. */
export function futureKeys(lastKey: string, grain: ForecastGrain, count: number, timeZone: string): string[] {
  const keys: string[] = [];
  let t = parseNaiveTime(lastKey)!;
  for (let i = 0; i < count; i++) keys.push(formatNaiveTime((t = step(t, grain, timeZone))));
  return keys;
}

/**
 * Every period of the history: the query's time range widened to whole periods as the planner
 * widens it, or (for an open end) from the first to the last period with data. At most `max`
 * periods; undefined beyond that.
 */
export function historyKeys(
  range: { readonly start?: string; readonly end?: string } | undefined,
  dataKeys: readonly string[],
  grain: ForecastGrain,
  timeZone: string,
  max: number,
): string[] | undefined {
  const resolved = range && (range.start !== undefined || range.end !== undefined) ? resolveTimeRange(range, grain) : undefined;
  const widened = resolved && 'endExclusive' in resolved ? resolved : undefined;
  const sorted = [...dataKeys].sort();
  const first = widened && range?.start !== undefined ? widened.start : sorted[0];
  const endExclusive = widened && range?.end !== undefined ? widened.endExclusive : sorted.length ? formatNaiveTime(nextPeriod(parseNaiveTime(sorted[sorted.length - 1]!)!, grain)) : undefined;
  if (first === undefined || endExclusive === undefined) return [];
  const keys: string[] = [];
  let t = periodStart(parseNaiveTime(first)!, grain);
  if (grain === 'hour' && !hourExists(formatNaiveTime(t), timeZone)) t = step(t, grain, timeZone);
  for (let key = formatNaiveTime(t); key < endExclusive; key = formatNaiveTime((t = step(t, grain, timeZone)))) {
    if (keys.length >= max) return undefined;
    keys.push(key);
  }
  return keys;
}
