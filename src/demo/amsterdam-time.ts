/**
 * Europe/Amsterdam wall-clock time ↔ UTC, by the EU daylight-saving rule (since 1996): summer time
 * (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, else
 * UTC+1. A closed-form rule instead of Intl because it runs for every generated timestamp; the unit
 * tests check it against Intl.
 */
import { dayFromCivil, formatDay, isoWeekday, type Day } from './days.js';

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

function lastSunday(year: number, month: number): Day {
  const lastOfMonth = dayFromCivil(year, month + 1, 1) - 1;
  return lastOfMonth - (isoWeekday(lastOfMonth) % 7);
}

interface SummerTime {
  readonly yearStartMs: number;
  readonly nextYearStartMs: number;
  readonly startMs: number;
  readonly endMs: number;
}

function summerTimeOf(year: number): SummerTime {
  return {
    yearStartMs: dayFromCivil(year, 1, 1) * MS_PER_DAY,
    nextYearStartMs: dayFromCivil(year + 1, 1, 1) * MS_PER_DAY,
    startMs: lastSunday(year, 3) * MS_PER_DAY + MS_PER_HOUR,
    endMs: lastSunday(year, 10) * MS_PER_DAY + MS_PER_HOUR,
  };
}

// Hot path (every generated timestamp): remember the last year's transitions.
let cached = summerTimeOf(2024);

/** Offset of Amsterdam local time from UTC at an instant, in hours (1 or 2). */
export function amsterdamOffsetHours(utcMs: number): 1 | 2 {
  if (utcMs < cached.yearStartMs || utcMs >= cached.nextYearStartMs) {
    // The UTC year is the right one: transitions are in March and October, far from New Year.
    cached = summerTimeOf(new Date(utcMs).getUTCFullYear());
  }
  return utcMs >= cached.startMs && utcMs < cached.endMs ? 2 : 1;
}

/**
 * The UTC instant (epoch ms) of a local Amsterdam wall-clock time. Like Temporal's 'compatible'
 * disambiguation: a time in the spring-forward gap (02:00–03:00) moves forward by an hour, a time in
 * the autumn overlap (02:00–03:00 twice) takes the earlier (summer time) instant.
 */
export function amsterdamLocalToUtcMs(day: Day, secondOfDay: number): number {
  const asIfUtc = day * MS_PER_DAY + secondOfDay * 1000;
  const summer = asIfUtc - 2 * MS_PER_HOUR;
  if (amsterdamOffsetHours(summer) === 2) return summer;
  // Winter time, or the gap: reading the gap time with the pre-transition offset lands after it.
  return asIfUtc - MS_PER_HOUR;
}

export interface LocalTime {
  readonly day: Day;
  readonly secondOfDay: number;
}

/** The Amsterdam wall-clock date and time of an instant. */
export function utcMsToAmsterdamLocal(utcMs: number): LocalTime {
  const localMs = utcMs + amsterdamOffsetHours(utcMs) * MS_PER_HOUR;
  const day = Math.floor(localMs / MS_PER_DAY);
  return { day, secondOfDay: Math.floor((localMs - day * MS_PER_DAY) / 1000) };
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** An instant (whole seconds; milliseconds are dropped) as PostgreSQL timestamptz text in UTC: `2024-03-31 01:30:00+00`. */
export function formatUtc(utcMs: number): string {
  const day = Math.floor(utcMs / MS_PER_DAY);
  const second = Math.floor((utcMs - day * MS_PER_DAY) / 1000);
  const hh = TWO_DIGITS[Math.floor(second / 3600)] as string;
  const mm = TWO_DIGITS[Math.floor((second % 3600) / 60)] as string;
  const ss = TWO_DIGITS[second % 60] as string;
  return `${formatDay(day)} ${hh}:${mm}:${ss}+00`;
}
