/**
 * Whether a rollup may answer a resolved query: every rule must hold, else the raw tables answer.
 * Returns the first rule each candidate failed (in the order tried), or the rollup that answers.
 * Pure; the rules are written so that a rollup answer has exactly the raw answer's rows:
 *  - the build is current (same layout and definitions, same time zone, younger than max_age);
 *  - each metric re-aggregates exactly: sums and counts by SUM, min/max by MIN/MAX, averages from
 *    stored sums and counts; distinct counts, percentiles (and the privacy layer's subject counts)
 *    only at exactly the rollup's own grouping; ratio/derived metrics over such simple inputs
 *    without input filters or offsets; never cumulative, conversion, time-spine or semi-additive;
 *  - every group-by and filter item (the caller's row rules are filters too) is a rollup key, time
 *    items at the key's grain or a calendar multiple of it;
 *  - a time range starts and ends on periods of the rollup grain (no edges read from raw: v1 falls back).
 * Fan-out cannot happen: a rollup's keys resolve like any query, along many-to-one joins only.
 */
import { parseNaiveTime, periodStart } from '../resolve/time-range.js';
import type { ResolvedFilter, ResolvedItem, ResolvedMetric, ResolvedQuery } from '../resolve/resolved-query.js';
import type { Relation } from '../../definitions/model.js';
import { storableReason, type RollupShape, type StoredMetric } from './rollup-shape.js';
import { readFromKey, type KeyRead } from './time-compat.js';

export type RollupRule =
  | 'disabled'
  | 'not-built'
  | 'time-zone'
  | 'definitions-changed'
  | 'stale'
  | 'no-metrics'
  | 'metric-kind'
  | 'metric-not-in-rollup'
  | 'metric-filter'
  | 'input-filter'
  | 'offset'
  | 'nested-metric'
  | 'input-alias-clash'
  | 'distinct-needs-exact-grouping'
  | 'percentile-needs-exact-grouping'
  | 'group-by-item-missing'
  | 'time-grain'
  | 'metric-in-filter'
  | 'filter-item-missing'
  | 'unaligned-time-range';

export interface RollupMiss {
  readonly rule: RollupRule;
  readonly detail: string;
}

/** A finished build of a rollup, from its build record. */
export interface RollupState {
  /** Epoch milliseconds. */
  readonly builtAt: number;
  readonly timeZone: string;
  readonly hash: string;
  readonly relation: Relation;
}

export interface RollupCandidate {
  readonly shape: RollupShape;
  readonly state?: RollupState;
}

export interface MatchContext {
  readonly timeZone: string;
  /** Epoch milliseconds. */
  readonly now: number;
}

/** How one queried (or filtered) item reads from a key column. */
export interface KeyUse {
  readonly item: ResolvedItem;
  readonly column: string;
  readonly read: KeyRead;
}

/** Everything plan-rollup needs: the checked pieces of the query. */
export interface RollupMatch {
  readonly candidate: RollupCandidate & { readonly state: RollupState };
  readonly groupBy: readonly KeyUse[];
  /** Per query filter, per reference. */
  readonly filters: readonly (readonly KeyUse[])[];
  readonly exact: boolean;
}

const miss = (rule: RollupRule, detail: string): RollupMiss => ({ rule, detail });
const isMiss = (x: unknown): x is RollupMiss => typeof x === 'object' && x !== null && 'rule' in x;

function keyUse(shape: RollupShape, item: ResolvedItem, what: string, rule: RollupRule): KeyUse | RollupMiss {
  let grainMiss = false;
  for (const key of shape.keys) {
    const read = readFromKey(item, key.item);
    if (read === 'grain') grainMiss = true;
    else if (read) return { item, column: key.column, read };
  }
  if (grainMiss) return miss('time-grain', `${what} '${item.name}' cannot be read from the rollup's ${shape.grain} grain (only the same grain or a calendar multiple)`);
  return miss(rule, `${what} '${item.name}' is not a group-by item of the rollup`);
}

