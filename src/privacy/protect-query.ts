/**
 * Compiling a query with its subject counts: pure. A query without protected metrics compiles
 * exactly as before; one with protected metrics compiles once more against a graph that also
 * knows the subject-count metrics (src/privacy/subject-metrics.ts), asking for one hidden column
 * per protected metric. It stays ONE SQL statement; the hidden columns are dropped after
 * suppression and never reach a consumer.
 *
 * A query ordered by a protected metric sorts on a masked sort key (withheld cells past the shown
 * ones), and its limit moves from the SQL to the engine, after suppression.
 *
 * The first compile against the plain graph is what validates the request: a caller can never
 * name a subject-count metric (it does not exist there, also not in Metric() filters), and error
 * messages and suggestions are the same as without privacy.
 */
import { MaatstafError } from '../core/errors.js';
import type { CompiledQuery, ConstrainedQuery, MetricQuery, RollupCandidateInfo } from '../core/query.js';
import { compileQuery as compileRaw, type RollupSource } from '../compiler/index.js';
import { classifyData, type DataSensitivity } from '../definitions/governance/data-sensitivity.js';
import { effectiveMinGroupSizes, ownRoundTo, usesCellKey } from '../definitions/governance/subject.js';
import { parseFilter } from '../planner/filter-api.js';
import type { MetricDef } from '../definitions/model.js';
import { buildSemanticGraph, type SemanticGraph } from '../semantic-graph/index.js';
import { metricClosure } from '../semantic-graph/metric-tree.js';
import { dimensionOnlyThresholds, type RowThreshold } from './model-subjects.js';
import { refuseUnprovableShapes } from './provable-shapes.js';
import { bindSecret, checkSecret, SECRET_TOKEN } from './cell-key.js';
import { cellKeyMetricName, maskedMetricName, subjectMetricName, withSubjectMetrics } from './subject-metrics.js';

/** A protected metric column: its k and the hidden column with its subject count. */
export interface ProtectedColumn {
  readonly column: string;
  readonly k: number;
  readonly subjects: string;
}

export interface ProtectedQuery {
  /** SQL (with the hidden subject columns, if any) and the columns a consumer sees. */
  readonly compiled: CompiledQuery;
  readonly protectedColumns: readonly ProtectedColumn[];
  /** Metric columns whose shown values are rounded to a base (`meta.round_to`). */
  readonly rounding: readonly { readonly column: string; readonly base: number }[];
  /** Metric columns perturbed by the cell-key method, each with its hidden cell-key column. */
  readonly perturbed: readonly { readonly column: string; readonly cellKey: string }[];
  /**
   * Whether the answer's rows exist only because of data (no cumulative metric, no join to the time
   * spine): then a grouped row whose every value is withheld, one for its own size, is dropped.
   */
  readonly dropEmptyRows?: boolean;
  /** Ratio columns recomputed from the perturbed values of their cell-key inputs (hidden columns). */
  readonly ratios: readonly PerturbedRatio[];
  /** The parameters to run `compiled.sql` with, when they differ from the shown ones (the cell-key secret). */
  readonly runParams?: readonly unknown[];
  /** The group-by columns (everything but metrics): the keys complementary suppression works on. */
  readonly keyColumns: readonly string[];
  /** The query's limit, when the engine applies it after suppression (the SQL then has none). */
  readonly limit?: number;
  /** The query's offset, applied with the limit after suppression. */
  readonly offset?: number;
  /**
   * How sensitive the data is that the query reads: the most sensitive of the semantic models in
   * its SQL (metrics, group-by and filter items, dimension-only queries alike) and of its metrics.
   */
  readonly sensitivity: DataSensitivity;
  /**
   * Hidden columns a row must reach to be shown at all (a query without metrics over personal
   * models: its combinations need k subjects); rows below are dropped, not counted.
   */
  readonly rowThresholds: readonly RowThreshold[];
}

/** Compiles a query (with the access layer's row rule, when there is one) with its privacy protection. */
export type ProtectedCompiler = (query: ConstrainedQuery) => ProtectedQuery;

/** The output name an orderBy entry sorts on (`-name` descending), as the resolver reads it. */
const orderColumn = (entry: string): string => entry.trim().toLowerCase().replace(/^-\s*/, '');

/**
 * `{{ Metric('m', group_by=[…]) }}` in a request filter compares the unsuppressed value of m per
 * entity (`= 3` selects the districts with exactly 3 cases): for a protected m that would reveal
 * small cells through any other metric, so it is refused. Metric() filters written by definition
 * authors (reviewed files) stay allowed.
 */
function refuseProtectedMetricFilters(query: MetricQuery, ks: ReadonlyMap<string, number>): void {
  const where = query.where === undefined ? [] : typeof query.where === 'string' ? [query.where] : query.where;
  where.forEach((text, i) => {
    const path = `where[${i}]`;
    for (const ref of parseFilter(text, { path }).refs) {
      const name = ref.name.toLowerCase();
      if (ref.kind === 'metric' && ks.has(name)) {
        throw new MaatstafError(
          'UNSUPPORTED_QUERY',
          `${path}: metric '${name}' has a minimum group size (${ks.get(name)}); its values cannot be used in a filter. Query it as a metric instead.`,
          { name, path },
        );
      }
    }
  });
}

