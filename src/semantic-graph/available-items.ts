/**
 * The group-by items available to a metric or a set of metrics (spec 3.3), keyed by dunder name
 * without grain. Time items carry the base grain that bounds their grains and date parts.
 */
import { DATE_PARTS, DATE_PART_GRAIN, TIME_GRAINS, coarsestGrain, grainRank, type DatePart, type TimeGrain } from '../core/time.js';
import { METRIC_TIME, type ItemSpec } from './item-spec.js';

export interface AvailableItem {
  readonly spec: ItemSpec;
  readonly key: string;
  /** Time items: the coarsest base grain over everything feeding the item. */
  readonly baseGrain?: TimeGrain;
  /** False when date parts are excluded (cumulative metrics, offset_to_grain inputs). */
  readonly datePartsAllowed: boolean;
  /** The model owning the element (for labels); undefined for metric_time. */
  readonly owner?: string;
}

export type AvailableItems = ReadonlyMap<string, AvailableItem>;

/** Grains finer than this are unusable on PostgreSQL. */
const FINEST_SUPPORTED: TimeGrain = 'microsecond';

/** Standard grains a time item can be queried at, finest first. */
export function grainsFrom(base: TimeGrain): TimeGrain[] {
  const from = Math.max(grainRank(base), grainRank(FINEST_SUPPORTED));
  return TIME_GRAINS.filter((g) => grainRank(g) >= from);
}

/** Date parts available on a time item with this base grain (the part's grain must not be finer). */
export function datePartsFrom(base: TimeGrain): DatePart[] {
  return DATE_PARTS.filter((p) => grainRank(DATE_PART_GRAIN[p]) >= grainRank(base));
}

/** Items available to every one of the sets; time items keep the coarsest base grain. */
export function intersectAvailable(sets: readonly AvailableItems[]): AvailableItems {
  if (sets.length === 0) return new Map();
  const [first, ...rest] = sets;
  const out = new Map<string, AvailableItem>();
  for (const [key, item] of first!) {
    const others = rest.map((s) => s.get(key));
    if (others.some((o) => o === undefined || o.spec.kind !== item.spec.kind)) continue;
    const all = [item, ...(others as AvailableItem[])];
    const grains = all.map((i) => i.baseGrain).filter((g): g is TimeGrain => g !== undefined);
    out.set(key, {
      ...item,
      ...(grains.length ? { baseGrain: coarsestGrain(grains)! } : {}),
      datePartsAllowed: all.every((i) => i.datePartsAllowed),
    });
  }
  return out;
}

export function withoutDateParts(items: AvailableItems): AvailableItems {
  return new Map([...items].map(([k, v]) => [k, { ...v, datePartsAllowed: false }]));
}

export function metricTimeItem(baseGrain: TimeGrain): AvailableItem {
  return { spec: { kind: 'metric_time' }, key: METRIC_TIME, baseGrain, datePartsAllowed: true };
}
