/**
 * Group-by items ("linkable elements") in MetricFlow's dunder naming: entity links + element name
 * (+ `__<grain>` or `__extract_<part>` for time items), joined by `__`.
 */
import { isTimeGrain, type DatePart, type TimeGrain } from '../core/time.js';

export const METRIC_TIME = 'metric_time';
const DUNDER = '__';
const NAME_PATTERN = /^[a-z][a-z0-9_]*[a-z0-9]$/;

export type ElementKind = 'dimension' | 'time_dimension' | 'entity';

/** The virtual time dimension that maps to each metric's aggregation time dimension. */
export interface MetricTimeSpec {
  readonly kind: 'metric_time';
}

/** A dimension, time dimension or entity reached through `links` (entity names, outermost first). */
export interface ElementSpec {
  readonly kind: ElementKind;
  readonly links: readonly string[];
  readonly element: string;
}

/** What a metric can be grouped by, before a grain is chosen. */
export type ItemSpec = MetricTimeSpec | ElementSpec;

/**
 * How a time item is queried: truncated to a standard grain, a date part extracted, or mapped to
 * a custom granularity (a column of the time spine that defines it).
 */
export type TimeSelection =
  | { readonly kind: 'grain'; readonly grain: TimeGrain }
  | { readonly kind: 'date_part'; readonly part: DatePart }
  | { readonly kind: 'custom'; readonly name: string };

/** A fully resolved group-by item: spec + grain/date part for time items. */
export interface QueriedItem {
  readonly spec: ItemSpec;
  readonly time?: TimeSelection;
}

export function isTimeSpec(spec: ItemSpec): boolean {
  return spec.kind === 'metric_time' || spec.kind === 'time_dimension';
}

/** The dunder name without grain: `metric_time`, `customer__country`, `customer__region__region_name`. */
export function specKey(spec: ItemSpec): string {
  return spec.kind === 'metric_time' ? METRIC_TIME : [...spec.links, spec.element].join(DUNDER);
}

export function timeSuffix(time: TimeSelection): string {
  switch (time.kind) {
    case 'grain':
      return time.grain;
    case 'date_part':
      return `extract_${time.part}`;
    case 'custom':
      return time.name;
  }
}

/** The output column name (spec 7.1): `metric_time__day`, `order__ordered_at__extract_year`, `customer`. */
export function itemColumnName(item: QueriedItem): string {
  const key = specKey(item.spec);
  return item.time ? `${key}${DUNDER}${timeSuffix(item.time)}` : key;
}

export function sameSpec(a: ItemSpec, b: ItemSpec): boolean {
  return a.kind === b.kind && specKey(a) === specKey(b);
}

/** A dunder name split into its parts; grain/date part as written (validated by the resolver). */
export interface ParsedItemName {
  readonly links: readonly string[];
  readonly element: string;
  readonly grain?: TimeGrain;
  /** The text after `extract_`, not yet checked against the known date parts. */
  readonly datePart?: string;
}

/**
 * Parses `entity__entity__element__grain` (spec 3.2). The trailing part is a grain if it names a
 * standard grain and a date part if it is `extract_<part>` (accepted in string form, a maatstaf
 * extension). Returns undefined when the text is not a well-formed dunder name.
 */
export function parseItemName(text: string): ParsedItemName | undefined {
  const name = text.trim().toLowerCase();
  if (!NAME_PATTERN.test(name)) return undefined;
  const parts = name.split(DUNDER);
  if (parts.some((p) => p === '' || p.startsWith('_') || p.endsWith('_'))) return undefined;
  const last = parts[parts.length - 1]!;
  let grain: TimeGrain | undefined;
  let datePart: string | undefined;
  if (parts.length >= 2 && isTimeGrain(last)) {
    grain = last;
    parts.pop();
  } else if (parts.length >= 2 && last.startsWith('extract_')) {
    datePart = last.slice('extract_'.length);
    parts.pop();
  }
  const element = parts.pop()!;
  return { links: parts, element, ...(grain ? { grain } : {}), ...(datePart !== undefined ? { datePart } : {}) };
}