/** A ratio of two cell-key counts, published as perturbed numerator / perturbed denominator. */
export interface PerturbedRatio {
  readonly column: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly numeratorKey: string;
  readonly denominatorKey: string;
}

/**
 * A ratio computed from TRUE counts would give the true numerator and denominator back (their
 * perturbed values are only ±2 away), and with them the exact differences the cell-key method
 * hides. A ratio of two cell-key metrics (plain inputs, no filter or offset) is therefore
 * published as the ratio of their perturbed values.
 */
function perturbedRatio(graph: SemanticGraph, column: string): PerturbedRatio[] {
  const def = graph.metric(column);
  if (def?.type !== 'ratio') return [];
  const plain = (i: { name: string; filters: readonly string[]; offsetWindow?: unknown; offsetToGrain?: unknown }) =>
    i.filters.length === 0 && i.offsetWindow === undefined && i.offsetToGrain === undefined && usesCellKey(graph.metric(i.name)!);
  if (!plain(def.numerator) || !plain(def.denominator)) return [];
  const [numerator, denominator] = [def.numerator.name, def.denominator.name];
  return [{ column, numerator, denominator, numeratorKey: cellKeyMetricName(numerator), denominatorKey: cellKeyMetricName(denominator) }];
}

/** A metric whose rows exist only where its data does (no cumulative window, no time-spine join). */
const fromDataOnly = (d: MetricDef): boolean =>
  d.type !== 'cumulative' && !(d.type === 'simple' && (d.aggregation.joinToTimespine || d.aggregation.fillNullsWith !== undefined));

/**
 * The cell-key secret becomes one more bound parameter wherever the SQL uses record keys (cell-key
 * values, perturbed thresholds of keyed models); what /v1/compile shows has it redacted. Without a
 * configured secret such queries are refused (NOT_READY).
 */
function withSecret(full: CompiledQuery, secret: string | undefined): { sql: string; shown: unknown[]; run?: unknown[] } {
  if (!full.sql.includes(SECRET_TOKEN)) return { sql: full.sql, shown: [...full.params] };
  return bindSecret(full.sql, full.params, checkSecret(secret));
}

const runParams = (bound: { run?: unknown[] }) => (bound.run ? { runParams: bound.run } : {});

/**
 * A rollup refused for a hidden subject count says so in the caller's terms: the count of persons
 * behind each cell (what suppression decides on) is a distinct count, stored only at the rollup's
 * own grouping; at any other grouping the raw tables answer.
 */
function personalReason(c: RollupCandidateInfo): RollupCandidateInfo {
  const hidden = c.rule === 'distinct-needs-exact-grouping' || c.rule === 'metric-not-in-rollup' ? /metric '(__subjects__|__cellkey__|__masked__)([^']*)'/.exec(c.reason ?? '') : null;
  if (!hidden) return c;
  const metric = hidden[2]!;
  return {
    ...c,
    rule: 'personal-needs-exact-grouping',
    reason: `personal metric '${metric}': its suppression needs the count of persons per final cell, a distinct count the rollup ${c.rule === 'metric-not-in-rollup' ? 'does not store for this query' : 'holds only at exactly its own grouping'}`,
  };
}

export interface ProtectOptions {
  /** The cell-key secret (cell-key.ts); undefined: queries of cell-key metrics are refused. */
  readonly cellKeySecret?: string;
  /** Declared rollups (src/planner/rollups): every compile may read one; suppression runs on the final cells alike. */
  readonly rollups?: RollupSource;
}

