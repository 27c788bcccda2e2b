/**
 * Small-cell suppression on a result: pure, runs inside engine.run before anything is cached.
 *
 * 1. Primary: a non-null cell of a protected metric whose subject count is below k becomes null
 *    (reason `min_group_size`). A missing subject count (no rows) counts as 0 subjects.
 * 2. Complementary: a "line" is the set of rows that agree on every group-by column but one (g);
 *    the sum of a line is what the same query without g returns (for one group-by column: the
 *    ungrouped total). A line with exactly ONE suppressed cell could give it back by subtraction,
 *    so the non-suppressed, non-null cell with the fewest subjects in that line (then the smallest
 *    |value|, then the first row) is suppressed as well (reason `complementary`). Repeated over
 *    every column and every g until no line has exactly one suppressed cell. Applied to every
 *    protected metric whatever its aggregation (conservative for medians and ratios).
 *    Limits: it protects against recomputing a cell from the totals of this query's own lines
 *    (the margins you get by dropping one group-by column). It does not see other queries with
 *    different filters (differencing two filtered queries can still reveal a small group);
 *    rounding (`round_to`) blurs such differences.
 * 3. Perturbation and rounding of the shown values: metrics with `disclosure_control: cell_key` get
 *    the noise of the published table for their cell key (cell-key.ts); metrics with
 *    `meta.round_to` are rounded to that base. Both after 1–2. Step 1 and the row thresholds of
 *    step 4 decide on the hidden subject counts as the SQL gives them: perturbed for keyed models
 *    (keyed-counts.ts), exact otherwise.
 * 4. Rows below a row threshold (a query without metrics over a personal model: a combination of
 *    fewer than k subjects) are dropped — not nulled, and not counted anywhere in the answer. So is
 *    a grouped row of a data-driven answer (`dropEmptyRows`: no time-spine rows) whose every value
 *    is withheld, one for its own size: its mere existence would name a small group. (A withheld
 *    complementary cell's row stays: it covers k or more.)
 * 5. The query's limit, when it has protected metrics, is applied here, after 1–4 saw every row.
 */
import { perturb } from './cell-key.js';
import type { PerturbedRatio, ProtectedColumn, ProtectedQuery } from './protect-query.js';

export type SuppressionReason = 'min_group_size' | 'complementary';

/** One row's withheld cells for one reason: `row` indexes `rows` of the answer (0-based). */
export interface SuppressedCells {
  readonly row: number;
  readonly columns: readonly string[];
  readonly reason: SuppressionReason;
  /** The minimum group size that applied. */
  readonly k: number;
}

export interface SuppressionResult {
  readonly rows: Record<string, unknown>[];
  readonly suppressed: SuppressedCells[];
}

type Marks = Map<number, SuppressionReason>;

const subjectsOf = (raw: Readonly<Record<string, unknown>> | undefined, col: ProtectedColumn): number => {
  const n = Number(raw?.[col.subjects] ?? 0);
  return Number.isFinite(n) ? n : 0;
};

function complementary(rows: readonly Record<string, unknown>[], values: readonly unknown[], subjects: readonly number[], marks: Marks, keys: readonly string[]): boolean {
  let changed = false;
  for (const g of keys) {
    const lines = new Map<string, number[]>();
    rows.forEach((row, i) => {
      const id = JSON.stringify(keys.filter((c) => c !== g).map((c) => row[c] ?? null));
      lines.set(id, [...(lines.get(id) ?? []), i]);
    });
    for (const line of lines.values()) {
      if (line.filter((i) => marks.has(i)).length !== 1) continue;
      const candidates = line.filter((i) => !marks.has(i) && values[i] !== null && values[i] !== undefined);
      candidates.sort((a, b) => subjects[a]! - subjects[b]! || Math.abs(Number(values[a])) - Math.abs(Number(values[b])) || a - b);
      const pick = candidates[0];
      if (pick === undefined) continue;
      marks.set(pick, 'complementary');
      changed = true;
    }
  }
  return changed;
}

/**
 * Marks the cells of one protected column: primary, then complementary until stable. For keyed
 * models the hidden subject count already is the PERTURBED count (keyed-counts.ts, in SQL): on the
 * exact count, whether a cell is shown would tell exactly when a filter moved its population
 * across k, one person at a time (shown at 10, withheld at 9), undoing the perturbation.
 */
function markColumn(formatted: readonly Record<string, unknown>[], raw: readonly Record<string, unknown>[], col: ProtectedColumn, keys: readonly string[]): Marks {
  const marks: Marks = new Map();
  const subjects = formatted.map((_, i) => subjectsOf(raw[i], col));
  formatted.forEach((row, i) => {
    const v = row[col.column];
    if (v !== null && v !== undefined && subjects[i]! < col.k) marks.set(i, 'min_group_size');
  });
  if (marks.size > 0 && keys.length > 0) {
    const values = formatted.map((row) => row[col.column]);
    while (complementary(formatted, values, subjects, marks, keys));
  }
  return marks;
}

