/**
 * The tables an SQL expression reads, found by PostgreSQL's own parser (libpg-query), not guessed:
 * a measure such as `(SELECT count(*) FROM calendar c WHERE …)` reads `calendar`, which lineage must
 * list beside the model's own table. Names of CTEs defined inside the expression are not tables.
 * An expression the parser refuses reads nothing here (the loader and `validate` report it).
 */
import { loadModule, parseSync } from 'libpg-query';

await loadModule();

const memo = new Map<string, readonly string[]>();

function walk(node: unknown, tables: Set<string>, ctes: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, tables, ctes);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const cte = record.CommonTableExpr as { ctename?: string } | undefined;
  if (cte?.ctename) ctes.add(cte.ctename);
  const range = record.RangeVar as { relname?: string; schemaname?: string } | undefined;
  if (range?.relname) tables.add(range.schemaname ? `${range.schemaname}.${range.relname}` : range.relname);
  for (const value of Object.values(record)) walk(value, tables, ctes);
}

/** Sorted table names (`schema.table` when qualified) read by `sql`, an SQL expression. */
export function tablesReadBy(sql: string): readonly string[] {
  const known = memo.get(sql);
  if (known) return known;
  let tables: readonly string[];
  try {
    const found = new Set<string>();
    const ctes = new Set<string>();
    walk(parseSync(`SELECT ${sql}`), found, ctes);
    tables = [...found].filter((t) => !ctes.has(t)).sort();
  } catch {
    tables = [];
  }
  if (memo.size > 2000) memo.clear();
  memo.set(sql, tables);
  return tables;
}
