/**
 * Subject-count metrics: for every metric in a protected tree, a companion metric that counts the
 * distinct subjects behind each of its cells. They are ordinary metric definitions, so the one
 * planner and compiler put them in the SAME SQL statement as the query's metrics, with the same
 * filters (query, metric, input), the same group-by and the same time range — nothing about the
 * counting is a second code path that could drift from how the values are computed.
 *
 * - simple: COUNT(DISTINCT subject) over the rows that contribute to the value: for sums (count
 *   and sum_boolean are sums of CASE 0/1 after normalisation) the rows whose expression is non-zero,
 *   for every other aggregation the rows whose expression is not NULL. Same model, filters,
 *   aggregation time dimension and semi-additive window as the metric.
 * - ratio / derived: the MINIMUM over the inputs' subject counts (PostgreSQL LEAST; an input without
 *   rows in a cell contributes nothing and does not lower the minimum). Conservative: a cell is
 *   shown only if every input that feeds it covers at least k subjects. Offsets and input filters
 *   are kept, so an offset input is counted in the period it reads. A derived COUNT (every simple
 *   metric under it counts: count, sum_boolean, count_distinct) also takes |value| into the
 *   minimum: `started_to_date − ended_to_date` is itself a count of the dossiers in between, so a
 *   value of 1 … k−1 is a small cell even when both inputs are large.
 * - cumulative: the minimum of (1) the same window over the subject count (the window aggregates
 *   raw rows, so distinct subjects over the window are counted, not summed per period) and (2) the
 *   subjects of the INCREMENT: the input's subject count in the cell's own period (0 when it has
 *   no rows). The difference of two shown consecutive periods t−1, t is the input over period t,
 *   so it covers at least k subjects too (and 0 increments are withheld, so a difference across a
 *   withheld period still contains a shown period's k subjects). This holds for `period_agg: last`
 *   (and any period_agg at day grain) without a window — protect-query refuses the other shapes.
 * - keyed models (keyed-counts.ts): every count above is the PERTURBED count (exact count plus the
 *   noise of the cell key of the same subjects), so no threshold decision is taken on an exact count.
 */
import { classifyData } from '../definitions/governance/data-sensitivity.js';
import { COUNTING_AGGREGATIONS, effectiveMinGroupSizes, metricInputNames, subjectOf } from '../definitions/governance/subject.js';
import { recordKeySql } from './cell-key.js';
import type { CumulativeMetricDef, Definitions, ElementExpr, MetricDef, MetricInputDef, SimpleMetricDef } from '../definitions/model.js';
import { hiddenCompanion, hiddenName, isKeyed, keyedModels, perturbedCompanion, perturbedCountSql } from './keyed-counts.js';
import { modelRowsMetrics } from './model-subjects.js';

export const SUBJECT_PREFIX = '__subjects__';

/** Output column name of the subject count of `metric` (perturbed for keyed metrics, keyed-counts.ts). */
export const subjectMetricName = (metric: string): string => hiddenName(SUBJECT_PREFIX, metric);

/** Output column name of the exact subject count of a keyed `metric` (the input of its perturbed one). */
export const exactSubjectsName = (metric: string): string => hiddenName('__exact__', metric);

const sqlOf = (e: ElementExpr): string => (e.column !== undefined ? `"${e.column.replace(/"/g, '""')}"` : `(${e.sql})`);

/** The condition under which a row contributes to a simple metric's value: non-zero for sums, non-NULL otherwise. */
function contributionSql(def: SimpleMetricDef): string {
  const value = sqlOf(def.aggregation.expr);
  return def.aggregation.agg === 'sum' ? `${value} <> 0` : `${value} IS NOT NULL`;
}

function subjectCount(defs: Definitions, def: SimpleMetricDef): SimpleMetricDef {
  const s = subjectOf(defs, def);
  // checkSubjects rejected these definitions at load; reaching this is a programming error.
  if ('problem' in s) throw new Error(`subject of ${def.name}: ${s.problem}`);
  const agg = def.aggregation;
  const contributes = contributionSql(def);
  return {
    type: 'simple',
    ...companionOf(def),
    aggregation: {
      semanticModel: agg.semanticModel,
      agg: 'count_distinct',
      sourceAgg: 'count_distinct',
      expr: { sql: `CASE WHEN ${contributes} THEN ${sqlOf(s.entity.expr)} END` },
      useDiscretePercentile: false,
      aggTimeDimension: agg.aggTimeDimension,
      ...(agg.nonAdditiveDimension ? { nonAdditiveDimension: agg.nonAdditiveDimension } : {}),
      joinToTimespine: false,
    },
  };
}