export function protectedCompiler(graph: SemanticGraph, options: ProtectOptions = {}): ProtectedCompiler {
  const ks = effectiveMinGroupSizes(graph.definitions);
  const data = classifyData(graph.definitions);
  let subjectGraph: SemanticGraph | undefined;
  // Built on first use: engines whose definitions protect nothing never pay for it.
  const withSubjects = () =>
    (subjectGraph ??= buildSemanticGraph(withSubjectMetrics(graph.definitions), { timeColumnTypes: (m, d) => graph.timeColumnType(m, d) }));

  // Every compile may be answered from a rollup; a protected query's hidden subject counts are
  // metrics like any other there (distinct counts: only at a rollup's exact grouping).
  const compileQuery = (g: SemanticGraph, q: Parameters<typeof compileRaw>[1]) => compileRaw(g, q, options.rollups ? { rollups: options.rollups } : {});
  /** The rollup fields of the compile whose SQL runs. */
  const rollupOf = (c: CompiledQuery) => ({ ...(c.rollup ? { rollup: c.rollup } : {}), ...(c.rollupCandidates ? { rollupCandidates: c.rollupCandidates.map(personalReason) } : {}) });

  return (query) => {
    const base = compileQuery(graph, query);
    refuseProtectedMetricFilters(query, ks);
    const metrics = base.columns.filter((c) => c.kind === 'metric').map((c) => c.name);
    const keyColumns = base.columns.filter((c) => c.kind !== 'metric').map((c) => c.name);
    const sensitivity = data.classify(base.models, metrics);
    if (metrics.length === 0) {
      const rowThresholds = dimensionOnlyThresholds(query, base.models, graph.definitions, data);
      if (!rowThresholds) return { compiled: base, protectedColumns: [], rounding: [], perturbed: [], ratios: [], keyColumns, sensitivity, rowThresholds: [] };
      // One row per record, or the extreme values (one person's): no per-cell count can protect them.
      if (query.applyGroupBy === false || query.minMaxOnly) {
        throw new MaatstafError(
          'PRIVACY_PROTECTED',
          `${query.minMaxOnly ? 'minMaxOnly' : 'applyGroupBy: false'} is refused for queries reading personal data (${rowThresholds.map((t) => t.subjects.slice('__rows__'.length)).join(', ')}): ` +
            'query distinct values (the default) or one of its metrics.',
          { path: query.minMaxOnly ? 'minMaxOnly' : 'applyGroupBy' },
        );
      }
      // The same group-by, filters and order, counted per subject in the same statement; the limit after dropping.
      const { limit, offset, ...unlimited } = query;
      let full: CompiledQuery;
      try {
        full = compileQuery(withSubjects(), { ...unlimited, metrics: rowThresholds.map((t) => t.subjects) });
      } catch (e) {
        if (!(e instanceof MaatstafError)) throw e;
        throw new MaatstafError(
          'PRIVACY_PROTECTED',
          `This combination reads personal data (${rowThresholds.map((t) => t.subjects.slice('__rows__'.length)).join(', ')}) but cannot be counted per person: ` +
            'group by and filter on items of that semantic model and of models it joins to, or query one of its metrics.',
          {},
        );
      }
      const bound = withSecret(full, options.cellKeySecret);
      const compiled = { sql: bound.sql, params: bound.shown, columns: base.columns, models: full.models, ...rollupOf(full) };
      return { compiled, protectedColumns: [], rounding: [], perturbed: [], ratios: [], keyColumns, sensitivity, rowThresholds, ...runParams(bound), ...(limit !== undefined ? { limit } : {}), ...(offset ? { offset } : {}) };
    }
    const rounding = metrics.flatMap((column) => {
      const def = graph.metric(column);
      const roundTo = def ? ownRoundTo(def) : undefined;
      return roundTo !== undefined ? [{ column, base: roundTo }] : [];
    });
    const protectedColumns = metrics.flatMap((column) => {
      const k = ks.get(column);
      return k !== undefined ? [{ column, k, subjects: subjectMetricName(column) }] : [];
    });
    refuseUnprovableShapes(graph, protectedColumns.map((p) => p.column), base.columns);
    const rowThresholds: RowThreshold[] = [];
    if (protectedColumns.length === 0) return { compiled: base, protectedColumns, rounding, perturbed: [], ratios: [], keyColumns, sensitivity, rowThresholds };
    // Ordered by a protected metric: sort on its sort key (withheld cells last) instead of the true value.
    const sortKeys: string[] = [];
    const orderBy = query.orderBy.map((o) => {
      const column = orderColumn(o);
      if (!protectedColumns.some((p) => p.column === column)) return o;
      const descending = o.trim().startsWith('-');
      const key = maskedMetricName(column, descending);
      if (!sortKeys.includes(key)) sortKeys.push(key);
      return `${descending ? '-' : ''}${key}`;
    });
    // The limit is applied after suppression: complementary suppression must see every row of a line,
    // or `limit` would show a cell that the same query without limit withholds. The same for `offset`.
    const { limit, offset, ...unlimited } = query;
    const perturbed = protectedColumns.flatMap((p) => (usesCellKey(graph.metric(p.column)!) ? [{ column: p.column, cellKey: cellKeyMetricName(p.column) }] : []));
    const ratios = protectedColumns.flatMap((p) => perturbedRatio(graph, p.column));
    const inputs = [...new Set(ratios.flatMap((r) => [r.numerator, r.denominator]))].filter((m) => !metrics.includes(m));
    const keys = [...new Set([...perturbed.map((p) => p.cellKey), ...ratios.flatMap((r) => [r.numeratorKey, r.denominatorKey])])];
    const hidden = [...protectedColumns.map((p) => p.subjects), ...inputs, ...keys, ...sortKeys];
    const full = compileQuery(withSubjects(), { ...unlimited, metrics: [...metrics, ...hidden], orderBy });
    const bound = withSecret(full, options.cellKeySecret);
    const compiled = { sql: bound.sql, params: bound.shown, columns: base.columns, models: full.models, ...rollupOf(full) };
    return {
      compiled,
      protectedColumns,
      rounding,
      perturbed,
      ratios,
      dropEmptyRows: metrics.every((m) => metricClosure((n) => graph.metric(n), m).every(fromDataOnly)),
      keyColumns,
      sensitivity,
      rowThresholds,
      ...runParams(bound),
      ...(limit !== undefined ? { limit } : {}),
      ...(offset ? { offset } : {}),
    };
  };
}
