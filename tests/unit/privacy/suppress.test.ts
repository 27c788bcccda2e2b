/** Small-cell suppression on result rows: primary, complementary, rounding, the meta shape. */
import { describe, expect, it } from 'vitest';
import { suppressedCellCount, suppressRows } from '../../../src/privacy/suppress.js';

const col = (column: string, k = 5) => ({ column, k, subjects: `__subjects__${column}` });
/** Rows with `n` (value) and `__subjects__n`; formatted rows drop the hidden column. */
function split(rows: Record<string, unknown>[]) {
  return { raw: rows, formatted: rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('__subjects__')))) };
}

describe('primary suppression', () => {
  it('withholds cells with fewer than k subjects and reports them', () => {
    const { raw, formatted } = split([
      { d: 'a', n: 40, __subjects__n: 20 },
      { d: 'b', n: 4, __subjects__n: 4 },
    ]);
    const r = suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [], keyColumns: [] });
    expect(r.rows).toEqual([{ d: 'a', n: 40 }, { d: 'b', n: null }]);
    expect(r.suppressed).toEqual([{ row: 1, columns: ['n'], reason: 'min_group_size', k: 5 }]);
    expect(formatted[1]!.n).toBe(4); // inputs are not mutated
  });

  it('counts subjects, not the value: 30 requests of 2 clients are withheld', () => {
    const { raw, formatted } = split([{ n: 30, __subjects__n: '2' }]);
    expect(suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [], keyColumns: [] }).rows).toEqual([{ n: null }]);
  });

  it('treats a missing subject count as 0 and leaves empty (null) cells unreported', () => {
    const { raw, formatted } = split([
      { d: 'a', n: 0, __subjects__n: null },
      { d: 'b', n: null, __subjects__n: null },
    ]);
    const r = suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [], keyColumns: [] });
    expect(r.rows).toEqual([{ d: 'a', n: null }, { d: 'b', n: null }]);
    expect(r.suppressed).toEqual([{ row: 0, columns: ['n'], reason: 'min_group_size', k: 5 }]);
  });

  it('suppresses at exactly k-1 and shows at k', () => {
    const { raw, formatted } = split([{ n: 9, __subjects__n: 9 }, { n: 10, __subjects__n: 10 }]);
    expect(suppressRows(formatted, raw, { protectedColumns: [col('n', 10)], rounding: [], keyColumns: [] }).rows).toEqual([{ n: null }, { n: 10 }]);
  });
});

describe('complementary suppression', () => {
  it('one group-by: a single suppressed cell takes the cell with the fewest subjects with it', () => {
    const { raw, formatted } = split([
      { d: 'a', n: 50, __subjects__n: 30 },
      { d: 'b', n: 3, __subjects__n: 3 },
      { d: 'c', n: 12, __subjects__n: 9 },
      { d: 'd', n: 20, __subjects__n: 15 },
    ]);
    const r = suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [], keyColumns: ['d'] });
    expect(r.rows.map((x) => x.n)).toEqual([50, null, null, 20]);
    expect(r.suppressed).toEqual([
      { row: 1, columns: ['n'], reason: 'min_group_size', k: 5 },
      { row: 2, columns: ['n'], reason: 'complementary', k: 5 },
    ]);
  });

  it('two suppressed cells in a line need no complement', () => {
    const { raw, formatted } = split([
      { d: 'a', n: 50, __subjects__n: 30 },
      { d: 'b', n: 3, __subjects__n: 3 },
      { d: 'c', n: 2, __subjects__n: 2 },
    ]);
    const r = suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [], keyColumns: ['d'] });
    expect(r.rows.map((x) => x.n)).toEqual([50, null, null]);
    expect(r.suppressed.map((s) => s.reason)).toEqual(['min_group_size', 'min_group_size']);
  });

  it('no group-by: the single cell is the total, nothing to complement', () => {
    const { raw, formatted } = split([{ n: 3, __subjects__n: 3 }]);
    expect(suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [], keyColumns: [] }).suppressed).toHaveLength(1);
  });

  it('two group-bys: every row and column line with a suppressed cell keeps at least two (cascades)', () => {
    // district × band; (b, x) is small. Row line b and column line x each need a complement,
    // which in turn leaves other lines with a single suppressed cell.
    const cells: [string, string, number][] = [
      ['a', 'x', 20], ['a', 'y', 30], ['a', 'z', 40],
      ['b', 'x', 2], ['b', 'y', 25], ['b', 'z', 35],
      ['c', 'x', 15], ['c', 'y', 16], ['c', 'z', 45],
    ];
    const { raw, formatted } = split(cells.map(([d, b, s]) => ({ d, b, n: s, __subjects__n: s })));
    const r = suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [], keyColumns: ['d', 'b'] });
    const nulls = r.rows.flatMap((x, i) => (x.n === null ? [i] : []));
    for (const key of ['d', 'b']) {
      const lines = new Map<unknown, number[]>();
      r.rows.forEach((x, i) => lines.set(x[key], [...(lines.get(x[key]) ?? []), i]));
      for (const line of lines.values()) expect(line.filter((i) => nulls.includes(i)).length).not.toBe(1);
    }
    expect(r.suppressed.filter((s) => s.reason === 'min_group_size').map((s) => s.row)).toEqual([3]);
    // (b, y) is the smallest other cell of line b; (c, x) the smallest other cell of line x.
    expect(r.rows[4]!.n).toBeNull();
    expect(r.rows[6]!.n).toBeNull();
  });

  it('works per protected column and leaves unprotected columns alone; groups one row’s columns per reason', () => {
    const { raw, formatted } = split([
      { d: 'a', n: 50, m: 7, open: 1, __subjects__n: 30, __subjects__m: 2 },
      { d: 'b', n: 3, m: 9, open: 2, __subjects__n: 3, __subjects__m: 3 },
      { d: 'c', n: 12, m: 8, open: 3, __subjects__n: 9, __subjects__m: 20 },
    ]);
    const r = suppressRows(formatted, raw, { protectedColumns: [col('n'), col('m')], rounding: [], keyColumns: ['d'] });
    expect(r.rows).toEqual([
      { d: 'a', n: 50, m: null, open: 1 },
      { d: 'b', n: null, m: null, open: 2 },
      { d: 'c', n: null, m: 8, open: 3 },
    ]);
    expect(r.suppressed).toEqual([
      { row: 0, columns: ['m'], reason: 'min_group_size', k: 5 },
      { row: 1, columns: ['n', 'm'], reason: 'min_group_size', k: 5 },
      { row: 2, columns: ['n'], reason: 'complementary', k: 5 },
    ]);
  });

  it('a group-by column named like anything (value) does not confuse the lines', () => {
    const { raw, formatted } = split([
      { value: 'a', n: 50, __subjects__n: 30 },
      { value: 'b', n: 3, __subjects__n: 3 },
      { value: 'c', n: 12, __subjects__n: 9 },
    ]);
    expect(suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [], keyColumns: ['value'] }).rows.map((x) => x.n)).toEqual([50, null, null]);
  });
});

