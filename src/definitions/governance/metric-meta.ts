/**
 * Governance fields in a metric's `meta` / `config.meta`: which keys are known, and what each may
 * hold. Pure: returns problems keyed by meta key; the validation rule turns them into issues with
 * file:line. Unknown keys stay allowed (meta is free-form).
 */

export const GOVERNANCE_STATUSES = ['draft', 'certified', 'deprecated'] as const;
export const GOVERNANCE_SENSITIVITIES = ['public', 'internal', 'personal'] as const;
export const GOVERNANCE_DIRECTIONS = ['higher_is_better', 'lower_is_better'] as const;
/** How shown values of a protected metric are blurred against differencing (src/privacy, README "Privacy"). */
export const DISCLOSURE_CONTROLS = ['cell_key', 'round'] as const;

/** One problem in a metric's meta. `key` undefined → about the meta as a whole (e.g. a missing owner). */
export interface MetaProblem {
  readonly severity: 'error' | 'warning';
  readonly key: string | undefined;
  readonly message: string;
}

const TEXT_KEYS = ['owner', 'steward', 'unit', 'format', 'refresh', 'definition', 'label_en', 'description_en'] as const;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO date (or date-time) that is also a real calendar day. YAML may hand us a Date. */
export function isIsoDate(v: unknown): boolean {
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  if (typeof v !== 'string' || !ISO_DATE.test(v)) return false;
  const day = v.slice(0, 10);
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));
const list = (values: readonly string[]) => values.join(' | ');

export interface MetricMetaContext {
  /** The metric's own name (a deprecated metric may not replace itself). */
  readonly name: string;
  /** Every metric name in the project, for `replacement`. */
  readonly metricNames: ReadonlySet<string>;
}

/** Checks the governance keys of one metric's merged meta. */
export function checkMetricMeta(meta: Readonly<Record<string, unknown>>, ctx: MetricMetaContext): MetaProblem[] {
  const out: MetaProblem[] = [];
  const error = (key: string | undefined, message: string) => out.push({ severity: 'error', key, message });
  const has = (key: string) => meta[key] !== undefined && meta[key] !== null;

  for (const key of TEXT_KEYS) if (has(key) && !isText(meta[key])) error(key, `${key} must be non-empty text, got ${show(meta[key])}`);
  // Only metrics in the governance lifecycle (with a status) must name an owner: plain dbt projects
  // without governance meta load without warnings.
  if (has('status') && !has('owner')) {
    out.push({ severity: 'warning', key: undefined, message: 'no owner in meta: set meta.owner to the department responsible for this metric' });
  }

  if (has('version') && !isText(meta.version) && typeof meta.version !== 'number') error('version', `version must be text or a number, got ${show(meta.version)}`);

  const status = meta.status;
  if (has('status') && !(GOVERNANCE_STATUSES as readonly unknown[]).includes(status)) {
    error('status', `status must be one of ${list(GOVERNANCE_STATUSES)}, got ${show(status)}`);
  }
  if (status === 'deprecated') {
    if (!has('replacement')) error('status', 'a deprecated metric needs meta.replacement (the metric to use instead)');
    if (!has('sunset')) error('status', 'a deprecated metric needs meta.sunset (ISO date when it stops being served)');
  }
  if (has('replacement')) {
    const r = meta.replacement;
    if (!isText(r)) error('replacement', `replacement must be a metric name, got ${show(r)}`);
    else if (r.toLowerCase() === ctx.name) error('replacement', 'a metric cannot replace itself');
    else if (!ctx.metricNames.has(r.toLowerCase())) error('replacement', `replacement: unknown metric '${r}'`);
  }
  for (const key of ['sunset', 'deprecated_at']) {
    if (has(key) && !isIsoDate(meta[key])) error(key, `${key} must be an ISO date (YYYY-MM-DD), got ${show(meta[key])}`);
  }

  if (has('target') && (typeof meta.target !== 'number' || !Number.isFinite(meta.target))) error('target', `target must be a number, got ${show(meta.target)}`);
  if (has('direction') && !(GOVERNANCE_DIRECTIONS as readonly unknown[]).includes(meta.direction)) {
    error('direction', `direction must be one of ${list(GOVERNANCE_DIRECTIONS)}, got ${show(meta.direction)}`);
  }
  if (has('target') && !has('direction')) {
    out.push({ severity: 'warning', key: 'target', message: 'target without direction: set meta.direction (higher_is_better | lower_is_better)' });
  }

  if (has('sensitivity') && !(GOVERNANCE_SENSITIVITIES as readonly unknown[]).includes(meta.sensitivity)) {
    error('sensitivity', `sensitivity must be one of ${list(GOVERNANCE_SENSITIVITIES)}, got ${show(meta.sensitivity)}`);
  }
  const size = meta.min_group_size;
  if (has('min_group_size') && !(typeof size === 'number' && Number.isInteger(size) && size > 0)) {
    error('min_group_size', `min_group_size must be a positive integer, got ${show(size)}`);
  }
  // Statistical disclosure control (src/privacy): rounding base for shown counts, and the entity counted as subject.
  const base = meta.round_to;
  if (has('round_to') && !(typeof base === 'number' && Number.isInteger(base) && base > 1)) {
    error('round_to', `round_to must be an integer above 1 (e.g. 5), got ${show(base)}`);
  }
  const control = meta.disclosure_control;
  if (has('disclosure_control')) {
    if (!(DISCLOSURE_CONTROLS as readonly unknown[]).includes(control)) error('disclosure_control', `disclosure_control must be one of ${list(DISCLOSURE_CONTROLS)}, got ${show(control)}`);
    else if (!has('min_group_size')) error('disclosure_control', 'disclosure_control needs meta.min_group_size (the smallest group that may be shown)');
    else if (control === 'round' && !has('round_to')) error('disclosure_control', 'disclosure_control round needs meta.round_to (the rounding base, e.g. 5)');
    else if (control === 'cell_key' && has('round_to')) error('round_to', 'round_to cannot be combined with disclosure_control cell_key (choose one)');
  }
  if (has('subject') && !isText(meta.subject)) error('subject', `subject must name an entity, got ${show(meta.subject)}`);
  if (meta.sensitivity === 'personal' && !has('min_group_size')) {
    error('sensitivity', 'sensitivity personal needs meta.min_group_size (smallest group that may be shown)');
  }

  if (has('tags') && !(Array.isArray(meta.tags) && meta.tags.every(isText))) error('tags', `tags must be a list of text, got ${show(meta.tags)}`);
  return out;
}