function checkState(c: RollupCandidate, ctx: MatchContext): RollupMiss | undefined {
  const { state, shape } = c;
  if (!state) return miss('not-built', 'the rollup has not been built (maatstaf rollups build)');
  if (state.timeZone !== ctx.timeZone) return miss('time-zone', `built in time zone ${state.timeZone}, the definitions use ${ctx.timeZone}`);
  if (state.hash !== shape.hash) return miss('definitions-changed', 'the definitions, the declaration or the cell-key secret changed since the build: rebuild it');
  const age = (ctx.now - state.builtAt) / 1000;
  if (age > shape.def.maxAgeSeconds) return miss('stale', `built ${Math.round(age)} s ago, max_age is ${shape.def.maxAgeSeconds} s`);
  return undefined;
}

/** The stored simple metric, or why `m` cannot be read from this rollup. */
function storedSimple(shape: RollupShape, m: ResolvedMetric, exact: boolean): StoredMetric | RollupMiss {
  if (m.kind !== 'simple') return miss('metric-kind', `metric '${m.name}' is a ${m.kind} metric: rollups serve simple, ratio and derived metrics only`);
  const reason = storableReason(m.def);
  if (reason) return miss('metric-kind', `metric '${m.name}': ${reason}`);
  const stored = shape.metrics.get(m.name);
  if (!stored) return miss('metric-not-in-rollup', `metric '${m.name}' is not stored in the rollup`);
  if (stored.kind === 'value' && !exact) {
    if (stored.agg === 'count_distinct' || stored.agg === 'sum_distinct') {
      return miss('distinct-needs-exact-grouping', `metric '${m.name}' is a distinct count: only answered at exactly the rollup's grouping`);
    }
    if (stored.agg === 'percentile') return miss('percentile-needs-exact-grouping', `metric '${m.name}' is a percentile: only answered at exactly the rollup's grouping`);
  }
  return stored;
}

function checkMetric(shape: RollupShape, m: ResolvedMetric, exact: boolean): RollupMiss | undefined {
  if (m.kind === 'simple') {
    const s = storedSimple(shape, m, exact);
    return isMiss(s) ? s : undefined;
  }
  if (m.kind !== 'ratio' && m.kind !== 'derived') return miss('metric-kind', `metric '${m.name}' is a ${m.kind} metric: rollups serve simple, ratio and derived metrics only`);
  if (m.filters.length) return miss('metric-filter', `metric '${m.name}' has its own filter over its inputs`);
  const inputs = m.kind === 'ratio' ? [m.numerator, m.denominator] : m.inputs;
  for (const input of inputs) {
    if (input.filters.length) return miss('input-filter', `input '${input.column}' of metric '${m.name}' has a filter`);
    if (input.offset) return miss('offset', `input '${input.column}' of metric '${m.name}' has a time offset`);
    if (input.metric.kind !== 'simple') return miss('nested-metric', `input '${input.column}' of metric '${m.name}' is itself a ${input.metric.kind} metric`);
    const s = storedSimple(shape, input.metric, exact);
    if (isMiss(s)) return s;
    if (s.kind === 'average') return miss('nested-metric', `input '${input.column}' of metric '${m.name}' is an average`);
  }
  return undefined;
}

/** Derived inputs are read by alias from one row: an alias may name only one metric and no group-by column. */
function aliasClash(q: ResolvedQuery): RollupMiss | undefined {
  const meaning = new Map<string, string>(q.groupBy.map((g) => [g.item.name, '']));
  for (const m of q.metrics) {
    if (m.kind !== 'derived') continue;
    for (const input of m.inputs) {
      const had = meaning.get(input.column);
      if (had !== undefined && had !== input.metric.name) return miss('input-alias-clash', `input name '${input.column}' of metric '${m.name}' means something else elsewhere in the query`);
      meaning.set(input.column, input.metric.name);
    }
  }
  return undefined;
}

