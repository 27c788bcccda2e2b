/**
 * Synthetic hourly history for the forecast tests: a known weekday × hour pattern (office hours on
 * weekdays, Tuesday busiest) plus seeded Gaussian noise, as the engine would print its rows.
 */
import type { OutputColumn } from '../../../src/core/query.js';

/** Expected pickups at a local weekday (0 = Monday) and hour. */
export function pattern(weekday: number, hour: number): number {
  if (weekday >= 5) return 2;
  const office = hour >= 9 && hour < 17 ? 20 + 10 * Math.sin(((hour - 9) / 8) * Math.PI) : 3;
  return office * (weekday === 1 ? 1.3 : 1);
}

/** A seeded standard normal (Box-Muller over a linear congruential generator). */
export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export const HOUR_COLUMNS: OutputColumn[] = [
  { name: 'metric_time__hour', kind: 'time', dataType: 'datetime', grain: 'hour' },
  { name: 'pickups', kind: 'metric', dataType: 'number' },
];

/** Local wall-clock hours in January/February (no DST change): `YYYY-MM-DDTHH:00:00+01:00`, Monday 2024-01-01 first. */
export function hourLabel(i: number): string {
  const t = new Date(Date.UTC(2024, 0, 1) + i * 3_600_000);
  return `${t.toISOString().slice(0, 13)}:00:00+01:00`;
}

export const weekdayOf = (i: number) => Math.floor(i / 24) % 7;

/** `hours` rows of the pattern with noise of standard deviation `sd`. */
export function hourlyRows(hours: number, sd: number, seed = 7): Record<string, unknown>[] {
  const noise = gaussian(seed);
  return Array.from({ length: hours }, (_, i) => ({
    metric_time__hour: hourLabel(i),
    pickups: Math.round((pattern(weekdayOf(i), i % 24) + sd * noise()) * 1000) / 1000,
  }));
}
