/**
 * Row comparison as MetricFlow's harness does it (tests_metricflow/sql/compare_data_table.py):
 * same columns, same row count, numbers equal within a relative tolerance of 1e-6, rows sorted
 * first unless the case checks order. Times are compared as wall-clock values (maatstaf appends the
 * project zone's offset to sub-daily times; MetricFlow's tables are TIMESTAMP without zone).
 */
export type Row = Readonly<Record<string, unknown>>;

const TIME = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2})(\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A cell as a comparable value: numbers as numbers, times as `YYYY-MM-DD HH:MM:SS[.ffffff]`. */
export function canonical(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return canonical(v.toISOString());
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const m = TIME.exec(v);
    if (m) {
      const frac = (m[3] ?? '').replace(/0+$/, '');
      return `${m[1]} ${m[2] ?? '00:00:00'}${frac === '.' ? '' : frac}`;
    }
    if (/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v)) return Number(v);
  }
  return v;
}

function sortKey(row: readonly unknown[]): string {
  return JSON.stringify(row.map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v)));
}

function equalCell(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return true;
    return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)) || a === b;
  }
  return a === b;
}

/** Undefined when equal, else what differs. */
export function compareRows(
  expected: readonly Row[],
  expectedColumns: readonly string[],
  actual: readonly Row[],
  actualColumns: readonly string[],
  opts: { readonly checkOrder: boolean; readonly allowEmpty: boolean },
): string | undefined {
  const exp = expectedColumns.map((c) => c.toLowerCase());
  const act = actualColumns.map((c) => c.toLowerCase());
  if ([...exp].sort().join(',') !== [...act].sort().join(',')) return `columns differ: expected [${exp.join(', ')}], got [${act.join(', ')}]`;
  if (!opts.allowEmpty && expected.length === 0) return 'expected table is empty (case not allowing empty)';
  const cells = (rows: readonly Row[], cols: readonly string[]) =>
    rows.map((r) => {
      const lower = Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));
      return exp.map((c) => canonical(lower[c] ?? (cols.includes(c) ? null : undefined)));
    });
  let e = cells(expected, exp);
  let a = cells(actual, act);
  if (e.length !== a.length) return `row count: expected ${e.length}, got ${a.length}${preview(e, a)}`;
  if (!opts.checkOrder) {
    e = [...e].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : sortKey(x) > sortKey(y) ? 1 : 0));
    a = [...a].sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : sortKey(x) > sortKey(y) ? 1 : 0));
  }
  for (let i = 0; i < e.length; i++) {
    for (let j = 0; j < exp.length; j++) {
      if (!equalCell(e[i]![j], a[i]![j])) {
        return `row ${i} column ${exp[j]}: expected ${JSON.stringify(e[i]![j])}, got ${JSON.stringify(a[i]![j])}${preview(e, a)}`;
      }
    }
  }
  return undefined;
}

function preview(e: readonly unknown[][], a: readonly unknown[][]): string {
  const show = (rows: readonly unknown[][]) => rows.slice(0, 4).map((r) => JSON.stringify(r)).join(' ');
  return `\n      expected: ${show(e)}${e.length > 4 ? ' …' : ''}\n      actual:   ${show(a)}${a.length > 4 ? ' …' : ''}`;
}