export const CELL_KEY_PREFIX = '__cellkey__';

/** Output column name of the cell key of `metric` (cell-key.ts). */
export const cellKeyMetricName = (metric: string): string => hiddenName(CELL_KEY_PREFIX, metric);

/**
 * The cell key of a counting metric: the sum of the record keys of the distinct subjects that
 * contribute to the cell, in the same statement (same filters, group-by and time range).
 */
function cellKeyMetric(defs: Definitions, def: SimpleMetricDef): SimpleMetricDef {
  const counted = subjectCount(defs, def);
  const s = subjectOf(defs, def);
  if ('problem' in s) throw new Error(`subject of ${def.name}: ${s.problem}`);
  const contributes = contributionSql(def);
  return {
    ...counted,
    name: cellKeyMetricName(def.name),
    aggregation: { ...counted.aggregation, agg: 'sum_distinct', expr: { sql: `CASE WHEN ${contributes} THEN ${recordKeySql(sqlOf(s.entity.expr))} END` } },
  };
}

/** What every hidden subject-count companion takes from the metric it counts for. */
const companionOf = (def: MetricDef) => hiddenCompanion(def, subjectMetricName(def.name));

/**
 * LEAST over the inputs' subject counts; a derived count adds its own |value|, perturbed with
 * `valueKey` (the sum of its inputs' cell keys) when keyed — on the exact value the boundary
 * probe would find where the count of dossiers reaches k.
 */
function minimumOver(def: MetricDef, inputs: readonly MetricInputDef[], ownValue = false, valueKey = false): MetricDef {
  const aliased = inputs.map((input, i) => ({ ...input, name: subjectMetricName(input.name), alias: `subjects_${i}` }));
  const terms = aliased.map((a) => a.alias);
  // The metric itself as one more input: its |value| joins the minimum (a derived count).
  const self = ownValue ? [{ name: def.name, alias: 'derived_value', filters: [] }] : [];
  const key = valueKey ? [{ name: cellKeyMetricName(def.name), alias: 'derived_key', filters: [] }] : [];
  const value = 'ABS(CAST(derived_value AS DOUBLE PRECISION))';
  if (ownValue) terms.push(valueKey ? perturbedCountSql(value, 'derived_key') : value);
  return {
    type: 'derived',
    ...companionOf(def),
    expr: `LEAST(${terms.join(', ')})`,
    inputs: [...aliased, ...self, ...key],
  };
}

/** The cell key of a keyed derived metric: the sum of its inputs' cell keys (same filters and offsets). */
function derivedKey(def: Extract<MetricDef, { type: 'derived' }>): MetricDef {
  const inputs = def.inputs.map((input, i) => ({ ...input, name: cellKeyMetricName(input.name), alias: `key_${i}` }));
  return {
    type: 'derived',
    ...hiddenCompanion(def, cellKeyMetricName(def.name)),
    expr: inputs.map((i) => `COALESCE(CAST(${i.alias} AS BIGINT), 0)`).join(' + '),
    inputs,
  };
}

/** Name of the hidden window part of a cumulative metric's subject count. */
const windowSubjectsName = (metric: string): string => subjectMetricName(`window__${metric}`);


/** Whether every simple metric under `def` counts (through derived and cumulative; a ratio is no count). */
export function isCountMetric(byName: ReadonlyMap<string, MetricDef>, def: MetricDef | undefined, seen: readonly string[] = []): boolean {
  if (!def || seen.includes(def.name)) return false;
  switch (def.type) {
    case 'simple':
      return COUNTING_AGGREGATIONS.has(def.aggregation.sourceAgg);
    case 'cumulative':
      return isCountMetric(byName, byName.get(def.input.name), [...seen, def.name]);
    case 'derived':
      return def.inputs.every((i) => isCountMetric(byName, byName.get(i.name), [...seen, def.name]));
    default:
      return false;
  }
}

/** The same window as `def` over another simple metric (a hidden companion of its input). */
const windowOver = (def: CumulativeMetricDef, name: string, input: string): CumulativeMetricDef => ({ ...def, name, hidden: false, meta: {}, input: { ...def.input, name: input } });

