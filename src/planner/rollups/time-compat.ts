/**
 * How a queried item is read from a rollup key: as it is, truncated to a coarser calendar grain,
 * or as a date part. Only calendar multiples qualify: a month is whole days but not whole weeks
 * (weeks start on Monday, ISO, in the builder and the compiler alike).
 */
import { DATE_PART_GRAIN, type DatePart, type TimeGrain } from '../../core/time.js';
import { sameSpec } from '../../semantic-graph/item-spec.js';
import type { ResolvedItem } from '../resolve/resolved-query.js';

/** Coarser grains made of whole periods of each grain. */
const MULTIPLES: Partial<Record<TimeGrain, readonly TimeGrain[]>> = {
  day: ['week', 'month', 'quarter', 'year'],
  month: ['quarter', 'year'],
  quarter: ['year'],
};

export function isCalendarMultiple(fine: TimeGrain, coarse: TimeGrain): boolean {
  return fine === coarse || (MULTIPLES[fine]?.includes(coarse) ?? false);
}

export type KeyRead = { readonly kind: 'exact' } | { readonly kind: 'trunc'; readonly grain: TimeGrain } | { readonly kind: 'part'; readonly part: DatePart };

/** How `item` reads from `key`; 'grain' when it is the same time item at a grain the key cannot give; undefined: another item. */
export function readFromKey(item: ResolvedItem, key: ResolvedItem): KeyRead | 'grain' | undefined {
  if (!sameSpec(item.spec, key.spec)) return undefined;
  if (!item.time && !key.time) return { kind: 'exact' };
  if (!item.time || key.time?.kind !== 'grain') return 'grain';
  const keyGrain = key.time.grain;
  switch (item.time.kind) {
    case 'grain':
      if (item.time.grain === keyGrain) return { kind: 'exact' };
      return isCalendarMultiple(keyGrain, item.time.grain) ? { kind: 'trunc', grain: item.time.grain } : 'grain';
    case 'date_part': {
      const needs = DATE_PART_GRAIN[item.time.part];
      return isCalendarMultiple(keyGrain, needs) ? { kind: 'part', part: item.time.part } : 'grain';
    }
    case 'custom':
      return 'grain';
  }
}
