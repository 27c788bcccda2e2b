/**
 * What a KPI tile may claim, computed from the API's rows (pure: no DOM, unit-tested).
 *
 * A tile states one fact about one named period. The rows of a time series can hold things that are
 * not such a fact: the null-period group (MetricFlow's group of rows whose time is unknown, e.g.
 * documents not yet picked up), periods after today (an offset metric runs a year past the data) and
 * the period still in progress. These functions pick the period honestly.
 */
import type { Row } from './types.js';

export type Grain = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

export interface PeriodFact {
  /** Period start as the API writes it (`2025-12-01`). */
  readonly period: string;
  readonly value: number;
  /** True when today falls inside the period: the value will still grow. */
  readonly inProgress: boolean;
}

export function grainOf(timeColumn: string): Grain {
  const g = /__(hour|day|week|month|quarter|year)$/.exec(timeColumn)?.[1];
  return (g ?? 'day') as Grain;
}

/** The local date today, `YYYY-MM-DD`. */
export function todayIso(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

function parse(iso: string): Date {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y!, (m ?? 1) - 1, d ?? 1));
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Moves a period start by `count` periods of `grain` (negative: back). */
export function shiftPeriod(period: string, count: number, grain: Grain): string {
  const d = parse(period);
  if (grain === 'day' || grain === 'hour') d.setUTCDate(d.getUTCDate() + count);
  else if (grain === 'week') d.setUTCDate(d.getUTCDate() + 7 * count);
  else if (grain === 'month') d.setUTCMonth(d.getUTCMonth() + count);
  else if (grain === 'quarter') d.setUTCMonth(d.getUTCMonth() + 3 * count);
  else d.setUTCFullYear(d.getUTCFullYear() + count);
  return iso(d);
}

/** The first day after the period (exclusive end). */
export function periodEnd(period: string, grain: Grain): string {
  return shiftPeriod(period, 1, grain === 'hour' ? 'day' : grain);
}

const numberAt = (r: Row, metric: string): number | null => (typeof r[metric] === 'number' && Number.isFinite(r[metric]) ? (r[metric] as number) : null);

/**
 * The latest period that has a value and has started by today, never the null period; at most
 * `until` when given (so every tile of a dashboard speaks of the same period).
 */
export function latestFact(rows: readonly Row[], timeColumn: string, metric: string, today: string, until?: string): PeriodFact | null {
  let best: { period: string; value: number } | null = null;
  for (const r of rows) {
    const t = r[timeColumn];
    const v = numberAt(r, metric);
    if (typeof t !== 'string' || v === null) continue;
    const period = t.slice(0, 10);
    if (period > today || (until !== undefined && period > until)) continue;
    if (!best || period > best.period) best = { period, value: v };
  }
  if (!best) return null;
  return { ...best, inProgress: periodEnd(best.period, grainOf(timeColumn)) > today };
}

/** The value of `metric` in exactly `period` (null when the row or the value is missing). */
export function valueAt(rows: readonly Row[], timeColumn: string, metric: string, period: string): number | null {
  const r = rows.find((x) => typeof x[timeColumn] === 'string' && (x[timeColumn] as string).slice(0, 10) === period);
  return r ? numberAt(r, metric) : null;
}

/** Relative change from `before` to `now`; null when it is undefined (no earlier value, or zero). */
export function percentChange(now: number | null, before: number | null): number | null {
  if (now === null || before === null || before === 0) return null;
  return (now - before) / before;
}

/** Rows with an unknown (null) group value, after all known ones; otherwise the API's order. */
export function nullGroupsLast(rows: readonly Row[], groupColumns: readonly string[]): Row[] {
  const known: Row[] = [];
  const unknown: Row[] = [];
  for (const r of rows) (groupColumns.some((c) => r[c] === null || r[c] === undefined) ? unknown : known).push(r);
  return [...known, ...unknown];
}

export interface Slot {
  readonly dow: number;
  readonly hour: number;
  readonly value: number;
}

/** The weekday × hour cell with the highest value (unknown slots ignored; first wins a tie). */
export function busiestSlot(rows: readonly Row[], dowColumn: string, hourColumn: string, metric: string): Slot | null {
  let best: Slot | null = null;
  for (const r of rows) {
    const dow = r[dowColumn];
    const hour = r[hourColumn];
    const v = numberAt(r, metric);
    if (typeof dow !== 'number' || typeof hour !== 'number' || v === null) continue;
    if (!best || v > best.value) best = { dow, hour, value: v };
  }
  return best;
}

/** The group with the highest (or lowest) value, ignoring unknown groups. */
export function topGroup(rows: readonly Row[], groupColumn: string, metric: string, lowest = false): { group: string; value: number } | null {
  let best: { group: string; value: number } | null = null;
  for (const r of rows) {
    const g = r[groupColumn];
    const v = numberAt(r, metric);
    if (g === null || g === undefined || v === null) continue;
    if (!best || (lowest ? v < best.value : v > best.value)) best = { group: String(g), value: v };
  }
  return best;
}