describe('rounding', () => {
  it('rounds shown values to the base, after suppression', () => {
    const { raw, formatted } = split([
      { d: 'a', n: 47, __subjects__n: 30 },
      { d: 'b', n: 3, __subjects__n: 3 },
      { d: 'c', n: 12, __subjects__n: 9 },
      { d: 'd', n: 22, __subjects__n: 22 },
    ]);
    const r = suppressRows(formatted, raw, { protectedColumns: [col('n')], rounding: [{ column: 'n', base: 5 }], keyColumns: ['d'] });
    expect(r.rows.map((x) => x.n)).toEqual([45, null, null, 20]);
  });
});

describe('suppressedCellCount', () => {
  it('counts cells, not entries', () => {
    expect(
      suppressedCellCount([
        { row: 0, columns: ['a', 'b'], reason: 'min_group_size', k: 5 },
        { row: 2, columns: ['a'], reason: 'complementary', k: 5 },
      ]),
    ).toBe(3);
    expect(suppressedCellCount([])).toBe(0);
  });
});

describe('cell-key metrics: the threshold applies to the hidden subject count as the SQL gives it (perturbed for keyed models)', () => {
  // Slot = floor(key × 10 / 2^28): key 0 is noise −2, key 2^28 − 1 is noise +2 (PERTURBATION_SLOTS).
  const MINUS_TWO = 0;
  const PLUS_TWO = 2 ** 28 - 1;
  const plan = { protectedColumns: [col('n', 10)], rounding: [], keyColumns: [], perturbed: [{ column: 'n', cellKey: '__key__n' }] };
  // The SQL of a keyed model gives the perturbed subject count (keyed-counts.ts): 9 + 2 and 10 − 2.
  const rows = (n: number, key: number, perturbedSubjects: number) => ({ raw: [{ n, __subjects__n: perturbedSubjects, __key__n: key }], formatted: [{ n }] });

  it('a true 9 whose noise is +2 is shown (perturbed), a true 10 whose noise is −2 is withheld', () => {
    const nine = rows(9, PLUS_TWO, 11);
    expect(suppressRows(nine.formatted, nine.raw, plan).rows).toEqual([{ n: 11 }]);
    const ten = rows(10, MINUS_TWO, 8);
    expect(suppressRows(ten.formatted, ten.raw, plan).rows).toEqual([{ n: null }]);
  });

  it('without a cell key the true count decides (9 withheld, 10 shown)', () => {
    const exact = { protectedColumns: [col('n', 10)], rounding: [], keyColumns: [] };
    expect(suppressRows([{ n: 9 }], [{ n: 9, __subjects__n: 9 }], exact).rows).toEqual([{ n: null }]);
    expect(suppressRows([{ n: 10 }], [{ n: 10, __subjects__n: 10 }], exact).rows).toEqual([{ n: 10 }]);
  });
});
