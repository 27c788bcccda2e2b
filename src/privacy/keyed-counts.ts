/**
 * Perturbed subject counts: the cell-key rule (cell-key.ts) applied to the threshold decision
 * itself, in SQL. Pure.
 *
 * Why: a cell or a row shown at k persons and withheld at k − 1, decided on the EXACT count, tells
 * an insider who widens a filter one person at a time exactly when the k-th person came in (the
 * boundary probe), whatever noise or rounding the shown value gets. Decided on the count plus the
 * noise of the cell key of the same set of persons, the flip lands on k − 2 … k + 2 persons, at a
 * point the attacker cannot compute without the secret; and the same set always flips the same way.
 *
 * Applies to every subject count whose persons are in a KEYED semantic model: a personal model
 * with at least one protected metric published with `disclosure_control: cell_key` (the operator
 * has configured the secret for it anyway). For such models every protected metric — also
 * rounded, cumulative, derived, ratios, medians — and every answer without metrics decides on the
 * perturbed count. Models without a cell-key metric keep exact thresholds (README residual risks).
 *
 * The companions (ordinary hidden metrics, so the one compiler puts them in the same statement):
 * - simple: `__exact__m` = COUNT(DISTINCT subject), `__cellkey__m` = SUM(DISTINCT record key) of
 *   the same contributing subjects, `__subjects__m` = perturb(exact, key);
 * - cumulative: the same window over the exact count and over the key, perturbed; the increment
 *   is the input's (perturbed) subject count;
 * - derived counts: |value| is perturbed with the sum of its inputs' cell keys (a key that is the
 *   same whenever the persons behind every input are the same).
 */
import { createHash } from 'node:crypto';
import { CELL_KEY_RANGE, PERTURBATION_SLOTS, UNPERTURBED_UP_TO } from './cell-key.js';
import { effectiveMinGroupSizes, usesCellKey } from '../definitions/governance/subject.js';
import type { Definitions, MetricDef } from '../definitions/model.js';

/** PostgreSQL truncates identifiers longer than this; the output column would be renamed. */
export const MAX_NAME = 63;

/** A hidden column name `prefix + name`, hashed when it would be too long. */
export function hiddenName(prefix: string, name: string): string {
  const full = `${prefix}${name}`;
  return full.length <= MAX_NAME ? full : `${prefix}${createHash('sha256').update(name).digest('hex').slice(0, 24)}`;
}

/**
 * `n` (a subject count, SQL) plus the noise of the published table for the raw cell key `key`
 * (SQL): the same rule as `perturb` in cell-key.ts, in integer arithmetic so both engines agree
 * exactly. NULL stays NULL (no rows: does not lower a LEAST); 0 … 2 are unchanged.
 */
export function perturbedCountSql(n: string, key: string): string {
  const slot = `MOD(CAST(COALESCE(${key}, 0) AS BIGINT), ${CELL_KEY_RANGE}) * ${PERTURBATION_SLOTS.length} / ${CELL_KEY_RANGE}`;
  const noise = `CASE ${slot} ${PERTURBATION_SLOTS.map((d, i) => `WHEN ${i} THEN ${d}`).join(' ')} ELSE 0 END`;
  return `CASE WHEN ${n} IS NULL THEN NULL WHEN ${n} <= ${UNPERTURBED_UP_TO} THEN ${n} ELSE ${n} + ${noise} END`;
}

/** Personal models whose thresholds are decided on perturbed counts (module comment). */
export function keyedModels(defs: Definitions): ReadonlySet<string> {
  const ks = effectiveMinGroupSizes(defs);
  return new Set(defs.metrics.flatMap((m) => (m.type === 'simple' && usesCellKey(m) && ks.has(m.name) ? [m.aggregation.semanticModel] : [])));
}

/**
 * Whether a metric's subject counts are perturbed: every simple metric under it reads a keyed
 * model (ratios are not keyed themselves; their LEAST is over their inputs' perturbed counts).
 */
export function isKeyed(byName: ReadonlyMap<string, MetricDef>, keyed: ReadonlySet<string>, def: MetricDef | undefined, seen: readonly string[] = []): boolean {
  if (!def || seen.includes(def.name)) return false;
  switch (def.type) {
    case 'simple':
      return keyed.has(def.aggregation.semanticModel);
    case 'cumulative':
      return isKeyed(byName, keyed, byName.get(def.input.name), [...seen, def.name]);
    case 'derived':
      return def.inputs.every((i) => isKeyed(byName, keyed, byName.get(i.name), [...seen, def.name]));
    default:
      return false;
  }
}

/** Fields every hidden companion takes from the metric it belongs to. */
export function hiddenCompanion(def: MetricDef, name: string) {
  return {
    name,
    filters: def.filters,
    ...(def.timeGranularity !== undefined ? { timeGranularity: def.timeGranularity } : {}),
    hidden: false,
    meta: {},
    loc: def.loc,
  };
}

/** A derived companion `name` = perturb(exact, key) over two hidden metrics of the same cell. */
export function perturbedCompanion(def: MetricDef, name: string, exact: string, key: string): MetricDef {
  return {
    type: 'derived',
    ...hiddenCompanion(def, name),
    expr: perturbedCountSql('exact_subjects', 'subjects_key'),
    inputs: [
      { name: exact, alias: 'exact_subjects', filters: [] },
      { name: key, alias: 'subjects_key', filters: [] },
    ],
  };
}
