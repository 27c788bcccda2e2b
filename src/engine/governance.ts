/**
 * Governance fields of a metric, read from its `meta:` (dbt `config.meta`). The definitions loader
 * does not validate meta, so this reads leniently: a value of the wrong type is left out rather
 * than failing the catalogue.
 */
import type { Meta, MetricDef } from '../definitions/model.js';

export const METRIC_STATUSES = ['draft', 'certified', 'deprecated'] as const;
export type MetricStatus = (typeof METRIC_STATUSES)[number];

export const SENSITIVITIES = ['public', 'internal', 'personal'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export interface MetricGovernance {
  readonly owner?: string;
  readonly steward?: string;
  readonly status?: MetricStatus;
  /** As written (`1`, `2.1`), always as text. */
  readonly version?: string;
  readonly unit?: string;
  /** Display format such as `0.0` or `0.0%`. */
  readonly format?: string;
  readonly target?: number;
  /** `higher_is_better`, `lower_is_better`, … */
  readonly direction?: string;
  readonly sensitivity?: Sensitivity;
  /** Smallest group that may be shown: enforced by small-cell suppression (src/privacy). */
  readonly minGroupSize?: number;
  /** How often the source data refreshes: `daily`, `weekly`, … */
  readonly refresh?: string;
  /** The business definition in words. */
  readonly definition?: string;
  readonly labelEn?: string;
  readonly descriptionEn?: string;
  readonly tags: readonly string[];
  /** For deprecated metrics: the metric to use instead. */
  readonly replacement?: string;
  /** For deprecated metrics: the day the metric stops being served (ISO date or date-time). */
  readonly sunset?: string;
  /** For deprecated metrics: when the deprecation took effect (maatstaf extension `deprecated_at`). */
  readonly deprecatedAt?: string;
}

const text = (v: unknown): string | undefined => {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
};

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

function oneOf<T extends string>(values: readonly T[], v: unknown): T | undefined {
  const s = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  return values.find((x) => x === s);
}

/** A date in meta: YAML may hand us a string or (with a timestamp schema) a Date. */
function date(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().slice(0, 10);
  const s = text(v);
  return s !== undefined && !Number.isNaN(Date.parse(s)) ? s : undefined;
}

function tags(v: unknown): string[] {
  if (typeof v === 'string') return v.trim() ? [v.trim()] : [];
  if (Array.isArray(v)) return v.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());
  return [];
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Reads the governance fields of a metric's meta. */
export function readGovernance(meta: Meta): MetricGovernance {
  return compact({
    owner: text(meta.owner),
    steward: text(meta.steward),
    status: oneOf(METRIC_STATUSES, meta.status),
    version: text(meta.version),
    unit: text(meta.unit),
    format: text(meta.format),
    target: num(meta.target),
    direction: text(meta.direction),
    sensitivity: oneOf(SENSITIVITIES, meta.sensitivity),
    minGroupSize: num(meta.min_group_size),
    refresh: text(meta.refresh),
    definition: text(meta.definition),
    labelEn: text(meta.label_en),
    descriptionEn: text(meta.description_en),
    tags: tags(meta.tags),
    replacement: text(meta.replacement),
    sunset: date(meta.sunset),
    deprecatedAt: date(meta.deprecated_at),
  });
}

export function metricGovernance(def: MetricDef): MetricGovernance {
  // Read on every query (audit sensitivity, deprecation headers); definitions never change after
  // loading (a reload makes new ones), so once per definition is enough.
  let g = governanceByDef.get(def);
  if (!g) governanceByDef.set(def, (g = Object.freeze(readGovernance(def.meta))));
  return g;
}

const governanceByDef = new WeakMap<MetricDef, MetricGovernance>();

/** What HTTP responses about deprecated metrics announce (RFC 9745 Deprecation, RFC 8594 Sunset). */
export interface DeprecationNotice {
  /** The deprecated metrics among those asked for. */
  readonly metrics: readonly string[];
  /** Earliest `deprecated_at` among them, if any was given. */
  readonly deprecatedAt?: Date;
  /** Earliest sunset among them, if any was given. */
  readonly sunset?: Date;
  /** Replacement metrics named by the deprecated ones. */
  readonly replacements: readonly string[];
}

const earliest = (dates: readonly (Date | undefined)[]): Date | undefined =>
  dates.filter((d): d is Date => d !== undefined).sort((a, b) => a.getTime() - b.getTime())[0];

const toDate = (s: string | undefined): Date | undefined => (s === undefined ? undefined : new Date(Date.parse(s)));

/** The deprecation notice for a set of metric definitions; undefined when none is deprecated. */
export function deprecationNotice(defs: readonly MetricDef[]): DeprecationNotice | undefined {
  const deprecated = defs.map((d) => ({ name: d.name, g: metricGovernance(d) })).filter((x) => x.g.status === 'deprecated');
  if (deprecated.length === 0) return undefined;
  const deprecatedAt = earliest(deprecated.map((x) => toDate(x.g.deprecatedAt)));
  const sunset = earliest(deprecated.map((x) => toDate(x.g.sunset)));
  return {
    metrics: deprecated.map((x) => x.name),
    ...(deprecatedAt ? { deprecatedAt } : {}),
    ...(sunset ? { sunset } : {}),
    replacements: [...new Set(deprecated.map((x) => x.g.replacement).filter((r): r is string => r !== undefined))],
  };
}