function cumulativeSubjects(def: CumulativeMetricDef, keyed: boolean): MetricDef[] {
  // Keyed: the window over the exact count and over the key (raw rows: distinct persons of the
  // whole window), perturbed together; else the window over the plain subject count.
  const window = keyed ? perturbedCompanion(def, windowSubjectsName(def.name), exactSubjectsName(def.name), cellKeyMetricName(def.name)) : windowOver(def, windowSubjectsName(def.name), subjectMetricName(def.input.name));
  const parts = keyed ? [windowOver(def, exactSubjectsName(def.name), exactSubjectsName(def.input.name)), windowOver(def, cellKeyMetricName(def.name), cellKeyMetricName(def.input.name))] : [];
  const both: MetricDef = {
    type: 'derived',
    ...companionOf(def),
    expr: 'LEAST(window_subjects, COALESCE(increment_subjects, 0))',
    inputs: [
      { name: window.name, alias: 'window_subjects', filters: [] },
      { ...def.input, name: subjectMetricName(def.input.name), alias: 'increment_subjects' },
    ],
  };
  return [...parts, window, both];
}

/** A keyed simple metric: exact count and cell key of its contributing subjects, and the perturbed count. */
function keyedSubjects(defs: Definitions, def: SimpleMetricDef): MetricDef[] {
  const exact = { ...subjectCount(defs, def), name: exactSubjectsName(def.name) };
  return [exact, cellKeyMetric(defs, def), perturbedCompanion(def, subjectMetricName(def.name), exact.name, cellKeyMetricName(def.name))];
}

function subjectMetrics(defs: Definitions, def: MetricDef, byName: ReadonlyMap<string, MetricDef>, keyed: ReadonlySet<string>): MetricDef[] {
  const isKey = isKeyed(byName, keyed, def);
  switch (def.type) {
    case 'simple':
      return isKey ? keyedSubjects(defs, def) : [subjectCount(defs, def)];
    case 'ratio':
      return [minimumOver(def, [def.numerator, def.denominator])];
    case 'derived':
      return [minimumOver(def, def.inputs, isCountMetric(byName, def), isKey), ...(isKey ? [derivedKey(def)] : [])];
    case 'cumulative':
      return cumulativeSubjects(def, isKey);
    case 'conversion':
      throw new Error(`conversion metric ${def.name} cannot be protected (rejected at load)`);
  }
}

export const MASKED_PREFIX = '__masked__';

/** Output column name of the sort key of `metric` in one direction (what a query ordered by it sorts on). */
export function maskedMetricName(metric: string, descending: boolean): string {
  return hiddenName(`${MASKED_PREFIX}${descending ? 'desc' : 'asc'}__`, metric);
}

/**
 * The sort key of a protected metric, in SQL: the value where the cell is shown, and for a cell
 * below k a value past every shown one (+∞ ascending, −∞ descending). A query ordered by the metric
 * sorts on this instead of the true value, so the position of a withheld cell does not reveal its
 * rank, and "top 10" asks still get shown cells first. Cells without data
 * stay NULL and sort where NULLs always sort.
 */
function maskedMetric(def: MetricDef, k: number, descending: boolean): MetricDef {
  const past = descending ? '-Infinity' : 'Infinity';
  return {
    type: 'derived',
    name: maskedMetricName(def.name, descending),
    filters: [],
    ...(def.timeGranularity !== undefined ? { timeGranularity: def.timeGranularity } : {}),
    hidden: false,
    meta: {},
    loc: def.loc,
    expr:
      `CASE WHEN masked_value IS NULL THEN NULL WHEN COALESCE(masked_subjects, 0) >= ${k} THEN CAST(masked_value AS DOUBLE PRECISION) ` +
      `ELSE CAST('${past}' AS DOUBLE PRECISION) END`,
    inputs: [
      { name: def.name, alias: 'masked_value', filters: [] },
      { name: subjectMetricName(def.name), alias: 'masked_subjects', filters: [] },
    ],
  };
}

/**
 * The definitions plus, for every metric in a protected tree, a subject-count metric and (for the
 * protected ones) two sort keys, and for every personal model the subject count of its rows
 * (model-subjects.ts). The original metrics are untouched, so queries without protected metrics
 * compile exactly as before.
 */
export function withSubjectMetrics(defs: Definitions): Definitions {
  const ks = effectiveMinGroupSizes(defs);
  const keyed = keyedModels(defs);
  const byName = new Map(defs.metrics.map((m) => [m.name, m]));
  const added = new Map<string, MetricDef[]>();
  const visit = (name: string) => {
    const def = byName.get(name);
    if (!def || added.has(name)) return;
    added.set(name, subjectMetrics(defs, def, byName, keyed));
    for (const input of metricInputNames(def)) visit(input);
  };
  for (const name of ks.keys()) visit(name);
  const masked = [...ks].flatMap(([name, k]) => {
    const def = byName.get(name);
    return def ? [maskedMetric(def, k, false), maskedMetric(def, k, true)] : [];
  });
  return { ...defs, metrics: [...defs.metrics, ...[...added.values()].flat(), ...masked, ...modelRowsMetrics(defs, classifyData(defs), keyed)] };
}
