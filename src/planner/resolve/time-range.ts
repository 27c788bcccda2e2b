/**
 * The request's time range (spec 3.8): both ends inclusive, local wall-clock time in the project
 * zone, widened to whole periods of a grain; an end written as a date includes that whole day. Represented as [start, endExclusive) so a constraint
 * is correct at any base grain (MetricFlow's midnight-end quirk for sub-daily columns is avoided).
 * Date arithmetic runs on naive times held in UTC Date fields: no zone is ever applied here.
 */
import type { QueryIssue } from '../../core/errors.js';
import { coarsestGrain, type TimeGrain } from '../../core/time.js';
import type { ResolvedTimeRange } from './resolved-query.js';

export const DEFAULT_RANGE_START = '2000-01-01';
export const DEFAULT_RANGE_END = '2040-12-31';
const LATEST_END = Date.UTC(2040, 11, 31, 23, 59, 59, 999);

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/** Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]]` as a naive time; undefined if malformed. */
export function parseNaiveTime(text: string): Date | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', s = '0', frac = '0'] = m.slice(1) as string[];
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  const roundTrips = date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d);
  return roundTrips && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60 ? date : undefined;
}

function isDateOnly(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
}

/** The start of the period of `grain` containing `t` (weeks start on Monday, ISO). */
export function periodStart(t: Date, grain: TimeGrain): Date {
  const y = t.getUTCFullYear();
  const mo = t.getUTCMonth();
  const d = t.getUTCDate();
  switch (grain) {
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
    case 'quarter':
      return new Date(Date.UTC(y, mo - (mo % 3), 1));
    case 'month':
      return new Date(Date.UTC(y, mo, 1));
    case 'week':
      return new Date(Date.UTC(y, mo, d - ((t.getUTCDay() + 6) % 7)));
    case 'day':
      return new Date(Date.UTC(y, mo, d));
    case 'hour':
      return new Date(Date.UTC(y, mo, d, t.getUTCHours()));
    case 'minute':
      return new Date(Date.UTC(y, mo, d, t.getUTCHours(), t.getUTCMinutes()));
    case 'second':
      return new Date(Date.UTC(y, mo, d, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()));
    case 'millisecond':
    case 'microsecond':
    case 'nanosecond':
      return new Date(t.getTime());
  }
}

/** The start of the period after the one starting at `start`. */
export function nextPeriod(start: Date, grain: TimeGrain): Date {
  const y = start.getUTCFullYear();
  const mo = start.getUTCMonth();
  const d = start.getUTCDate();
  const ms = start.getTime();
  switch (grain) {
    case 'year':
      return new Date(Date.UTC(y + 1, 0, 1));
    case 'quarter':
      return new Date(Date.UTC(y, mo + 3, 1));
    case 'month':
      return new Date(Date.UTC(y, mo + 1, 1));
    case 'week':
      return new Date(Date.UTC(y, mo, d + 7));
    case 'day':
      return new Date(Date.UTC(y, mo, d + 1));
    case 'hour':
      return new Date(ms + 3_600_000);
    case 'minute':
      return new Date(ms + 60_000);
    case 'second':
      return new Date(ms + 1_000);
    case 'millisecond':
    case 'microsecond':
    case 'nanosecond':
      return new Date(ms + 1);
  }
}

/** `YYYY-MM-DD HH:MM:SS[.mmm]` for a naive time. */
export function formatNaiveTime(t: Date): string {
  const iso = t.toISOString(); // 2024-01-01T00:00:00.000Z
  const ms = iso.slice(20, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${ms === '000' ? '' : `.${ms}`}`;
}

export interface TimeRangeInput {
  readonly start?: string;
  readonly end?: string;
}

/** Validates and widens the range; undefined when no end is given. */
export function resolveTimeRange(range: TimeRangeInput | undefined, grain: TimeGrain): ResolvedTimeRange | QueryIssue | undefined {
  if (!range || (range.start === undefined && range.end === undefined)) return undefined;
  const bad = (which: 'start' | 'end', text: string): QueryIssue => ({
    code: 'INVALID_TIME_RANGE',
    message: `timeRange.${which}: '${text}' is not a date (YYYY-MM-DD) or local date-time (YYYY-MM-DDTHH:MM:SS).`,
    name: text,
    path: `timeRange.${which}`,
  });
  const start = parseNaiveTime(range.start ?? DEFAULT_RANGE_START);
  if (!start) return bad('start', range.start!);
  const end = parseNaiveTime(range.end ?? DEFAULT_RANGE_END);
  if (!end) return bad('end', range.end!);
  if (end.getTime() > LATEST_END) {
    return { code: 'INVALID_TIME_RANGE', message: `timeRange.end must not be after ${DEFAULT_RANGE_END}.`, name: range.end, path: 'timeRange.end' };
  }
  if (start.getTime() > end.getTime()) {
    return { code: 'INVALID_TIME_RANGE', message: 'timeRange.start is after timeRange.end.', name: range.start, path: 'timeRange' };
  }
  // An end given as a date includes that whole day, also when the grain is finer than a day.
  const endGrain = isDateOnly(range.end ?? DEFAULT_RANGE_END) ? coarsestGrain([grain, 'day'])! : grain;
  return {
    start: formatNaiveTime(periodStart(start, grain)),
    endExclusive: formatNaiveTime(nextPeriod(periodStart(end, endGrain), endGrain)),
    grain,
  };
}

/**
 * A time at or before `t - count grain` (naive): exact for fixed-length grains, the first of the
 * month for calendar grains (month lengths vary; a lower bound for pre-filtering only needs to be early enough).
 */
export function timeBefore(t: Date, count: number, grain: TimeGrain): Date {
  const y = t.getUTCFullYear();
  const mo = t.getUTCMonth();
  const ms = t.getTime();
  switch (grain) {
    case 'year':
      return new Date(Date.UTC(y - count, mo, 1));
    case 'quarter':
      return new Date(Date.UTC(y, mo - 3 * count, 1));
    case 'month':
      return new Date(Date.UTC(y, mo - count, 1));
    case 'week':
      return new Date(ms - count * 7 * 86_400_000);
    case 'day':
      return new Date(ms - count * 86_400_000);
    case 'hour':
      return new Date(ms - count * 3_600_000);
    case 'minute':
      return new Date(ms - count * 60_000);
    case 'second':
      return new Date(ms - count * 1_000);
    case 'millisecond':
    case 'microsecond':
    case 'nanosecond':
      return new Date(ms - count);
  }
}