/** A shown ratio recomputed from its inputs' perturbed counts (null stays null: withheld or no data). */
function perturbedRatio(shown: unknown, raw: Readonly<Record<string, unknown>> | undefined, r: PerturbedRatio): unknown {
  if (typeof shown !== 'number' || !raw) return shown;
  const numerator = perturb(Number(raw[r.numerator] ?? 0), raw[r.numeratorKey]) as number;
  const denominator = perturb(Number(raw[r.denominator] ?? 0), raw[r.denominatorKey]) as number;
  return denominator === 0 ? null : numerator / denominator;
}

function roundTo(v: unknown, base: number): unknown {
  return typeof v === 'number' && Number.isFinite(v) ? Math.round(v / base) * base : v;
}

/**
 * Suppresses and rounds. `formatted` are the rows as consumers see them (public columns only),
 * `raw` the warehouse rows in the same order (with the hidden subject-count columns).
 */
export function suppressRows(
  formatted: readonly Record<string, unknown>[],
  raw: readonly Record<string, unknown>[],
  plan: Pick<ProtectedQuery, 'protectedColumns' | 'rounding' | 'keyColumns' | 'limit' | 'offset'> & Partial<Pick<ProtectedQuery, 'rowThresholds' | 'perturbed' | 'ratios' | 'dropEmptyRows'>>,
): SuppressionResult {
  const rows = formatted.map((r) => ({ ...r }));
  const byRow = new Map<string, { row: number; columns: string[]; reason: SuppressionReason; k: number }>();
  for (const col of plan.protectedColumns) {
    for (const [i, reason] of markColumn(formatted, raw, col, plan.keyColumns)) {
      rows[i]![col.column] = null;
      const id = `${i}\u0000${reason}\u0000${col.k}`;
      const entry = byRow.get(id) ?? { row: i, columns: [], reason, k: col.k };
      entry.columns.push(col.column);
      byRow.set(id, entry);
    }
  }
  for (const { column, cellKey } of plan.perturbed ?? []) rows.forEach((row, i) => (row[column] = perturb(row[column], raw[i]?.[cellKey])));
  for (const r of plan.ratios ?? []) rows.forEach((row, i) => (row[r.column] = perturbedRatio(row[r.column], raw[i], r)));
  for (const { column, base } of plan.rounding) for (const row of rows) row[column] = roundTo(row[column], base);
  const order = (r: SuppressionReason) => (r === 'min_group_size' ? 0 : 1);
  const sorted = [...byRow.values()].sort((a, b) => a.row - b.row || order(a.reason) - order(b.reason) || a.k - b.k);
  const thresholds = plan.rowThresholds ?? [];
  const small = new Set(sorted.filter((e) => e.reason === 'min_group_size').map((e) => e.row));
  const empty = (row: Record<string, unknown>) => Object.keys(row).every((c) => plan.keyColumns.includes(c) || row[c] === null || row[c] === undefined);
  const drop = (row: Record<string, unknown>, i: number): boolean =>
    thresholds.some((t) => !(Number(raw[i]?.[t.subjects] ?? 0) >= t.k)) ||
    // A data-driven row whose every value is withheld, one for its own size, would still say that
    // someone with these attributes exists: it is dropped like a small combination.
    (plan.dropEmptyRows === true && plan.keyColumns.length > 0 && small.has(i) && empty(row));
  const { rows: kept, suppressed } = dropRows(rows, sorted, drop);
  if (plan.limit === undefined && !plan.offset) return { rows: kept, suppressed };
  // A page of the protected answer: the rows and withheld cells of the whole answer, sliced.
  const from = plan.offset ?? 0;
  const to = plan.limit === undefined ? Infinity : from + plan.limit;
  return { rows: kept.slice(from, to), suppressed: suppressed.filter((s) => s.row >= from && s.row < to).map((s) => (from ? { ...s, row: s.row - from } : s)) };
}

/** Drops rows; withheld-cell entries follow their rows' new positions. */
function dropRows(rows: Record<string, unknown>[], suppressed: SuppressedCells[], drop: (row: Record<string, unknown>, i: number) => boolean): SuppressionResult {
  const position: number[] = [];
  const kept: Record<string, unknown>[] = [];
  rows.forEach((row, i) => {
    const ok = !drop(row, i);
    position.push(ok ? kept.length : -1);
    if (ok) kept.push(row);
  });
  if (kept.length === rows.length) return { rows, suppressed };
  return { rows: kept, suppressed: suppressed.filter((s) => position[s.row]! >= 0).map((s) => ({ ...s, row: position[s.row]! })) };
}

/** Number of withheld cells in `meta.suppressed` (an entry names several columns of one row). */
export function suppressedCellCount(suppressed: readonly SuppressedCells[]): number {
  return suppressed.reduce((n, s) => n + s.columns.length, 0);
}