function aligned(text: string, shape: RollupShape): boolean {
  const t = parseNaiveTime(text);
  return t !== undefined && periodStart(t, shape.grain).getTime() === t.getTime();
}

function filterUses(shape: RollupShape, f: ResolvedFilter): KeyUse[] | RollupMiss {
  if (f.metricRefs?.some((r) => r !== undefined)) return miss('metric-in-filter', `${f.origin} reads a metric (Metric())`);
  const uses: KeyUse[] = [];
  for (const item of f.items) {
    const u = keyUse(shape, item, `filter item (${f.origin})`, 'filter-item-missing');
    if (isMiss(u)) return u;
    uses.push(u);
  }
  return uses;
}

/** The first failed rule of one candidate, or its match. */
export function matchRollup(q: ResolvedQuery, c: RollupCandidate, ctx: MatchContext): RollupMatch | RollupMiss {
  const stateMiss = checkState(c, ctx);
  if (stateMiss) return stateMiss;
  const { shape } = c;
  if (!q.metrics.length) return miss('no-metrics', 'queries without metrics list dimension values from the raw tables');
  const groupBy: KeyUse[] = [];
  for (const g of q.groupBy) {
    const u = keyUse(shape, g.item, 'group-by item', 'group-by-item-missing');
    if (isMiss(u)) return u;
    groupBy.push(u);
  }
  const exact = groupBy.every((u) => u.read.kind === 'exact') && shape.keys.every((k) => groupBy.some((u) => u.column === k.column));
  for (const m of q.metrics) {
    const failed = checkMetric(shape, m, exact);
    if (failed) return failed;
  }
  const clash = aliasClash(q);
  if (clash) return clash;
  const filters: KeyUse[][] = [];
  for (const f of q.where) {
    const uses = filterUses(shape, f);
    if (isMiss(uses)) return uses;
    filters.push(uses);
  }
  const r = q.timeRange;
  if (r && !(aligned(r.start, shape) && aligned(r.endExclusive, shape))) {
    return miss('unaligned-time-range', `the time range [${r.start}, ${r.endExclusive}) does not start and end on whole ${shape.grain}s`);
  }
  return { candidate: c as RollupMatch['candidate'], groupBy, filters, exact };
}

export interface RollupTry {
  readonly name: string;
  readonly failed?: RollupMiss;
}

/** Tries the candidates in order; the first that matches answers. */
export function matchRollups(q: ResolvedQuery, candidates: readonly RollupCandidate[], ctx: MatchContext): { match?: RollupMatch; tried: RollupTry[] } {
  const tried: RollupTry[] = [];
  for (const c of candidates) {
    const result = matchRollup(q, c, ctx);
    if (isMiss(result)) tried.push({ name: c.shape.def.name, failed: result });
    else {
      tried.push({ name: c.shape.def.name });
      return { match: result, tried };
    }
  }
  return { tried };
}

/** The simple metrics under a resolved metric (ratio/derived inputs, cumulative/conversion inputs). */
function simpleNames(m: ResolvedMetric, out: Set<string>): Set<string> {
  switch (m.kind) {
    case 'simple':
      out.add(m.name);
      break;
    case 'ratio':
      simpleNames(m.numerator.metric, out);
      simpleNames(m.denominator.metric, out);
      break;
    case 'derived':
      m.inputs.forEach((i) => simpleNames(i.metric, out));
      break;
    case 'cumulative':
      simpleNames(m.input.metric, out);
      break;
    case 'conversion':
      simpleNames(m.base.metric, out);
      simpleNames(m.conversion.metric, out);
      break;
  }
  return out;
}

/** The rollups that store any simple metric under the query's metrics: the candidates worth trying (and listing). */
export function relevantRollups(q: ResolvedQuery, candidates: readonly RollupCandidate[]): RollupCandidate[] {
  const names = new Set<string>();
  q.metrics.forEach((m) => simpleNames(m, names));
  return candidates.filter((c) => [...names].some((n) => c.shape.metrics.has(n)));
}
