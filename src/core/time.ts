/** Time grains in MetricFlow order, finest first. */
export const TIME_GRAINS = [
  'nanosecond',
  'microsecond',
  'millisecond',
  'second',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
] as const;
export type TimeGrain = (typeof TIME_GRAINS)[number];

/** Date parts MetricFlow accepts, plus `hour` (our extension) and `week` (output naming only). */
export const DATE_PARTS = ['year', 'quarter', 'month', 'week', 'day', 'dow', 'doy', 'hour'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

/** The grain a date part needs: a part is only available on dimensions at least this fine. */
export const DATE_PART_GRAIN: Record<DatePart, TimeGrain> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  week: 'week',
  day: 'day',
  dow: 'day',
  doy: 'day',
  hour: 'hour',
};

export function isTimeGrain(s: string): s is TimeGrain {
  return (TIME_GRAINS as readonly string[]).includes(s);
}

export function isDatePart(s: string): s is DatePart {
  return (DATE_PARTS as readonly string[]).includes(s);
}

export function grainRank(g: TimeGrain): number {
  return TIME_GRAINS.indexOf(g);
}

/** -1 if a is finer than b, 0 if equal, 1 if coarser. */
export function compareGrains(a: TimeGrain, b: TimeGrain): number {
  return Math.sign(grainRank(a) - grainRank(b));
}

export function coarsestGrain(grains: readonly TimeGrain[]): TimeGrain | undefined {
  return grains.reduce<TimeGrain | undefined>((acc, g) => (acc === undefined || grainRank(g) > grainRank(acc) ? g : acc), undefined);
}

export function finestGrain(grains: readonly TimeGrain[]): TimeGrain | undefined {
  return grains.reduce<TimeGrain | undefined>((acc, g) => (acc === undefined || grainRank(g) < grainRank(acc) ? g : acc), undefined);
}

/** A window or offset such as "7 days" or "1 month". */
export interface TimeWindow {
  readonly count: number;
  /** A standard grain, or the name of a custom granularity. */
  readonly grain: string;
}
